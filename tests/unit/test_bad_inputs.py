"""What a careless user, a packager's script and a flaky machine do, across every task.

Each case runs the real `doit` on a build dir configured against the fake kbuild tree
(tests/fakelinux) and must give exit status 2, at most 3 lines on stderr, no traceback,
and leave the build dir as it was (logs and locks aside).  The filesystem faults (a
read-only mount, a full disk) need root to mount a small tmpfs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import NETMAP_TARBALL, REPO

FAKE = REPO / "tests" / "fakelinux"
BASE = ["configure", f"--kernel-dir={FAKE}", f"--netmap-src={NETMAP_TARBALL}", "--apps=pkt-gen",
        "--no-utils"]
CONFIGURE = [*BASE, "--no-drivers"]


@dataclass(frozen=True)
class Work:
    """A work dir holding ``b``, a build dir configured against the fake tree."""

    root: Path

    @property
    def build(self) -> Path:
        return self.root / "b"


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Work:
    work = Work(tmp_path_factory.mktemp("bad-inputs"))
    result = doit(work, *CONFIGURE, "--build-dir=b")
    assert result.returncode == 0, result.stderr
    return work


def doit(work: Work, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "doit", "-f", str(REPO / "dodo.py"), "-d", str(work.root),
            *args]
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=300, check=False, cwd=work.root)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file's size and mtime, but logs, locks and doit's state."""
    found = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_file() and "logs" not in relative.parts and not path.name.endswith(
                ".lock") and not path.name.startswith(".doit.db"):
            stat = path.stat()
            found[str(relative)] = (stat.st_size, stat.st_mtime_ns)
    return found


@contextlib.contextmanager
def tmpfs(where: Path, *options: str) -> Iterator[Path]:
    if os.geteuid() != 0:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("a filesystem fault needs root to mount a tmpfs (CI runs as root)")
        pytest.skip("mounting a tmpfs needs root")
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(where)],
                   check=True, stdin=subprocess.DEVNULL)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False, stdin=subprocess.DEVNULL)


def a_file(work: Work, name: str = "a-file") -> str:
    path = work.root / name
    path.write_text("not a directory\n")
    return str(path)


def an_empty_dir(work: Work, name: str = "empty") -> str:
    path = work.root / name
    path.mkdir(exist_ok=True)
    return str(path)


def a_tarball(work: Work, content: bytes, name: str) -> str:
    path = work.root / name
    path.write_bytes(content)
    return str(path)


