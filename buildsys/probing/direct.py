"""Compile the units with kbuild's own command (`capture`), all cores busy, no make.

Each unit is compiled by the captured command, renamed for it, in the directory kbuild
ran it in; when that compile makes the object, kbuild's post-compile steps (objtool) run
on it as kbuild runs them (one failing loses the object, as kbuild's ``set -e`` and
``.DELETE_ON_ERROR`` do). What comes out is the same as a kbuild batch's: which objects
were made and each unit's compiler output, for the canaries and the attribution.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from buildsys.core import jobserver, proc
from buildsys.kernel import kbuild
from buildsys.probing import pch
from buildsys.probing.canaries import Compiled
from buildsys.probing.capture import CompileCommand
from buildsys.probing.units import Unit

Result = TypeVar("Result")
Settled = Callable[[Unit, str], bool]  # whether the front end's output decides every answer


@dataclass(frozen=True)
class _Pass:
    """What every unit's compile of one pass shares."""

    command: CompileCommand
    prefixed: Future[CompileCommand | None]  # the command with the prefix header, once built
    workdir: Path
    logs: Path
    on_unit: Callable[[str], None]
    settled: Settled


def compile_units(command: CompileCommand, units: list[Unit], workdir: Path, log: Path, *,
                  on_unit: Callable[[str], None], settled: Settled) -> Compiled | None:
    """Compile ``units`` in ``workdir``; None when one of them cannot be compiled this way
    (its flags hold make syntax): the pass then goes through kbuild.

    The prefix header's ``.gch`` is built by one worker while the others compile the
    first units without it (a unit uses it once it is there: the same text either way).

    A unit that includes a whole driver source is first checked by the front end alone
    (``-fsyntax-only``: a fifth of the compile, code generation for the driver being the
    rest): when that output already fails each of its probes on errors of its own
    (``settled``), the compile stops there. Code generation only adds errors, so the
    full compile would fail each of them too; otherwise the unit is compiled in full.
    """
    if Path(command.cwd, command.path("unit.c")).parent != workdir:
        return None  # the command compiles elsewhere than the units are
    if any(command.compile_argv(unit.name, unit.cflags) is None for unit in units):
        return None
    logs = workdir / "logs" / "units"
    logs.mkdir(parents=True, exist_ok=True)
    pool = ThreadPoolExecutor(max_workers=kbuild.jobs())
    try:
        prefixed = pool.submit(_holding_job, pch.prefixed, command, workdir,
                               logs / f"{pch.HEADER}.log")
        shared = _Pass(command, prefixed, workdir, logs, on_unit, settled)
        outputs = dict(pool.map(lambda unit: _holding_job(_compile, unit, shared), units))
    finally:
        # on an interrupt, no unit not yet started is (the running ones get the signal too)
        pool.shutdown(wait=True, cancel_futures=True)
        pch.remove(workdir)
    built = frozenset(u.name for u in units if (workdir / f"{u.name}.o").is_file())
    proc.fresh_log(log).write_text("".join(f"== {u.name}.c\n{outputs[u.name]}" for u in units))
    return Compiled(built, {"": "", **outputs}, log)


def _holding_job(work: Callable[..., Result], *args: object) -> Result:
    """``work(*args)`` while holding a job of the shared jobserver (if there is one:
    `doit configure build` builds the apps beside the probes)."""
    with jobserver.job():
        return work(*args)


def _compile(unit: Unit, shared: _Pass) -> tuple[str, str]:
    """One unit: its front end first when it includes a driver source, then in full."""
    log = proc.fresh_log(shared.logs / f"{unit.name}.log")
    if unit.includes_source:
        output, _ = _with_prefix(unit, shared, log, front_end=True)
        if shared.settled(unit, output):
            shared.on_unit(unit.name)
            return unit.name, output
    output, _ = _with_prefix(unit, shared, log, front_end=False)
    shared.on_unit(unit.name)
    return unit.name, output


def _with_prefix(unit: Unit, shared: _Pass, log: Path, *, front_end: bool) -> tuple[str, bool]:
    """Compile ``unit`` with the prefix header when it is ready (and loads), else without."""
    prefixed = shared.prefixed.result() if shared.prefixed.done() else None
    blanked = pch.blanked(unit.text) if prefixed else None
    if prefixed and blanked is not None:
        output, made = _run(prefixed, unit, blanked, shared, log, front_end=front_end)
        if made or not pch.failed_to_load(output):
            return output, made
    return _run(shared.command, unit, unit.text, shared, log, front_end=front_end)


def _run(command: CompileCommand, unit: Unit, text: str, shared: _Pass, log: Path, *,
         front_end: bool) -> tuple[str, bool]:
    """Compile ``unit`` as ``text``, then kbuild's post-compile steps: output, made.
    ``front_end``: ``-fsyntax-only`` in place of ``-c -o``, which makes no object."""
    (shared.workdir / f"{unit.name}.c").write_text(text)
    argv = command.compile_argv(unit.name, unit.cflags)
    assert argv is not None, "checked for every unit first"
    if front_end:
        argv = [*argv[:-4], "-fsyntax-only", argv[-1]]
    cwd = command.cwd
    result = proc.run(argv, log, cwd=cwd, env=command.env, check=False)
    output = result.output
    target = Path(cwd, command.path(f"{unit.name}.o"))
    if result.returncode != 0:
        target.unlink(missing_ok=True)
    for step in command.after_argvs(unit.name) if target.is_file() and not front_end else []:
        after = proc.run(step, log, cwd=cwd, env=command.env, check=False)
        output += after.output
        if after.returncode != 0:
            target.unlink(missing_ok=True)
            break
    return output, target.is_file()
