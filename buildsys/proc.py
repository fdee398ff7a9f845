"""The one way this project runs a command.

argv lists only, stdin closed, ``LC_ALL=C`` so messages parse the same
everywhere, output kept in a log file in the build dir.
"""

from __future__ import annotations

import os
import subprocess
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
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> Result:
    """Run ``argv``; output (stdout and stderr merged) goes to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        argv,
        cwd=cwd,
        env=command_env(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        check=False,
    )
    log.write_text(f"$ {' '.join(argv)}\n{completed.stdout}")
    if check and completed.returncode != 0:
        raise CommandFailed(argv, completed.returncode, str(log))
    return Result(completed.returncode, completed.stdout, log)
