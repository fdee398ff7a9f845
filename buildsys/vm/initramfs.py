"""A newc cpio archive written in Python: the guest's whole root file system.

The kernel unpacks an uncompressed newc archive itself, so no cpio, gzip or root
is needed. Debian ships in-tree modules compressed (``.ko.xz``); the guest builder
stores them decompressed (``elfcheck.module_bytes``), so any busybox ``insmod`` loads
them on any kernel.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path

_TRAILER = "TRAILER!!!"


@dataclass
class Archive:
    """Files, directories and symlinks to pack, by their path in the guest."""

    entries: dict[str, tuple[int, bytes]] = field(default_factory=dict)

    def directory(self, path: str) -> None:
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            self.entries.setdefault("/".join(parts[:depth]), (stat.S_IFDIR | 0o755, b""))

    def file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        parent = path.strip("/").rpartition("/")[0]
        if parent:
            self.directory(parent)
        self.entries[path.strip("/")] = (stat.S_IFREG | mode, data)

    def write(self, target: Path) -> None:
        staging = target.with_suffix(".part")
        with staging.open("wb") as out:
            for inode, (name, (mode, data)) in enumerate(sorted(self.entries.items()), 1):
                out.write(_entry(name, mode, data, inode))
            out.write(_entry(_TRAILER, 0, b"", 0))
        staging.replace(target)


def _entry(name: str, mode: int, data: bytes, inode: int) -> bytes:
    encoded = name.encode() + b"\0"
    fields = (inode, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(encoded), 0)
    header = b"070701" + b"".join(f"{value:08x}".encode() for value in fields)
    return _pad(header + encoded) + _pad(data)


def _pad(blob: bytes) -> bytes:
    return blob + b"\0" * (-len(blob) % 4)

