"""Fresh Debian roots: debootstrap minbase, mounts, commands run inside with logs, cleanup.

A root is what a brand-new Debian 12 or 13 machine has before anything is installed:
``debootstrap --variant=minbase SUITE`` from the mirror of the host's own apt sources (read
from them: no host name in the code).  Commands run inside through ``chroot`` with an empty
environment; each one's output goes to a log file, every line stamped with the seconds since
the command started, so that a test can time the phases of a long command from its log.
Whatever happens, the processes left inside are killed, every mount under the root is undone
(lazily when busy) and the root (a few GB) is removed; the logs stay.

Nothing here is specific to ./bootstrap: a test of a Debian package can use the same roots.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from buildsys.debian.private_apt import archive_uri, host_codename, system_sources

# root's PATH on Debian (login.defs' ENV_SUPATH): /usr/local first, as a user's shell has it
ROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
INSIDE_ENV = {"PATH": ROOT_PATH, "HOME": "/root", "LC_ALL": "C.UTF-8", "CI": "true"}
HOST_TOOLS = ("debootstrap", "chroot", "mount", "umount", "git")
DEBOOTSTRAP_TIMEOUT = 15 * 60
SHORT_TIMEOUT = 120
STAMP = re.compile(r"^\[\s*(\d+\.\d)s\] ")


def host_tool(name: str) -> str | None:
    """A tool of the host; the sbin dirs are searched too (a user's shell may lack them)."""
    return shutil.which(name, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")


def require_host() -> None:
    """Skip when this host cannot make roots; with CI=true fail instead (never a silent
    skip on CI)."""
    missing = [name for name in HOST_TOOLS if host_tool(name) is None]
    if os.geteuid() != 0:
        reason = "fresh Debian roots need root (debootstrap, chroot, mount)"
    elif missing:
        reason = (f"{', '.join(missing)} missing: apt-get install debootstrap git "
                  "(./bootstrap --test-kernels installs debootstrap)")
    else:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: failing, not skipping)", pytrace=False)
    pytest.skip(reason)


def debian_mirror() -> str:
    """The mirror serving the host's plain Debian suite; it serves bookworm and trixie too."""
    return archive_uri(system_sources(), host_codename())


@dataclass(frozen=True)
class Ran:
    """One command's outcome: its output (unstamped) and the stamped log it was kept in."""

    argv: tuple[str, ...]
    returncode: int
    seconds: float
    output: str
    log: Path
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def tail(self, count: int = 60) -> str:
        return "\n".join(self.output.splitlines()[-count:])

    def describe(self) -> str:
        """For assertion messages: what ran, how it ended, where its log is, its last lines."""
        ending = "timed out" if self.timed_out else f"exited {self.returncode}"
        return (f"{' '.join(self.argv)}\n{ending} after {self.seconds:.0f} s; "
                f"log {self.log}; its last lines:\n{self.tail()}")

    def require(self) -> None:
        """Fail the test with ``describe()`` unless the command succeeded."""
        if not self.ok:
            pytest.fail(self.describe(), pytrace=False)

    def seen_at(self, text: str) -> float | None:
        """Seconds from the start to the first line containing ``text`` (from the log)."""
        for line in self.log.read_text(errors="replace").splitlines():
            match = STAMP.match(line)
            if match and text in line[match.end():]:
                return float(match.group(1))
        return None


def run_logged(argv: list[str], log: Path, *, timeout: float) -> Ran:
    """Run ``argv`` (stdin closed, stdout and stderr merged into ``log``); on timeout its
    whole process group is killed."""
    log.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    start = time.monotonic()
    fired = threading.Event()
    with log.open("w") as out, subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "LC_ALL": "C"}, text=True, errors="replace",
        start_new_session=True,
    ) as child:
        out.write(f"$ {' '.join(argv)}\n")
        timer = threading.Timer(timeout, _stop, (child.pid, fired))
        timer.daemon = True
        timer.start()
        try:
            assert child.stdout is not None
            for line in child.stdout:
                lines.append(line)
                out.write(f"[{time.monotonic() - start:7.1f}s] {line}")
                out.flush()  # readable while a long command runs
        finally:
            timer.cancel()
        returncode = child.wait()
    return Ran(tuple(argv), returncode, time.monotonic() - start, "".join(lines), log,
               fired.is_set())


def _stop(pid: int, fired: threading.Event) -> None:
    fired.set()
    with suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def chroot_argv(root: Path, argv: list[str], *, env: Mapping[str, str] | None = None,
                cwd: str | None = None) -> list[str]:
    """``argv`` inside ``root`` with only ``INSIDE_ENV`` and ``env``: nothing of the host's
    environment (a pyenv on PATH, the host's CI settings) leaks in."""
    settings = [f"{name}={value}" for name, value in {**INSIDE_ENV, **(env or {})}.items()]
    chdir = [f"--chdir={cwd}"] if cwd else []
    return [host_tool("chroot") or "chroot", str(root), "/usr/bin/env", "-i", *chdir,
            *settings, *argv]


