"""Live progress of a stage (probes, modules, drivers, apps): counts and elapsed time."""

from __future__ import annotations

# The API the engine calls; the display behind it belongs to this module alone.
# Stub: no output yet (issue 17 item 2 fills it in: rich on a terminal, plain lines otherwise).


def start(stage: str, total: int) -> None:
    """A stage begins with ``total`` units of work (probes, modules...)."""


def advance(stage: str, done: str = "", count: int = 1) -> None:
    """``count`` units of ``stage`` finished; ``done`` names them (a driver, an app)."""


def finish(stage: str) -> None:
    """The stage is over (all done, or stopped by an error)."""
