"""The guest's parts that need no QEMU: the scenario table, host tools with their
libraries, the checks' own netmap program (fast: no kernel, no boot)."""

from __future__ import annotations

import tarfile
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


def test_every_scenario_is_in_the_default_run_and_runs_alone_when_named():
    from buildsys.vm.runner import selected  # noqa: PLC0415 (imports the engine)

    assert {s.name for s in selected(())} == set(BY_NAME)
    assert [s.name for s in selected(("upstream-integration",))] == ["upstream-integration"]


def test_driver_swaps_are_doit_loads_own_plan():
    """Every scenario that swaps in our drivers does it with doit load's plan (plan.sh),
    never with insmod lines of its own."""
    swapping = [s for s in SCENARIOS if s.drivers]
    assert {s.name for s in swapping} >= {"e1000", "e1000-flood", "veth", "realtek", "load-plan"}
    for scenario in swapping:
        assert scenario.load_plan, scenario.name
        script = (GUEST / scenario.script).read_text()
        assert "insmod" not in script and "OUR_MODULES" not in script, scenario.name
        assert "plan_load" in script or "nm_load" in script, scenario.name


def test_a_guest_goes_on_in_a_new_boot_when_it_asks():
    from buildsys.vm import verdict  # noqa: PLC0415 (imports the engine)

    first = verdict.judge("s", "NMT begin netmap\nNMT end netmap pass\nNMT begin t1\n"
                          "NMT end t1 fail passed, but left netmap.ko in use\nNMT resume t1\n"
                          "NMT done\n", "", "")
    assert verdict.resume_point("NMT boot x\nNMT resume t1\nNMT done\n") == "t1"
    assert verdict.resume_point("NMT boot x\nNMT done\n") == ""
    # a guest that said it can go on, then died in t2: the next boot goes on after t2
    died = "NMT begin netmap\nNMT end netmap pass\nNMT resumable\nNMT begin t2\n"
    assert verdict.resume_point(died) == "t2"
    assert verdict.resume_point(died.replace("NMT resumable\n", "")) == ""
    second = verdict.judge("s", "NMT begin netmap\nNMT end netmap pass\nNMT done\n", "", "")
    names = [c.name for c in verdict.numbered(second, 2, {c.name for c in first})]
    assert names == ["netmap (boot 2)", "console (boot 2)"]


def test_a_known_failure_must_fail_the_known_way():
    from buildsys.vm import verdict  # noqa: PLC0415 (imports the engine)
    from vmtests import Known  # noqa: PLC0415

    known = (Known("t1", "netmap.ko renames it", "passed, but left"),)
    leaked = verdict.Check("s", "t1", "fail", "passed, but left netmap.ko in use (v0)")
    other = verdict.Check("s", "t1", "fail", "exit 1: send-8 vale0:v2 FAIL(1 != 0).")
    verdict.known_failures([leaked, other], known)
    assert leaked.status == "known" and leaked.reason.startswith("netmap.ko renames it; ")
    assert other.status == "fail"


def test_each_integration_test_of_the_tree_is_known_by_its_file():
    """The known failures name upstream's test files as the pinned tree has them."""
    from tests.vm.integration import KNOWN, SCENARIO  # noqa: PLC0415

    with tarfile.open(NETMAP_TARBALL) as tarball:
        files = {Path(name).name for name in tarball.getnames() if "/utils/tests/" in name}
    assert len(files) == 27 and KNOWN <= files
    assert BY_NAME[SCENARIO].default


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
