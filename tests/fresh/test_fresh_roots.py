"""./bootstrap on brand-new Debian 12 and 13 machines: debootstrap minbase roots.

Each root (bookworm, trixie) gets the repository's committed HEAD (a ``git clone`` of this
checkout: uncommitted changes are not in it) at /root/netmap-build, and the shared netmap
tarball with its SHA256SUMS at /root/shared/netmap, since these machines cannot reach GitHub
(the clone's tests/conftest.py finds it as ``REPO.parent / "shared"``).  Then ``./bootstrap``
runs inside, as the README says, with NETMAP_SRC set to that tarball.  A root runs no Debian
kernel (neither do these machines), so bootstrap builds for Debian's current one,
``linux-headers-amd64``: that release must be in the modules' vermagic.  Last, the fast tests
run under Debian's python3 inside the root.  The time of each phase and the versions seen are
printed in the terminal summary and kept in fresh-results.json (pytest's base temp dir).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import NETMAP_TARBALL, REPO
from tests.fresh.roots import (
    Ran,
    Results,
    Root,
    clone_checkout,
    copy_files,
    debian_root,
    require_host,
)

pytestmark = [pytest.mark.fresh, pytest.mark.slow]

SUITES = ("bookworm", "trixie")
CHECKOUT = "/root/netmap-build"
SHARED_NETMAP = "/root/shared/netmap"
NETMAP_SRC = f"{SHARED_NETMAP}/{NETMAP_TARBALL.name}"
BOOTSTRAP_TIMEOUT = 45 * 60
FAST_TESTS_TIMEOUT = 15 * 60
FAST_TESTS = "not kernel and not fresh and not dkms and not vm and not slow"
DEBIAN_PYTHON = ("python3", "python3-doit", "python3-rich", "python3-pyelftools",
                 "python3-packaging", "python3-pytest")
# the lines of bootstrap's log that open its phases, in order (".  build:" is doit's)
BOOTSTRAP_PHASES = {
    "apt_update_s": "bootstrap: reading apt's package lists",
    "apt_tools_s": "bootstrap: installing the build tools",
    "apt_kernel_s": "bootstrap: Debian has no headers for the running kernel",
    "configure_s": "bootstrap: doit configure --kernel-dir=",
    "build_s": ".  build:",
}
# only so that Python's lines reach the log when written, stamped with the right time
UNBUFFERED = {"PYTHONUNBUFFERED": "1"}


@dataclass(frozen=True)
class Bootstrapped:
    """A root where ./bootstrap succeeded, the kernel it built for and the build dir."""

    root: Root
    release: str
    build_dir: Path  # on the host

    def inside(self, path: Path) -> str:
        return "/" + str(path.relative_to(self.root.path))


@pytest.fixture(scope="module", params=SUITES)
def bootstrapped(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                 fresh_results: Results) -> Iterator[Bootstrapped]:
    suite: str = request.param
    require_host()
    with debian_root(suite, tmp_path_factory.mktemp(f"fresh-{suite}")) as root:
        fresh_results.record(suite, debootstrap_s=round(root.debootstrap_s))
        clone_checkout(root, REPO, CHECKOUT)
        copy_files(root, [NETMAP_TARBALL, NETMAP_TARBALL.parent / "SHA256SUMS"], SHARED_NETMAP)
        ran = root.run([f"{CHECKOUT}/bootstrap"], "bootstrap",
                       env={"NETMAP_SRC": NETMAP_SRC, **UNBUFFERED}, timeout=BOOTSTRAP_TIMEOUT)
        fresh_results.record(suite, **bootstrap_timings(ran))
        ran.require()
        release = headers_release(root)
        fresh_results.record(suite, kernel=release)
        yield Bootstrapped(root, release, root.host_path(f"{CHECKOUT}/build/{release}"))


def bootstrap_timings(ran: Ran) -> dict[str, object]:
    """Seconds of each phase of bootstrap, from its log: apt-get update, the tools and Python
    packages, the kernel's headers and sources, doit configure, doit build."""
    starts = [(name, ran.seen_at(line)) for name, line in BOOTSTRAP_PHASES.items()]
    found = [(name, start) for name, start in starts if start is not None]
    ends = [start for _, start in found[1:]] + [ran.seconds]
    timings: dict[str, object] = {"bootstrap_s": round(ran.seconds)}
    timings |= {name: round(end - start) for (name, start), end in zip(found, ends, strict=True)}
    return timings


