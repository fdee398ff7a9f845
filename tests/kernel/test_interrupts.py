"""Interrupted configure, build, install and dkms: a rerun gives the right result.

A real 6.1 build (netmap.ko, libnetmap and pkt-gen) is run once without interruption: the
reference, with each step's wall time.  Then each step is started again from a state of its
own, stopped by SIGINT, SIGTERM or SIGKILL in turn (to its whole process group: make, gcc and
ld too) at offsets spread across that step's duration, run again to completion, and compared
with the reference.  Last, kills at exact points that offsets would hit only by chance: with
a complete temp file not yet renamed over the header or the probe cache, between the module
install and depmod, and while ld writes pkt-gen.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from buildsys.build.elfcheck import expected_vermagic, modinfo, read_elf
from buildsys.cli.options import Options
from buildsys.configure import netmap_sources
from buildsys.configure import run as configure_module
from buildsys.configure.context import load_context
from buildsys.core import locking
from buildsys.deploy import install
from buildsys.deploy.dkms import package_version
from buildsys.kernel.tree import load_kernel
from buildsys.probing import config_header
from buildsys.probing.cache import read_answers
from tests.conftest import NETMAP_TARBALL, REPO
from tests.kernel.conftest import run_doit
from tests.kernels import kernel_under_test

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

OPTIONS = [f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b", "--no-drivers", "--apps=pkt-gen",
           "--no-utils"]
HEADER = "netmap_linux_config.h"
OUTPUTS = ("modules/netmap/netmap.ko", "build-libnetmap/libnetmap.a",
           "build-apps/pkt-gen/pkt-gen", "build-apps/pkt-gen/pkt-gen-b")
COUNTS = {"configure": 10, "build": 8, "install": 6, "dkms": 6}
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)
CASES = [pytest.param(step, index, id=f"{step}-{index + 1}of{count}-{SIGNALS[index % 3].name}")
         for step, count in COUNTS.items() for index in range(count)]


@dataclasses.dataclass(frozen=True)
class Reference:
    """One uninterrupted configure, build, install and dkms, in ``root/work``."""

    root: Path
    kernel_dir: Path
    seconds: dict[str, float]
    header: str
    module_check: dict[str, object]
    outputs: dict[str, str]  # OUTPUTS -> sha256
    installed: set[str]  # the manifest's files, relative to the staging dir
    dkms_files: dict[str, str]  # the dkms tree's files -> sha256

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def configure_args(self) -> list[str]:
        return ["configure", *kernel_under_test("6.1").configure_args, *OPTIONS]

    def restore(self, state: str) -> Path:
        """``work`` as it was after configure or build (same path: doit's state and the
        absolute paths configure recorded stay valid, and the outputs are reproducible)."""
        shutil.rmtree(self.work)
        shutil.copytree(self.root / state, self.work, symlinks=True)
        return self.work / "b"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): sha256(p) for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def timed(workdir: Path, *args: str) -> float:
    started = time.monotonic()
    run_doit(workdir, *args)
    return time.monotonic() - started


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    root = tmp_path_factory.mktemp("interrupts")
    work = root / "work"
    work.mkdir()
    kernel = kernel_under_test("6.1")
    seconds = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NETMAP_BUILD_CACHE", str(root / "cache"))  # cold, as each case's
        seconds["configure"] = timed(work, "configure", *kernel.configure_args, *OPTIONS)
    shutil.copytree(work, root / "configured", symlinks=True)
    seconds["build"] = timed(work, "build")
    shutil.copytree(work, root / "built", symlinks=True)
    build, stage = work / "b", root / "stage"
    seconds["install"] = timed(work, "install", f"--destdir={stage}", f"--install-mod-path={stage}")
    seconds["dkms"] = timed(work, "dkms", f"--dist={root / 'dist'}")
    manifest = json.loads((build / install.MANIFEST).read_text())
    report = json.loads((build / "build.json").read_text())
    print(f"reference step times: {seconds}")
    return Reference(
        root, kernel.kernel_dir, seconds, (build / HEADER).read_text(),
        report["modules"]["netmap.ko"]["check"], {name: sha256(build / name) for name in OUTPUTS},
        {str(Path(f["destination"]).relative_to(stage)) for f in manifest["files"]},
        files_under(root / "dist" / f"netmap-{package_version()}"))


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is still running (zombies aside)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            state, _ppid, group = stat.read_text().rpartition(")")[2].split()[:3]
            if int(group) == pgid and state != "Z":
                return True
    return False


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


def wait_for_group(child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while child.poll() is None or group_alive(child.pid):
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
        time.sleep(0.05)


def check_configure(reference: Reference, build: Path, cache: Path) -> None:
    header = (build / HEADER).read_text()
    assert config_header.parse(header) == config_header.parse(reference.header)
    assert header == reference.header
    configuration = json.loads((build / "configure.json").read_text())
    assert configuration["header"] == str(build / HEADER)
    for path in cache.rglob("*.json"):
        json.loads(path.read_text())
    probe_files = list(cache.glob("probes/*.json"))
    assert probe_files and all(read_answers(path)[1] is None for path in probe_files)
    # a staging tree of the netmap sources (netmap.partial, netmap.old) never stays behind
    assert sorted(p.name for p in build.iterdir() if not p.name.startswith(".")) == sorted(
        p.name for p in (reference.root / "configured/b").iterdir() if not p.name.startswith("."))


def check_build(reference: Reference, build: Path) -> None:
    report = json.loads((build / "build.json").read_text())
    module = report["modules"]["netmap.ko"]
    assert module["status"] == "built" and module["check"] == reference.module_check
    assert module["check"]["problems"] == []
    kernel = load_kernel(reference.kernel_dir)
    assert modinfo(read_elf(Path(module["path"])))["vermagic"] == expected_vermagic(kernel)
    assert {name: entry["status"] for name, entry in report["userspace"].items()} == {
        "libnetmap": "built", "pkt-gen": "built"}
    # the very bytes of the uninterrupted build: no half-written object or program kept
    assert {name: sha256(build / name) for name in OUTPUTS} == reference.outputs


def check_install(reference: Reference, build: Path, stage: Path) -> None:
    manifest = json.loads((build / install.MANIFEST).read_text())
    files = {f["destination"]: f for f in manifest["files"]}
    assert {str(Path(path).relative_to(stage)) for path in files} == reference.installed
    for destination, item in files.items():
        assert Path(destination).read_bytes() == Path(item["source"]).read_bytes(), destination
        assert Path(destination).stat().st_mode & 0o777 == item["mode"], destination
    written = {str(p) for p in stage.rglob("*") if p.is_file()}
    assert written == set(files) | set(manifest["generated"]), "written outside the manifest"
    release = kernel_under_test("6.1").release
    assert "updates/netmap.ko:" in (stage / "lib/modules" / release / "modules.dep").read_text()
    # and the manifest knows all it made: uninstall leaves nothing behind
    run_doit(build.parent, "uninstall")
    assert not stage.exists(), sorted(str(p) for p in stage.rglob("*"))


def check_dkms(reference: Reference, build: Path, dist: Path) -> None:
    tree = dist / f"netmap-{package_version()}"
    tarball = dist / f"netmap-{package_version()}.tar.gz"
    assert sorted(p.name for p in dist.iterdir()) == sorted([tree.name, tarball.name])
    found = files_under(tree)
    assert sorted(found) == sorted(reference.dkms_files)
    # each file is its source's bytes (the checkout's records, the build dir's netmap tree)
    sources = {"dkms_build.py": REPO / "buildsys/deploy/dkms_entry.py"}
    for name, digest in found.items():
        top = name.split("/", 1)[0]
        source = sources.get(name) or (build / name if top == "netmap" else REPO / name)
        if source.is_file():
            assert digest == sha256(source), name
        else:  # dkms.conf and drivers.txt, made from the configuration
            assert digest == reference.dkms_files[name], name
    with tarfile.open(tarball) as archive:
        members = {m.name: m for m in archive.getmembers() if m.isfile()}
        assert sorted(members) == sorted(f"{tree.name}/{name}" for name in found)
        for name, member in members.items():
            handle = archive.extractfile(member)
            assert handle is not None
            assert hashlib.sha256(handle.read()).hexdigest() == found[name.split("/", 1)[1]]


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


# kills at exact points: a child forked from this process stops where told and is SIGKILLed


def stop_at(marker: Path, where: Callable[..., object],
            stop: Callable[..., bool]) -> Callable[..., object]:
    """``where`` (a function), but writing ``marker`` and sleeping when ``stop(*args)``."""
    def stopped(*args: object, **kwargs: object) -> object:
        if stop(*args):
            marker.with_suffix(".tmp").write_text("\n".join(map(str, args)) + "\n")
            os.rename(marker.with_suffix(".tmp"), marker)
            time.sleep(3600)
        return where(*args, **kwargs)
    return stopped


def kill_child_at_marker(target: Callable[[], object], marker: Path) -> list[str]:
    """Fork a child running ``target``; SIGKILL it once it has written ``marker``."""
    child = multiprocessing.get_context("fork").Process(target=target)
    child.start()
    deadline = time.monotonic() + 600
    while not marker.exists():
        assert child.is_alive(), f"the child ended (exit {child.exitcode}) before the marker"
        assert time.monotonic() < deadline, "no marker after 600 s"
        time.sleep(0.02)
    assert child.pid is not None  # set by start()
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    return marker.read_text().splitlines()


def configure_as_the_reference(workdir: Path) -> None:
    """What ``doit -d workdir configure ...`` does with the reference's options."""
    os.chdir(workdir)  # build/LAST
    configure_module.configure(Options(
        kernel_dir=str(kernel_under_test("6.1").kernel_dir), netmap_src=str(NETMAP_TARBALL),
        build_dir=str(workdir / "b"), drivers=[], apps=["pkt-gen"], utils=False))


