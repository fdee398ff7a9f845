"""The kernels the real-kernel tests run on, by the host's Debian release.

A series is taken from Debian's installed packages when there are some: the header tree a
meta-package (``linux-headers-amd64``, ``linux-headers-6.12-amd64``) depends on, of the
generic ``-amd64`` flavour exactly (``-cloud-amd64`` or ``-rt-amd64`` trees may sit beside
it).  ``./bootstrap --test-kernels`` installs them: 6.1 and 6.12 on Debian 12, 6.12 on
Debian 13.  A series the host's release does not ship (6.1 on Debian 13) is prepared with
``doit kernel-tree`` from the suite that does, and so is the newest series of
trixie-backports (7.x): whatever the archive offers on the day, never a pinned one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pytest

from buildsys.core.errors import NetmapBuildError
from buildsys.debian import private_apt
from buildsys.debian.installed_kernels import installed_release
from buildsys.debian.kernel_tree import NEWEST, PreparedTree, prepare_tree

SERIES = ("6.1", "6.12")
FLAVOUR = "amd64"
# where a test series comes from when the host's release has no package of it
SUITE_OF_SERIES = {"6.1": "bookworm", "6.12": "trixie"}
NEWEST_SUITE = "trixie-backports"


@dataclass(frozen=True)
class TestKernel:
    """A kernel to build for: its header tree, and what configure and vmtest need besides."""

    __test__ = False  # not a test class, despite its name

    series: str
    release: str
    kernel_dir: Path
    tree: PreparedTree | None = None  # None: Debian's installed packages

    @property
    def configure_args(self) -> list[str]:
        """``--kernel-dir``; for a prepared tree also its sources (an installed kernel's
        are found where Debian puts them: /usr/src/linux-source-X.Y.tar.xz)."""
        args = [f"--kernel-dir={self.kernel_dir}"]
        if self.kernel_sources:
            args.append(f"--kernel-sources={self.kernel_sources}")
        return args

    @property
    def vmtest_args(self) -> list[str]:
        if not self.tree:
            return []  # /boot/vmlinuz-<release> and /lib/modules/<release>
        return [f"--kernel-image={self.tree.path('kernel_image')}",
                f"--modules-dir={self.tree.path('modules_dir')}"]

    @property
    def kernel_sources(self) -> str:
        """What ``--kernel-sources`` would be: empty for Debian's own /usr/src tarball."""
        return str(self.tree.path("kernel_sources")) if self.tree else ""

    @property
    def image(self) -> Path:
        return self.tree.path("kernel_image") if self.tree else Path(f"/boot/vmlinuz-{self.release}")


def installed_series() -> list[str]:
    """The test series this host has Debian packages for (real dkms needs those)."""
    return [series for series in SERIES if installed_release(series)]


@functools.cache
def kernel_under_test(series: str) -> TestKernel:
    release = installed_release(series)
    if release:
        return TestKernel(series, release, Path(f"/lib/modules/{release}/build"))
    suite = SUITE_OF_SERIES.get(series)
    if suite is None or suite == private_apt.host_codename():
        pytest.fail(f"no Debian {series} header tree installed: run ./bootstrap --test-kernels")
    return prepared(series, suite)


@functools.cache
def newest_kernel() -> TestKernel:
    """The newest series of trixie-backports, prepared with ``doit kernel-tree``."""
    return prepared(NEWEST, NEWEST_SUITE)


_FAILED: dict[tuple[str, str], str] = {}  # a tree that could not be made is not retried


def prepared(series: str, suite: str) -> TestKernel:
    """``doit kernel-tree``'s tree, or the test fails with its one-line reason."""
    if (series, suite) not in _FAILED:
        try:
            tree = prepare_tree(series, suite=suite)
        except NetmapBuildError as error:
            _FAILED[series, suite] = error.one_line()
    if (series, suite) in _FAILED:
        pytest.fail(f"doit kernel-tree --series={series} --suite={suite}: "
                    f"{_FAILED[series, suite]}", pytrace=False)
    return TestKernel(str(tree.metadata["series"]), tree.release, tree.path("kernel_dir"), tree)


def header_tree(series: str) -> Path:
    return kernel_under_test(series).kernel_dir
