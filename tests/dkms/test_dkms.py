"""doit dkms: the tree real dkms (Debian's) adds, builds, installs and removes.

The build runs what a Debian box runs: Debian's /usr/bin/python3 with Debian's python3-*
packages (whatever python3 the test itself runs under), with no probe or kernel-sources
cache but the ones it makes itself (in its build area, and in the test's record dir).  A driver that fails (tests/dkms/
failing_driver.py) is left out: netmap.ko still installs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from buildsys.build.elfcheck import check_module, read_elf
from buildsys.deploy.dkms import package_version
from buildsys.deploy.left_out import RECORD, STATE_VARIABLE
from buildsys.kernel.tree import load_kernel
from tests.conftest import NETMAP_TARBALL
from tests.dkms.failing_driver import BROKEN, ERROR, broken_sources
from tests.kernel.conftest import run_doit
from tests.kernels import header_tree, installed_series

pytestmark = [pytest.mark.dkms, pytest.mark.kernel]
needs_dkms = pytest.mark.skipif(shutil.which("dkms") is None, reason="dkms is not installed")


def exported_symbols(module: Path) -> set[str]:
    """What a built module exports (its ``__ksymtab_strings``): the DKMS build area,
    with netmap's Module.symvers, is cleaned once the modules are installed."""
    section = read_elf(module).get_section_by_name("__ksymtab_strings")
    return {name.decode() for name in section.data().split(b"\0") if name} if section else set()


class PrivateDkms:
    """Real dkms on trees of the test's own: sources, state, modules, and the drivers' record
    (``left_out``); cold caches, so the DKMS build extracts and probes by itself."""

    def __init__(self, work: Path, kernel_dir: Path) -> None:
        self.release = kernel_dir.parent.name
        self.source, self.state, self.installed, self.records = (
            work / name for name in ("src", "dkms", "modules", "left-out"))
        (self.installed / self.release).mkdir(parents=True)
        # where a system has it (/lib/modules/<release>/build): newer dkms (Debian 13's)
        # looks for the headers under the install tree
        (self.installed / self.release / "build").symlink_to(kernel_dir)
        self.state.mkdir()
        self.env = {name: value for name, value in os.environ.items()
                    if name not in ("NETMAP_BUILD_CACHE", "NETMAP_BUILD_SOURCES_CACHE")}
        self.env[STATE_VARIABLE] = str(self.records)
        self.version = ["-m", "netmap", "-v", package_version()]

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        trees = ["--dkmstree", str(self.state), "--sourcetree", str(self.source),
                 "--installtree", str(self.installed)]
        result = subprocess.run(["dkms", *args, *trees], stdin=subprocess.DEVNULL, env=self.env,
                                capture_output=True, text=True, check=False, timeout=900)
        assert not check or result.returncode == 0, \
            f"dkms {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result

    def add(self, tree: Path) -> None:
        shutil.copytree(tree, self.source / tree.name)
        self.run("add", *self.version)

    def make_log(self) -> str:
        return (self.state / "netmap" / package_version() / self.release / "x86_64" / "log"
                / "make.log").read_text()

    def installed_modules(self) -> dict[str, Path]:
        """Compressed as the kernel's config asks (6.12: .ko.xz; 6.1: plain .ko)."""
        where = self.installed / self.release / "updates/dkms"
        return {p.name.removesuffix(".xz"): p for p in where.iterdir()} if where.is_dir() else {}

    def status(self) -> str:
        return self.run("status").stdout


