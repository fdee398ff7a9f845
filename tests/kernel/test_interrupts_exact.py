"""Kills at exact points that offsets would hit only by chance: with a complete temp file not
yet renamed over the header or the probe cache, between the module install and depmod, and
while ld writes pkt-gen.  A child forked from this process stops where told and is SIGKILLed;
a rerun must give the reference's result (tests/kernel/interrupts.py)."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from buildsys.cli.options import Options
from buildsys.configure import netmap_sources
from buildsys.configure import run as configure_module
from buildsys.configure.context import load_context
from buildsys.core import locking
from buildsys.deploy import install
from buildsys.probing.cache import read_answers
from tests.conftest import NETMAP_TARBALL, REPO
from tests.kernel.conftest import run_doit
from tests.kernel.interrupts import (
    HEADER,
    check_build,
    check_configure,
    check_install,
    wait_for_group,
)
from tests.kernels import kernel_under_test

pytestmark = [pytest.mark.kernel, pytest.mark.slow]


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
