"""The one way this project runs a command.

argv lists only, stdin closed, ``LC_ALL=C`` so messages parse the same
everywhere, output kept in a log file in the build dir.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from buildsys.errors import CommandFailed


@dataclass(frozen=True)
class Result:
    returncode: int
    output: str
    log: Path


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
    on_line: Callable[[str], None] | None = None,
) -> Result:
    """Run ``argv``; output (stdout and stderr merged) goes to ``log``.

    ``on_line`` sees each line as it comes (for progress displays).
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    with log.open("w") as log_file, subprocess.Popen(
        argv,
        cwd=cwd,
        env=command_env(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as child:
        log_file.write(f"$ {' '.join(argv)}\n")
        assert child.stdout is not None
        for line in child.stdout:
            log_file.write(line)
            lines.append(line)
            if on_line:
                on_line(line)
    output = "".join(lines)
    if check and child.returncode != 0:
        raise CommandFailed(argv, child.returncode, str(log))
    return Result(child.returncode, output, log)
