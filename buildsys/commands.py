"""What each doit task does, importable and testable without doit."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console

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
    config = configure(from_params(params))
    outputs.summary(config, console())
