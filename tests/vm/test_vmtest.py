"""`doit vmtest` on Debian's own kernels in QEMU: the modules we build really work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NETMAP_TARBALL
from tests.kernel.conftest import run_doit
from tests.kernels import SERIES, kernel_under_test
from tests.vm.integration import assert_each_test_judged, verdict_or_pass

pytestmark = [pytest.mark.kernel, pytest.mark.vm]
DRIVERS = "e1000,e1000e,virtio_net,vmxnet3,veth,realtek"
NICS = ("e1000", "e1000e", "virtio_net", "vmxnet3")  # each: a tx boot and a -flood boot
FLOODS = ("e1000-flood", "e1000e-flood", "virtio_net-flood", "vmxnet3-flood", "veth")


def release_of(series: str) -> str:
    return kernel_under_test(series).release


@pytest.fixture(scope="module", params=SERIES)
def vmtest_run(request, tmp_path_factory) -> tuple[Path, Any, str]:
    series = request.param
    kernel = kernel_under_test(series)
    if not kernel.image.is_file():
        pytest.fail(f"no Debian {series} kernel image: run ./bootstrap --test-kernels")
    workdir = tmp_path_factory.mktemp(f"vm-{series}")
    run_doit(workdir, "configure", *kernel.configure_args,
             f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b", "--apps=pkt-gen,vale-ctl",
             "--no-utils", f"--drivers={DRIVERS}")
    run_doit(workdir, "build")  # each doit run has its own time limit
    result = run_doit(workdir, "vmtest", *kernel.vmtest_args, check=False)
    report = json.loads((workdir / "b" / "vmtest.json").read_text())
    assert report["kernel"] == release_of(series)
    return workdir / "b", report, result.stdout + result.stderr


def checks(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{c['scenario']}/{c['name']}": c for c in report["checks"]}


def test_every_check_passes(vmtest_run):
    build, report, output = vmtest_run
    # "known": one of upstream's own tests failing for a cause outside this project;
    # "skip": only a test upstream disabled itself
    failed = {title: c["reason"] for title, c in checks(report).items()
              if not verdict_or_pass(c)}
    assert not failed, f"{failed}\n{output[-3000:]}"
    assert report["failed"] == 0
    assert report["passed"] + report["known"] + report["skipped"] == len(report["checks"])
    assert (build / "vm" / "netmap" / "console.log").is_file()


def test_upstream_integration_tests_are_each_judged(vmtest_run):
    build, report, _output = vmtest_run
    assert_each_test_judged(build, report)


def test_vale_and_pipe_carry_traffic(vmtest_run):
    _build, report, _output = vmtest_run
    found = checks(report)
    vale, pipe = found["netmap/vale"]["metrics"], found["netmap/pipe"]["metrics"]
    assert vale["tx_packets"] == 2_000_000 and vale["rx_packets"] > 0
    assert vale["tx_pps"] > 0 and vale["rx_pps"] > 0
    # a pipe loses nothing
    assert pipe["rx_packets"] == pipe["tx_packets"] == 2_000_000


def test_patched_nics_send_in_native_mode(vmtest_run):
    _build, report, _output = vmtest_run
    found = checks(report)
    for driver in NICS:
        # the stock driver is refused in native-only mode, ours is not
        assert found[f"{driver}/stock-not-native"]["status"] == "pass"
        tx = found[f"{driver}/native-tx"]["metrics"]
        assert tx["tx_packets"] == 200_000 and tx["tx_pps"] > 0
        assert found[f"{driver}/restore"]["status"] == "pass"


def test_a_netmap_receiver_counts_the_flood(vmtest_run):
    _build, report, _output = vmtest_run
    found = checks(report)
    for scenario in FLOODS:
        flood = found[f"{scenario}/native-flood"]["metrics"]
        assert flood["tx_packets"] == 200_000
        # the emulated NIC drops what its ring cannot take; it never invents packets
        assert 0 < flood["rx_packets"] <= flood["tx_packets"]


def test_e1000_hands_jumbo_frames_over_whole(vmtest_run):
    _build, report, _output = vmtest_run
    jumbo = checks(report)["e1000-flood/native-jumbo"]
    assert jumbo["status"] == "pass", jumbo["reason"]
    assert jumbo["metrics"]["rx_packets"] > 0 and jumbo["metrics"]["partial_syncs"] == 0


def test_upstream_unit_tests_are_each_a_check(vmtest_run):
    build, report, _output = vmtest_run
    unit = [c for c in report["checks"] if c["scenario"] == "upstream-unit"]
    names = {c["name"] for c in unit}
    listed = (build / "vm" / "upstream-unit" / "console.log").read_text(errors="replace")
    assert {"netmap", "port_info_get", "nmreq_parsing", "binarycomp", "unload"} <= names
    assert len(unit) >= 47 + 3, listed[-2000:]  # 47 tests, netmap, unload, console
    # known failures are upstream's, with a reason; nothing else may fail
    assert all(c["reason"] for c in unit if c["status"] == "known")


def test_doit_loads_own_plan_rolls_back_a_failed_step(vmtest_run):
    build, report, _output = vmtest_run
    found = checks(report)
    for name in ("stock", "rollback", "load", "native-tx", "unload"):
        assert found[f"load-plan/{name}"]["status"] == "pass", found[f"load-plan/{name}"]
    console = (build / "vm" / "load-plan" / "console.log").read_text(errors="replace")
    assert "failed, rolling back" in console


def test_floods_and_closes_survive_five_boots_in_a_row(vmtest_run):
    """The two hangs of upstream's drivers (e1000 rxsync, virtio_net close) stay fixed."""
    build, first, _output = vmtest_run
    (kernel,) = [kernel_under_test(s) for s in SERIES
                 if kernel_under_test(s).release == first["kernel"]]
    result = run_doit(build.parent, "vmtest", "--scenarios=e1000-flood,virtio_net-flood",
                      "--repeat=5", *kernel.vmtest_args, check=False)
    report = json.loads((build / "vmtest.json").read_text())
    assert report["repeat"] == 5
    floods = [c for c in report["checks"] if c["name"] == "native-flood"]
    assert len(floods) == 10
    failed = [f"{c['scenario']}/{c['name']}: {c['reason']}" for c in report["checks"]
              if c["status"] != "pass"]
    assert not failed and result.returncode == 0, f"{failed}\n{result.stdout[-2000:]}"


def test_our_r8169_binds_to_netmap_and_unloads(vmtest_run):
    build, report, _output = vmtest_run
    found = checks(report)
    assert found["realtek/swap"]["status"] == "pass"
    assert found["realtek/restore"]["status"] == "pass"
    console = (build / "vm" / "realtek" / "console.log").read_text(errors="replace")
    assert "Unknown symbol" not in console
    assert "NMT end swap pass" in console


def test_bad_vmtest_input_is_one_line(vmtest_run):
    build, _report, _output = vmtest_run
    workdir = build.parent
    for args, words in ((["--scenarios=bogus"], "no such scenario 'bogus'"),
                        (["--kernel-image=/nonexistent/vmlinuz"], "does not exist")):
        result = run_doit(workdir, "vmtest", *args, check=False)
        assert result.returncode == 2
        lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(lines) == 1 and words in lines[0], result.stderr
        assert "Traceback" not in result.stderr
