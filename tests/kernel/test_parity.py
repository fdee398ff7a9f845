"""The core acceptance test: our header defines what upstream's configure defines."""

from __future__ import annotations

import json
from typing import Any

import pytest

from buildsys.drivers.kernel_sources import find_sources
from buildsys.drivers.selection import source_path
from buildsys.kernel.tree import load_kernel
from buildsys.probing import config_header
from drivers.catalog import DRIVER_PROBES, DRIVERS
from kernel_probes.record import MACRO_PREFIX, ProbeSet
from tests.conftest import NETMAP_TARBALL
from tests.kernel.conftest import run_doit, run_upstream_configure
from tests.kernels import SERIES, header_tree, kernel_under_test

pytestmark = [pytest.mark.kernel, pytest.mark.slow]


@pytest.mark.parametrize("options", [(), ("--no-drivers",)], ids=["default", "no-drivers"])
@pytest.mark.parametrize("series", SERIES)
def test_same_macros_as_upstream(series, options, upstream_tree, tmp_path):
    kernel = kernel_under_test(series)
    theirs = config_header.parse(run_upstream_configure(
        upstream_tree, kernel.kernel_dir, tmp_path / "upstream", *options))
    run_doit(tmp_path, "configure", *kernel.configure_args,
             f"--netmap-src={NETMAP_TARBALL}", "--build-dir=ours", *options)
    ours = config_header.parse((tmp_path / "ours" / "netmap_linux_config.h").read_text())
    report = json.loads((tmp_path / "ours" / "configure.json").read_text())
    # Offline on a header tree upstream loses every driver (it downloads some and looks
    # for the others where they are not); we find Debian's linux-source and keep them,
    # so our header also holds the selected drivers' probe answers. Everything else must
    # be upstream's, name for name and value for value.
    from_drivers = driver_macros(report)
    if kernel.tree is not None:
        # a whole source tree (doit kernel-tree: 6.1 on Debian 13), not a header tree:
        # upstream finds the drivers in it and runs their probes too (the driver parity
        # test below compares those answers)
        kept = upstream_selection(tmp_path / "upstream" / "configure.out")
        from_drivers |= driver_macros({"drivers": [{"name": name, "selected": True}
                                                   for name in kept]})
        theirs = {k: v for k, v in theirs.items() if k not in from_drivers}
    assert {k: v for k, v in ours.items() if k not in from_drivers} == theirs
    assert not set(theirs) & from_drivers
    assert report["kernel"]["release"] == kernel.release
    assert not any(p["cached"] for p in report["probes"])
    # the answers came from kbuild's own command run for each unit, not from a fallback
    # through kbuild (exact too, but slow): nothing in the notes, no make log of a pass
    logs = tmp_path / "ours" / "probes" / "logs"
    assert (logs / "compile-u.log").is_file() and not (logs / "make-u.log").exists()
    assert not any("through kbuild" in note for note in report["notes"])


def driver_macros(report: dict[str, Any]) -> set[str]:
    selected = [d["name"] for d in report["drivers"] if d["selected"]]
    return {MACRO_PREFIX + define.name
            for name in selected for probe in DRIVER_PROBES.get(name, ProbeSet("")).probes
            for define in (*probe.on_success, *getattr(probe, "on_failure", ()))}


def test_second_configure_runs_no_compiler_and_keeps_the_header(tmp_path):
    kernel_dir = header_tree("6.12")
    args = ["configure", f"--kernel-dir={kernel_dir}", f"--netmap-src={NETMAP_TARBALL}",
            "--build-dir=out"]
    run_doit(tmp_path, *args)
    header = tmp_path / "out" / "netmap_linux_config.h"
    first = header.stat().st_mtime_ns
    (tmp_path / "out" / "probes").rename(tmp_path / "old-probes")
    run_doit(tmp_path, *args)
    report = json.loads((tmp_path / "out" / "configure.json").read_text())
    assert not any(p["log"] for p in report["probes"])  # no probe compiled: all cached
    assert sum(p["cached"] for p in report["probes"]) > 90
    assert not (tmp_path / "out" / "probes").exists(), "no compile may run on a cached configure"
    assert header.stat().st_mtime_ns == first


UPSTREAM_DRIVER_NAMES = {"veth.c": "veth", "forcedeth.c": "forcedeth",
                         "virtio_net.c": "virtio_net", "r8169.c": "realtek"}


@pytest.mark.parametrize("series", SERIES)
def test_same_driver_answers_as_upstream_given_the_same_sources(series, upstream_tree,
                                                                tmp_path):
    """Upstream with the kernel's own sources (and --no-ext-drivers, so it does not try
    to download) runs its driver probes too: the answers must agree, driver by driver."""
    under_test = kernel_under_test(series)
    kernel_dir = under_test.kernel_dir
    kernel = load_kernel(kernel_dir)
    extracted = find_sources(under_test.kernel_sources, kernel,
                             [source_path(d) for d in DRIVERS])
    assert extracted is not None
    theirs_dir = tmp_path / "upstream"
    theirs = config_header.parse(run_upstream_configure(
        upstream_tree, kernel_dir, theirs_dir, f"--kernel-sources={extracted.root}",
        "--no-ext-drivers"))
    run_doit(tmp_path, "configure", *under_test.configure_args,
             f"--netmap-src={NETMAP_TARBALL}", "--build-dir=ours")
    ours = config_header.parse((tmp_path / "ours" / "netmap_linux_config.h").read_text())
    report = json.loads((tmp_path / "ours" / "configure.json").read_text())
    upstream_drivers = upstream_selection(theirs_dir / "configure.out")
    assert {"e1000", "e1000e", "igb", "vmxnet3"} <= upstream_drivers
    only_ours = {d["name"] for d in report["drivers"] if d["selected"]} - upstream_drivers
    assert "realtek" in only_ours  # upstream never finds r8169.c on 5.x and later
    # macros of a driver only one side kept may be on either side (upstream still runs the
    # probes of a driver whose patch then fails, e.g. virtio_net on 6.1); all else agrees
    skipped = driver_macros({"drivers": [{"name": n, "selected": True} for n in only_ours]})
    assert set(ours) ^ set(theirs) <= skipped
    assert {k: ours[k] for k in set(ours) & set(theirs)} == {
        k: theirs[k] for k in set(ours) & set(theirs)}


def upstream_selection(report) -> set[str]:
    """The drivers upstream's configure kept ("native drivers" in its report)."""
    lines = [line for line in report.read_text().splitlines()
             if line.startswith("native drivers")]
    names = lines[-1].split()[2:] if lines else []
    return {UPSTREAM_DRIVER_NAMES.get(name, name) for name in names}
