"""Patched drivers on real Debian 6.1 and 6.12 sources: realtek, e1000, virtio_net."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest

from buildsys.build.elfcheck import read_elf, undefined_symbols
from buildsys.cli.options import Options
from buildsys.configure.context import load_context
from buildsys.core.errors import UserError
from buildsys.deploy import loading
from buildsys.drivers import porting
from buildsys.drivers.kernel_sources import find_sources
from buildsys.drivers.selection import select_all, source_path
from buildsys.kernel.tree import load_kernel
from drivers.catalog import DRIVERS, by_name
from tests.conftest import NETMAP_TARBALL
from tests.kernel.conftest import run_doit
from tests.kernels import SERIES, header_tree, kernel_under_test

pytestmark = pytest.mark.kernel
# netmap_tx_irq is a macro over netmap_rx_irq (netmap_kern.h): the ELF shows rx only
NETMAP_HOOKS = {"netmap_rx_irq", "netmap_detach"}


def configure(workdir: Path, series: str, *options: str, check: bool = True):
    return run_doit(workdir, "configure", *kernel_under_test(series).configure_args,
                    f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b", "--apps=pkt-gen",
                    "--no-utils", *options, check=check)


@pytest.fixture(scope="module", params=SERIES)
def drivers_built(request, tmp_path_factory) -> tuple[str, Path]:
    workdir = tmp_path_factory.mktemp(f"drivers-{request.param}")
    configure(workdir, request.param, "--drivers=realtek,e1000,virtio_net")
    run_doit(workdir, "build")
    return request.param, workdir / "b"


def test_selected_drivers_build_and_pass_the_elf_checks(drivers_built):
    _series, build = drivers_built
    report = json.loads((build / "build.json").read_text())["modules"]
    for key in ("r8169.ko (realtek)", "e1000.ko (e1000)", "virtio_net.ko (virtio_net)"):
        assert report[key]["status"] == "built", key
        assert report[key]["check"]["missing_symbols"] == []
    assert not any(name.startswith(("8139", "atp")) for name in report)


def test_r8169_imports_netmap_hooks_and_uses_our_patch(drivers_built):
    _series, build = drivers_built
    module = build / "drivers/realtek/realtek/r8169.ko"
    imported = undefined_symbols(read_elf(module))
    assert NETMAP_HOOKS <= imported
    assert any(name.startswith("netmap_attach") for name in imported)
    patched = (build / "drivers/realtek/realtek/r8169_main.c").read_text()
    rtl_tx = patched[patched.index("static void rtl_tx("):]
    assert "netmap_tx_irq(" in rtl_tx[:rtl_tx.index("\n}\n")]
    configured = json.loads((build / "configure.json").read_text())
    realtek = next(d for d in configured["drivers"] if d["name"] == "realtek")
    assert realtek["selected"] and realtek["patch"].startswith("ours r8169_main-")
    assert not (build / "drivers/realtek/realtek/8139too.ko").exists()


def test_a_patch_that_does_not_apply_is_named_and_leaves_no_half_patched_tree(
        tmp_path, sources_cache):
    kernel = load_kernel(header_tree("6.12"))
    extracted = find_sources("", kernel, [source_path(d) for d in DRIVERS])
    assert extracted is not None
    sources = tmp_path / "sources"
    shutil.copytree(extracted.root, sources)
    configure(tmp_path, "6.12", f"--kernel-sources={sources}", "--drivers=e1000,virtio_net")
    main = sources / "drivers/net/ethernet/intel/e1000/e1000_main.c"
    main.write_text("\n".join(main.read_text().splitlines()[:200]) + "\n")  # hunks lose context
    result = run_doit(tmp_path, "build", check=False)
    assert result.returncode != 0  # e1000 was named: its failure is fatal
    assert "e1000 on 6.12" in result.stderr and "vanilla--e1000--" in result.stderr
    assert "FAILED" in result.stderr
    assert not (tmp_path / "b/drivers/e1000").exists()
    assert not (tmp_path / "b/drivers/.e1000.staging").exists()
    report = json.loads((tmp_path / "b/build.json").read_text())["modules"]
    assert report["virtio_net.ko (virtio_net)"]["status"] == "built"
    assert report["netmap.ko"]["status"] == "built"


def test_kernel_without_the_driver_skips_it_or_refuses_it_by_name(tmp_path):
    kernel = load_kernel(header_tree("6.12"))
    config = {k: v for k, v in kernel.config.items() if k != "CONFIG_R8169"}
    no_r8169 = dataclasses.replace(kernel, config=config)
    netmap = tmp_path / "netmap"
    netmap.mkdir()
    options = Options(drivers=["realtek", "e1000"])
    choice = next(c for c in select_all(options, no_r8169, netmap, tmp_path).drivers
                  if c.name == "realtek")
    assert not choice.selected and "CONFIG_R8169 not set" in choice.reason
    with pytest.raises(UserError, match="realtek"):
        select_all(dataclasses.replace(options, drivers_named=True), no_r8169, netmap, tmp_path)


def test_porting_aid_prepares_a_tree_and_saves_a_ranged_patch(drivers_built, tmp_path,
                                                               monkeypatch):
    _series, build = drivers_built
    context = load_context(build)
    stock = by_name("realtek")
    assert stock is not None
    realtek = dataclasses.replace(stock, home=tmp_path)
    (tmp_path / "patches").mkdir()
    for patch in realtek.patches:
        shutil.copy(stock.home / patch.file, tmp_path / patch.file)
    monkeypatch.setattr(porting, "driver_named", lambda name: realtek)
    tree = porting.port_driver(context, "realtek")
    assert tree.patch is not None and tree.rejects == []
    main = tree.work / "realtek" / "r8169_main.c"
    assert "netmap_rx_irq" in main.read_text()
    with pytest.raises(UserError, match="rej"):
        (tree.work / "realtek" / "r8169_main.c.rej").write_text("x")
        porting.save_patch(context, "realtek", "6.13", "7.0")
    (tree.work / "realtek" / "r8169_main.c.rej").unlink()
    saved = porting.save_patch(context, "realtek", "6.13", "7.0")
    assert saved.parent == tmp_path / "patches"
    text = saved.read_text()
    assert text.startswith("--- a/r8169_main.c") and "+#include <if_re_netmap_linux.h>" in text


def test_load_plan_replaces_stock_drivers_in_order(drivers_built, monkeypatch):
    _series, build = drivers_built
    context = load_context(build)
    plan = loading.plan_load(context, {"r8169", "e1000", "ext4"})
    commands = [" ".join(c) for c in plan.commands]
    assert commands[:2] == ["rmmod r8169", "rmmod e1000"] or commands[:2] == [
        "rmmod e1000", "rmmod r8169"]
    netmap_at = next(i for i, c in enumerate(commands) if c.endswith("/netmap.ko"))
    r8169_at = next(i for i, c in enumerate(commands) if c.endswith("/r8169.ko"))
    assert netmap_at < r8169_at
    assert "modprobe libphy" in commands[netmap_at:r8169_at + 1]  # r8169's own dependency
    assert plan.removed == ["r8169", "e1000"] or sorted(plan.removed) == ["e1000", "r8169"]
    dry = run_doit(build.parent, "load", "--dry-run")
    assert f"insmod {build}/modules/netmap/netmap.ko" in dry.stdout
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(UserError, match="root"):
        loading.load(context, plan)


def test_ice_with_its_tracepoints_builds_out_of_tree(tmp_path):
    """ice_trace.h names itself relative to the kernel tree (upstream's ice fails here)."""
    configure(tmp_path, "6.12", "--drivers=ice")
    run_doit(tmp_path, "build")
    report = json.loads((tmp_path / "b/build.json").read_text())["modules"]
    assert report["ice.ko (ice)"]["status"] == "built"
    assert report["ice.ko (ice)"]["check"]["missing_symbols"] == []
