"""Full kernel sources for the patched drivers: only the folders drivers need.

``--kernel-sources=DIR|TARBALL``; without it, Debian's
``/usr/src/linux-source-X.Y.tar.xz`` for the kernel's X.Y.  A tarball is read
once (xz cannot seek: one pass over ~1 GB) and only the drivers' folders and
the top Makefile are kept, cached per tarball.
"""

from __future__ import annotations

import os
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from buildsys.core import untar
from buildsys.core.errors import UserError, located, machine_fault
from buildsys.core.locking import locked, staged_dir
from buildsys.kernel.tree import KernelTree, read_version, version_series
from buildsys.probing.cache import cache_root, digest


@dataclass(frozen=True)
class KernelSources:
    root: Path
    version: Version
    origin: str
    warning: str | None = None


def sources_cache_root() -> Path:
    """Extracted driver folders (shared by all build dirs; not probe answers)."""
    explicit = os.environ.get("NETMAP_BUILD_SOURCES_CACHE")
    return Path(explicit) if explicit else cache_root() / "kernel-sources"


# Debian's linux-source-X.Y package: the one rule for where the sources are (dkms.conf
# applies it in shell, with its own X.Y)
DEBIAN_TARBALL = "/usr/src/linux-source-{series}.tar.xz"


def debian_tarball(series: str) -> Path:
    return Path(DEBIAN_TARBALL.format(series=series))


def source_package(series: str) -> str:
    return f"linux-source-{series}"


def release_series(release: str) -> str:
    """``X.Y`` of a kernel release (``6.1.0-26-amd64``, ``7.3.4+deb13-amd64``)."""
    match = re.match(r"\d+\.\d+", release)
    return match.group() if match else release


def find_sources(given: str, kernel: KernelTree, folders: list[str],
                 same_series: bool = True) -> KernelSources | None:
    """The sources to copy drivers from, or None when there are none to be had."""
    path = Path(given) if given else debian_tarball(kernel.series)
    if not path.exists():
        if given:
            raise UserError(f"kernel sources {path} do not exist",
                            "pass --kernel-sources=DIR|TARBALL of the kernel's own version")
        return None
    root = path if path.is_dir() else extract_folders(path, folders)
    version = read_version(root)
    if not same_series:  # the porting aid: sources of a kernel we have no headers for
        return KernelSources(root, version, str(path))
    return KernelSources(root, version, str(path), check_versions(kernel, version, path))


def check_versions(kernel: KernelTree, version: Version, path: Path) -> str | None:
    if version_series(version) != kernel.series:
        raise UserError(f"kernel sources {path} are {version}, the kernel is {kernel.version}",
                        f"install {source_package(kernel.series)} "
                        "or pass --kernel-sources of the same series")
    if version != kernel.version:
        return (f"kernel sources {path} are {version} but the headers are {kernel.version}: "
                "drivers are patched from the sources' version")
    return None


def extract_folders(tarball: Path, folders: list[str]) -> Path:
    """The given folders (and the top Makefile) of ``tarball``, extracted once and cached."""
    stat = tarball.stat()
    key = digest([str(tarball.resolve()), stat.st_size, stat.st_mtime_ns, sorted(folders)])
    target = sources_cache_root() / key[:16]
    with locked(target.with_suffix(".lock")):
        if not (target / "Makefile").is_file():
            _extract(tarball, folders, target)
    return target


def _driver_member(folders: list[str]) -> untar.Select:
    """The path below the top folder of the top Makefile and of what is in the drivers'
    folders; only files and folders (a symlink could name what is not kept)."""
    def select(member: tarfile.TarInfo) -> str | None:
        relative = untar.without_top_dir(member) or ""
        wanted = relative == "Makefile" or any(
            relative == folder or relative.startswith(folder + "/") for folder in folders)
        return relative if wanted and (member.isfile() or member.isdir()) else None
    return select


def _extract(tarball: Path, folders: list[str], target: Path) -> None:
    try:
        with staged_dir(target) as staging:
            untar.extract(tarball, staging, _driver_member(folders))
    except (tarfile.TarError, OSError, EOFError) as error:
        if isinstance(error, OSError) and machine_fault(error):
            raise located(error, target) from None
        raise UserError(f"cannot read kernel sources {tarball} ({error})",
                        "pass --kernel-sources=DIR|TARBALL") from None