Args = Callable[[Work], list[str]]
CASES: list[tuple[str, Args, str]] = [
    # configure: kernel, sources, build dir, selections, options
    ("configure-no-kernel-dir", lambda w: [*CONFIGURE, "--kernel-dir=/nonexistent/build"],
     "does not exist"),
    ("configure-kernel-dir-is-a-file", lambda w: [*CONFIGURE, f"--kernel-dir={a_file(w)}"],
     "does not exist"),
    ("configure-kernel-dir-not-a-tree", lambda w: [*CONFIGURE, f"--kernel-dir={an_empty_dir(w)}"],
     "not a kernel build tree"),
    ("configure-no-netmap-src", lambda w: [*CONFIGURE, "--netmap-src=/nonexistent.tar.gz"],
     "do not exist"),
    ("configure-netmap-src-empty-dir", lambda w: [*CONFIGURE, f"--netmap-src={an_empty_dir(w)}"],
     "not a netmap source tree"),
    ("configure-netmap-src-corrupt", lambda w: [
        *CONFIGURE, f"--netmap-src={a_tarball(w, b'not gzip at all', 'bad.tar.gz')}"],
     "cannot read netmap tarball"),
    ("configure-build-dir-is-a-file", lambda w: [*CONFIGURE, f"--build-dir={a_file(w)}"],
     "a file stands where a directory must be"),
    ("configure-build-dir-with-a-space", lambda w: [*CONFIGURE, f"--build-dir={w.root}/a b"],
     "holds a space, which kbuild cannot take"),
    ("configure-unknown-driver", lambda w: [*CONFIGURE, "--drivers=nosuch"], "unknown driver"),
    ("configure-unknown-app", lambda w: [*CONFIGURE, "--apps=nosuch"], "unknown app"),
    ("configure-unknown-subsystem", lambda w: [*CONFIGURE, "--enable-nosuch"],
     "unknown subsystem"),
    ("configure-upstream-only-option", lambda w: [*CONFIGURE, "--no-ext-drivers"],
     "did you mean --no-drivers?"),
    ("configure-misspelt-option", lambda w: [*CONFIGURE, "--kernel-dri=/x"],
     "did you mean --kernel-dir?"),
    ("configure-kernel-sources-missing", lambda w: [
        *BASE, "--drivers=realtek", "--kernel-sources=/nonexistent"], "do not exist"),
    # build
    ("build-unconfigured-dir", lambda w: ["build", f"build_dir={an_empty_dir(w)}"],
     "is not a configured build dir"),
    ("build-nonexistent-dir", lambda w: ["build", "build_dir=/nonexistent"],
     "is not a configured build dir"),
    ("build-unknown-option", lambda w: ["build", "--bogus"], "unknown option --bogus"),
    # install, uninstall
    ("install-before-build", lambda w: ["install", "--dry-run"], "run doit build first"),
    ("install-misspelt-option", lambda w: ["install", "--prefx=/usr"], "did you mean --prefix?"),
    ("install-unconfigured-dir", lambda w: ["install", f"build_dir={an_empty_dir(w)}"],
     "is not a configured build dir"),
    ("uninstall-nothing-installed", lambda w: ["uninstall"], "run doit install first"),
    ("uninstall-unknown-option", lambda w: ["uninstall", "--prefix=/usr"], "unknown option"),
    # load, unload
    ("load-before-build", lambda w: ["load", "--dry-run"], "run doit build first"),
    ("unload-nothing-loaded", lambda w: ["unload", "--dry-run"], "run doit load first"),
    ("load-misspelt-option", lambda w: ["load", "--dryrun"], "did you mean --dry-run?"),
    # dkms
    ("dkms-dist-is-a-file", lambda w: ["dkms", f"--dist={a_file(w)}"],
     "a file stands where a directory must be"),
    ("dkms-unconfigured-dir", lambda w: ["dkms", f"build_dir={an_empty_dir(w)}"],
     "is not a configured build dir"),
    # vmtest: refused before anything is built
    ("vmtest-unknown-scenario", lambda w: ["vmtest", "--scenarios=nosuch"],
     "no such scenario 'nosuch'"),
    ("vmtest-not-a-number", lambda w: ["vmtest", "--repeat=x"], "is not a number"),
    ("vmtest-bad-accel", lambda w: ["vmtest", "--accel=qemu"], "is not one of auto, kvm, tcg"),
    ("vmtest-no-kernel-image", lambda w: ["vmtest", "--kernel-image=/nonexistent/vmlinuz"],
     "does not exist"),
    # kernel-tree, port-driver, save-patch
    ("kernel-tree-not-a-series", lambda w: ["kernel-tree", "--series=abc"],
     "is not a kernel series"),
    ("kernel-tree-misspelt-option", lambda w: ["kernel-tree", "--serie=7.3"],
     "did you mean --series?"),
    ("port-driver-no-driver", lambda w: ["port-driver"], "which driver?"),
    ("port-driver-unknown-driver", lambda w: ["port-driver", "--driver=nosuch"],
     "unknown driver 'nosuch'"),
    ("save-patch-not-a-version", lambda w: ["save-patch", "--driver=realtek", "--since=x"],
     "is not a kernel version"),
    ("save-patch-without-work-tree", lambda w: ["save-patch", "--driver=realtek", "--since=7.9"],
     "run doit port-driver"),
]


