"""Which build dir a task works on: the one named (``build_dir=DIR``), else the last one
``doit configure`` wrote (``build/LAST``).  Light on purpose: dodo.py reads it to place
doit's own state, before any task runs."""

from __future__ import annotations

import contextlib
from pathlib import Path

from buildsys.core.errors import UserError

LAST_POINTER = Path("build") / "LAST"


def last_configured() -> Path | None:
    """The build dir of the last `doit configure` run from here, if there is one."""
    if not LAST_POINTER.is_file():
        return None
    return Path(LAST_POINTER.read_text().strip())


def chosen(explicit: str) -> Path:
    """The named build dir, else the last configured one; none at all is bad input."""
    if explicit:
        return Path(explicit).resolve()
    last = last_configured()
    if last is None:
        raise UserError("no configured build dir", "run 'doit configure' first")
    return last


def doit_state_file(explicit: str, argv: list[str]) -> str:
    """doit's state lives in the build dir: two kernels' builds never share task state.
    `doit configure ... build` keeps it in the dir configure is about to write, so that
    the next `doit build` finds its tasks done (the dir is made now: doit opens its state
    before any task runs)."""
    build_dir = Path(explicit) if explicit else last_configured()
    if {"configure", "build"} <= set(argv[1:]) and not explicit:
        build_dir = _configured_by(argv) or build_dir
        if build_dir:
            with contextlib.suppress(OSError):
                build_dir.mkdir(parents=True, exist_ok=True)
    return str(build_dir / ".doit.db") if build_dir and build_dir.is_dir() else ".doit.db"


def _configured_by(argv: list[str]) -> Path | None:
    """The build dir the `doit configure` of ``argv`` writes, when its options tell."""
    from buildsys.cli.options import Options  # noqa: PLC0415 (only for a configure)
    from buildsys.configure.run import build_dir_for, default_kernel_dir  # noqa: PLC0415
    from buildsys.kernel.tree import load_kernel  # noqa: PLC0415

    named, kernel_dir = _option(argv, "--build-dir"), _option(argv, "--kernel-dir")
    if named:
        return Path(named).resolve()
    try:
        kernel = load_kernel(Path(kernel_dir) if kernel_dir else default_kernel_dir())
    except (OSError, UserError):
        return None  # configure says what is wrong
    return build_dir_for(Options(), kernel)


def _option(argv: list[str], name: str) -> str:
    for index, word in enumerate(argv):
        if word.startswith(f"{name}="):
            return word.partition("=")[2]
        if word == name and index + 1 < len(argv):
            return argv[index + 1]
    return ""
