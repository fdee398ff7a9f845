"""The guest's parts that need no QEMU: the scenario table, host tools with their
libraries, the checks' own netmap program (fast: no kernel, no boot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildsys.core import untar
from buildsys.vm import guestapps, hosttools
from buildsys.vm.initramfs import Archive
from tests.conftest import NETMAP_TARBALL
from vmtests import GUEST, SCENARIOS

BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}



def test_each_nic_has_a_tx_boot_and_a_flood_boot():
    for nic in ("e1000", "e1000e", "virtio_net", "vmxnet3"):
        tx, flood = BY_NAME[nic], BY_NAME[f"{nic}-flood"]
        assert tx is not None and flood is not None
        assert tx.traffic == ("tx",) and flood.traffic[0] == "flood"
        assert tx.drivers == flood.drivers == (nic,)
    veth = BY_NAME["veth"]
    assert veth is not None and veth.traffic == ("flood",) and veth.veth_pair
    jumbo = BY_NAME["e1000-flood"]
    assert jumbo is not None and "jumbo" in jumbo.traffic


def test_every_scenario_script_exists():
    for scenario in SCENARIOS:
        assert (GUEST / scenario.script).is_file(), scenario.name
        assert set(scenario.tools) <= set(hosttools.TOOLS), scenario.name


def test_a_dynamic_tool_comes_with_its_loader_and_libraries():
    ip = Path("/usr/bin/ip")
    if not ip.is_file():
        pytest.skip("iproute2 is not installed")
    names = {path.name for path in hosttools.closure(ip)}
    assert "libc.so.6" in names and any(name.startswith("ld-linux") for name in names)
    archive = Archive()
    assert hosttools.add(archive, "ip") == "/usr/local/sbin/ip"
    assert "usr/local/sbin/ip" in archive.entries
    assert any(path.endswith("libc.so.6") for path in archive.entries)


def test_nm_frames_links_statically(tmp_path: Path):
    # the project's own safe extraction: Debian 12's Python 3.11.2 has no filter=
    untar.extract(Path(NETMAP_TARBALL), tmp_path,
                  lambda member: member.name if "/sys/net/" in member.name else None)
    (netmap,) = {path.parents[2] for path in tmp_path.glob("*/sys/net/netmap_user.h")}
    program = guestapps.build(netmap, "nm-frames", tmp_path / "out")
    assert program.is_file()
    assert not hosttools.closure(program)  # static: no loader, no library


def test_a_scenario_not_in_the_default_run_runs_when_named():
    from buildsys.vm.runner import selected  # noqa: PLC0415 (imports the engine)

    assert "upstream-integration" not in {s.name for s in selected(())}
    assert [s.name for s in selected(("upstream-integration",))] == ["upstream-integration"]
    assert "upstream-unit" in {s.name for s in selected(())}


def test_the_exported_load_plan_rolls_back_newest_first(tmp_path: Path):
    """The plan `doit load` runs, as sh for the guest, run here with stand-in commands."""
    import subprocess  # noqa: PLC0415

    from buildsys.deploy.loading import LoadPlan, guest_script  # noqa: PLC0415

    plan = LoadPlan(commands=[["rmmod", "e1000"], ["insmod", "/b/netmap.ko"],
                              ["modprobe", "libphy"], ["insmod", "/b/e1000.ko"],
                              ["insmod", "/b/r8169.ko"]],
                    inserted=["netmap", "e1000", "r8169"], removed=["e1000"])
    script = guest_script(plan, lambda path: f"/lib/nm/{Path(path).name}")
    assert "insmod /lib/nm/netmap.ko" in script and "/b/" not in script
    stand_ins = ('for c in insmod rmmod modprobe; do eval "$c() { echo $c \\$*; '
                 '[ \\"\\$*\\" != /lib/nm/r8169.ko ]; }"; done\n')
    (tmp_path / "run.sh").write_text(stand_ins + script + "nm_load\necho status $?\n")
    ran = subprocess.run(["sh", str(tmp_path / "run.sh")], capture_output=True, text=True,
                         check=True, stdin=subprocess.DEVNULL).stdout.splitlines()
    assert ran == ["rmmod e1000", "insmod /lib/nm/netmap.ko", "modprobe libphy",
                   "insmod /lib/nm/e1000.ko", "insmod /lib/nm/r8169.ko",
                   "rmmod e1000", "rmmod netmap", "modprobe e1000", "status 1"]
