"""Driver selection (buildsys/drivers/selection.py) on fake kernel trees: which drivers
are selected or skipped, with the reason configure.json and the summary show.  The trees
are copies of tests/fakelinux (the `fake_linux` fixture) with their own .config and
version; the kernel sources and netmap's final-patches are made here, small."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildsys.cli.options import Options, from_params
from buildsys.core.errors import UserError
from buildsys.drivers.selection import Selection, select_all
from buildsys.kernel.tree import load_kernel
from drivers.catalog import DRIVERS, by_name

VERSION = "5.4.0"  # older than any patch of ours: only the fake upstream patches below count
PRISTINE = "/* e1000 */\nstatic int e1000_probe(void) { return 0; }\n"
UPSTREAM_PATCHES = {
    # applies to PRISTINE (upstream's patches apply at the parent of the driver's folder)
    "vanilla--e1000--50000--99999": "--- a/e1000/e1000_main.c\n+++ b/e1000/e1000_main.c\n"
    "@@ -1,2 +1,3 @@\n /* e1000 */\n+#include <if_e1000_netmap.h>\n"
    " static int e1000_probe(void) { return 0; }\n",
    # a single-file driver: the patch names the file alone, applied in its folder
    "vanilla--veth.c--50000--99999": "--- a/veth.c\n+++ b/veth.c\n"
    "@@ -1,2 +1,3 @@\n /* veth */\n+#include <if_veth_netmap.h>\n static int veth_open;\n",
    # written for another version of the driver: a line it removes is not there
    "vanilla--e1000e--50000--99999": "--- a/e1000e/netdev.c\n+++ b/e1000e/netdev.c\n"
    "@@ -1,2 +1,2 @@\n /* e1000e */\n-int y;\n+int y_netmap;\n",
    # a range that ends before the kernel
    "vanilla--igb--40000--50000": "--- a/igb/igb_main.c\n+++ b/igb/igb_main.c\n",
}
SOURCES = {  # the kernel sources, by the drivers' paths there
    "drivers/net/ethernet/intel/e1000/e1000_main.c": PRISTINE,
    "drivers/net/veth.c": "/* veth */\nstatic int veth_open;\n",
    "drivers/net/ethernet/intel/e1000e/netdev.c": "/* e1000e */\nint x;\n",
    "drivers/net/ethernet/intel/igb/igb_main.c": "/* igb */\n",
    # no ixgbe folder
}


def kconfig(name: str) -> str:
    driver = by_name(name)
    assert driver is not None
    return driver.kconfig


def make_sources(root: Path, version: str = VERSION) -> Path:
    major, minor, micro = version.split(".")
    root.mkdir(parents=True)
    (root / "Makefile").write_text(f"VERSION = {major}\nPATCHLEVEL = {minor}\nSUBLEVEL = {micro}\n")
    for relative, text in SOURCES.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def make_netmap(root: Path) -> Path:
    patches = root / "LINUX" / "final-patches"
    patches.mkdir(parents=True)
    for name, text in UPSTREAM_PATCHES.items():
        (patches / name).write_text(text)
    return root


def select(tmp_path: Path, kernel: Path, options: Options) -> Selection:
    return select_all(options, load_kernel(kernel), make_netmap(tmp_path / "netmap"),
                      tmp_path / "logs")


def reasons(selection: Selection) -> dict[str, tuple[bool, str]]:
    return {choice.name: (choice.selected, choice.reason) for choice in selection.drivers}


def test_each_driver_is_selected_or_skipped_with_its_reason(tmp_path, fake_linux):
    modules = ["e1000", "veth", "e1000e", "igb", "ixgbe"]
    kernel = fake_linux(VERSION, {**{kconfig(n): "m" for n in modules},
                                  kconfig("realtek"): "y", kconfig("virtio_net"): None})
    sources = make_sources(tmp_path / "linux-source")
    options = Options(kernel_sources=str(sources), drivers=[*modules, "realtek", "virtio_net"])
    selection = select(tmp_path, kernel, options)
    found = reasons(selection)
    assert found == {
        **{driver.name: (False, "not requested") for driver in DRIVERS},
        "e1000": (True, "patched with upstream vanilla--e1000--50000--99999"),
        "veth": (True, "patched with upstream vanilla--veth.c--50000--99999"),
        "e1000e": (False, found["e1000e"][1]),
        "igb": (False, f"no patch for {VERSION} (ours or upstream's)"),
        "ixgbe": (False, f"drivers/net/ethernet/intel/ixgbe is not in {sources}"),
        "realtek": (False, "CONFIG_R8169 built into the kernel, so it cannot be replaced "
                           "in the kernel's .config"),
        "virtio_net": (False, f"{kconfig('virtio_net')} not set in the kernel's .config"),
    }
    assert found["e1000e"][1].startswith(f"e1000e on {VERSION}: patch "
                                         "vanilla--e1000e--50000--99999 does not apply")
    assert selection.probe_drivers == ["veth", "e1000"]  # the catalog's order
    # what the build needs: the patch, and the folder holding the driver's pristine tree
    assert sorted(selection.patches) == ["e1000", "veth"]
    assert selection.driver_sources == {
        "e1000": sources / "drivers/net/ethernet/intel", "veth": sources / "drivers/net"}
    # a dry run only: the sources are as they were
    assert (sources / "drivers/net/ethernet/intel/e1000/e1000_main.c").read_text() == PRISTINE


def test_without_kernel_sources_every_wanted_driver_says_what_to_install(tmp_path, fake_linux):
    kernel = fake_linux(VERSION, {kconfig("e1000"): "m", kconfig("igb"): "m"})
    # no --kernel-sources, and no /usr/src/linux-source-5.4.tar.xz
    selection = select(tmp_path, kernel, Options(drivers=["e1000", "igb"]))
    why = "no kernel sources (install linux-source-5.4 or pass --kernel-sources=DIR|TARBALL)"
    assert {n: r for n, r in reasons(selection).items() if n in ("e1000", "igb")} == {
        "e1000": (False, why), "igb": (False, why)}
    assert selection.kernel_sources is None and selection.probe_drivers == []


def test_no_drivers_looks_at_no_kernel_sources(tmp_path, fake_linux):
    kernel = fake_linux(VERSION, {kconfig("e1000"): "m"})
    # sources that do not exist would be refused, were they looked at
    options = from_params({"no_drivers": True, "kernel_sources": str(tmp_path / "nowhere")})
    selection = select(tmp_path, kernel, options)
    assert set(reasons(selection).values()) == {(False, "not requested")}
    assert selection.kernel_sources is None and not selection.patches


@pytest.mark.parametrize(("named", "driver"), [("e1000e", "e1000e"), ("r8169.c", "realtek"),
                                               ("virtio_net", "virtio_net")])
def test_a_driver_named_on_the_command_line_that_cannot_be_built_stops_configure(
        tmp_path, fake_linux, named, driver):
    kernel = fake_linux(VERSION, {kconfig("e1000"): "m", kconfig("e1000e"): "m",
                                  kconfig("realtek"): "y", kconfig("virtio_net"): None})
    sources = make_sources(tmp_path / "linux-source")
    options = from_params({"drivers": f"e1000,{named}", "kernel_sources": str(sources)})
    with pytest.raises(UserError, match=f"driver {driver} cannot be built: ") as error:
        select(tmp_path, kernel, options)
    assert "drop it from --drivers" in error.value.remedy


def test_a_driver_list_selects_those_only_and_no_drivers_list_drops_some(tmp_path, fake_linux):
    modules = ["e1000", "veth"]
    kernel = fake_linux(VERSION, {kconfig(n): "m" for n in modules})
    sources = make_sources(tmp_path / "linux-source")
    named = select(tmp_path, kernel, from_params({"drivers": "e1000",
                                                  "kernel_sources": str(sources)}))
    assert named.probe_drivers == ["e1000"]
    assert reasons(named)["veth"] == (False, "not requested")
    # --no-drivers=veth: every other driver is wanted, and those that cannot be built are
    # skipped with their reason, not refused (none was named)
    dropped = select(tmp_path / "again", kernel, from_params({"no_drivers": "veth",
                                                              "kernel_sources": str(sources)}))
    assert dropped.probe_drivers == ["e1000"]
    assert reasons(dropped)["veth"] == (False, "not requested")
    assert reasons(dropped)["igb"] == (False, f"{kconfig('igb')} not set in the kernel's .config")


def test_kernel_sources_of_another_series_are_refused(tmp_path, fake_linux):
    kernel = fake_linux(VERSION, {kconfig("e1000"): "m"})
    sources = make_sources(tmp_path / "linux-source", "5.10.0")
    with pytest.raises(UserError, match=r"are 5\.10\.0, the kernel is 5\.4\.0"):
        select(tmp_path, kernel, Options(kernel_sources=str(sources), drivers=["e1000"]))


def test_apps_are_default_requested_or_not(tmp_path, fake_linux):
    kernel = fake_linux(VERSION)
    default = select(tmp_path, kernel, from_params({"no_drivers": True}))
    assert {c.reason for c in default.apps if c.name == "pkt-gen"} == {"default"}
    one = select(tmp_path / "one", kernel, from_params({"no_drivers": True, "apps": "pkt-gen"}))
    assert {c.name: (c.selected, c.reason) for c in one.apps if c.name in ("pkt-gen", "lb")} \
        == {"pkt-gen": (True, "requested"), "lb": (False, "not requested")}
