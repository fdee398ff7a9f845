"""Kernel probes as data: upstream configure's compile probes, grouped by area.

Each area file (``netdev.py``, ``mm.py``, ...) declares its probes in one
``PROBES`` set, in the order upstream's configure adds them; `AREAS` fixes the
order of the files, ours (``ours.py``) last. The generic probes are the areas'
probes in that order, so adding a probe to its area file is all it takes.

The order matters where several probes define one macro (the select_queue_*,
get_ringparam_*, pwait_key_* and page_count_* families): the header holds the
macros in reverse probe order, so the earlier probe's value is the one in force,
as in upstream's header. Each family sits in one file, in upstream's order.
Across files the header's lines come in another order than upstream's; what it
defines is the same.

A driver's probes live in its folder (``drivers/<name>/probes.py``); `all_probes`
takes the sets of the selected drivers.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from kernel_probes import kernel, mm, netdev, netdev_ops, ours, skbuff
from kernel_probes.record import MACRO_PREFIX, ExportedSymbol, Probe, ProbeSet, SourceGrep
from kernel_probes.symbols import SYMBOLS

__all__ = [
    "AREAS",
    "SYMBOLS",
    "AnyProbe",
    "all_probes",
    "area_sets",
    "generic_probes",
    "our_macros",
]

AREAS: tuple[ModuleType, ...] = (netdev, netdev_ops, skbuff, mm, kernel, ours)

AnyProbe = Probe | SourceGrep | ExportedSymbol


def area_sets() -> list[ProbeSet]:
    """Each area's ``PROBES``, in `AREAS` order, read from its module when asked."""
    sets = [area.PROBES for area in AREAS]
    assert all(isinstance(found, ProbeSet) for found in sets)
    return sets


def generic_probes() -> list[Probe]:
    """The probes every configuration runs: each area's, in file order."""
    return [probe for found in area_sets() for probe in found.probes if isinstance(probe, Probe)]


def our_macros() -> set[str]:
    """The macros only our probes define (never upstream's configure)."""
    return {MACRO_PREFIX + define.name for probe in ours.PROBES.probes
            for define in (*probe.on_success, *getattr(probe, "on_failure", ()))}


def all_probes(driver_probes: Iterable[ProbeSet]) -> list[AnyProbe]:
    """Generic probes, then the given drivers' (in their order), then the symbol lookups."""
    records: list[AnyProbe] = list(generic_probes())
    for found in driver_probes:
        records += found.probes
    return records + list(SYMBOLS)
