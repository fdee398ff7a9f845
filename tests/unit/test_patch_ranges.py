"""Patch selection by kernel version: ours by explicit ranges, upstream's by hex names."""

from pathlib import Path

import pytest
from packaging.version import Version

from buildsys.drivers.patching import ChosenPatch, choose_patch, pick_upstream, upstream_ranges
from buildsys.kernel.tree import version_code
from drivers.catalog import DRIVERS, by_name
from drivers.record import Driver, Patch


def picked(ranges: list[tuple[int, int, Path]], version: str) -> str | None:
    chosen = pick_upstream(ranges, Version(version))
    return chosen.name if chosen else None


def chosen(driver: Driver, version: str, netmap: Path) -> ChosenPatch:
    patch = choose_patch(driver, Version(version), netmap)
    assert patch is not None, version
    return patch


def test_version_codes_follow_upstream():
    assert f"{version_code(Version('6.12.117')):05x}" == "60c75"
    assert f"{version_code(Version('6.1.300')):05x}" == "601ff"  # sublevel capped at 255
    assert f"{version_code(Version('6.12')):05x}" == "60c00"


@pytest.fixture
def patch_dir(tmp_path: Path) -> Path:
    for name in ("vanilla--veth.c--41400--60700", "vanilla--veth.c--60700--99999",
                 "vanilla--ixgbe--50c00--61000", "vanilla--ixgbe--61000--61200",
                 "vanilla--ice--60b00--61100", "vanilla--ice--60c00--61200",
                 "vanilla--veth.c.orig--60700--99999", "intel--e1000e--3.3.5"):
        (tmp_path / name).write_text("")
    return tmp_path


@pytest.mark.parametrize("version, expected", [
    ("4.19.300", None),                               # below every range
    ("4.20", "vanilla--veth.c--41400--60700"),         # FROM is inclusive
    ("5.12", "vanilla--veth.c--41400--60700"),
    ("6.6.99", "vanilla--veth.c--41400--60700"),      # just below the boundary
    ("6.7", "vanilla--veth.c--60700--99999"),         # FROM is inclusive
    ("9.9", "vanilla--veth.c--60700--99999"),         # 99999 is an open end
])
def test_upstream_boundaries_and_open_ends(patch_dir, version, expected):
    assert picked(upstream_ranges(patch_dir, "veth.c"), version) == expected


def test_upstream_to_is_exclusive_and_overlaps_take_the_latest_start(patch_dir):
    ixgbe = upstream_ranges(patch_dir, "ixgbe")
    assert picked(ixgbe, "6.15.9") == "vanilla--ixgbe--50c00--61000"
    assert picked(ixgbe, "6.16") == "vanilla--ixgbe--61000--61200"
    assert pick_upstream(ixgbe, Version("6.18")) is None  # TO exclusive, no open end
    ice = upstream_ranges(patch_dir, "ice")
    assert picked(ice, "6.12.5") == "vanilla--ice--60c00--61200"
    assert picked(ice, "6.11") == "vanilla--ice--60b00--61100"


def test_names_must_match_exactly(patch_dir):
    assert [p.name for _, _, p in upstream_ranges(patch_dir, "veth.c")] == [
        "vanilla--veth.c--41400--60700", "vanilla--veth.c--60700--99999"]


def test_our_ranges_win_and_have_explicit_bounds(tmp_path):
    driver = Driver("demo", "CONFIG_DEMO", "drivers/net/demo", ("demo",), "demo", tmp_path,
                    patches=(Patch("a.diff", "6.1", "6.12"), Patch("b.diff", "6.12")),
                    upstream_patches="demo")
    (tmp_path / "LINUX/final-patches").mkdir(parents=True)
    (tmp_path / "LINUX/final-patches/vanilla--demo--60000--99999").write_text("")
    assert chosen(driver, "6.1.0", tmp_path).path.name == "a.diff"
    assert chosen(driver, "6.11.99", tmp_path).path.name == "a.diff"
    assert chosen(driver, "6.12", tmp_path).path.name == "b.diff"
    assert chosen(driver, "7.3.4", tmp_path).path.name == "b.diff"
    upstream = chosen(driver, "6.0.5", tmp_path)
    assert upstream.origin == "upstream" and upstream.applies_in == "root"


def test_driver_records_are_consistent():
    names = [d.name for d in DRIVERS]
    assert len(names) == len(set(names))
    assert by_name("r8169.c") is by_name("realtek")
    realtek = by_name("realtek")
    assert realtek is not None
    assert realtek.modules == ("r8169",) and realtek.kconfig == "CONFIG_R8169"
    assert realtek.folder == "drivers/net/ethernet/realtek"
    assert realtek.our_patch(Version("6.1.192")) and realtek.our_patch(Version("6.12.117"))
    # virtio_net's 6.1 hook: before and after 6.1.178's stable backport in virtnet_poll()
    virtio_net = by_name("virtio_net")
    assert virtio_net is not None

    def our_file(version: str) -> str | None:
        patch = virtio_net.our_patch(Version(version))
        return patch.file if patch else None

    assert our_file("6.1.176") == "patches/virtio_net-6.1.0.diff"
    assert our_file("6.1.178") == "patches/virtio_net-6.1.diff"
    assert our_file("6.1.192") == "patches/virtio_net-6.1.diff"
    for driver in DRIVERS:
        assert driver.patches or driver.upstream_patches, driver.name
