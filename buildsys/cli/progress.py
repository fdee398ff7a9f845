"""Live progress of a stage (probes, modules, drivers, apps): counts and elapsed time.

On a terminal: rich's progress display, one transient bar per running stage (its name,
done out of total, elapsed time, the part that finished last), taken down before anything
else is printed (`stop`; the next count puts it back).  Anywhere else (CI logs, dkms's
make.log, a pipe) and on a dumb terminal: plain lines with no control characters, one per
named part (``modules: 3/14 e1000 (41.2 s)``), unnamed counts at most every
`PLAIN_EVERY` seconds (``probes: 90/141 (3.2 s)``), then the stage's final count.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

PLAIN_EVERY = 2.0  # seconds between two plain lines of unnamed counts (probes)
Clock = Callable[[], float]


def start(stage: str, total: int) -> None:
    """A stage begins with ``total`` units of work (probes, modules...).

    Starting a stage that is already running only sets its total (its count and clock go on).
    """
    with _lock:
        _current().start(stage, total)


def advance(stage: str, done: str = "", count: int = 1) -> None:
    """``count`` units of ``stage`` finished; ``done`` names them (a driver, an app)."""
    with _lock:
        _current().advance(stage, done, count)


def finish(stage: str) -> None:
    """The stage is over (all done, or stopped by an error)."""
    with _lock:
        _current().finish(stage)


def skip(stage: str, count: int = 1) -> None:
    """``count`` units of ``stage`` needed no work (up to date): counted, with no line."""
    with _lock:
        _current().skip(stage, count)


def complete(stage: str) -> bool:
    """Whether every unit of a running ``stage`` is counted (done or skipped)."""
    with _lock:
        found = _current().stages.get(stage)
        return found is not None and 0 < found.total <= found.done


def stop() -> None:
    """Take the live bars down now, before a table or an error is printed."""
    with _lock:
        _current().stop()


def write(text: str, stream: TextIO) -> None:
    """``text`` for ``stream`` (doit's own lines): above the live bars while they show."""
    with _lock:
        _current().write(text, stream)


def use(stream: TextIO | None = None, *, terminal: bool | None = None,
        clock: Clock = time.monotonic) -> None:
    """Forget every stage; progress goes to ``stream`` (None: the process's stdout), live
    when ``terminal`` (None: when it is a terminal that is not dumb).  For tests."""
    with _lock:
        if _boards:
            _boards.pop().stop()
        _boards.append(_Board(stream, terminal, clock))


@dataclass
class _Stage:
    name: str
    total: int
    started: float
    line_at: float  # when its last plain line was printed (or it started)
    done: int = 0
    skipped: int = 0
    shown: bool = False  # started or advanced, not only skipped
    advanced: bool = False
    last: str = ""  # the part that finished last
    line_done: int = 0  # the count its last plain line showed
    bar: TaskID | None = None  # its bar while the live display is up

    def bar_total(self) -> int | None:
        return max(self.total, self.done) or None  # None: rich's bar for an unknown total

    def count_text(self) -> str:
        total = max(self.total, self.done) if self.total else 0
        return f"{self.done}/{total}" if total else str(self.done)


class _Board:
    """Every running stage and the one display they share."""

    def __init__(self, stream: TextIO | None, terminal: bool | None, clock: Clock) -> None:
        self.stream = stream if stream is not None else sys.__stdout__
        self.clock = clock
        self.stages: dict[str, _Stage] = {}
        self.live: Progress | None = None
        self.pending = ""  # doit's text not ended by a newline yet
        self.pid = os.getpid()
        self.silent = self.stream is None or _worker_process()
        live = _is_terminal(self.stream) if terminal is None else terminal
        self.terminal = live and not self.silent

    def start(self, name: str, total: int) -> None:
        stage = self._stage(name)
        stage.total, stage.shown = max(total, 0), True
        self._draw(stage)

    def advance(self, name: str, part: str, count: int) -> None:
        stage = self._stage(name)
        stage.done += count
        stage.shown = stage.advanced = True
        stage.last = _printable(part) or stage.last
        if self.terminal:
            self._draw(stage)
        elif part or self.clock() - stage.line_at >= PLAIN_EVERY:
            self._line(stage, stage.last if part else "")

    def skip(self, name: str, count: int) -> None:
        stage = self._stage(name)
        stage.done += count
        stage.skipped += count
        self._draw(stage)

    def finish(self, name: str) -> None:
        stage = self.stages.pop(name, None)
        if stage is None:
            return
        if not self.terminal and stage.advanced and stage.line_done != stage.done:
            self._line(stage, f"{stage.skipped} up to date" if stage.skipped else "", final=True)
        if self.live is not None and stage.bar is not None:
            self.live.remove_task(stage.bar)
        if not any(other.bar is not None for other in self.stages.values()):
            self.stop()

    def stop(self) -> None:
        if self.live is not None:
            live, self.live = self.live, None
            live.stop()
            for stage in self.stages.values():
                stage.bar = None
        if self.pending:
            self._emit(self.pending)
            self.pending = ""

    def write(self, text: str, stream: TextIO) -> None:
        if self.live is None or not _same_file(stream, self.stream):
            stream.write(text)
            return
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self.live.console.print(line, markup=False, highlight=False, emoji=False,
                                    soft_wrap=True)

    def _stage(self, name: str) -> _Stage:
        if name not in self.stages:
            now = self.clock()
            self.stages[name] = _Stage(_printable(name), 0, now, now)
        return self.stages[name]

    def _draw(self, stage: _Stage) -> None:
        """The stage's bar, the live display put up first if it is down."""
        if not self.terminal or not stage.shown:
            return
        if self.live is None:
            self.live = _live_display(self.stream, self.clock)
            _stop_at_exit()
        for each in self.stages.values():  # after a stop: every running stage again, in order
            if each.shown and each.bar is None:
                each.bar = self.live.add_task(each.name, total=each.bar_total(),
                                              completed=each.done, last=each.last,
                                              started=each.started)
        assert stage.bar is not None
        self.live.update(stage.bar, total=stage.bar_total(), completed=stage.done,
                         last=stage.last)

    def _line(self, stage: _Stage, part: str = "", *, final: bool = False) -> None:
        elapsed = self.clock() - stage.started
        text = f"{stage.name}: {stage.count_text()}"
        text += (f", {part}" if final else f" {part}") if part else ""
        self._emit(f"{text} ({elapsed:.1f} s)\n")
        stage.line_at, stage.line_done = self.clock(), stage.done

    def _emit(self, text: str) -> None:
        if self.silent or self.stream is None:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed pipe never stops a build
            self.silent = True


def _live_display(stream: TextIO | None, clock: Clock) -> Progress:
    from rich.console import Console  # noqa: PLC0415 (only on a terminal, once)
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        Task,
        TextColumn,
    )
    from rich.text import Text  # noqa: PLC0415

    class Elapsed(ProgressColumn):
        """Since the stage began (rich's own column restarts when the display is put back)."""

        def render(self, task: Task) -> Text:
            seconds = int(clock() - float(task.fields.get("started", clock())))
            return Text(f"{seconds // 60}:{seconds % 60:02d}", style="progress.elapsed")

    console = Console(file=stream, force_terminal=True, highlight=False)
    display = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                       MofNCompleteColumn(), Elapsed(), TextColumn("{task.fields[last]}"),
                       console=console, transient=True, refresh_per_second=4,
                       redirect_stdout=False, redirect_stderr=False)  # doit swaps sys.stdout
    display.start()
    return display


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        tty = stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False
    return tty and os.environ.get("TERM", "") not in ("dumb", "unknown")


def _worker_process() -> bool:
    """A worker of ``doit -n``: its counts are its own; the parent prints doit's lines."""
    import multiprocessing  # noqa: PLC0415

    return multiprocessing.parent_process() is not None


def _same_file(one: TextIO, other: TextIO | None) -> bool:
    try:
        return other is not None and (one is other or one.fileno() == other.fileno())
    except (OSError, ValueError):
        return False


def _printable(text: str) -> str:
    return "".join(char for char in text if char.isprintable())


_registered: list[bool] = []


def _stop_at_exit() -> None:
    """The cursor comes back and the bars go when the process exits (not if a signal kills it)."""
    if not _registered:
        _registered.append(True)
        atexit.register(stop)


_lock = threading.RLock()
_boards: list[_Board] = []  # the process's one board, made when first needed


def _current() -> _Board:
    if _boards and _boards[0].pid != os.getpid():  # forked by doit -n: the parent's is not ours
        _boards.clear()
    if not _boards:
        _boards.append(_Board(None, None, time.monotonic))
    return _boards[0]
