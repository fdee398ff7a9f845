"""Run probe records through one batch and say which compiled.

The batch is planned by `units`. kbuild compiles one object first, to show the exact
command it compiles with (`capture`); the units are then compiled with that command,
all cores busy (`direct`), or, when the command cannot be used as it is, through one
kbuild run as before. Either way the pass has its canaries. This module reads the
errors, gives each probe its answer and its own log, and compiles alone whatever could
not be answered for sure from a merged unit.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path

from buildsys.cli import progress as display
from buildsys.core import proc
from buildsys.core.errors import UserError
from buildsys.drivers.patching import copy_tree
from buildsys.kernel import kbuild
from buildsys.kernel.tree import KernelTree
from buildsys.probing import canaries, diagnostics, direct
from buildsys.probing import capture as capture_command
from buildsys.probing.canaries import Compiled
from buildsys.probing.capture import CompileCommand
from buildsys.probing.units import Unit, plan_units, standalone_unit
from kernel_probes.record import Probe
from kernel_probes.warnings import DISABLED_WARNINGS

# errors that may come from two bodies sharing a unit rather than from the probe
_SHARING_SUSPECTS = re.compile(
    r"redefinition|redeclaration|conflicting types|previous (definition|declaration)")
# a header's macro that a renaming #define replaced (and its #undef removed, for every
# body after it): no body of the unit saw what it would see alone
_MACRO_REPLACED = re.compile(r"\"\w+\" redefined")
_RENAMED = re.compile(r"nmprobe(\d+)_")
_UNKNOWN_WARNING = re.compile(r"-Wno-error=([\w-]+)'?: no option")
STAGE = "probes"  # the progress display's name for this stage


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
               sources: dict[str, Path] | None = None, notes: list[str] | None = None,
               captured: Future[CompileCommand | None] | None = None) -> dict[str, Answer]:
    """Compile ``probes`` in ``workdir`` and answer each of them.

    ``sources`` are copied into ``workdir`` first (driver sources that driver
    probes include, e.g. ``realtek/`` for ``#include "realtek/r8169_main.c"``);
    ``notes`` receives what a user should know about how they were compiled;
    ``captured`` is kbuild's command from `start_capture`, when configure started it
    early (else it is captured here).
    """
    notes = notes if notes is not None else []
    display.start(STAGE, len(probes))
    try:
        if captured is None:
            _fresh_dir(workdir)
        for relative, source in (sources or {}).items():
            copy_tree(source, workdir / relative)
        setting = Setting(kernel, workdir, ccflags, kernel_opts)
        command = captured.result() if captured else capture(setting)
        if command is None:
            notes.append(f"kbuild's compile command could not be read back ({workdir}/."
                         f"{capture_command.NAME}.o.cmd): probes compiled through kbuild")
        batch = _Batch(setting, progress, notes, command)
        answers, retry = batch.run(plan_units(probes, "u"))
        if retry:
            display.start(STAGE, len(probes) + len(retry))
            by_name = {probe.name: probe for probe in probes}
            alone = [standalone_unit(f"r{i}", by_name[name]) for i, name in enumerate(retry)]
            second, unsure = batch.run(alone)
            assert not unsure, "a probe compiled alone always has an answer"
            answers.update(second)
        return answers
    finally:
        display.finish(STAGE)


@dataclass(frozen=True)
class Setting:
    """Where and how a batch compiles: the kernel, the probes' dir, the flags of every
    unit, the user's options for the kernel's make."""

    kernel: KernelTree
    workdir: Path
    ccflags: list[str]
    kernel_opts: list[str]


def start_capture(pool: Executor, setting: Setting) -> Future[CompileCommand | None]:
    """`capture` in ``pool`` (the probes' dir emptied first), while configure goes on."""
    _fresh_dir(setting.workdir)
    return pool.submit(capture, setting)


def capture(setting: Setting) -> CompileCommand | None:
    """kbuild compiles the capture object (a positive canary of kbuild itself): its saved
    command, or None when it cannot be read back as it is."""
    unit = canaries.capture_unit(capture_command.NAME)
    compiled = _kbuild(setting, [unit], {unit.name: capture_command.MARKERS}, "capture",
                       extra=capture_command.kbuild_lines())
    canaries.check_kbuild(compiled, unit)
    return capture_command.read(setting.workdir)


def _fresh_dir(workdir: Path) -> None:
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "logs").mkdir(parents=True)


@dataclass
class _Batch:
    """The passes of one batch: the same kernel, flags and compile command for each."""

    setting: Setting
    progress: Progress | None
    notes: list[str]
    command: CompileCommand | None
    planned: int = 0
    done: int = 0
    probes_of: dict[str, int] = field(default_factory=dict)  # units not yet counted
    lock: threading.Lock = field(default_factory=threading.Lock)  # units end in threads

    def run(self, units: list[Unit]) -> tuple[dict[str, Answer], list[str]]:
        """Compile ``units`` with the canaries; raise when the pass cannot answer."""
        pass_letter = units[0].name[0]
        ok, fail = canaries.units(pass_letter)
        self.planned += len(units)
        self.probes_of.update({unit.name: len(unit.probes) for unit in units})
        compiled = self._direct([*units, ok, fail], pass_letter, ok, fail)
        if compiled is None:
            compiled = _kbuild(self.setting, [*units, ok, fail],
                               {u.name: u.cflags for u in units}, pass_letter,
                               on_object=self._compiled)
            canaries.check(ok, fail, compiled)
        answers: dict[str, Answer] = {}
        retry: list[str] = []
        for unit in units:
            output = compiled.outputs.get(unit.name, "")
            unit_answers, unit_retry = _judge(unit, unit.name in compiled.built, output,
                                              self.setting.workdir)
            answers.update(unit_answers)
            retry += unit_retry
        return answers, retry

    def _direct(self, units: list[Unit], pass_letter: str, ok: Unit,
                fail: Unit) -> Compiled | None:
        """The pass through the captured command, or None: through kbuild then (the
        command cannot take a unit's flags, or its canaries failed: kbuild's decide)."""
        if self.command is None:
            return None
        workdir = self.setting.workdir
        log = workdir / "logs" / f"compile-{pass_letter}.log"
        compiled = direct.compile_units(
            self.command, units, workdir, log, on_unit=self._compiled,
            settled=lambda unit, output: _all_fail(unit, output, workdir))
        if compiled is None:
            return None
        try:
            canaries.check(ok, fail, compiled)
        except UserError as error:
            self.notes.append(f"the probes' compile without kbuild failed its canaries "
                              f"({error.message}): compiled through kbuild")
            return None
        return compiled

    def _compiled(self, name: str) -> None:
        with self.lock:
            if name not in self.probes_of:
                return  # a canary, the capture, or a unit compiled again through kbuild
            self.done += 1
            display.advance(STAGE, count=self.probes_of.pop(name))
            if self.progress:
                self.progress(self.done, self.planned)


def _kbuild(setting: Setting, units: list[Unit], cflags: dict[str, tuple[str, ...]],
            pass_name: str, *, extra: tuple[str, ...] = (),
            on_object: Callable[[str], None] | None = None) -> Compiled:
    """One kbuild run over ``units`` (objects only, going on past errors)."""
    workdir = setting.workdir
    for unit in units:
        (workdir / f"{unit.name}.c").write_text(unit.text)
    names = [unit.name for unit in units]
    kbuild.write_kbuild(workdir, names, cflags, setting.ccflags, extra)
    log = workdir / "logs" / f"make-{pass_name}.log"
    result = kbuild.compile_objects(setting.kernel, workdir, names, setting.kernel_opts, log,
                                    on_object=on_object)
    built = frozenset(n for n in names if (workdir / f"{n}.o").is_file())
    return Compiled(built, kbuild.split_by_object(result.output), log)


def _judge(unit: Unit, built: bool, output: str,
           workdir: Path) -> tuple[dict[str, Answer], list[str]]:
    merged = len(unit.regions) > 1
    errors = diagnostics.parse(output, str(workdir / f"{unit.name}.c"))
    failed: dict[str | None, list[str]] = {}
    for error in errors:
        for name in _owners(unit, error):
            failed.setdefault(name, []).append(error.text)
    if merged and any(_MACRO_REPLACED.search(error.text) for error in errors):
        return {}, list(unit.probes)
    if not built and merged and (not errors or None in failed):
        return {}, list(unit.probes)  # an error we cannot place: ask each probe alone
    retry: list[str] = []
    answers = {}
    for index, name in enumerate(unit.probes):
        messages = failed.get(name, [])
        if merged and any(_shared(message, index) for message in messages):
            retry.append(name)
            continue
        success = built or (not messages and merged)
        log = _write_probe_log(workdir, name, unit, success, messages if merged else [output])
        answers[name] = Answer(success, log)
    return answers, retry


def _all_fail(unit: Unit, output: str, workdir: Path) -> bool:
    """Whether ``output`` (the unit's, with no object made) fails each of its probes on
    errors of its own, none of them one that sharing the unit could explain."""
    errors = diagnostics.parse(output, str(workdir / f"{unit.name}.c"))
    owners = [owner for error in errors for owner in _owners(unit, error)]
    if None in owners or any(_MACRO_REPLACED.search(error.text) for error in errors):
        return False
    failing = {name for name in owners if name}
    messages = {name: [e.text for e in errors if name in _owners(unit, e)]
                for name in failing}
    return failing == set(unit.probes) and not any(
        _shared(text, index) for index, name in enumerate(unit.probes)
        for text in messages[name])


def _shared(message: str, index: int) -> bool:
    """Whether an error in body ``index`` may come from sharing the unit: a clash, or a
    name another body was renamed to (its own renamed names fail alone just the same)."""
    return bool(_SHARING_SUSPECTS.search(message)) or any(
        int(number) != index for number in _RENAMED.findall(message))


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
