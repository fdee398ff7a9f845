"""The one way this project runs a command.

argv lists only, stdin closed, ``LC_ALL=C`` so messages parse the same
everywhere, output kept in a log file in the build dir.  A log is appended to,
each command under a line with its argv and the time, so that the commands of
one step can share it; a step whose log tells only its latest run starts it
with `fresh_log`.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from buildsys.core.errors import CommandFailed


@dataclass(frozen=True)
class Result:
    returncode: int
    output: str
    log: Path
    stopped: str = ""  # why a Guard killed it, if one did


def command_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env.pop("LANG", None)
    # a make started by the user's make would inherit its jobserver flags
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(name, None)
    env.update(extra or {})
    return env


def run(
    argv: list[str],
    log: Path,
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
    on_line: Callable[[str], object] | None = None,
    guard: Guard | None = None,
    pass_fds: tuple[int, ...] = (),
) -> Result:
    """Run ``argv``; output (stdout and stderr merged) is appended to ``log``.

    ``on_line`` sees each line as it comes (for progress displays); a true
    return value kills the command.  ``guard`` kills it when it runs too long.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    with log.open("a") as log_file, subprocess.Popen(
        argv,
        cwd=cwd,
        env=command_env(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        pass_fds=pass_fds,
    ) as child:
        log_file.write(f"[{time.strftime('%Y-%m-%d %H:%M:%S')}] $ {shlex.join(argv)}\n")
        watcher = guard.watch(child) if guard else None
        _stream(child, log_file, lines, on_line)
        if watcher:
            watcher.join()
    output = "".join(lines)
    if check and child.returncode != 0:
        raise CommandFailed(argv, child.returncode, str(log))
    return Result(child.returncode, output, log, guard.fired if guard else "")


def fresh_log(log: Path) -> Path:
    """``log``, emptied: for a step whose log should hold its latest run only."""
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")
    return log


def _stream(child: subprocess.Popen[str], log_file: TextIO, lines: list[str],
            on_line: Callable[[str], object] | None) -> None:
    assert child.stdout is not None
    for line in child.stdout:
        log_file.write(line)
        lines.append(line)
        if on_line and on_line(line):
            child.kill()
    child.wait()


@dataclass
class Guard:
    """Kills a command after ``timeout`` seconds, or as soon as ``stalled()`` says so."""

    timeout: float
    stalled: Callable[[], str] | None = None  # a reason to stop, or ""
    fired: str = ""

    def watch(self, child: subprocess.Popen[str]) -> threading.Thread:
        thread = threading.Thread(target=self._run, args=(child,), daemon=True)
        thread.start()
        return thread

    def _run(self, child: subprocess.Popen[str]) -> None:
        deadline = time.monotonic() + self.timeout
        while child.poll() is None:
            reason = "" if time.monotonic() < deadline else f"no end after {self.timeout:.0f} s"
            reason = reason or (self.stalled() if self.stalled else "")
            if reason:
                self.fired = reason
                child.kill()
                return
            time.sleep(0.5)
