"""``doit configure``: the kernel, the sources, the probes, the header."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from buildsys.cli.build_dirs import LAST_POINTER
from buildsys.cli.options import Options
from buildsys.configure import netmap_sources
from buildsys.configure.record import (
    FILE,
    HEADER,
    Configuration,
    ConfigureRecord,
    ProbeOutcome,
    write_record,
)
from buildsys.core.locking import locked, sweep_temporaries, write_atomic
from buildsys.drivers.kernel_sources import KernelSources, sources_cache_root
from buildsys.drivers.selection import driver_named, select_all
from buildsys.kernel import kbuild
from buildsys.kernel.tree import KernelTree, compiler_identity, fingerprint, load_kernel
from buildsys.probing import batch, config_header
from buildsys.probing.cache import ProbeCache, answer_fields, digest
from buildsys.probing.capture import CompileCommand
from drivers.catalog import DRIVER_PROBES
from kernel_probes import AnyProbe, all_probes
from kernel_probes.record import Define, ExportedSymbol, Probe, SourceGrep, define, have
from kernel_probes.warnings import DISABLED_WARNINGS


def default_kernel_dir() -> Path:
    return Path("/lib/modules") / os.uname().release / "build"


def build_dir_for(options: Options, kernel: KernelTree) -> Path:
    return Path(options.build_dir or Path("build") / kernel.release).resolve()


def configure(options: Options, progress: batch.Progress | None = None,
              with_sources: Callable[[Path, Options], None] | None = None) -> ConfigureRecord:
    """Configure; ``with_sources`` is called once netmap's tree is in the build dir (work
    that needs only the tree and the options starts there: `buildsys.build.ahead`)."""
    started = time.monotonic()
    kernel = load_kernel(Path(options.kernel_dir) if options.kernel_dir else default_kernel_dir())
    build_dir = build_dir_for(options, kernel)
    kbuild.check_paths([
        ("the kernel dir", kernel.path, "pass --kernel-dir=DIR elsewhere"),
        ("the build dir", build_dir, "pass --build-dir=DIR elsewhere"),
        ("the kernel sources cache", sources_cache_root(),
         "set NETMAP_BUILD_SOURCES_CACHE elsewhere")])
    # early: kbuild's run that shows its compile command, while netmap's sources are
    # unpacked (their files' writes take 0.3 s) and the drivers chosen (and their kernel
    # sources found); a bad --netmap-src waits for that run before it is told
    with locked(build_dir / ".configure.lock"), ThreadPoolExecutor(max_workers=1) as early:
        locked_at = time.monotonic_ns()
        sweep_temporaries(build_dir, [HEADER, FILE, "options.json"])
        probing = _start_probing(kernel, options, build_dir, early)
        try:
            netmap, _ = netmap_sources.prepare(
                options.netmap_src or os.environ.get("NETMAP_SRC", ""), build_dir)
        except BaseException:
            _drop_capture(probing, build_dir)
            raise
        if with_sources:
            with_sources(build_dir, options)
        selection = select_all(options, kernel, netmap, build_dir / "logs")
        config = Configuration(kernel, options, build_dir, selection, probing.fingerprint)
        if selection.kernel_sources and selection.kernel_sources.warning:
            config.notes.append(selection.kernel_sources.warning)
        config.outcomes = _answer_probes(config, probing, progress)
        config.header_changed = config_header.write(build_dir / HEADER, header_defines(config))
        options.build_dir = str(build_dir)
        options.record(build_dir)
        config.seconds = time.monotonic() - started
        found = config.freeze()
        write_record(found)
        _log_run(build_dir, locked_at)
    write_atomic(LAST_POINTER, str(build_dir) + "\n")
    return found


def _drop_capture(probing: _Probing, build_dir: Path) -> None:
    """netmap's sources were bad: kbuild's run started beside them, and the compiler's
    checks before it, leave nothing but their logs."""
    if probing.captured:
        wait([probing.captured])
    for scratch in ("probes", "probe-flags"):
        shutil.rmtree(build_dir / scratch, ignore_errors=True)


def _log_run(build_dir: Path, locked_at: int) -> None:
    """Append ``<pid> <lock taken> <done>`` (monotonic ns) to logs/configure-runs.log: the
    record that shows concurrent configures of one build dir ran one after the other."""
    log = build_dir / "logs" / "configure-runs.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as handle:
        handle.write(f"{os.getpid()} {locked_at} {time.monotonic_ns()}\n")


@dataclass
class _Probing:
    """What configure knows of its probes before the drivers are chosen."""

    fingerprint: dict[str, str]
    cache: ProbeCache
    warnings: list[str]  # the -Wno-error= names the compiler knows
    notes: list[str]
    captured: Future[CompileCommand | None] | None = None  # kbuild's command, on its way

    @property
    def ccflags(self) -> list[str]:
        return batch.warn_cflags(self.warnings)


def _start_probing(kernel: KernelTree, options: Options, build_dir: Path,
                   early: Executor) -> _Probing:
    """The cache and the warnings; and, when a generic probe is to be compiled (every
    configuration has them), kbuild's capture started in ``early``."""
    found = fingerprint(kernel)
    binary, version = compiler_identity(kernel.compiler, build_dir / "logs" / "compiler.log")
    cache = ProbeCache({**found, "compiler_used": f"{binary}\n{version}"})
    if not options.no_cache:
        cache.load()
    notes = [cache.problem] if cache.problem else []
    if options.no_cache:
        notes.append("--no-cache: every probe compiled, the cache refreshed")
    probing = _Probing(found, cache, _accepted_warnings(kernel, build_dir, cache), notes)
    generic = [r for r in all_probes(()) if isinstance(r, Probe) and not r.driver]
    ccflags = probing.ccflags
    if any(_probe_key(r, ccflags, options.kernel_opts, None) not in cache.answers
           for r in generic):
        setting = batch.Setting(kernel, build_dir / "probes", ccflags, options.kernel_opts)
        probing.captured = batch.start_capture(early, setting)
    return probing


