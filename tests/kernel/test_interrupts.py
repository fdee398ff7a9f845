"""Interrupted configure, build, install and dkms: a rerun gives the right result.

Each step is started again from a state of its own (tests/kernel/interrupts.py has the
reference run), stopped by SIGINT, SIGTERM or SIGKILL in turn (to its whole process group:
make, gcc and ld too) at offsets spread across that step's duration, run again to
completion, and compared with the reference.  test_interrupts_exact.py kills at exact points.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kernel.conftest import run_doit
from tests.kernel.interrupts import (
    Reference,
    check_build,
    check_configure,
    check_dkms,
    check_install,
    wait_for_group,
)

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

COUNTS = {"configure": 10, "build": 8, "install": 6, "dkms": 6}
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)
CASES = [pytest.param(step, index, id=f"{step}-{index + 1}of{count}-{SIGNALS[index % 3].name}")
         for step, count in COUNTS.items() for index in range(count)]



def interrupt(workdir: Path, args: list[str], offset: float, sig: signal.Signals,
              log: Path) -> float | None:
    """Start ``doit args`` in its own session and signal its process group after ``offset``
    seconds; then wait until every process of the group is gone (make, gcc: SIGKILL after a
    minute).  None if the signal came while it ran, else how long it took (it ended first)."""
    argv = [sys.executable, "-m", "doit", "-f", str(REPO / "dodo.py"), "-d", str(workdir), *args]
    started = time.monotonic()
    with log.open("w") as out:
        child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        while time.monotonic() - started < offset:
            if child.poll() is not None:
                return time.monotonic() - started
            time.sleep(0.005)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, sig)
        wait_for_group(child)
    return None



def fresh_state(reference: Reference, step: str, where: Path,
                cache: Path) -> tuple[Path, list[str]]:
    """The work dir and arguments of a case: a new work dir and an empty probe cache for
    configure (a cold run), the reference's state after the previous step for the others."""
    where.mkdir()
    if step == "configure":
        shutil.rmtree(cache)
        cache.mkdir()
        return where, reference.configure_args
    work = reference.restore("configured" if step == "build" else "built").parent
    stage = where / "stage"
    return work, {"build": ["build"],
                  "install": ["install", f"--destdir={stage}", f"--install-mod-path={stage}"],
                  "dkms": ["dkms", f"--dist={where / 'dist'}"]}[step]


@pytest.mark.parametrize(("step", "index"), CASES)
def test_interrupted_step_then_rerun(reference, step, index, tmp_path, private_cache):
    duration, sig = reference.seconds[step], SIGNALS[index % 3]
    for attempt in range(4):  # the step may run faster than the reference did: try earlier
        where = tmp_path / f"attempt-{attempt}"
        workdir, args = fresh_state(reference, step, where, private_cache)
        offset = (index + 0.5) / COUNTS[step] * duration
        ended_after = interrupt(workdir, args, offset, sig, where / "interrupted.log")
        if ended_after is None:
            break
        duration = ended_after
    else:
        pytest.fail(f"doit {step} ended each time before its {sig.name}")
    print(f"{step}: {sig.name} after {offset:.2f} s (attempt {attempt + 1})")
    run_doit(workdir, *args)
    build = workdir / "b"
    if step == "configure":
        check_configure(reference, build, private_cache)
    elif step == "build":
        check_build(reference, build)
    elif step == "install":
        check_install(reference, build, where / "stage")
    else:
        check_dkms(reference, build, where / "dist")
