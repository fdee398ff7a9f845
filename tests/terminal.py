"""A command run on a pseudo-terminal: what a person at a terminal would see."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest


def run_in_terminal(argv: list[str], cwd: Path, env: dict[str, str] | None = None,
                    timeout: float = 900) -> tuple[int, str]:
    """``argv``'s exit status and output (stdout and stderr, as the terminal shows them);
    TERM is xterm unless ``env`` says otherwise."""
    try:
        controller, terminal = pty.openpty()
    except OSError as error:  # a chroot with /dev bound but no devpts mounted (tests/fresh)
        pytest.skip(f"no pseudo-terminal here: {error}")
    child = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=terminal,
                             stderr=terminal, env={**os.environ, "TERM": "xterm", **(env or {})})
    os.close(terminal)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                child.kill()
                raise TimeoutError(f"{argv} still running after {timeout} s")
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the child is gone and its side of the terminal closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(controller)
    return child.wait(timeout=60), b"".join(chunks).decode(errors="replace")
