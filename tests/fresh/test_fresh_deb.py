"""`doit deb`'s netmap-dkms on brand-new Debian 12 and 13 roots: apt install, then remove.

The package is built once on this host (doit configure for the host's 6.1 headers with the
three drivers the suite tests, then doit deb: 6.1's and 6.12's driver sources vendored from
this host's linux-source tarballs).  Each root gets linux-headers-amd64 (6.1 on bookworm,
6.12 on trixie) and no linux-source; apt installs the .deb, whose postinst builds through
the root's own dkms.  Then apt removes it, and every module it installed must be gone.
Times and `dkms status` are in the terminal summary and fresh-results.json.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import NETMAP_TARBALL
from tests.fresh.roots import Results, Root, copy_files, debian_root, require_host
from tests.kernel.conftest import run_doit
from tests.kernels import header_tree, installed_series

pytestmark = [pytest.mark.fresh, pytest.mark.slow]

DRIVERS = ("realtek", "e1000", "virtio_net")
MODULES = ("netmap", "r8169", "e1000", "virtio_net")
APT_TIMEOUT = 20 * 60
APT = ["apt-get", "-y", "-q", "--no-install-recommends"]
APT_ENV = {"DEBIAN_FRONTEND": "noninteractive", "PYTHONUNBUFFERED": "1"}


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_host()
    if "6.1" not in installed_series():
        pytest.skip("no 6.1 headers on this host (./bootstrap --test-kernels)")
    work = tmp_path_factory.mktemp("deb")
    run_doit(work, "configure", f"--kernel-dir={header_tree('6.1')}",
             f"--drivers={','.join(DRIVERS)}", f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b")
    run_doit(work, "deb", f"--dist={work / 'dist'}", "--maintainer=netmap-build tests "
             "<tests@netmap-build.example>", f"build_dir={work / 'b'}")
    found = list((work / "dist").glob("netmap-dkms_*_all.deb"))
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module", params=("bookworm", "trixie"))
def root(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         fresh_results: Results, deb: Path) -> Iterator[Root]:
    suite: str = request.param
    with debian_root(suite, tmp_path_factory.mktemp(f"deb-{suite}")) as made:
        fresh_results.record(f"deb-{suite}", debootstrap_s=round(made.debootstrap_s),
                             deb_kib=deb.stat().st_size // 1024)
        copy_files(made, [deb], "/root")
        made.run(["apt-get", "-q", "update"], "apt-update", timeout=APT_TIMEOUT).require()
        ran = made.run([*APT, "install", "linux-headers-amd64"], "apt-headers", env=APT_ENV,
                       timeout=APT_TIMEOUT)
        ran.require()
        fresh_results.record(f"deb-{suite}", apt_headers_s=round(ran.seconds))
        yield made


def installed_modules(root: Root) -> list[str]:
    return sorted(path.name for path in root.host_path("/lib/modules").rglob("updates/dkms/*"))


def test_apt_installs_builds_and_removes(root: Root, deb: Path,
                                         fresh_results: Results) -> None:
    name = f"deb-{root.suite}"
    ran = root.run([*APT, "install", f"/root/{deb.name}"], "apt-install-deb", env=APT_ENV,
                   timeout=APT_TIMEOUT)
    fresh_results.record(name, apt_install_s=round(ran.seconds))
    ran.require()
    status = root.output(["dkms", "status"], "dkms-status")
    fresh_results.record(name, dkms_status=status.strip(),
                         dkms_version=root.output(["dpkg-query", "-W", "-f=${Version}", "dkms"],
                                                  "dkms-version"))
    assert re.search(r"netmap/\S+, \S+, x86_64: installed", status), status
    modules = installed_modules(root)
    fresh_results.record(name, modules=" ".join(modules))
    for module in MODULES:
        assert any(found.split(".ko")[0] == module for found in modules), (module, modules)
    for python_package in ("python3-rich", "python3-pyelftools", "python3-packaging"):
        root.output(["dpkg-query", "-W", python_package], f"dpkg-{python_package}")
    # built from headers alone: the root has no linux-source
    assert not list(root.host_path("/usr/src").glob("linux-source-*"))
    removed = root.run([*APT, "remove", "netmap-dkms"], "apt-remove-deb", env=APT_ENV,
                       timeout=APT_TIMEOUT)
    fresh_results.record(name, apt_remove_s=round(removed.seconds))
    removed.require()
    assert "netmap" not in root.output(["dkms", "status"], "dkms-status-after")
    assert installed_modules(root) == []
