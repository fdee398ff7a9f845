"""The command-line layer: doit's parameters and one-line errors."""

from __future__ import annotations

import errno
import sys
import traceback
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.text import Text

from buildsys.cli import progress
from buildsys.core.errors import NetmapBuildError, UserError

_REMEDIES = {
    errno.ENOSPC: "free some space there, then rerun: what was written is complete or absent",
    errno.EDQUOT: "free some space there, then rerun: what was written is complete or absent",
    errno.EROFS: "the filesystem is read-only: choose a writable --build-dir (or --destdir)",
    errno.EACCES: "no permission: choose a dir you can write (--build-dir, --destdir), or sudo",
    errno.EPERM: "no permission: choose a dir you can write (--build-dir, --destdir), or sudo",
    errno.ENOTDIR: "a file stands where a directory must be: move it, or choose another dir",
    errno.EEXIST: "a file stands where a directory must be: move it, or choose another dir",
    errno.ENOENT: "it is gone: rerun 'doit configure' (or restore it)",
}


def filesystem_error(error: OSError) -> UserError:
    """One line for an OSError: what failed, on which path, and what to do."""
    where = f" {error.filename}" if error.filename else ""
    what = error.strerror or str(error)
    return UserError(f"{what}:{where}" if where else what,
                     _REMEDIES.get(error.errno or 0, "fix this, then rerun"))


def report(error: NetmapBuildError) -> None:
    progress.stop()  # the live bars go first: the line stays whole, above the next ones
    errors = Console(file=sys.__stderr__, highlight=False)
    errors.print(Text.assemble(("error: ", "bold red"), error.one_line()), soft_wrap=True)


def guarded(action: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input: one red line and exit status 2.  A failed tool: its short story,
    and the task fails (doit exits 1, keeping what the other tasks did)."""

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return action(*args, **kwargs)
        except UserError as error:
            _traceback(kwargs)
            report(error)
            raise SystemExit(error.exit_status) from None
        except NetmapBuildError as error:
            _traceback(kwargs)
            report(error)
            return False
        except OSError as error:  # the machine's fault: a full disk, a read-only tree...
            _traceback(kwargs)
            report(filesystem_error(error))
            raise SystemExit(2) from None

    run.__name__ = getattr(action, "__name__", "action")
    run.__doc__ = action.__doc__
    return run


def _traceback(kwargs: dict[str, Any]) -> None:
    """With --verbose, the traceback (the live bars taken down first)."""
    if kwargs.get("verbose"):
        progress.stop()
        traceback.print_exc()
