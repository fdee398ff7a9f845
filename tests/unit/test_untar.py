"""buildsys.untar: what a hostile archive cannot do, and what a normal one gives."""

from __future__ import annotations

import io
import os
import stat
import tarfile
import warnings
from pathlib import Path

import pytest

from buildsys.core import untar
from buildsys.core.untar import UnsafeArchive

MTIME = 1_600_000_000


def member(name: str, kind: bytes = tarfile.REGTYPE, data: bytes = b"", mode: int = 0o644,
           linkname: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.linkname, info.mtime = kind, mode, linkname, MTIME
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, data


def tarball(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    mode = "w:xz" if path.name.endswith(".xz") else "w:gz"
    with tarfile.open(path, mode) as archive:  # type: ignore[call-overload]
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return path


def everything(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*")}


def sym(name: str, target: str) -> tuple[tarfile.TarInfo, bytes]:
    return member(name, tarfile.SYMTYPE, linkname=target)


HOSTILE = {
    "absolute path": [member("/ABSOLUTE/evil", data=b"x")],
    "dot-dot": [member("ok", data=b"x"), member("../evil", data=b"x")],
    "symlink to /etc": [sym("etc", "/etc")],
    "symlink out of the destination": [sym("sub/up", "../..")],
    "symlink a -> .., then a/evil": [sym("a", ".."), member("a/evil", data=b"x")],
    "chain a -> b, b -> .., then a/evil": [sym("a", "b"), sym("b", ".."),
                                           member("a/evil", data=b"x")],
    "symlink through a linked folder": [sym("s/d", ".."), sym("s/d/l", "../.."),
                                        member("s/d/l/evil", data=b"x")],
    "'..' after a name, a link made later": [sym("s/c", "later/.."), sym("s/later", "..")],
    "hardlink to /etc/passwd": [member("passwd", tarfile.LNKTYPE, linkname="/etc/passwd")],
    "hardlink to a later member": [member("h", tarfile.LNKTYPE, linkname="f"),
                                   member("f", data=b"x")],
    "fifo": [member("fifo", tarfile.FIFOTYPE)],
    "device": [member("null", tarfile.CHRTYPE)],
}


@pytest.mark.parametrize("members", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_members_are_refused_and_nothing_is_written_outside(tmp_path, members):
    members = [(info, data) if not info.name.startswith("/ABSOLUTE") else
               member(str(tmp_path / "work/evil"), data=data) for info, data in members]
    bad = tarball(tmp_path / "bad.tar.gz", members)
    work = tmp_path / "work"
    (work / "dest").mkdir(parents=True)
    with pytest.raises(UnsafeArchive) as error:
        untar.extract(bad, work / "dest")
    assert str(bad) in str(error.value) and "unsafe path" in str(error.value)
    assert everything(work) - {"dest"} == {path for path in everything(work)
                                           if path.startswith("dest/")}
    assert isinstance(error.value, tarfile.TarError)


def test_a_folder_leading_out_through_an_existing_link_is_refused(tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "dest").mkdir()
    (tmp_path / "dest/a").symlink_to(tmp_path / "outside")
    bad = tarball(tmp_path / "bad.tar.gz", [member("a/evil", data=b"x")])
    with pytest.raises(UnsafeArchive, match="leads out"):
        untar.extract(bad, tmp_path / "dest")
    assert not (tmp_path / "outside/evil").exists()


def test_an_existing_symlink_is_replaced_not_written_through(tmp_path):
    (tmp_path / "victim").write_text("keep")
    (tmp_path / "dest").mkdir()
    (tmp_path / "dest/a.txt").symlink_to(tmp_path / "victim")
    untar.extract(tarball(tmp_path / "t.tar.gz", [member("a.txt", data=b"new")]),
                  tmp_path / "dest")
    assert (tmp_path / "victim").read_text() == "keep"
    assert not (tmp_path / "dest/a.txt").is_symlink()
    assert (tmp_path / "dest/a.txt").read_text() == "new"


NORMAL = [
    member("top", tarfile.DIRTYPE, mode=0o775),
    member("top/a.txt", data=b"hello"),
    member("top/run.sh", data=b"#!/bin/sh\n", mode=0o4755),
    member("top/shared.txt", data=b"s", mode=0o666),
    sym("top/link", "a.txt"),
    sym("top/sub/up", "../a.txt"),
    member("top/hard", tarfile.LNKTYPE, linkname="top/a.txt"),
    member("top/skip.me", data=b"no"),
    member("top/sub", tarfile.DIRTYPE, mode=0o755),
]


@pytest.mark.parametrize("suffix", [".tar.gz", ".tar.xz"])
def test_a_normal_archive_is_written_with_safe_modes_and_its_mtimes(tmp_path, suffix):
    def select(info: tarfile.TarInfo) -> str | None:
        return None if info.name.endswith(".me") else untar.without_top_dir(info)

    source = tarball(tmp_path / f"t{suffix}", NORMAL)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DeprecationWarning about filters (3.12+)
        written = untar.extract(source, tmp_path / "dest", select)
    dest = tmp_path / "dest"
    assert written == len(NORMAL) - 2  # the top folder and skip.me
    assert everything(dest) == {"a.txt", "run.sh", "shared.txt", "link", "sub", "sub/up",
                                "hard"}
    assert (dest / "link").read_text() == (dest / "sub/up").read_text() == "hello"
    assert os.readlink(dest / "sub/up") == "../a.txt"
    assert (dest / "hard").stat().st_ino == (dest / "a.txt").stat().st_ino
    assert stat.S_IMODE((dest / "run.sh").stat().st_mode) == 0o755
    assert stat.S_IMODE((dest / "shared.txt").stat().st_mode) == 0o644
    assert (dest / "a.txt").stat().st_mtime == (dest / "sub").stat().st_mtime == MTIME


def test_without_top_dir_is_strip_components_1():
    assert untar.without_top_dir(tarfile.TarInfo("linux-6.1/Makefile")) == "Makefile"
    assert untar.without_top_dir(tarfile.TarInfo("linux-6.1")) is None
