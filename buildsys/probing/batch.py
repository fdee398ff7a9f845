"""Run probe records through one kbuild batch and say which compiled.

The batch is planned by `units`; this module compiles the units, reads
the errors, gives each probe its answer and its own log, and compiles alone
whatever could not be answered for sure from a merged unit.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from buildsys.core import proc
from buildsys.drivers.patching import copy_tree
from buildsys.kernel import kbuild
from buildsys.kernel.tree import KernelTree
from buildsys.probing import canaries, diagnostics
from buildsys.probing.units import Unit, plan_units, standalone_unit
from kernel_probes.record import Probe
from kernel_probes.warnings import DISABLED_WARNINGS

# errors that may come from two bodies sharing a unit rather than from the probe
_SHARING_SUSPECTS = re.compile(
    r"nmprobe\d+_|redefinition|redeclaration|conflicting types|previous (definition|declaration)"
)
_UNKNOWN_WARNING = re.compile(r"-Wno-error=([\w-]+)'?: no option")


@dataclass(frozen=True)
class Answer:
    success: bool
    log: Path


def accepted_warnings(kernel: KernelTree, workdir: Path) -> list[str]:
    """The ``-Wno-error=`` names the kernel's compiler knows (upstream's preliminary tests)."""
    workdir.mkdir(parents=True, exist_ok=True)
    empty = workdir / "empty.c"
    empty.write_text("int netmap_build_empty;\n")
    flags = [f"-Wno-error={name}" for name in DISABLED_WARNINGS]
    argv = [kernel.compiler, "-Werror", *flags, "-fsyntax-only", str(empty)]
    result = proc.run(argv, workdir / "warnings.log", check=False)
    unknown = set(_UNKNOWN_WARNING.findall(result.output))
    return [name for name in DISABLED_WARNINGS if name not in unknown]


def warn_cflags(accepted: list[str]) -> list[str]:
    return ["-Werror", *(f"-Wno-error={name}" for name in accepted)]


Progress = Callable[[int, int], None]  # (units compiled, units planned)


def run_probes(kernel: KernelTree, probes: list[Probe], workdir: Path, ccflags: list[str],
               kernel_opts: list[str], *, progress: Progress | None = None,
               sources: dict[str, Path] | None = None) -> dict[str, Answer]:
    """Compile ``probes`` in ``workdir`` and answer each of them.

    ``sources`` are copied into ``workdir`` first (driver sources that driver
    probes include, e.g. ``realtek/`` for ``#include "realtek/r8169_main.c"``).
    """
    _fresh_dir(workdir)
    for relative, source in (sources or {}).items():
        copy_tree(source, workdir / relative)
    batch = _Batch(kernel, workdir, ccflags, kernel_opts, progress)
    answers, retry = batch.run(plan_units(probes, "u"))
    if retry:
        by_name = {probe.name: probe for probe in probes}
        alone = [standalone_unit(f"r{i}", by_name[name]) for i, name in enumerate(retry)]
        second, unsure = batch.run(alone)
        assert not unsure, "a probe compiled alone always has an answer"
        answers.update(second)
    return answers


def _fresh_dir(workdir: Path) -> None:
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "logs").mkdir(parents=True)


@dataclass
class _Batch:
    """One kbuild run over a set of units; a second pass reuses the same settings."""

    kernel: KernelTree
    workdir: Path
    ccflags: list[str]
    kernel_opts: list[str]
    progress: Progress | None
    planned: int = 0
    done: int = 0

    def run(self, units: list[Unit]) -> tuple[dict[str, Answer], list[str]]:
        """Compile ``units`` with the canaries; raise when the batch cannot answer."""
        workdir = self.workdir
        pass_letter = units[0].name[0]
        ok, fail = canaries.units(pass_letter)
        compiled = [*units, ok, fail]
        for unit in compiled:
            (workdir / f"{unit.name}.c").write_text(unit.text)
        names = [unit.name for unit in compiled]
        kbuild.write_kbuild(workdir, names, {u.name: u.cflags for u in compiled}, self.ccflags)
        self.planned += len(units)
        log = workdir / "logs" / f"make-{pass_letter}.log"
        result = kbuild.compile_objects(self.kernel, workdir, names, self.kernel_opts, log,
                                        on_object=self._compiled)
        outputs = kbuild.split_by_object(result.output)
        canaries.check(ok, fail, workdir, outputs, log)
        answers: dict[str, Answer] = {}
        retry: list[str] = []
        for unit in units:
            built = (workdir / f"{unit.name}.o").is_file()
            unit_answers, unit_retry = _judge(unit, built, outputs.get(unit.name, ""), workdir)
            answers.update(unit_answers)
            retry += unit_retry
        return answers, retry

    def _compiled(self, name: str) -> None:
        if "canary" in name:
            return
        self.done += 1
        if self.progress:
            self.progress(self.done, self.planned)


def _judge(unit: Unit, built: bool, output: str,
           workdir: Path) -> tuple[dict[str, Answer], list[str]]:
    merged = len(unit.regions) > 1
    errors = diagnostics.parse(output, str(workdir / f"{unit.name}.c"))
    failed: dict[str | None, list[str]] = {}
    for error in errors:
        for name in _owners(unit, error):
            failed.setdefault(name, []).append(error.text)
    if not built and merged and (not errors or None in failed):
        return {}, list(unit.probes)  # an error we cannot place: ask each probe alone
    retry: list[str] = []
    answers = {}
    for name in unit.probes:
        messages = failed.get(name, [])
        if merged and any(_SHARING_SUSPECTS.search(e) for e in messages):
            retry.append(name)
            continue
        success = built or (not messages and merged)
        log = _write_probe_log(workdir, name, unit, success, messages if merged else [output])
        answers[name] = Answer(success, log)
    return answers, retry


def _owners(unit: Unit, error: diagnostics.CompileError) -> list[str | None]:
    """The probes an error belongs to; [None] when it cannot be placed."""
    for line in error.unit_lines:
        owner = unit.probe_at(line)
        if owner:
            return [owner]
    if error.unit_lines and all(line <= unit.header_lines for line in error.unit_lines):
        return list(unit.probes)  # in the shared headers: each probe alone fails too
    return [None]


def _write_probe_log(workdir: Path, probe: str, unit: Unit, success: bool,
                     lines: list[str]) -> Path:
    log = workdir / "logs" / f"{probe}.log"
    header = f"probe {probe}: {'compiled' if success else 'failed'} in unit {unit.name}.c\n"
    log.write_text(header + "\n".join(lines) + ("\n" if lines else ""))
    return log
