"""What each doit task does, importable and testable without doit."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from apps import APPS
from buildsys import cli, outputs
from buildsys.configure import configure
from buildsys.errors import UserError
from buildsys.options import TOGGLED_SUBSYSTEMS, from_params
from drivers.catalog import DRIVERS


def console() -> Console:
    return Console(file=sys.__stdout__, highlight=False)


def configure_command(params: dict[str, Any], argv: list[str]) -> None:
    if params.get("show_drivers"):
        console().print(" ".join(d.name for d in DRIVERS))
        return
    if params.get("show_apps"):
        console().print(" ".join(a.name for a in APPS))
        return
    unknown = sorted(set(cli.subsystem_words(argv)) - set(TOGGLED_SUBSYSTEMS))
    if unknown:
        raise UserError(f"unknown subsystem {', '.join(unknown)}",
                        f"valid subsystems: {' '.join(TOGGLED_SUBSYSTEMS)}")
    out = console()
    with Progress(SpinnerColumn(), TextColumn("probing the kernel"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=out,
                  disable=not out.is_terminal, transient=True) as bar:
        task = bar.add_task("probes", total=None)

        def advance(done: int, planned: int) -> None:
            bar.update(task, completed=done, total=planned)

        config = configure(from_params(params), advance)
    outputs.summary(config, out)