def configure_in_child(workdir: Path, stop: Callable[[Path], bool], marker: Path) -> list[str]:
    """Configure in a child whose ``os.replace`` (write_atomic's last act) stops before a
    destination ``stop`` names; returns (temp file, destination)."""
    def child() -> None:
        with pytest.MonkeyPatch.context() as patch:  # in the child only, which is killed
            patch.setattr(os, "replace",
                          stop_at(marker, os.replace, lambda src, dst: stop(Path(dst))))
            configure_as_the_reference(workdir)

    return kill_child_at_marker(child, marker)


def stray_temp_files(directory: Path, name: str) -> list[Path]:
    return sorted(directory.glob(f".{name}.*"))


def test_killed_with_the_header_written_but_not_renamed(reference, tmp_path, private_cache):
    build = tmp_path / "b"
    temp, destination = configure_in_child(tmp_path, lambda dst: dst.name == HEADER,
                                           tmp_path / "marker")
    assert Path(destination) == build / HEADER
    # no half-written header: none at all, or the whole of it
    assert not (build / HEADER).exists() or (build / HEADER).read_text() == reference.header
    assert Path(temp).read_text() == reference.header  # the kill came after the full write
    # the one temp file is hidden, under a name no reader opens and no writer reuses
    assert stray_temp_files(build, HEADER) == [Path(temp)]
    answers = [read_answers(p) for p in private_cache.glob("probes/*.json")]
    assert answers and all(problem is None and found for found, problem in answers)
    assert not (build / "configure.json").exists()
    run_doit(tmp_path, *reference.configure_args)
    assert (build / HEADER).read_text() == reference.header
    assert stray_temp_files(build, HEADER) == []  # the rerun swept what the kill left
    probes = json.loads((build / "configure.json").read_text())["probes"]
    assert not any(p["log"] for p in probes) and any(p["cached"] for p in probes)  # all cached
    check_configure(reference, build, private_cache)


