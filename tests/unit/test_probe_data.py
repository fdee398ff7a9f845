"""The probe data: a generic probe is one record in its area file, whose order is derived;
a driver's probes live in its folder; data never imports the engine."""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

from buildsys.configure.run import configure
from buildsys.probing import config_header
from buildsys.probing.units import plan_units
from drivers.catalog import DRIVER_PROBES, DRIVERS
from kernel_probes import AREAS, SYMBOLS, all_probes, area_sets, generic_probes, netdev
from kernel_probes.record import MACRO_PREFIX, Probe, have
from tests.conftest import REPO
from tests.unit.test_fake_kbuild import fake_options

ADDED = Probe("added_in_a_test", "#include <linux/netdevice.h>\n"
              "int added_probe(struct net_device *dev) { return dev->mtu; }\n",
              "a probe that only an area file declares", on_success=(have("ADDED_IN_A_TEST"),))


def test_a_probe_added_to_its_area_file_alone_is_run_and_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # configure writes build/LAST
    last_of_netdev = netdev.PROBES.probes[-1].name
    monkeypatch.setattr(netdev, "PROBES", dataclasses.replace(
        netdev.PROBES, probes=(*netdev.PROBES.probes, ADDED)))
    configure(fake_options(tmp_path))
    report = json.loads((tmp_path / "b" / "configure.json").read_text())
    names = [probe["name"] for probe in report["probes"]]
    added = report["probes"][names.index("added_in_a_test")]
    assert added["success"] and not added["cached"]
    assert added["defines"] == ["#define NETMAP_LINUX_HAVE_ADDED_IN_A_TEST"]
    # in its file's place: after netdev's last probe, before the next area's first
    assert names.index("added_in_a_test") == names.index(last_of_netdev) + 1
    header = config_header.parse((tmp_path / "b" / "netmap_linux_config.h").read_text())
    assert header[MACRO_PREFIX + "HAVE_ADDED_IN_A_TEST"] == ""


def test_the_generic_order_is_the_area_files_in_turn():
    expected = [p.name for found in area_sets() for p in found.probes]
    assert [p.name for p in generic_probes()] == expected
    assert [area.__name__.rsplit(".", 1)[1] for area in AREAS] == [
        "netdev", "netdev_ops", "skbuff", "mm", "kernel", "ours"]
    assert len(expected) == 92  # upstream's 90 at 89607e1406c1 and our 2


def test_every_probe_name_is_unique():
    names = [p.name for p in all_probes(DRIVER_PROBES.values())]
    assert len(names) == len(set(names))


# Where several probes define one macro, the header holds it once per probe that
# succeeded, in reverse probe order: the earliest probe's value is the one in force.
# Upstream's LINUX/configure at 89607e1406c1 adds them in this order (loops expanded).
UPSTREAM_PRECEDENCE = {
    "SELECT_QUEUE": ["select_queue_2", "select_queue_3", "select_queue_4"],
    "SELECT_QUEUE_PARM3": ["select_queue_parm3_fallback", "select_queue_parm3"],
    "HAVE_GET_RINGPARAM": ["get_ringparam_1", "get_ringparam_2"],
    "PWAIT_KEY": ["pwait_key__key", "pwait_key_key"],
    "PAGE_COUNT": ["page_count__count", "page_count__refcount"],
    "IXGBE_DESC": ["ixgbe_desc_1", "ixgbe_desc_2", "ixgbe_desc_3"],
    "VIRTIO_ADD_BUF": ["virtio_add_buf", "virtio_add_buf_gfp"],
}


def test_probes_that_define_one_macro_keep_upstream_precedence():
    definers: dict[str, list[str]] = {}
    for probe in all_probes(DRIVER_PROBES.values()):
        for name in {d.name for d in (*probe.on_success, *getattr(probe, "on_failure", ()))}:
            definers.setdefault(name, []).append(probe.name)
    assert {macro: names for macro, names in definers.items() if len(names) > 1} \
        == UPSTREAM_PRECEDENCE


def test_each_driver_folder_holds_its_probes():
    with_probes = set()
    for driver in DRIVERS:
        assert DRIVER_PROBES[driver.name] is driver.probes
        assert (driver.home / "probes.py").is_file() == bool(driver.probes.probes)
        assert all(probe.driver == driver.name for probe in driver.probes.probes)
        if driver.probes.probes:
            assert driver.probes.area == driver.name
            with_probes.add(driver.name)
    assert with_probes == {"e1000e", "realtek", "ixgbe", "ixgbevf", "virtio_net", "i40e",
                           "ice", "igb", "vmxnet3"}
    assert not any(probe.driver for probe in generic_probes())
    assert not (REPO / "kernel_probes" / "drivers").exists()


def test_the_selected_drivers_probes_come_between_the_generic_ones_and_the_symbols():
    records = all_probes([DRIVER_PROBES["realtek"], DRIVER_PROBES["e1000"]])
    generic = len(generic_probes())
    assert [p.name for p in records[generic:]] == ["rtl_open", "rtl_wfq",
                                                    *(s.name for s in SYMBOLS)]


def test_a_drivers_probes_that_include_one_source_share_a_unit():
    """As buildsys/probing/units.py says: the driver source is one more shared header."""
    realtek = [p for p in DRIVER_PROBES["realtek"].probes if isinstance(p, Probe)]
    (unit,) = plan_units(realtek)
    assert unit.probes == ("rtl_open", "rtl_wfq")
    assert '#include "realtek/r8169_main.c"' in unit.text


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_data_never_imports_the_engine():
    data = [*(REPO / "kernel_probes").rglob("*.py"), *(REPO / "drivers").rglob("*.py")]
    assert REPO / "drivers" / "record.py" in data and REPO / "kernel_probes" / "record.py" in data
    engine = {path.relative_to(REPO).as_posix(): sorted(
        name for name in imported_modules(path) if name.split(".")[0] in ("buildsys", "doit"))
        for path in data}
    assert {path: names for path, names in engine.items() if names} == {}
