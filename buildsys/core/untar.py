"""Safe extraction of tar archives: the one way the project reads an archive.

Members are written here, not by ``TarFile.extract``: Debian 12's python3 (3.11.2) has no
``filter=`` (3.11.4+), and 3.12+ warns without one.  One streaming pass (xz cannot seek);
each member is checked before it is written.
"""

from __future__ import annotations

import os
import shutil
import tarfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import IO

Select = Callable[[tarfile.TarInfo], str | None]
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW


class UnsafeArchive(tarfile.TarError):
    """A member that could write outside the destination, or a kind we never write."""

    def __init__(self, tarball: Path, member: str, why: str) -> None:
        super().__init__(f"{tarball} holds an unsafe path {member!r}: {why}")
        self.tarball = tarball
        self.member = member


def without_top_dir(member: tarfile.TarInfo) -> str | None:
    """``tar --strip-components=1``: the path below the top folder (None for that folder)."""
    return member.name.partition("/")[2] or None


def extract(tarball: Path, destination: Path, select: Select | None = None) -> int:
    """Write the members ``select`` names (None: skip; default: all, as named) under
    ``destination``; the number written.  Raises UnsafeArchive (a TarError)."""
    destination.mkdir(parents=True, exist_ok=True)
    writer = _Writer(tarball, destination)
    with tarfile.open(tarball, "r|*") as archive:
        for member in archive:
            name = select(member) if select else member.name
            if name is not None:
                writer.write(member, name, archive.extractfile(member) if member.isfile() else None)
    writer.set_dir_times()
    return writer.count


def _key(name: str) -> str:
    return str(PurePosixPath(name))  # as a hard link names its target: "./a//b" is "a/b"


class _Writer:
    """One extraction: the destination's real path and what has been written so far."""

    def __init__(self, tarball: Path, destination: Path) -> None:
        self.tarball = tarball
        self.root = os.path.realpath(destination)
        self.count = 0
        self.written: dict[str, str] = {}  # archive name -> where (for hard links)
        self.parents: dict[str, str] = {}  # folder -> its real path, until links change
        self.dir_times: list[tuple[str, float]] = []

    def unsafe(self, member: tarfile.TarInfo, why: str) -> UnsafeArchive:
        return UnsafeArchive(self.tarball, member.name, why)

    def write(self, member: tarfile.TarInfo, name: str, data: IO[bytes] | None) -> None:
        relative = self.checked(member, name)
        if not relative.parts:  # "./", the destination itself
            return
        path = os.path.join(self.real_parent(member, str(relative.parent)), relative.name)
        if member.isdir():
            self.make_dir(member, path)
        elif data is not None:
            self.make_file(member, path, data)
        elif member.issym():
            self.make_symlink(member, path)
        else:
            self.make_hardlink(member, path)
        if not member.isdir():
            self.written[_key(member.name)] = path
        self.count += 1

    def checked(self, member: tarfile.TarInfo, name: str) -> PurePosixPath:
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts:
            raise self.unsafe(member, "absolute or with '..'")
        if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
            raise self.unsafe(member, "a device, fifo or other special file")
        if not (relative.parts or member.isdir()):
            raise self.unsafe(member, "a file named as the destination")
        return relative

    def real_parent(self, member: tarfile.TarInfo, folder: str) -> str:
        """The folder's real path, made if missing; through symlinks it must stay inside."""
        real = self.parents.get(folder)
        if real is None:
            real = os.path.realpath(os.path.join(self.root, folder))
            if os.path.commonpath([real, self.root]) != self.root:
                raise self.unsafe(member, "its folder leads out of the destination")
            os.makedirs(real, exist_ok=True)
            self.parents[folder] = real
        return real

    def make_room(self, path: str) -> None:
        if os.path.lexists(path):
            os.unlink(path)  # a symlink there is replaced, never written through
            self.parents.clear()  # folders named through it may now lead elsewhere

    def make_dir(self, member: tarfile.TarInfo, path: str) -> None:
        if os.path.islink(path):
            self.make_room(path)
        Path(path).mkdir(exist_ok=True)
        os.chmod(path, member.mode & 0o755 | 0o700)  # as the "data" filter, owner rwx
        # writing a folder's content changes its mtime: like tar, set them all at the end
        self.dir_times.append((path, member.mtime))

    def make_file(self, member: tarfile.TarInfo, path: str, data: IO[bytes]) -> None:
        self.make_room(path)
        with data, open(os.open(path, NEW_FILE, 0o600), "wb") as target:
            shutil.copyfileobj(data, target, 1 << 20)
            # no setuid/setgid/sticky nor group/other write; the owner is who extracts
            os.fchmod(target.fileno(), member.mode & 0o755 | 0o600)
        os.utime(path, (member.mtime, member.mtime))  # kbuild compares mtimes

    def make_symlink(self, member: tarfile.TarInfo, path: str) -> None:
        target = PurePosixPath(member.linkname)
        climbs = next((i for i, part in enumerate(target.parts) if part != ".."), len(target.parts))
        if target.is_absolute() or ".." in target.parts[climbs:]:
            # only leading "..": "a/.." could leave through a link "a" made later
            raise self.unsafe(member, f"a symlink to {member.linkname!r} (absolute, or '..' "
                              "after a name)")
        depth = len(PurePosixPath(os.path.relpath(os.path.dirname(path), self.root)).parts)
        if climbs > depth:
            raise self.unsafe(member, f"a symlink to {member.linkname!r}, out of the destination")
        self.make_room(path)
        os.symlink(member.linkname, path)
        self.parents.clear()

    def make_hardlink(self, member: tarfile.TarInfo, path: str) -> None:
        source = self.written.get(_key(member.linkname))
        if source is None:
            raise self.unsafe(member, f"a hard link to {member.linkname!r}, not written before")
        self.make_room(path)
        os.link(source, path, follow_symlinks=False)

    def set_dir_times(self) -> None:
        for path, mtime in self.dir_times:
            os.utime(path, (mtime, mtime), follow_symlinks=False)