@pytest.mark.parametrize("nth", [1, 2], ids=["warning-flags", "probe-answers"])
def test_killed_with_a_cache_write_not_renamed(reference, tmp_path, private_cache, nth):
    seen: list[Path] = []

    def nth_cache_write(dst: Path) -> bool:
        if dst.parent == private_cache / "probes" and dst.suffix == ".json":
            seen.append(dst)
        return len(seen) == nth and seen[-1] == dst

    temp, destination = configure_in_child(tmp_path, nth_cache_write, tmp_path / "marker")
    cache_file = Path(destination)
    complete = json.loads(Path(temp).read_text())  # the temp file is whole
    assert cache_file.exists() == (nth == 2)  # the first write made it, the second replaces
    found, problem = read_answers(cache_file)
    assert problem is None and len(found) < len(complete["answers"])
    assert stray_temp_files(cache_file.parent, cache_file.name) == [Path(temp)]
    assert not (tmp_path / "b" / HEADER).exists()
    run_doit(tmp_path, *reference.configure_args)
    probes = json.loads((tmp_path / "b/configure.json").read_text())["probes"]
    assert not any(p["cached"] for p in probes)  # nothing taken from the uncommitted temp
    assert stray_temp_files(cache_file.parent, cache_file.name) == []  # swept by the rerun
    check_configure(reference, tmp_path / "b", private_cache)


