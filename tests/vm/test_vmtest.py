"""`doit vmtest` on Debian's own kernels in QEMU: the modules we build really work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NETMAP_TARBALL
from tests.kernel.conftest import run_doit
from tests.kernels import SERIES, kernel_under_test

pytestmark = [pytest.mark.kernel, pytest.mark.vm]
DRIVERS = "e1000,virtio_net,realtek"


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
    result = run_doit(workdir, "build", "vmtest", *kernel.vmtest_args, check=False)
    report = json.loads((workdir / "b" / "vmtest.json").read_text())
    assert report["kernel"] == release_of(series)
    return workdir / "b", report, result.stdout + result.stderr


def checks(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{c['scenario']}/{c['name']}": c for c in report["checks"]}


def test_every_check_passes(vmtest_run):
    build, report, output = vmtest_run
    failed = {title: c["reason"] for title, c in checks(report).items() if c["status"] != "pass"}
    assert not failed, f"{failed}\n{output[-3000:]}"
    assert report["failed"] == 0 and report["passed"] == len(report["checks"])
    assert (build / "vm" / "netmap" / "console.log").is_file()


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
    for driver in ("e1000", "virtio_net"):
        # the stock driver is refused in native-only mode, ours is not
        assert found[f"{driver}/stock-not-native"]["status"] == "pass"
        tx = found[f"{driver}/native-tx"]["metrics"]
        assert tx["tx_packets"] == 200_000 and tx["tx_pps"] > 0
        assert found[f"{driver}/restore"]["status"] == "pass"


def test_a_netmap_receiver_counts_the_flood(vmtest_run):
    _build, report, _output = vmtest_run
    found = checks(report)
    for driver in ("e1000", "virtio_net"):
        flood = found[f"{driver}-flood/native-flood"]["metrics"]
        assert flood["tx_packets"] == 200_000
        # the emulated NIC drops what its ring cannot take; it never invents packets
        assert 0 < flood["rx_packets"] <= flood["tx_packets"]


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
