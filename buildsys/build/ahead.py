"""Parts of `doit build` started ahead of their doit task, in the same process.

doit runs the build's tasks one after the other, and each leaves a core idle in its
serial stretches: kbuild's makefiles before it compiles, then modpost, link and BTF; the
small makes of libnetmap and of each app; configure's kbuild capture and precompiled
header.  What needs nothing from the tasks before it is started here, in background
threads, when the doit run includes the whole `build` (`allow`):

- libnetmap, the apps and the utils need only netmap's tree and the options: they start
  as soon as configure has the tree (`doit configure build`), else with netmap.ko;
- each driver needs netmap.ko's ``Module.symvers``: the drivers start once netmap.ko
  is checked, two at a time.

A part's doit task then takes its result (`result`) instead of doing the work itself.
A part is started ahead only when its task is sure to run (the caller checks that its
target is missing, and doit runs a task whose target is missing), so a run builds
nothing it would not have built.  By the time doit looks, the target may be there:
each part's ``uptodate`` has `not_started`, so that doit still runs the task that
takes the result.  A failure started ahead is raised, and reported, by the part's own
task, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from buildsys.core import jobserver

Result = TypeVar("Result")

_allowed = [False]
_lanes: dict[str, ThreadPoolExecutor] = {}
_started: dict[tuple[str, str], Future[Any]] = {}


def allow() -> None:
    """This process builds the whole of `doit build`: parts may start ahead, their makes
    sharing the cores through one jobserver."""
    _allowed[0] = True
    jobserver.share()


def allowed() -> bool:
    return _allowed[0]


def start(build_dir: Path, part: str, work: Callable[[], object], *, lane: str,
          workers: int = 1) -> None:
    """Run ``work`` in ``lane`` (its threads, ``workers`` of them, in the order given)."""
    key = (str(build_dir), part)
    if not _allowed[0] or key in _started:
        return
    pool = _lanes.get(lane)
    if pool is None:
        pool = _lanes[lane] = ThreadPoolExecutor(workers, thread_name_prefix=f"ahead-{lane}")
    _started[key] = pool.submit(work)


def not_started(build_dir: Path, part: str) -> bool:
    """doit's ``uptodate`` of a part: never up to date while its result waits here."""
    return (str(build_dir), part) not in _started


def result(build_dir: Path, part: str, work: Callable[[], Result]) -> Result:
    """``work``'s result: from its start ahead when there was one, else done now."""
    future = _started.pop((str(build_dir), part), None)
    if future is None or future.cancelled():
        return work()
    outcome: Result = future.result()  # its exception, if it raised
    return outcome


def cancel() -> None:
    """Drop what has not started (configure failed): running makes end on their own."""
    for pool in _lanes.values():
        pool.shutdown(wait=False, cancel_futures=True)
    _lanes.clear()
    _started.clear()
