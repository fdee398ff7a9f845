"""doit dkms: the tree real dkms (Debian's) adds, builds, installs and removes.

The build runs what a Debian box runs: Debian's /usr/bin/python3 with Debian's python3-*
packages (whatever python3 the test itself runs under), with no probe or kernel-sources
cache but the one it makes in its own build area."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from buildsys.build.elfcheck import check_module, read_elf
from buildsys.deploy.dkms import package_version
from buildsys.kernel.tree import load_kernel
from tests.conftest import NETMAP_TARBALL
from tests.kernel.conftest import run_doit
from tests.kernels import header_tree, installed_series

pytestmark = [pytest.mark.dkms, pytest.mark.kernel]


# cold caches: the DKMS build extracts the driver sources itself
DKMS_ENV = {name: value for name, value in os.environ.items()
            if name not in ("NETMAP_BUILD_CACHE", "NETMAP_BUILD_SOURCES_CACHE")}


def exported_symbols(module: Path) -> set[str]:
    """What a built module exports (its ``__ksymtab_strings``): the DKMS build area,
    with netmap's Module.symvers, is cleaned once the modules are installed."""
    section = read_elf(module).get_section_by_name("__ksymtab_strings")
    return {name.decode() for name in section.data().split(b"\0") if name} if section else set()


def dkms(*args: str, trees: list[str]) -> str:
    result = subprocess.run(["dkms", *args, *trees], stdin=subprocess.DEVNULL, env=DKMS_ENV,
                            capture_output=True, text=True, check=False, timeout=900)
    assert result.returncode == 0, f"dkms {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.skipif(shutil.which("dkms") is None, reason="dkms is not installed")
@pytest.mark.parametrize("series", installed_series())
def test_real_dkms_builds_installs_and_removes(series, tmp_path):
    kernel_dir = header_tree(series)
    release = kernel_dir.parent.name
    run_doit(tmp_path, "configure", f"--kernel-dir={kernel_dir}", "--drivers=realtek",
             f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b")
    run_doit(tmp_path, "dkms", f"--dist={tmp_path / 'dist'}", f"build_dir={tmp_path / 'b'}")
    tree = tmp_path / "dist" / f"netmap-{package_version()}"
    conf = (tree / "dkms.conf").read_text()
    assert 'BUILT_MODULE_NAME[0]="netmap"' in conf and 'BUILT_MODULE_NAME[1]="r8169"' in conf
    assert (tmp_path / "dist" / f"netmap-{package_version()}.tar.gz").is_file()
    source, state, installed = (tmp_path / name for name in ("src", "dkms", "modules"))
    shutil.copytree(tree, source / tree.name)
    (installed / release).mkdir(parents=True)
    # where a system has it (/lib/modules/<release>/build): newer dkms (Debian 13's) looks
    # for the headers under the install tree
    (installed / release / "build").symlink_to(kernel_dir)
    state.mkdir()
    trees = ["--dkmstree", str(state), "--sourcetree", str(source), "--installtree",
             str(installed)]
    version = ["-m", "netmap", "-v", package_version()]
    dkms("add", *version, trees=trees)
    dkms("build", *version, "-k", release, trees=trees)
    make_log = (state / "netmap" / package_version() / release / "x86_64" / "log"
                / "make.log").read_text()
    assert "netmap dkms: Python 3." in make_log and "(/usr/bin/python3)" in make_log
    assert f"netmap dkms: built for {release}: netmap.ko realtek" in make_log
    dkms("install", *version, "-k", release, "--no-depmod", trees=trees)
    assert f"netmap/{package_version()}, {release}, x86_64: installed" in dkms("status", trees=trees)
    kernel = load_kernel(kernel_dir)
    # compressed as the kernel's config asks (6.12: .ko.xz; 6.1: plain .ko)
    modules = {p.name.removesuffix(".xz"): p
               for p in (installed / release / "updates/dkms").iterdir()}
    assert set(modules) >= {"netmap.ko", "r8169.ko"}
    netmap_exports = exported_symbols(modules["netmap.ko"])
    assert "netmap_rx_irq" in netmap_exports
    for module in modules.values():
        check = check_module(module, kernel, netmap_exports)
        assert check.ok, check.problems
    dkms("mktarball", *version, "-k", release, "--source-only", trees=trees)
    dkms("remove", *version, "--all", "--no-depmod", trees=trees)
    assert "netmap" not in dkms("status", trees=trees)
    assert not list((installed / release).rglob("*.ko*"))

