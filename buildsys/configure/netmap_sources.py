"""netmap's sources: a tarball, a directory or the pinned commit, into the build dir.

The user's tree is only read: configure copies it into ``<build-dir>/netmap``.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
from pathlib import Path

from buildsys.core import proc, untar
from buildsys.core.errors import CommandFailed, UserError, located, machine_fault
from buildsys.core.locking import write_atomic
from buildsys.probing.cache import cache_root

PINNED_COMMIT = "89607e1406c1"
UPSTREAM_GIT = "https://github.com/luigirizzo/netmap.git"
MARKER = "sys/dev/netmap/netmap.c"
REMEDY = "pass --netmap-src=DIR|TARBALL (a netmap checkout or release tarball)"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_checksum(tarball: Path) -> None:
    """Check ``tarball`` against a ``SHA256SUMS`` beside it, when there is one."""
    sums = tarball.parent / "SHA256SUMS"
    if not sums.is_file():
        return
    for line in sums.read_text().splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[1].lstrip("*") == tarball.name:
            if fields[0] != sha256(tarball):
                raise UserError(f"{tarball} does not match {sums}", "download it again")
            return


def unpack(tarball: Path, destination: Path) -> None:
    verify_checksum(tarball)
    staging = destination.with_name(destination.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        untar.extract(tarball, staging)
    except untar.UnsafeArchive as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise UserError(str(error), REMEDY) from None
    except (tarfile.TarError, OSError, EOFError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError) and machine_fault(error):
            raise located(error, staging) from None
        raise UserError(f"cannot read netmap tarball {tarball} ({error})", REMEDY) from None
    roots = list(staging.iterdir())
    root = roots[0] if len(roots) == 1 and roots[0].is_dir() else staging
    _install_tree(root, destination)
    shutil.rmtree(staging, ignore_errors=True)


def _install_tree(root: Path, destination: Path) -> None:
    if not (root / MARKER).is_file():
        raise UserError(f"{root} is not a netmap source tree (no {MARKER})", REMEDY)
    old = destination.with_name(destination.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if destination.exists():
        destination.rename(old)
    shutil.move(str(root), str(destination))
    shutil.rmtree(old, ignore_errors=True)


def copy_dir(source: Path, destination: Path) -> None:
    if not (source / MARKER).is_file():
        raise UserError(f"{source} is not a netmap source tree (no {MARKER})", REMEDY)
    staging = destination.with_name(destination.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        shutil.copytree(source, staging, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    except OSError as error:
        raise UserError(f"cannot read netmap sources {source} ({error})", REMEDY) from None
    _install_tree(staging, destination)


def pinned_checkout(log_dir: Path) -> Path:
    """The pinned commit, cloned once into the per-user cache."""
    checkout = cache_root() / f"netmap-{PINNED_COMMIT}"
    if (checkout / MARKER).is_file():
        return checkout
    partial = checkout.with_name(checkout.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        proc.run(["git", "clone", "--quiet", UPSTREAM_GIT, str(partial)], log_dir / "git-clone.log")
        proc.run(["git", "-C", str(partial), "checkout", "--quiet", PINNED_COMMIT],
                 log_dir / "git-checkout.log")
    except (CommandFailed, OSError, subprocess.SubprocessError) as error:
        raise UserError(f"cannot fetch netmap {PINNED_COMMIT} with git ({error})", REMEDY) from None
    partial.rename(checkout)
    return checkout


def source_identity(source: Path) -> str:
    """What the copy in the build dir was made from (to skip copying again)."""
    if source.is_file():
        return f"tarball {source.resolve()} {sha256(source)}"
    newest = max((p.stat().st_mtime_ns for p in source.rglob("*") if p.is_file()), default=0)
    return f"dir {source.resolve()} {newest}"


def prepare(netmap_src: str, build_dir: Path) -> tuple[Path, str]:
    """Put netmap's sources into ``build_dir/netmap``; the tree and where it came from."""
    source = Path(netmap_src) if netmap_src else pinned_checkout(build_dir / "logs")
    if not source.exists():
        raise UserError(f"netmap sources {source} do not exist", REMEDY)
    destination = build_dir / "netmap"
    identity = source_identity(source)
    stamp = build_dir / "netmap.source"
    if (destination / MARKER).is_file() and stamp.is_file() and stamp.read_text() == identity:
        return destination, identity
    if source.is_file():
        unpack(source, destination)
    else:
        copy_dir(source, destination)
    write_atomic(stamp, identity)
    return destination, identity
