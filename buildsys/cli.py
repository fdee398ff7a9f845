"""The command-line layer: doit's parameters and one-line errors."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.text import Text

from buildsys.errors import NetmapBuildError, UserError


def report(error: NetmapBuildError) -> None:
    errors = Console(file=sys.__stderr__, highlight=False)
    errors.print(Text.assemble(("error: ", "bold red"), error.one_line()), soft_wrap=True)


def guarded(action: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input: one red line and exit status 2.  A failed tool: its short story,
    and the task fails (doit exits 1, keeping what the other tasks did)."""

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return action(*args, **kwargs)
        except UserError as error:
            if kwargs.get("verbose"):
                traceback.print_exc()
            report(error)
            raise SystemExit(error.exit_status) from None
        except NetmapBuildError as error:
            if kwargs.get("verbose"):
                traceback.print_exc()
            report(error)
            return False

    run.__name__ = getattr(action, "__name__", "action")
    run.__doc__ = action.__doc__
    return run
