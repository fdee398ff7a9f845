"""Pristine driver folders vendored into a DKMS tree, so that it builds from headers alone.

For each kernel series the package targets (Debian's 6.1 and 6.12 by default: from an
installed ``linux-source-X.Y``, else from a ``doit kernel-tree`` entry; plus the sources a
packager names), only the folders the drivers need and the top Makefile are
copied from the kernel's sources into ``kernel-sources/<X.Y>/`` of the tree, and
``kernel-sources/SOURCES`` records where each came from (path, version, sha256, license).
Nothing is vendored into this repository: the sources come from the building machine.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from buildsys.core.errors import UserError
from buildsys.core.files import file_digest
from buildsys.debian.kernel_packages import release_key
from buildsys.debian.kernel_tree import trees_cache_root
from buildsys.drivers.kernel_sources import debian_tarball, extract_folders
from buildsys.drivers.selection import driver_named, source_path
from buildsys.kernel.tree import read_version, version_series
from drivers.catalog import DRIVERS

# the series of Debian 12 and 13's kernels (bookworm-security carries 6.12 too)
DEFAULT_SERIES = ("6.1", "6.12")
VENDORED = "kernel-sources"
LICENSE = "GPL-2.0-only (the Linux kernel's COPYING, with its syscall note)"


@dataclass(frozen=True)
class Vendored:
    series: str
    version: str
    origin: str
    sha256: str  # of the tarball, or "" for a directory


def given_sources(kernel_sources: str) -> list[Path]:
    """``--kernel-sources=A,B``: tarballs or dirs the packager names, each must exist."""
    paths = [Path(word) for word in kernel_sources.split(",") if word]
    for path in paths:
        if not path.exists():
            raise UserError(f"kernel sources {path} do not exist",
                            "pass --kernel-sources=DIR|TARBALL[,...] of kernels to support")
    return paths


def default_sources() -> tuple[list[Path], list[str]]:
    """Debian's tarballs of the default series found here, and the series missing.

    An installed ``linux-source-X.Y`` first, else the one a ``doit kernel-tree`` entry
    keeps: Debian 13 has no linux-source-6.1, and ``doit kernel-tree --series=6.1
    --suite=bookworm`` (which the tests run there) downloads it."""
    found, missing = [], []
    for series in DEFAULT_SERIES:
        installed = debian_tarball(series)
        tarball = installed if installed.is_file() else kept_by_kernel_tree(series)
        if tarball:
            found.append(tarball)
        else:
            missing.append(series)
    return found, missing


def kept_by_kernel_tree(series: str) -> Path | None:
    """The linux-source tarball of the newest ``doit kernel-tree`` entry of ``series``."""
    kept = []
    for marker in trees_cache_root().glob(f"{series}.*/tree.json"):
        try:
            metadata = json.loads(marker.read_text())
            tarball = Path(metadata["paths"]["sources_tarball"])
            release = str(metadata["release"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # an entry being made, or another layout: not ours to judge here
        if metadata.get("series") == series and tarball.is_file():
            kept.append((release_key(release), tarball))
    return max(kept)[1] if kept else None


def vendor(tree: Path, driver_names: list[str], sources: list[Path]) -> list[Vendored]:
    """Copy the drivers' folders of each source into ``tree``/kernel-sources/<X.Y>/."""
    folders = sorted({source_path(driver_named(name)) for name in driver_names})
    done: dict[str, Vendored] = {}
    for path in sources if folders else []:
        # every driver's folder, as configure extracts them: one cached pass over a tarball
        root = path if path.is_dir() else extract_folders(path, all_driver_folders())
        version = read_version(root)
        series = version_series(version)
        if series in done:  # the packager's sources win over Debian's default ones
            continue
        _copy(root, tree / VENDORED / series, folders)
        done[series] = Vendored(series, str(version), str(path),
                                "" if path.is_dir() else file_digest(path))
    if done:
        (tree / VENDORED / "SOURCES").write_text(sources_record(list(done.values())))
    return list(done.values())


def all_driver_folders() -> list[str]:
    return [source_path(driver) for driver in DRIVERS]


def _copy(root: Path, target: Path, folders: list[str]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / "Makefile", target / "Makefile")
    for folder in folders:
        source = root / folder
        if source.is_dir():
            shutil.copytree(source, target / folder, symlinks=True)
        elif source.is_file():  # a driver of one file (virtio_net.c)
            (target / folder).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / folder)


def sources_record(vendored: list[Vendored]) -> str:
    lines = ["# Pristine Linux driver sources vendored into this tree by doit deb/dkms.",
             "# Only the folders the patched drivers need, and the top Makefile.", ""]
    for item in vendored:
        lines += [f"Series: {item.series}", f"Version: {item.version}",
                  f"Origin: {item.origin}", f"SHA256: {item.sha256 or '(a directory)'}",
                  f"License: {LICENSE}", ""]
    return "\n".join(lines)
