"""The record types that probe data is written in.

A probe is declared, never run, here: `buildsys.probing` runs it.  Every
macro a probe emits is spelled without the ``NETMAP_LINUX_`` prefix, as
upstream's ``have``/``define`` helpers take it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MACRO_PREFIX = "NETMAP_LINUX_"


@dataclass(frozen=True)
class Define:
    """One ``#define NETMAP_LINUX_<name> <value>`` line of the header."""

    name: str
    value: str = ""

    def line(self) -> str:
        return f"#define {MACRO_PREFIX}{self.name} {self.value}".rstrip()


def have(name: str) -> Define:
    """``HAVE_<name>`` with no value, as upstream's ``have``."""
    return Define(f"HAVE_{name}")


def define(name: str, value: str = "") -> Define:
    """``<name>`` with a value, as upstream's ``define``."""
    return Define(name, value)


@dataclass(frozen=True)
class Probe:
    """A compile probe: ``code`` builds as a kernel object, or it does not.

    The code is preceded by ``linux/module.h``, ``linux/kernel.h`` and
    ``linux/init.h`` and followed by ``MODULE_LICENSE``, as upstream's
    ``add_named_test`` does.  ``driver`` is set for a driver's own probes
    (``drivers/<name>/probes.py``): they run only when that driver is
    selected (some build against its copied sources, some only test kernel
    APIs that driver uses).  ``note`` says why the kernel changed; it documents
    the probe and is no part of its cache key.
    """

    name: str
    code: str
    note: str
    on_success: tuple[Define, ...] = ()
    on_failure: tuple[Define, ...] = ()
    cflags: tuple[str, ...] = ()
    driver: str | None = None


@dataclass(frozen=True)
class SourceGrep:
    """A text search in a driver's copied sources (upstream greps some)."""

    name: str
    path: str
    word: str
    note: str
    on_success: tuple[Define, ...] = ()
    driver: str | None = None


@dataclass(frozen=True)
class ExportedSymbol:
    """A symbol looked up in the kernel's ``Module.symvers``."""

    name: str
    symbol: str
    note: str
    on_success: tuple[Define, ...] = ()
    driver: str | None = None


@dataclass(frozen=True)
class ProbeSet:
    """The probes of one kernel area or driver, in upstream's order."""

    area: str
    probes: tuple[Probe | SourceGrep | ExportedSymbol, ...] = field(default=())