def _answer_probes(config: Configuration, probing: _Probing,
                   progress: batch.Progress | None) -> list[ProbeOutcome]:
    records = all_probes(DRIVER_PROBES[name] for name in config.selection.probe_drivers)
    config.notes += probing.notes
    config.warnings = probing.warnings
    cache, ccflags = probing.cache, probing.ccflags
    sources = config.selection.kernel_sources
    keys = {r.name: _probe_key(r, ccflags, config.options.kernel_opts, sources)
            for r in records}
    todo = [r for r in records if isinstance(r, Probe) and keys[r.name] not in cache.answers]
    fresh: dict[str, batch.Answer] = {}
    if todo:
        fresh = batch.run_probes(config.kernel, todo, config.build_dir / "probes", ccflags,
                                 config.options.kernel_opts, progress=progress,
                                 sources=_probe_sources(config), notes=config.notes,
                                 captured=probing.captured)
        cache.save({keys[name]: answer.success for name, answer in fresh.items()})
    outcomes = []
    for record in records:
        if isinstance(record, Probe):
            answer = fresh.get(record.name)
            success = answer.success if answer else cache.answers[keys[record.name]]
            chosen = record.on_success if success else record.on_failure
            log = str(answer.log) if answer else ""
            outcomes.append(ProbeOutcome(record.name, success, answer is None, chosen, log))
        else:
            outcomes.append(_non_compile(record, config))
    return outcomes


def _probe_key(record: AnyProbe, ccflags: list[str], kernel_opts: list[str],
               sources: KernelSources | None) -> str:
    """A probe's cache key: its record but its note, its flags, the driver sources it includes."""
    parts: list[object] = [answer_fields(record), ccflags, kernel_opts]
    if record.driver and sources:
        parts += [sources.origin, str(sources.version)]
    return digest(parts)


def _probe_sources(config: Configuration) -> dict[str, Path]:
    """Pristine driver sources the driver probes include, by their path in the probe dir."""
    copies = {}
    for name, parent in config.selection.driver_sources.items():
        tree_name = driver_named(name).tree_name
        copies[tree_name] = parent / tree_name
    return copies


def _accepted_warnings(kernel: KernelTree, build_dir: Path, cache: ProbeCache) -> list[str]:
    """Upstream's preliminary probes: which -Wno-error= the compiler knows (cached)."""
    keys = {name: f"warning {name}" for name in DISABLED_WARNINGS}
    if not all(key in cache.answers for key in keys.values()):
        accepted = batch.accepted_warnings(kernel, build_dir / "probe-flags")
        cache.save({keys[name]: name in accepted for name in DISABLED_WARNINGS})
    return [name for name in DISABLED_WARNINGS if cache.answers[keys[name]]]


def _non_compile(record: ExportedSymbol | SourceGrep, config: Configuration) -> ProbeOutcome:
    if isinstance(record, ExportedSymbol):
        success = record.symbol in kbuild.symvers_exports(config.kernel.path / "Module.symvers")
    else:
        source = config.selection.driver_sources.get(record.driver or "")
        text = (source / record.path).read_text(errors="replace") if source else ""
        success = re.search(rf"\b{re.escape(record.word)}\b", text) is not None
    chosen = record.on_success if success else ()
    return ProbeOutcome(record.name, success, False, chosen)


def header_defines(config: Configuration) -> list[Define]:
    """Upstream's header order: probe macros in reverse, then the fixed answers."""
    compiled = [o for o in config.outcomes if o.name != "split_page_exported"]
    ordered = [d for outcome in reversed(compiled) for d in outcome.defines]
    ordered += [d for o in config.outcomes if o.name == "split_page_exported" for d in o.defines]
    if config.options.dmasync:
        ordered.append(have("DMASYNC"))
    ordered.append(define("DRIVER_SUFFIX", f'"{config.options.driver_suffix}"'))
    return ordered
