"""Which build dir a task works on: the one named (``build_dir=DIR``), else the last one
``doit configure`` wrote (``build/LAST``).  Light on purpose: dodo.py reads it to place
doit's own state, before any task runs."""

from __future__ import annotations

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


def doit_state_file(explicit: str) -> str:
    """doit's state lives in the build dir: two kernels' builds never share task state."""
    build_dir = Path(explicit) if explicit else last_configured()
    return str(build_dir / ".doit.db") if build_dir and build_dir.is_dir() else ".doit.db"
