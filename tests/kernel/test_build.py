"""`doit build` on real Debian 6.1 and 6.12 header trees."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from buildsys.build.elfcheck import (
    check_module,
    expected_vermagic,
    modinfo,
    read_elf,
    undefined_symbols,
)
from buildsys.kernel.tree import load_kernel
from tests.conftest import NETMAP_TARBALL
from tests.kernel.conftest import run_doit
from tests.kernels import SERIES, header_tree

pytestmark = pytest.mark.kernel


def configure_and_build(workdir: Path, series: str, *options: str, build_dir: str = "b") -> Path:
    kernel_dir = header_tree(series)
    # drivers have their own tests (test_drivers.py): here netmap.ko and userspace
    run_doit(workdir, "configure", f"--kernel-dir={kernel_dir}", "--no-drivers",
             f"--netmap-src={NETMAP_TARBALL}", f"--build-dir={build_dir}", *options)
    run_doit(workdir, "build")
    return workdir / build_dir


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> dict[str, Path]:
    """6.1 and 6.12 configured and built side by side from one checkout and workdir."""
    workdir = tmp_path_factory.mktemp("side-by-side")
    return {series: configure_and_build(workdir, series, build_dir=f"b-{series}")
            for series in SERIES}


@pytest.fixture(params=SERIES)
def built(request, both) -> tuple[str, Path]:
    return request.param, both[request.param]


def test_netmap_ko_and_apps_pass_their_checks(built):
    series, build = built
    report = json.loads((build / "build.json").read_text())
    module = report["modules"]["netmap.ko"]
    assert module["status"] == "built" and module["check"]["missing_symbols"] == []
    kernel = load_kernel(header_tree(series))
    elf = read_elf(Path(module["path"]))
    assert modinfo(elf)["vermagic"] == expected_vermagic(kernel)
    assert "netmap_rx_irq" not in undefined_symbols(elf)
    for name in ("libnetmap", "pkt-gen", "vale-ctl", "bridge", "lb", "nmreplay", "tlem", "utils"):
        assert report["userspace"][name]["status"] == "built", name
    help_text = subprocess.run([str(build / "build-apps/pkt-gen/pkt-gen"), "-h"],
                               capture_output=True, text=True, check=False, timeout=30)
    assert "Usage" in help_text.stdout + help_text.stderr


def test_vermagic_is_the_one_the_kernels_own_modules_carry():
    kernel = load_kernel(header_tree("6.12"))
    own = sorted(Path("/lib/modules", kernel.release, "kernel").rglob("e1000.ko*"))
    if not own:
        pytest.skip(f"linux-image for {kernel.release} is not installed")
    assert modinfo(read_elf(own[0]))["vermagic"] == expected_vermagic(kernel)


def test_noop_build_runs_no_make_and_an_edit_rebuilds_one_object(built, tmp_path):
    _series, build = built
    workdir, chosen = build.parent, f"build_dir={build}"
    log = build / "logs" / "netmap.ko.log"
    before = log.stat().st_mtime_ns
    result = run_doit(workdir, "build", chosen)
    assert "-- build:netmap" in result.stdout and "-- build:pkt-gen" in result.stdout
    assert log.stat().st_mtime_ns == before
    source = build / "netmap/sys/dev/netmap/netmap_pipe.c"
    source.write_text(source.read_text() + "\n/* edited by the test */\n")
    result = run_doit(workdir, "build", chosen)
    assert ".  build:netmap" in result.stdout and "-- build:pkt-gen" in result.stdout
    compiled = [line.split("/")[-1] for line in log.read_text().splitlines() if "CC [M]" in line]
    assert compiled == ["netmap_pipe.o"]


def test_the_check_names_unresolved_symbols(built, tmp_path):
    series, build = built
    kernel = load_kernel(header_tree(series))
    (tmp_path / "Module.symvers").write_text("")
    check = check_module(build / "modules/netmap/netmap.ko",
                         dataclasses.replace(kernel, path=tmp_path), set())
    assert not check.ok and "_printk" in check.missing_symbols
    assert any(p.startswith("unresolved symbols:") and "_printk" in p for p in check.problems)


def test_an_option_change_rebuilds_what_it_affects(tmp_path):
    build = configure_and_build(tmp_path, "6.12", "--apps=pkt-gen")
    run_doit(tmp_path, "configure", f"--kernel-dir={header_tree('6.12')}", "--no-drivers",
             f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b", "--apps=pkt-gen",
             "--disable-vale")
    result = run_doit(tmp_path, "build")
    assert ".  build:netmap" in result.stdout and "-- build:pkt-gen" in result.stdout
    assert ".  build:utils" in result.stdout  # the utils take the subsystem flags
    compiled = [line for line in (build / "logs/utils.log").read_text().splitlines()
                if line.startswith("cc ")]  # make compares times only: recompiled all the same
    assert compiled and not any("-DCONFIG_NETMAP_VALE" in line for line in compiled)
    kbuild = (build / "modules/netmap/Kbuild").read_text()
    assert "netmap_vale.o" not in kbuild and "CONFIG_NETMAP_VALE" not in kbuild


def test_broken_source_gives_a_short_error_and_keeps_the_rest(tmp_path):
    build = configure_and_build(tmp_path, "6.1", "--apps=pkt-gen", "--no-utils")
    source = build / "netmap/sys/dev/netmap/netmap_pipe.c"
    source.write_text(source.read_text() + "\nthis is not C;\n")
    app = build / "netmap/apps/pkt-gen/pkt-gen.c"
    app.write_text(app.read_text() + "\n/* changed */\n")
    result = run_doit(tmp_path, "build", check=False)
    assert result.returncode != 0
    assert "netmap.ko failed to build" in result.stderr
    assert "netmap_pipe.c" in result.stderr and "error" in result.stderr
    assert "logs/netmap.ko.log" in result.stderr
    assert len(result.stderr.splitlines()) < 15
    assert ".  build:pkt-gen" in result.stdout  # the app still rebuilt
    report = json.loads((build / "build.json").read_text())
    assert report["modules"]["netmap.ko"]["status"] == "failed"
    assert report["userspace"]["pkt-gen"]["status"] == "built"


def test_one_command_builds_the_apps_beside_the_probes_and_a_new_cc_rebuilds_them(tmp_path):
    kernel = [f"--kernel-dir={header_tree('6.12')}", "--no-drivers",
              f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b", "--apps=pkt-gen,vale-ctl"]
    run_doit(tmp_path, "configure", *kernel, "--no-cache", "build")
    build = tmp_path / "b"
    # libnetmap was made while configure still probed (buildsys/build/ahead.py)
    assert (build / "logs/libnetmap.log").stat().st_mtime < \
        (build / "netmap_linux_config.h").stat().st_mtime
    report = json.loads((build / "build.json").read_text())
    assert report["modules"]["netmap.ko"]["status"] == "built"
    assert {name: entry["status"] for name, entry in report["userspace"].items()} == \
        dict.fromkeys(("libnetmap", "pkt-gen", "vale-ctl", "utils"), "built")
    again = run_doit(tmp_path, "build")
    assert ".  build:" not in again.stdout.replace(".  build:summary", "")
    # make compares times only: the objects of another compiler must go
    run_doit(tmp_path, "configure", *kernel, "--cc=gcc")
    run_doit(tmp_path, "build")
    compiled = (build / "logs/pkt-gen.log").read_text().splitlines()
    assert any(line.startswith("gcc ") and "pkt-gen.c" in line for line in compiled)
    # another netmap tree, its files older than the objects: netmap.ko is made anew
    tree = tmp_path / "netmap-copy"
    shutil.copytree(build / "netmap", tree)
    for path in tree.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000), follow_symlinks=False)
    run_doit(tmp_path, "configure", *kernel, "--cc=gcc", f"--netmap-src={tree}")
    run_doit(tmp_path, "build")
    log = (build / "logs/netmap.ko.log").read_text()
    assert "netmap_mem2.o" in log and "netmap_common.o" in log