def headers_release(root: Root) -> str:
    """The release linux-headers-amd64 brought in the root (6.12.57+deb13-amd64)."""
    depends = root.output(["dpkg-query", "-W", "-f=${Depends}", "linux-headers-amd64"],
                          "headers-release")
    match = re.search(r"linux-headers-(\S+-amd64)\b", depends)
    assert match, f"linux-headers-amd64 depends on no linux-headers-*-amd64: {depends!r}"
    return match.group(1)


def build_report(bootstrapped: Bootstrapped) -> dict[str, dict[str, dict[str, object]]]:
    path = bootstrapped.build_dir / "build.json"
    assert path.is_file(), f"no {path}: builds here: {list(path.parent.parent.glob('*'))}"
    report: dict[str, dict[str, dict[str, object]]] = json.loads(path.read_text())
    return report


def test_netmap_r8169_and_pkt_gen_built_for_the_roots_kernel(bootstrapped: Bootstrapped) -> None:
    report = build_report(bootstrapped)
    modules = report["modules"]
    r8169 = [name for name in modules if name.startswith("r8169.ko")]
    assert r8169, f"no r8169.ko in build.json: {sorted(modules)}"
    for name in ("netmap.ko", *r8169):
        entry = modules.get(name)
        assert entry and entry["status"] == "built", f"{name}: {entry}"
        check = entry["check"]
        assert isinstance(check, dict) and not check["problems"], f"{name}: {check}"
        assert str(check["vermagic"]).startswith(f"{bootstrapped.release} "), f"{name}: {check}"
        inside = str(entry["path"])
        assert bootstrapped.root.host_path(inside).is_file(), f"{name}: no {inside}"
        # read by the root's own kmod, not by our ELF check
        vermagic = bootstrapped.root.output(["/usr/sbin/modinfo", "-F", "vermagic", inside],
                                            f"modinfo-{Path(inside).stem}")
        assert vermagic.split()[0] == bootstrapped.release, f"{inside}: {vermagic!r}"
    assert report["userspace"].get("pkt-gen", {}).get("status") == "built", report["userspace"]
    programs = list((bootstrapped.build_dir / "build-apps").glob("pkt-gen/**/pkt-gen"))
    assert programs, f"no pkt-gen under {bootstrapped.build_dir / 'build-apps'}"
    pkt_gen = programs[0]
    assert pkt_gen.read_bytes()[:4] == b"\x7fELF" and pkt_gen.stat().st_mode & 0o111
    # it runs in the root: its usage, without netmap loaded
    usage = bootstrapped.root.run([bootstrapped.inside(pkt_gen), "-h"], "pkt-gen-usage")
    assert "Usage" in usage.output or "usage" in usage.output, usage.describe()


def test_debian_python_stack_and_never_pip(bootstrapped: Bootstrapped,
                                           fresh_results: Results) -> None:
    root = bootstrapped.root
    assert root.output(["/usr/bin/which", "python3"], "which-python3").strip() == "/usr/bin/python3"
    root.output(["/usr/bin/python3", "-c", "import doit, rich, elftools, packaging, pytest"],
                "python-imports")
    versions = root.output(["dpkg-query", "-W", *DEBIAN_PYTHON], "python-packages")
    python = root.output(["/usr/bin/python3", "--version"], "python-version").strip()
    fresh_results.record(root.suite, python=python,
                         packages=dict(line.split("\t") for line in versions.splitlines()))
    pip = root.run(["/usr/bin/python3", "-m", "pip", "--version"], "pip")
    assert not pip.ok, f"pip is installed in the root: {pip.output}"
    local = [str(path) for path in root.path.glob("usr/local/lib/python3*/dist-packages/*")]
    assert not local, f"something was installed with pip: {local}"
    assert not root.host_path(f"{CHECKOUT}/.venv").exists(), "bootstrap made a .venv"


def test_fast_tests_pass_under_debians_python3(bootstrapped: Bootstrapped,
                                               fresh_results: Results) -> None:
    root = bootstrapped.root
    ran = root.run(["/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    "-m", FAST_TESTS, "tests"], "fast-tests", cwd=CHECKOUT,
                   env={"NETMAP_SRC": NETMAP_SRC}, timeout=FAST_TESTS_TIMEOUT)
    summary = ran.output.strip().splitlines()[-1] if ran.output.strip() else ""
    fresh_results.record(root.suite, fast_tests_s=round(ran.seconds), fast_tests=summary)
    ran.require()