@dataclass(frozen=True)
class Root:
    """A Debian root: its path on the host, its suite, and where its commands' logs go."""

    path: Path
    suite: str
    logs: Path
    debootstrap_s: float = 0.0

    def run(self, argv: list[str], log_name: str, *, env: Mapping[str, str] | None = None,
            cwd: str | None = None, timeout: float = SHORT_TIMEOUT) -> Ran:
        return run_logged(chroot_argv(self.path, argv, env=env, cwd=cwd),
                          self.logs / f"{log_name}.log", timeout=timeout)

    def output(self, argv: list[str], log_name: str) -> str:
        """A short command's output; its failure fails the test."""
        ran = self.run(argv, log_name)
        ran.require()
        return ran.output

    def host_path(self, inside: str) -> Path:
        return self.path / inside.lstrip("/")


@contextmanager
def debian_root(suite: str, work: Path, *, mirror: str | None = None) -> Iterator[Root]:
    """A minbase root of ``suite`` in ``work``/root, with the host's resolver, /proc and
    /dev; logs in ``work``/logs.  Torn down and removed on the way out, whatever happened."""
    root = Root((work / "root").resolve(), suite, work / "logs")
    try:
        ran = run_logged([host_tool("debootstrap") or "debootstrap", "--variant=minbase",
                          suite, str(root.path), mirror or debian_mirror()],
                         root.logs / "debootstrap.log", timeout=DEBOOTSTRAP_TIMEOUT)
        ran.require()
        root = replace(root, debootstrap_s=ran.seconds)
        use_host_resolver(root.path)
        # /dev without its submounts: apt's "Can not write log (Is /dev/pts mounted?)" is
        # harmless (only its term.log is lost), while unmounting an --rbind's submounts can
        # propagate to the host's own /dev/pts when / is a shared mount
        for argv in (["mount", "-t", "proc", "proc", str(root.path / "proc")],
                     ["mount", "--bind", "/dev", str(root.path / "dev")]):
            mounted = run_logged(argv, root.logs / f"mount-{Path(argv[-1]).name}.log",
                                 timeout=SHORT_TIMEOUT)
            mounted.require()
        yield root
    finally:
        tear_down(root)


def use_host_resolver(root: Path) -> None:
    """apt inside resolves the mirror's name as the host does.  Nothing else of the host's
    apt setup is copied: its apt.conf.d settings (Acquire::Check-Valid-Until "false" and
    the like, for a proxy serving old snapshots) are not needed, since apt-get update in a
    fresh bookworm or trixie root works without them, and a new user's machine has none."""
    target = root / "etc" / "resolv.conf"
    target.unlink(missing_ok=True)  # it may be a symlink: never write through it to the host
    shutil.copyfile("/etc/resolv.conf", target)


def clone_checkout(root: Root, repo: Path, inside: str) -> None:
    """The repository's committed HEAD (``git clone``: uncommitted changes are not in it)."""
    ran = run_logged([host_tool("git") or "git", "clone", "--quiet", str(repo),
                      str(root.host_path(inside))], root.logs / "git-clone.log",
                     timeout=SHORT_TIMEOUT)
    ran.require()


def copy_files(root: Root, files: list[Path], inside: str) -> None:
    target = root.host_path(inside)
    target.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copyfile(path, target / path.name)


# --- teardown -------------------------------------------------------------------------------

def tear_down(root: Root) -> None:
    """Kill what still runs inside, unmount everything under the root (lazily when busy),
    then remove it; a root that stays mounted is never removed (/dev is the host's)."""
    kill_processes_inside(root.path)
    for point in sorted(mounts_under(root.path), key=lambda path: len(path.parts), reverse=True):
        log = root.logs / f"umount-{point.name}.log"
        if not run_logged(["umount", str(point)], log, timeout=SHORT_TIMEOUT).ok:
            run_logged(["umount", "--lazy", str(point)], log.with_suffix(".lazy.log"),
                       timeout=SHORT_TIMEOUT)
    left = mounts_under(root.path)
    if left:
        raise RuntimeError(f"{root.path} not removed: still mounted: {', '.join(map(str, left))}")
    shutil.rmtree(root.path, ignore_errors=True)


def processes_inside(path: Path) -> list[int]:
    """Processes whose root directory is ``path`` or below it."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                where = os.readlink(entry / "root")
            except OSError:  # gone, or a zombie
                continue
            if where == str(path) or where.startswith(f"{path}/"):
                pids.append(int(entry.name))
    return pids


def kill_processes_inside(path: Path, *, patience: float = 10.0) -> None:
    deadline = time.monotonic() + patience
    while (pids := processes_inside(path)) and time.monotonic() < deadline:
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)


def mounts_under(path: Path) -> list[Path]:
    """Mount points at or below ``path``, from this process's mountinfo."""
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        point = Path(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4]))
        if point == path or path in point.parents:
            points.append(point)
    return points


# --- what the runs found: the terminal summary prints it, a json file keeps it -------------

@dataclass
class Results:
    """Timings and versions per root, rewritten to ``file`` at each change (a run that dies
    half-way still leaves what it measured)."""

    file: Path
    roots: dict[str, dict[str, object]] = field(default_factory=dict)

    def record(self, root_name: str, **values: object) -> None:
        self.roots.setdefault(root_name, {}).update(values)
        self.file.write_text(json.dumps(self.roots, indent=1, sort_keys=True) + "\n")

    def lines(self) -> list[str]:
        return [f"{name}: " + ", ".join(f"{key}={value}" for key, value in values.items())
                for name, values in self.roots.items()]


RESULTS = pytest.StashKey[Results]()
