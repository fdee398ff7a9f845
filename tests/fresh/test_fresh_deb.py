"""`doit deb`'s netmap-dkms on brand-new Debian 12 and 13 roots: apt install, then remove.

The package is built once on this host (Debian 12 or 13: doit configure for the host's first
test series with the three drivers the suite tests, then doit deb with 6.1's and 6.12's
driver sources), and one of them fails: e1000's vendored sources do not compile
(tests/dkms/failing_driver.py).  Each root gets linux-headers-amd64 (6.1 on bookworm, 6.12 on
trixie) and no linux-source; apt installs the .deb, whose postinst builds through the root's
own dkms.  The install must succeed with netmap.ko and the other drivers, e1000 reported as
left out; then apt removes it, and every module it installed, and its record, must be gone.
Times and `dkms status` are in the terminal summary and fresh-results.json.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from buildsys.deploy.dkms import package_version
from buildsys.deploy.left_out import RECORD, STATE_DIR
from buildsys.deploy.vendoring import DEFAULT_SERIES
from tests.conftest import NETMAP_TARBALL
from tests.dkms.failing_driver import BROKEN, ERROR, broken_sources
from tests.fresh.roots import Results, Root, copy_files, debian_root, require_host
from tests.kernel.conftest import run_doit
from tests.kernels import header_tree, installed_series

pytestmark = [pytest.mark.fresh, pytest.mark.slow]

DRIVERS = ("realtek", "e1000", "virtio_net")
MODULES = ("netmap", "r8169", "virtio_net")  # e1000 is BROKEN
APT_TIMEOUT = 20 * 60
APT = ["apt-get", "-y", "-q", "--no-install-recommends"]
APT_ENV = {"DEBIAN_FRONTEND": "noninteractive", "PYTHONUNBUFFERED": "1"}


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_host()
    if not installed_series():
        pytest.skip("no Debian header tree on this host (./bootstrap --test-kernels)")
    work = tmp_path_factory.mktemp("deb")
    run_doit(work, "configure", f"--kernel-dir={header_tree(installed_series()[0])}",
             f"--drivers={','.join(DRIVERS)}", f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b")
    broken = [broken_sources(series, DRIVERS, work) for series in DEFAULT_SERIES]
    run_doit(work, "deb", f"--dist={work / 'dist'}", "--maintainer=netmap-build tests "
             "<tests@netmap-build.example>", f"--kernel-sources={','.join(map(str, broken))}",
             f"build_dir={work / 'b'}")
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
    assert_left_out(root, ran.output, modules)
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
    assert not root.host_path(f"{STATE_DIR}/{package_version()}").exists()


def assert_left_out(root: Root, apt_output: str, modules: list[str]) -> None:
    """The broken driver: not installed, and said so where a user looks (apt's output, the
    build's make.log, the record with the compiler's error)."""
    assert not [found for found in modules if found.split(".ko")[0] == BROKEN], modules
    (release,) = [path.name for path in root.host_path("/lib/modules").iterdir()]
    assert f"netmap-dkms: Linux {release}: the patched {BROKEN} driver is left out" \
        in apt_output, apt_output[-3000:]
    record = root.host_path(f"{STATE_DIR}/{package_version()}/{release}/{RECORD}")
    assert ERROR in record.read_text()
    make_log = root.host_path(f"/var/lib/dkms/netmap/{package_version()}/{release}/x86_64/"
                              "log/make.log").read_text()
    assert f"netmap dkms: {BROKEN} is left out for {release}: " in make_log
