"""``doit configure``: the kernel, the sources, the probes, the header."""

from __future__ import annotations

import os
import re
import time
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
from buildsys.drivers.kernel_sources import sources_cache_root
from buildsys.drivers.selection import driver_named, select_all
from buildsys.kernel import kbuild
from buildsys.kernel.tree import KernelTree, compiler_identity, fingerprint, load_kernel
from buildsys.probing import batch, config_header
from buildsys.probing.cache import ProbeCache, answer_fields, digest
from drivers.catalog import DRIVER_PROBES
from kernel_probes import AnyProbe, all_probes
from kernel_probes.record import Define, ExportedSymbol, Probe, SourceGrep, define, have
from kernel_probes.warnings import DISABLED_WARNINGS


def default_kernel_dir() -> Path:
    return Path("/lib/modules") / os.uname().release / "build"


def build_dir_for(options: Options, kernel: KernelTree) -> Path:
    return Path(options.build_dir or Path("build") / kernel.release).resolve()


def configure(options: Options, progress: batch.Progress | None = None) -> ConfigureRecord:
    started = time.monotonic()
    kernel = load_kernel(Path(options.kernel_dir) if options.kernel_dir else default_kernel_dir())
    build_dir = build_dir_for(options, kernel)
    kbuild.check_paths([
        ("the kernel dir", kernel.path, "pass --kernel-dir=DIR elsewhere"),
        ("the build dir", build_dir, "pass --build-dir=DIR elsewhere"),
        ("the kernel sources cache", sources_cache_root(),
         "set NETMAP_BUILD_SOURCES_CACHE elsewhere")])
    with locked(build_dir / ".configure.lock"):
        locked_at = time.monotonic_ns()
        sweep_temporaries(build_dir, [HEADER, FILE, "options.json"])
        netmap, _ = netmap_sources.prepare(options.netmap_src or os.environ.get("NETMAP_SRC", ""),
                                    build_dir)
        selection = select_all(options, kernel, netmap, build_dir / "logs")
        config = Configuration(kernel, options, build_dir, selection, fingerprint(kernel))
        if selection.kernel_sources and selection.kernel_sources.warning:
            config.notes.append(selection.kernel_sources.warning)
        config.outcomes = _answer_probes(config, progress)
        config.header_changed = config_header.write(build_dir / HEADER, header_defines(config))
        options.build_dir = str(build_dir)
        options.record(build_dir)
        config.seconds = time.monotonic() - started
        found = config.freeze()
        write_record(found)
        _log_run(build_dir, locked_at)
    write_atomic(LAST_POINTER, str(build_dir) + "\n")
    return found


def _log_run(build_dir: Path, locked_at: int) -> None:
    """Append ``<pid> <lock taken> <done>`` (monotonic ns) to logs/configure-runs.log: the
    record that shows concurrent configures of one build dir ran one after the other."""
    log = build_dir / "logs" / "configure-runs.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as handle:
        handle.write(f"{os.getpid()} {locked_at} {time.monotonic_ns()}\n")


def _answer_probes(config: Configuration, progress: batch.Progress | None) -> list[ProbeOutcome]:
    records = all_probes(DRIVER_PROBES[name] for name in config.selection.probe_drivers)
    work = config.build_dir / "probes"
    binary, version = compiler_identity(config.kernel.compiler,
                                        config.build_dir / "logs" / "compiler.log")
    cache = ProbeCache({**config.fingerprint, "compiler_used": f"{binary}\n{version}"})
    if not config.options.no_cache:
        cache.load()
    if cache.problem:
        config.notes.append(cache.problem)
    if config.options.no_cache:
        config.notes.append("--no-cache: every probe compiled, the cache refreshed")
    config.warnings = _accepted_warnings(config, cache)
    ccflags = batch.warn_cflags(config.warnings)
    keys = {r.name: _probe_key(r, ccflags, config) for r in records}
    todo = [r for r in records if isinstance(r, Probe) and keys[r.name] not in cache.answers]
    fresh: dict[str, batch.Answer] = {}
    if todo:
        fresh = batch.run_probes(config.kernel, todo, work, ccflags,
                                   config.options.kernel_opts, progress=progress,
                                   sources=_probe_sources(config))
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


def _probe_key(record: AnyProbe, ccflags: list[str], config: Configuration) -> str:
    """A probe's cache key: its record but its note, its flags, the driver sources it includes."""
    parts: list[object] = [answer_fields(record), ccflags, config.options.kernel_opts]
    sources = config.selection.kernel_sources
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


def _accepted_warnings(config: Configuration, cache: ProbeCache) -> list[str]:
    """Upstream's preliminary probes: which -Wno-error= the compiler knows (cached)."""
    keys = {name: f"warning {name}" for name in DISABLED_WARNINGS}
    if not all(key in cache.answers for key in keys.values()):
        work = config.build_dir / "probe-flags"
        accepted = batch.accepted_warnings(config.kernel, work)
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
