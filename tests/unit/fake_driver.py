"""A driver's copied sources for probes of the fake kbuild tree: one file, fake_open()."""

from __future__ import annotations

from pathlib import Path

INCLUDE = '#include "fakedrv/fake_main.c"\n'  # how a driver probe includes it


def fake_driver_source(tmp_path: Path) -> Path:
    """``<tmp>/sources/fakedrv/fake_main.c``, defining ``fake_open``; the folder."""
    source = tmp_path / "sources" / "fakedrv"
    source.mkdir(parents=True)
    (source / "fake_main.c").write_text(
        "#include <linux/netdevice.h>\n"
        "static int fake_open(struct net_device *dev) { return dev->mtu > 0; }\n")
    return source