@needs_dkms
@pytest.mark.parametrize("series", installed_series())
def test_real_dkms_builds_installs_and_removes(series: str, tmp_path: Path) -> None:
    kernel_dir = header_tree(series)
    run_doit(tmp_path, "configure", f"--kernel-dir={kernel_dir}", "--drivers=realtek",
             f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b")
    run_doit(tmp_path, "dkms", f"--dist={tmp_path / 'dist'}", f"build_dir={tmp_path / 'b'}")
    tree = tmp_path / "dist" / f"netmap-{package_version()}"
    conf = (tree / "dkms.conf").read_text()
    assert 'BUILT_MODULE_NAME[0]="netmap"' in conf and "_module realtek CONFIG_R8169 r8169" in conf
    assert (tmp_path / "dist" / f"netmap-{package_version()}.tar.gz").is_file()
    dkms = PrivateDkms(tmp_path, kernel_dir)
    release = dkms.release
    dkms.add(tree)
    dkms.run("build", *dkms.version, "-k", release)
    make_log = dkms.make_log()
    assert "netmap dkms: Python 3." in make_log and "(/usr/bin/python3)" in make_log
    assert f"netmap dkms: built for {release}: netmap.ko realtek" in make_log
    dkms.run("install", *dkms.version, "-k", release, "--no-depmod")
    assert f"netmap/{package_version()}, {release}, x86_64: installed" in dkms.status()
    kernel = load_kernel(kernel_dir)
    modules = dkms.installed_modules()
    assert set(modules) >= {"netmap.ko", "r8169.ko"}
    netmap_exports = exported_symbols(modules["netmap.ko"])
    assert "netmap_rx_irq" in netmap_exports
    for module in modules.values():
        check = check_module(module, kernel, netmap_exports)
        assert check.ok, check.problems
    dkms.run("mktarball", *dkms.version, "-k", release, "--source-only")
    dkms.run("remove", *dkms.version, "--all", "--no-depmod")
    assert "netmap" not in dkms.status()
    assert not list((dkms.installed / release).rglob("*.ko*"))


@needs_dkms
@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb is not installed")
@pytest.mark.skipif(not installed_series(), reason="no Debian header tree installed")
def test_a_failing_driver_is_left_out_and_netmap_installs(tmp_path: Path) -> None:
    """e1000 does not compile: the first build fails and records it, dkms.conf leaves it
    out from then on, the next build installs netmap.ko, and make.log says why e1000 is
    missing.  (The package's postinst builds again by itself: tests/fresh/test_fresh_deb.)"""
    series = installed_series()[0]
    kernel_dir = header_tree(series)
    run_doit(tmp_path, "configure", f"--kernel-dir={kernel_dir}", f"--drivers={BROKEN}",
             f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b")
    broken = broken_sources(series, (BROKEN,), tmp_path)
    run_doit(tmp_path, "deb", f"--dist={tmp_path / 'dist'}", f"--kernel-sources={broken}",
             "--maintainer=netmap-build tests <tests@netmap-build.example>",
             f"build_dir={tmp_path / 'b'}")
    unpacked = tmp_path / "x"
    subprocess.run(["dpkg-deb", "-x", str(next((tmp_path / "dist").glob("*.deb"))),
                    str(unpacked)], check=True, stdin=subprocess.DEVNULL)
    tree = unpacked / "usr" / "src" / f"netmap-{package_version()}"
    assert (tree / "kernel-sources" / series / "drivers.txt").read_text() == f"{BROKEN}\n"
    dkms = PrivateDkms(tmp_path, kernel_dir)
    release = dkms.release
    dkms.add(tree)
    first = dkms.run("build", *dkms.version, "-k", release, check=False)
    assert first.returncode != 0, first.stdout
    record = dkms.records / package_version() / release / RECORD
    assert record.read_text().startswith(f"{BROKEN} its build failed: "), record.read_text()
    assert ERROR in record.read_text() and (record.parent / f"{BROKEN}.log").is_file()
    assert "netmap" in dkms.status() and "installed" not in dkms.status()
    dkms.run("build", *dkms.version, "-k", release)
    make_log = dkms.make_log()
    assert f"netmap dkms: {BROKEN} is left out for {release}: its build failed: " in make_log
    assert f"netmap dkms: built for {release}: netmap.ko\n" in make_log
    dkms.run("install", *dkms.version, "-k", release, "--no-depmod")
    assert f"netmap/{package_version()}, {release}, x86_64: installed" in dkms.status()
    assert set(dkms.installed_modules()) == {"netmap.ko"}
    dkms.run("remove", *dkms.version, "--all", "--no-depmod")
    assert not dkms.installed_modules()
