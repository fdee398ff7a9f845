"""`doit build`'s progress (buildsys/cli/progress.py): its stages, each part counted as it
ends (built or failed), and the parts doit finds up to date."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from buildsys.cli import progress

# the stages, named as doit's group tasks that gather their parts
MODULES_STAGE = "modules"  # netmap.ko, then each driver
APPS_STAGE = "apps"  # libnetmap, each app, the utils

# doit's name of each part's task → its stage, as `tasks.build_tasks` made them
_stage_of_task: dict[str, str] = {}


@dataclass
class Part:
    """One part being built; its step marks it failed when it fails without raising."""

    failed: bool = False


@contextmanager
def counted(stage: str, total: int | None, name: str) -> Iterator[Part]:
    """The stage shows from its first part's start (``total`` parts: None counts nothing,
    as in a DKMS build); the part counts when it ends, failed if it raised."""
    part = Part()
    if total is None:
        yield part
        return
    progress.start(stage, total)
    ended = False
    try:
        yield part
        ended = True
    except Exception:
        part.failed = ended = True  # an interrupt ends the build, not the part
        raise
    finally:
        if ended:
            progress.advance(stage, f"{name} failed" if part.failed else name)
            _finish_when_complete(stage)


def part_task(task_name: str, stage: str) -> None:
    """``task_name`` (``build:driver-e1000``) builds one part of ``stage``."""
    _stage_of_task[task_name] = stage


def count_uptodate(task_name: str) -> None:
    """doit found ``task_name`` up to date: its part counts, with no line of its own."""
    stage = _stage_of_task.get(task_name)
    if stage:
        progress.skip(stage)
        _finish_when_complete(stage)


def _finish_when_complete(stage: str) -> None:
    if progress.complete(stage):
        progress.finish(stage)
