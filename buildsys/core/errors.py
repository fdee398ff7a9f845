"""Errors meant for people: a message and the remedy, never a traceback."""

from __future__ import annotations

import errno

# faults of the machine, not of an input: the command line reports them as they are
_MACHINE_FAULTS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def machine_fault(error: BaseException) -> bool:
    """A full disk or a read-only filesystem: not the input's fault, not to be reworded."""
    return isinstance(error, OSError) and error.errno in _MACHINE_FAULTS


def located(error: OSError, path: object) -> OSError:
    """``error`` naming ``path`` when it names nothing (a write() on a full disk)."""
    return error if error.filename else OSError(error.errno, error.strerror, str(path))


class NetmapBuildError(Exception):
    """Base of the errors the command line prints in one line."""

    exit_status = 1

    def __init__(self, message: str, remedy: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def one_line(self) -> str:
        if self.remedy:
            return f"{self.message}: {self.remedy}"
        return self.message


class UserError(NetmapBuildError):
    """Bad input: a path, an option, a tree that is not what it should be."""

    exit_status = 2


class ToolError(NetmapBuildError):
    """A tool we ran failed in a way the user has to look at."""


class CommandFailed(ToolError):
    """A command exited non-zero; its output is in ``log``."""

    def __init__(self, argv: list[str], returncode: int, log: str) -> None:
        super().__init__(
            f"{argv[0]} exited with status {returncode}", f"see {log}"
        )
        self.argv = argv
        self.returncode = returncode
        self.log = log
