"""The tree each series is built against: the host's own Debian packages when it has
them (what a user of that release builds for), else ``doit kernel-tree`` from the oldest
suite that offers the series."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from buildsys.debian.installed_kernels import installed_release
from buildsys.debian.kernel_tree import prepare_tree
from buildsys.matrix.suites import FLAVOUR, Offer


@dataclass(frozen=True)
class MatrixKernel:
    series: str
    release: str
    origin: str  # "installed" or "doit kernel-tree --suite=<suite>"
    kernel_dir: Path
    kernel_sources: str = ""  # empty: Debian's /usr/src tarball, found by configure
    image: Path | None = None
    modules_dir: Path | None = None

    def configure_args(self) -> list[str]:
        args = [f"--kernel-dir={self.kernel_dir}"]
        return [*args, f"--kernel-sources={self.kernel_sources}"] if self.kernel_sources else args

    def vmtest_args(self) -> list[str] | None:
        """``doit vmtest``'s kernel options; None when there is no image to boot."""
        if self.image is None or not self.image.is_file():
            return None
        return [f"--kernel-image={self.image}", f"--modules-dir={self.modules_dir}"]


def kernel_for(series: str, offers: list[Offer],
               say: Callable[[str], object] = lambda _: None) -> MatrixKernel:
    release = installed_release(series, FLAVOUR)
    if release:
        return MatrixKernel(series, release, "installed", Path(f"/lib/modules/{release}/build"),
                            image=Path(f"/boot/vmlinuz-{release}"),
                            modules_dir=Path(f"/lib/modules/{release}"))
    suite = offers[0].suite
    tree = prepare_tree(series, suite=suite, say=say)
    return MatrixKernel(series, tree.release, f"doit kernel-tree --suite={suite}",
                        tree.path("kernel_dir"), str(tree.path("kernel_sources")),
                        tree.path("kernel_image"), tree.path("modules_dir"))
