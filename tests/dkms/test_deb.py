"""doit deb: the package's layout, its dkms.conf (DKMS 3.x), its vendored sources, lintian.

On Debian 12 or 13: configured for the host's first test series (6.1 on 12, 6.12 on 13),
it vendors 6.1 and 6.12 either way (Debian 13 has no linux-source-6.1: doit deb takes the
tarball of the 6.1 tree the tests prepare there with doit kernel-tree).  Installing it
with apt on fresh Debian roots is tests/fresh/test_fresh_deb.py."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from buildsys.deploy.dkms import package_version
from buildsys.deploy.left_out import RECORD
from buildsys.deploy.vendoring import DEFAULT_SERIES
from tests.conftest import NETMAP_TARBALL
from tests.dkms.failing_driver import source_tarball
from tests.kernel.conftest import run_doit
from tests.kernels import header_tree, installed_series

pytestmark = [pytest.mark.dkms, pytest.mark.kernel]

needs_tools = pytest.mark.skipif(
    shutil.which("dpkg-deb") is None or shutil.which("lintian") is None
    or not installed_series(),
    reason="needs dpkg-deb, lintian and a Debian header tree (./bootstrap --test-kernels)")


def contents(deb: Path) -> list[str]:
    listing = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True,
                             text=True, check=True, stdin=subprocess.DEVNULL).stdout
    return [line.split()[-1] for line in listing.splitlines()]


@needs_tools
def test_deb_layout_dkms_conf_sources_and_lintian(tmp_path: Path) -> None:
    tarballs = {series: source_tarball(series) for series in DEFAULT_SERIES}
    run_doit(tmp_path, "configure", f"--kernel-dir={header_tree(installed_series()[0])}",
             "--drivers=realtek", f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b")
    run_doit(tmp_path, "deb", f"--dist={tmp_path / 'dist'}",
             "--maintainer=netmap-build tests <tests@netmap-build.example>",
             f"build_dir={tmp_path / 'b'}")
    deb = tmp_path / "dist" / f"netmap-dkms_{package_version()}-1_all.deb"
    assert deb.is_file()
    tree = f"./usr/src/netmap-{package_version()}/"
    files = contents(deb)
    for wanted in ("dkms.conf", "dkms_build.py", "NETMAP_COMMIT", "kernel-sources/SOURCES",
                   "kernel-sources/6.1/Makefile", "kernel-sources/6.12/Makefile",
                   "kernel-sources/6.1/drivers.txt", "kernel-sources/6.12/drivers.txt",
                   "kernel-sources/6.1/drivers/net/ethernet/realtek/r8169_main.c"):
        assert tree + wanted in files, wanted
    assert not [name for name in files if "/.git" in name or "/WINDOWS/" in name]
    unpacked = tmp_path / "x"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True,
                   stdin=subprocess.DEVNULL)
    conf = (unpacked / tree / "dkms.conf").read_text()
    assert 'AUTOINSTALL="yes"' in conf and 'BUILD_EXCLUSIVE_KERNEL_MIN="6.1"' in conf
    assert "uname" not in conf and "CLEAN" not in conf and "REMAKE_INITRD" not in conf
    assert "_module realtek CONFIG_R8169 r8169 " in conf and "/var/lib/netmap-dkms" in conf
    sources = (unpacked / tree / "kernel-sources" / "SOURCES").read_text()
    assert all(f"Origin: {tarball}" in sources for tarball in tarballs.values()), sources
    assert "GPL-2.0" in sources
    copyright_text = (unpacked / "usr/share/doc/netmap-dkms/copyright").read_text()
    assert "BSD-2-Clause" in copyright_text and "License: none declared" in copyright_text
    scripts = tmp_path / "control"
    subprocess.run(["dpkg-deb", "-e", str(deb), str(scripts)], check=True,
                   stdin=subprocess.DEVNULL)
    for script in ("postinst", "prerm", "postrm"):  # every placeholder filled
        assert "#STATE_DIR#" not in (scripts / script).read_text()
        assert f"DKMS_VERSION={package_version()}\n" in (scripts / script).read_text()
    assert "STATE=/var/lib/netmap-dkms/$DKMS_VERSION" in (scripts / "postrm").read_text()
    # the postinst counts the records dkms_build.py writes (left_out)
    assert f'"$STATE"/*/{RECORD}' in (scripts / "postinst").read_text()
    lintian = subprocess.run(["lintian", "--no-cfg", "--fail-on", "warning", str(deb)],
                             capture_output=True, text=True, check=False,
                             stdin=subprocess.DEVNULL, timeout=600)
    assert lintian.returncode == 0, lintian.stdout + lintian.stderr