@pytest.mark.parametrize(("args", "words"), [(c[1], c[2]) for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_changes_nothing(configured: Work, args: Args,
                                                    words: str) -> None:
    argv = args(configured)
    before = snapshot(configured.build)
    result = doit(configured, *argv)
    assert_refused(result, words)
    assert snapshot(configured.build) == before


def assert_refused(result: subprocess.CompletedProcess[str], words: str) -> None:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    shown = f"stdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-2000:]}"
    assert result.returncode == 2, shown
    assert "Traceback" not in result.stdout + result.stderr, shown
    assert 1 <= len(lines) <= 3 and any(words in line for line in lines), shown


def test_there_are_at_least_30_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("fault", ["read-only", "full"])
def test_a_build_dir_on_a_broken_filesystem(configured: Work, fault: str) -> None:
    options = ("ro", "size=1m") if fault == "read-only" else ("size=1m",)
    with tmpfs(configured.root / f"mnt-{fault}", *options) as mount:
        result = doit(configured, *CONFIGURE, f"--build-dir={mount}/b")
        words = "read-only" if fault == "read-only" else "No space left on device"
        assert_refused(result, words)
        leftovers = [p.name for p in mount.rglob("*") if p.is_file() and p.stat().st_size
                     and "logs" not in p.relative_to(mount).parts]
        assert not leftovers  # nothing half-written (empty lock files and the logs aside)
    result = doit(configured, *CONFIGURE, f"--build-dir={configured.root / f'after-{fault}'}")
    assert result.returncode == 0, result.stderr  # a rerun elsewhere completes


def test_dkms_on_a_full_disk_leaves_no_half_tree(configured: Work) -> None:
    with tmpfs(configured.root / "mnt-dkms", "size=1m") as mount:
        assert_refused(doit(configured, "dkms", f"--dist={mount}"), "No space left on device")
        assert not [p for p in mount.rglob("*") if p.is_file()]


def test_read_only_sources_are_only_read(configured: Work, tmp_path: Path) -> None:
    """netmap's sources and the kernel tree on a read-only mount: configure succeeds."""
    sources = tmp_path / "netmap-src"
    subprocess.run(["tar", "-xzf", str(NETMAP_TARBALL), "-C", str(tmp_path)], check=True,
                   stdin=subprocess.DEVNULL)
    (unpacked,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    unpacked.rename(sources)
    with contextlib.ExitStack() as stack:
        for tree in (sources, FAKE):
            read_only = stack.enter_context(tmpfs(tmp_path / f"ro-{tree.name}", "size=64m"))
            shutil.copytree(tree, read_only, dirs_exist_ok=True)
            subprocess.run(["mount", "-o", "remount,ro", str(read_only)], check=True,
                           stdin=subprocess.DEVNULL)
        result = doit(configured, "configure", f"--kernel-dir={tmp_path / 'ro-fakelinux'}",
                      f"--netmap-src={tmp_path / 'ro-netmap-src'}", "--no-drivers",
                      f"--build-dir={tmp_path / 'b'}", "--apps=pkt-gen", "--no-utils")
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "b" / "netmap_linux_config.h").is_file()


def test_the_kernel_tree_removed_between_configure_and_build(tmp_path: Path) -> None:
    work = Work(tmp_path)
    kernel = tmp_path / "kernel"
    shutil.copytree(FAKE, kernel)
    configure = [*CONFIGURE, f"--kernel-dir={kernel}", "--build-dir=b"]
    assert doit(work, *configure).returncode == 0
    shutil.rmtree(kernel)
    before = snapshot(work.build)
    assert_refused(doit(work, "build"), f"kernel directory {kernel} does not exist")
    assert snapshot(work.build) == before


def test_a_kernel_trees_cache_kbuild_cannot_take(configured: Work, monkeypatch) -> None:
    monkeypatch.setenv("NETMAP_BUILD_TREES_CACHE", str(configured.root / "trees cache"))
    assert_refused(doit(configured, "kernel-tree", "--series=7.3"),
                   "holds a space, which kbuild cannot take")
    assert not (configured.root / "trees cache").exists()
