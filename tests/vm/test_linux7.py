"""Linux 7.x, the newest series of trixie-backports (7.3 today; upstream netmap no longer
compiles there): build and boot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from buildsys.debian.kernel_tree import PreparedTree
from buildsys.probing import config_header
from kernel_probes import our_macros
from tests.conftest import NETMAP_TARBALL
from tests.kernel.conftest import run_doit
from tests.vm.integration import assert_each_test_judged, verdict_or_pass

pytestmark = [pytest.mark.kernel, pytest.mark.vm, pytest.mark.slow]
MODULES = ("netmap.ko", "r8169.ko (realtek)", "e1000.ko (e1000)", "virtio_net.ko (virtio_net)",
           "e1000e.ko (e1000e)", "vmxnet3.ko (vmxnet3)", "veth.ko (veth)")
DRIVERS = "e1000,e1000e,virtio_net,vmxnet3,veth,realtek"


@pytest.fixture(scope="module")
def built_newest(newest_tree: PreparedTree, tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("linux-newest")
    run_doit(workdir, "configure", f"--kernel-dir={newest_tree.path('kernel_dir')}",
             f"--kernel-sources={newest_tree.path('kernel_sources')}",
             f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b", "--apps=pkt-gen,vale-ctl",
             "--no-utils", f"--drivers={DRIVERS}")
    run_doit(workdir, "build")
    return workdir / "b"


def test_our_probes_switch_the_compat_layer_on(built_newest: Path):
    header = config_header.parse((built_newest / "netmap_linux_config.h").read_text())
    assert our_macros() <= set(header)  # no strncpy; kernel_bind takes sockaddr_unsized
    # the netmap sources stay as upstream wrote them
    assert "strncpy(b->bdg_basename" in (built_newest / "netmap/sys/dev/netmap/netmap_bdg.c").read_text()


def test_netmap_and_the_drivers_build_and_pass_the_elf_checks(built_newest: Path,
                                                              newest_tree: PreparedTree):
    report = json.loads((built_newest / "build.json").read_text())["modules"]
    for key in MODULES:
        assert report[key]["status"] == "built", key
        assert report[key]["check"]["missing_symbols"] == [], key
        assert report[key]["check"]["vermagic"].startswith(newest_tree.release + " ")


def test_vmtest_on_debians_own_newest_kernel(built_newest: Path, newest_tree: PreparedTree):
    result = run_doit(built_newest.parent, "vmtest",
                      f"--kernel-image={newest_tree.path('kernel_image')}",
                      f"--modules-dir={newest_tree.path('modules_dir')}", check=False)
    report = json.loads((built_newest / "vmtest.json").read_text())
    assert report["kernel"] == newest_tree.release
    found = {f"{c['scenario']}/{c['name']}": c for c in report["checks"]}
    failed = {title: c["reason"] for title, c in found.items() if not verdict_or_pass(c)}
    assert not failed and result.returncode == 0, f"{failed}\n{result.stdout[-3000:]}"
    assert_each_test_judged(built_newest, report)
    for title in ("netmap/vale", "netmap/pipe", "e1000/native-tx", "virtio_net/native-tx",
                  "e1000-flood/native-flood", "e1000-flood/native-jumbo", "e1000e/native-tx",
                  "vmxnet3-flood/native-flood", "veth/native-flood",
                  "upstream-unit/port_info_get", "load-plan/rollback", "load-plan/unload",
                  "realtek/swap", "realtek/restore"):
        assert title in found
    assert found["netmap/pipe"]["metrics"]["rx_packets"] == 2_000_000
