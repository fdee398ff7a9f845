"""The record a driver is declared with: everything the engine needs, as data.

Versions are kernel versions (``"6.1"``, ``"6.12"``); a patch covers
``[since, until)``, ``until=None`` meaning "and every later kernel".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from kernel_probes.record import ProbeSet

NO_PROBES = ProbeSet("")  # most drivers: their patch needs no probe of its own


@dataclass(frozen=True)
class Patch:
    """One of our patches, relative to the driver's module directory (``-p1``)."""

    file: str
    since: str
    until: str | None = None

    def covers(self, version: Version) -> bool:
        if version < Version(self.since):
            return False
        return self.until is None or version < Version(self.until)


@dataclass(frozen=True)
class Driver:
    """A NIC driver netmap can patch.

    ``folder`` is the kernel source folder; ``source_file`` is set for drivers
    that are one file of a shared folder (veth.c in drivers/net), copied alone.
    ``modules`` are the ``.ko`` to build (the realtek folder also holds 8139cp,
    8139too and atp: we build r8169 only).  ``upstream_patches`` names the
    driver in the pinned netmap tree's ``LINUX/final-patches``; ``patches`` are
    ours and win where both cover a kernel.  ``probes`` are the driver's own
    (its ``probes.py``), run only when the driver is selected.  A driver with
    ``off_by_default`` is built only when named (``--show-drivers`` says why).
    """

    name: str
    kconfig: str
    folder: str
    modules: tuple[str, ...]
    upstream_name: str
    home: Path  # this record's folder in the repo (our patches and glue live there)
    source_file: str | None = None
    patches: tuple[Patch, ...] = ()
    upstream_patches: str | None = None
    glue: tuple[str, ...] = ()
    # our fixes to netmap's own glue headers (LINUX/if_*_netmap.h of the pinned tree),
    # applied to a copy that comes first on the driver's include path
    glue_patches: tuple[str, ...] = ()
    probes: ProbeSet = NO_PROBES
    # why the default set leaves the driver out ("" = in it); named with --drivers= it is
    # still built where a patch covers the kernel
    off_by_default: str = ""

    @property
    def tree_name(self) -> str:
        """The name of the copied sources in the patch root (upstream's layout)."""
        return self.source_file or Path(self.folder).name

    def patch_dir(self, root: Path, applies_in: str) -> Path:
        """Where a patch applies: upstream's at the root, ours in the module directory."""
        return root if applies_in == "root" or self.source_file else root / self.tree_name

    def our_patch(self, version: Version) -> Patch | None:
        matches = [patch for patch in self.patches if patch.covers(version)]
        return matches[-1] if matches else None