def test_killed_with_the_sources_unpacked_but_not_in_place(reference, tmp_path, private_cache):
    build, marker = tmp_path / "b", tmp_path / "marker"

    def child() -> None:
        with pytest.MonkeyPatch.context() as patch:  # the name netmap_sources calls
            patch.setattr(netmap_sources, "replace_dir",
                          stop_at(marker, locking.replace_dir, lambda *args: True))
            configure_as_the_reference(tmp_path)

    kill_child_at_marker(child, marker)
    # the stamp that lets a rerun skip the unpack never comes before the tree it stands for
    assert not (build / "netmap.source").exists() or (build / "netmap" / netmap_sources.MARKER).is_file()
    run_doit(tmp_path, *reference.configure_args)
    check_configure(reference, build, private_cache)


@pytest.mark.parametrize("then", ["install", "uninstall"])
def test_killed_between_the_module_install_and_depmod(reference, tmp_path, then):
    build, stage, marker = reference.restore("built"), tmp_path / "stage", tmp_path / "marker"

    def child() -> None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(install, "run_depmod", stop_at(marker, install.run_depmod,
                                                         lambda *args: True))
            context = load_context(build)
            install.install(context, install.targets(context, str(stage), str(stage), ""),
                            False)

    kill_child_at_marker(child, marker)
    release = kernel_under_test("6.1").release
    assert (stage / "lib/modules" / release / "updates/netmap.ko").is_file()
    assert not (stage / "lib/modules" / release / "modules.dep").exists()
    if then == "install":  # finishes the job: depmod, a whole manifest
        run_doit(build.parent, "install", f"--destdir={stage}", f"--install-mod-path={stage}")
        check_install(reference, build, stage)
    else:  # removes what the cut-off install wrote, and what depmod makes meanwhile
        run_doit(build.parent, "uninstall")
        assert not stage.exists(), sorted(str(p) for p in stage.rglob("*"))


@pytest.mark.parametrize("start", ["configured", "cleaned"])
def test_killed_while_ld_writes_pkt_gen(reference, tmp_path, start):
    """SIGKILL leaves make no chance to delete a half-written target, which the next make
    would take as up to date; after ``doit clean`` doit itself still holds the task done."""
    build = reference.restore("configured" if start == "configured" else "built")
    if start == "cleaned":
        run_doit(build.parent, "clean", "build")
    program = build / "build-apps/pkt-gen/pkt-gen"
    argv = [sys.executable, "-m", "doit", "-f", str(REPO / "dodo.py"), "-d", str(build.parent),
            "build"]
    with (tmp_path / "interrupted.log").open("w") as out:
        child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        while not program.exists() and child.poll() is None:
            time.sleep(0.001)  # ld creates its output first and fills it at the end
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        wait_for_group(child)
    whole = (reference.root / "built/b/build-apps/pkt-gen/pkt-gen").stat().st_size
    assert program.stat().st_size < whole, "the kill came after ld had finished"
    run_doit(build.parent, "build")
    check_build(reference, build)
