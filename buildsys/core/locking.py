"""File locks, atomic writes and staged dirs: a run cut off leaves nothing half-written."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def locked(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (waits for other holders)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def sweep_temporaries(directory: Path, names: list[str]) -> None:
    """Remove what a writer of ``names`` killed inside write_atomic left (``.<name>.<random>``):
    call it holding the lock of every writer of those files."""
    for name in names:
        for stray in directory.glob(f".{name}.*"):
            stray.unlink(missing_ok=True)


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless ``path`` already holds it; True if it was written."""
    if path.is_file() and path.read_text() == text:
        return False
    write_atomic(path, text)
    return True


@contextlib.contextmanager
def staged_dir(target: Path) -> Iterator[Path]:
    """A dir to build ``target`` in, swapped in whole when the block ends well: an
    interrupted or failed build leaves the old ``target`` (or none), never half of one."""
    staging = target.with_name(f".{target.name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replace_dir(staging, target)


def replace_dir(finished: Path, target: Path) -> None:
    """Put the dir ``finished`` (beside ``target``) where ``target`` is, the old one
    moved aside first and removed after: there is always a whole ``target``, or none."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    finished.rename(target)
    shutil.rmtree(old, ignore_errors=True)


UNFINISHED = ".unfinished"


@contextlib.contextmanager
def make_dir(directory: Path) -> Iterator[None]:
    """The dir a make writes in, marked while it runs.  A make cut off (SIGKILL) may leave
    a half-written object or program newer than its sources, which the next make takes as
    up to date: a dir still marked is emptied first.  The mark goes only when the block
    ends normally (make returned, whatever its status)."""
    marker = directory / UNFINISHED
    if marker.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    marker.touch()
    yield
    marker.unlink()


def finished(directory: Path) -> bool:
    """False while a make cut off in ``directory`` left its mark (doit's ``uptodate``)."""
    return not (directory / UNFINISHED).exists()
