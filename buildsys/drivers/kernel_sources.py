"""Full kernel sources for the patched drivers: only the folders drivers need.

``--kernel-sources=DIR|TARBALL``; without it, Debian's
``/usr/src/linux-source-X.Y.tar.xz`` for the kernel's X.Y.  A tarball is read
once (xz cannot seek: one pass over ~1 GB) and only the drivers' folders and
the top Makefile are kept, cached per tarball.
"""

from __future__ import annotations

import os
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from buildsys.core import untar
from buildsys.core.errors import UserError, located, machine_fault
from buildsys.core.locking import locked
from buildsys.kernel.tree import KernelTree, read_version
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


def debian_tarball(kernel: KernelTree) -> Path:
    major, minor = kernel.version.release[:2]
    return Path(f"/usr/src/linux-source-{major}.{minor}.tar.xz")


def find_sources(given: str, kernel: KernelTree, folders: list[str],
                 same_series: bool = True) -> KernelSources | None:
    """The sources to copy drivers from, or None when there are none to be had."""
    path = Path(given) if given else debian_tarball(kernel)
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
    if version.release[:2] != kernel.version.release[:2]:
        raise UserError(f"kernel sources {path} are {version}, the kernel is {kernel.version}",
                        f"install linux-source-{kernel.version.major}.{kernel.version.minor} "
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
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        untar.extract(tarball, partial, _driver_member(folders))
    except (tarfile.TarError, OSError, EOFError) as error:
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(error, OSError) and machine_fault(error):
            raise located(error, partial) from None
        raise UserError(f"cannot read kernel sources {tarball} ({error})",
                        "pass --kernel-sources=DIR|TARBALL") from None
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
