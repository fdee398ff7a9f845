"""The reference run and the checks shared by the interrupt tests (test_interrupts*.py).

A real 6.1 build (netmap.ko, libnetmap and pkt-gen) is run once without interruption: the
reference, with each step's wall time.  A rerun after an interruption must give its result.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tarfile
import time
from pathlib import Path

import pytest

from buildsys.build.elfcheck import expected_vermagic, modinfo, read_elf
from buildsys.deploy import install
from buildsys.deploy.dkms import package_version
from buildsys.kernel.tree import load_kernel
from buildsys.probing import config_header
from buildsys.probing.cache import read_answers
from tests.conftest import NETMAP_TARBALL, REPO
from tests.kernel.conftest import run_doit
from tests.kernels import kernel_under_test

OPTIONS = [f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b", "--no-drivers", "--apps=pkt-gen",
           "--no-utils"]
HEADER = "netmap_linux_config.h"
OUTPUTS = ("modules/netmap/netmap.ko", "build-libnetmap/libnetmap.a",
           "build-apps/pkt-gen/pkt-gen", "build-apps/pkt-gen/pkt-gen-b")


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


def make_reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
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
