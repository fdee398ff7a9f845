"""Parts started ahead of their doit task (buildsys/build/ahead.py), and the one jobserver
their makes share (buildsys/core/jobserver.py), with real GNU make."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from buildsys.build import ahead
from buildsys.cli import build_dirs
from buildsys.core import jobserver
from buildsys.core.errors import ToolError

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts may start ahead (without sharing this test process's jobs)."""
    monkeypatch.setattr(ahead, "_allowed", [True])
    monkeypatch.setattr(ahead, "_lanes", {})
    monkeypatch.setattr(ahead, "_started", {})


def test_a_part_started_ahead_is_taken_once_and_keeps_its_task_from_being_up_to_date(
        allowed: None, tmp_path: Path) -> None:
    release = threading.Event()
    ahead.start(tmp_path, "pkt-gen", lambda: release.wait(10) and "built", lane="userspace")
    assert not ahead.not_started(tmp_path, "pkt-gen")  # doit must run the task
    release.set()
    assert ahead.result(tmp_path, "pkt-gen", lambda: "built again") == "built"
    assert ahead.not_started(tmp_path, "pkt-gen")
    assert ahead.result(tmp_path, "pkt-gen", lambda: "built again") == "built again"


def test_a_failure_ahead_is_raised_by_the_task_that_takes_it(allowed: None,
                                                            tmp_path: Path) -> None:
    def fails() -> None:
        raise ToolError("driver e1000 failed to build", "full log: e1000.log")

    ahead.start(tmp_path, "driver-e1000", fails, lane="drivers", workers=2)
    with pytest.raises(ToolError, match="e1000 failed"):
        ahead.result(tmp_path, "driver-e1000", lambda: None)


def test_nothing_starts_ahead_unless_the_whole_build_runs(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    monkeypatch.setattr(ahead, "_allowed", [False])
    ran: list[str] = []
    ahead.start(tmp_path, "utils", lambda: ran.append("ahead"), lane="userspace")
    assert ahead.not_started(tmp_path, "utils")
    ahead.result(tmp_path, "utils", lambda: ran.append("in its task"))
    assert ran == ["in its task"]


def test_dodo_allows_parts_ahead_only_for_the_whole_build(tmp_path: Path) -> None:
    probe = (f"import sys; sys.path.insert(0, {str(REPO)!r}); sys.argv = ['doit'] + "
             "sys.argv[1:]; import dodo; from buildsys.build import ahead; "
             "print(ahead.allowed())")
    answers = {}
    for argv in (["configure", "build"], ["build"], ["build:netmap"], ["list"]):
        # in a dir of its own: `configure build` places doit's state in build/<release>
        done = subprocess.run([sys.executable, "-c", probe, *argv], cwd=tmp_path, text=True,
                              capture_output=True, check=True, stdin=subprocess.DEVNULL)
        answers[" ".join(argv)] = done.stdout.split()[-1]
    assert answers == {"configure build": "True", "build": "True", "build:netmap": "False",
                       "list": "False"}


# Each job writes when it starts and ends; the jobs sleep, so that those that may run
# together do.
MAKEFILE = textwrap.dedent("""\
    all: a b c d
    a b c d:
    \t@echo "$$(date +%s.%N) 1" >> $(LOG); sleep 0.5; echo "$$(date +%s.%N) -1" >> $(LOG)
    """)
SHARED_RUN = textwrap.dedent("""\
    import os, sys, threading
    from pathlib import Path
    from buildsys.core import jobserver, proc
    work, makes = Path(sys.argv[1]), int(sys.argv[2])
    if sys.argv[3] == "shared":
        jobserver.share()
    def run(index):
        jobs = jobserver.make_jobs()
        proc.run(["make", "-s", *jobs.argv, f"LOG={work}/jobs.log"], work / f"{index}.log",
                 cwd=work, env=jobs.env, pass_fds=jobs.fds)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(makes)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    if jobserver._pipe:
        os.set_blocking(jobserver._pipe[0], False)
        print(len(os.read(jobserver._pipe[0], 64)))  # the tokens back in the pipe
    """)


def most_jobs_at_once(tmp_path: Path, makes: int, mode: str) -> tuple[int, str]:
    (tmp_path / "Makefile").write_text(MAKEFILE)
    (tmp_path / "jobs.log").write_text("")
    done = subprocess.run([sys.executable, "-c", SHARED_RUN, str(tmp_path), str(makes), mode],
                          cwd=REPO, text=True, capture_output=True, check=True,
                          stdin=subprocess.DEVNULL)
    events = sorted((float(t), int(d)) for t, d in
                    (line.split() for line in (tmp_path / "jobs.log").read_text().splitlines()))
    assert len(events) == 8 * makes  # every job ran
    running = most = 0
    for _, delta in events:
        running += delta
        most = max(most, running)
    return most, done.stdout.strip()


def test_makes_side_by_side_share_the_cores_and_give_every_token_back(tmp_path: Path) -> None:
    cores = jobserver.cores()
    most, tokens_back = most_jobs_at_once(tmp_path, 3, "shared")
    assert most <= 3 + cores - 1  # one job each without a token, then the cores' tokens
    assert tokens_back == str(cores - 1)
    alone, _ = most_jobs_at_once(tmp_path, 1, "shared")
    assert alone == min(4, cores)  # a make alone still gets every core


def test_without_the_jobserver_each_make_has_the_cores_to_itself(tmp_path: Path) -> None:
    most, _ = most_jobs_at_once(tmp_path, 3, "own")
    assert most > 3 + jobserver.cores() - 1 or jobserver.cores() == 1


def test_one_command_keeps_doits_state_in_the_build_dir_configure_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    one = ["doit", "configure", "--build-dir", "b", "build"]
    assert build_dirs.doit_state_file("", one) == str(tmp_path / "b" / ".doit.db")
    assert (tmp_path / "b").is_dir()  # doit opens its state before configure runs
    # configure alone makes no dir; a build names its own
    assert build_dirs.doit_state_file("", ["doit", "configure", "--build-dir=c"]) == ".doit.db"
    assert not (tmp_path / "c").exists()
    assert build_dirs.doit_state_file(str(tmp_path / "b"), ["doit", "build"]) == \
        str(tmp_path / "b" / ".doit.db")
