"""netmap's sources: a tarball, a directory or the pinned commit, into the build dir.

The user's tree is only read: configure copies it into ``<build-dir>/netmap``.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

from buildsys.core import proc, untar
from buildsys.core.errors import CommandFailed, UserError, located, machine_fault
from buildsys.core.files import file_digest
from buildsys.core.locking import replace_dir, staged_dir, write_atomic
from buildsys.probing.cache import cache_root

PINNED_COMMIT = "89607e1406c1"
UPSTREAM_GIT = "https://github.com/luigirizzo/netmap.git"
MARKER = "sys/dev/netmap/netmap.c"
REMEDY = "pass --netmap-src=DIR|TARBALL (a netmap checkout or release tarball)"


def verify_checksum(tarball: Path) -> None:
    """Check ``tarball`` against a ``SHA256SUMS`` beside it, when there is one."""
    sums = tarball.parent / "SHA256SUMS"
    if not sums.is_file():
        return
    for line in sums.read_text().splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[1].lstrip("*") == tarball.name:
            if fields[0] != file_digest(tarball):
                raise UserError(f"{tarball} does not match {sums}", "download it again")
            return


def unpack(tarball: Path, destination: Path) -> None:
    """The tarball's tree (below its one top folder, if it has one) as ``destination``."""
    verify_checksum(tarball)
    unpacked = destination.with_name(f".{destination.name}.unpacked")
    shutil.rmtree(unpacked, ignore_errors=True)
    try:
        _extract(tarball, unpacked)
        roots = list(unpacked.iterdir())
        root = roots[0] if len(roots) == 1 and roots[0].is_dir() else unpacked
        _check_tree(root)
        replace_dir(root, destination)
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)


def _extract(tarball: Path, unpacked: Path) -> None:
    try:
        untar.extract(tarball, unpacked)
    except untar.UnsafeArchive as error:
        raise UserError(str(error), REMEDY) from None
    except (tarfile.TarError, OSError, EOFError) as error:
        if isinstance(error, OSError) and machine_fault(error):
            raise located(error, unpacked) from None
        raise UserError(f"cannot read netmap tarball {tarball} ({error})", REMEDY) from None


def _check_tree(root: Path) -> None:
    if not (root / MARKER).is_file():
        raise UserError(f"{root} is not a netmap source tree (no {MARKER})", REMEDY)


def copy_dir(source: Path, destination: Path) -> None:
    _check_tree(source)
    with staged_dir(destination) as staging:
        try:
            shutil.copytree(source, staging, symlinks=True, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".git"))
        except OSError as error:
            raise UserError(f"cannot read netmap sources {source} ({error})", REMEDY) from None


def pinned_checkout(log_dir: Path) -> Path:
    """The pinned commit, cloned once into the per-user cache."""
    checkout = cache_root() / f"netmap-{PINNED_COMMIT}"
    if (checkout / MARKER).is_file():
        return checkout
    try:
        with staged_dir(checkout) as staging:  # git clones into an empty dir
            proc.run(["git", "clone", "--quiet", UPSTREAM_GIT, str(staging)],
                     log_dir / "git-clone.log")
            proc.run(["git", "-C", str(staging), "checkout", "--quiet", PINNED_COMMIT],
                     log_dir / "git-checkout.log")
    except (CommandFailed, OSError, subprocess.SubprocessError) as error:
        raise UserError(f"cannot fetch netmap {PINNED_COMMIT} with git ({error})", REMEDY) from None
    return checkout


def source_identity(source: Path) -> str:
    """What the copy in the build dir was made from (to skip copying again)."""
    if source.is_file():
        return f"tarball {source.resolve()} {file_digest(source)}"
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
