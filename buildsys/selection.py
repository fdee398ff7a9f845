"""Which drivers and apps this configuration builds, each with the reason."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from pathlib import Path

from apps import APPS
from buildsys.errors import UserError
from buildsys.kernel import KernelTree
from buildsys.options import Options
from drivers.catalog import DRIVERS, DriverEntry


@dataclass(frozen=True)
class Choice:
    name: str
    selected: bool
    reason: str


@dataclass
class Selection:
    drivers: list[Choice] = field(default_factory=list)
    apps: list[Choice] = field(default_factory=list)
    # upstream driver names whose specific probes run, and their copied sources
    probe_drivers: list[str] = field(default_factory=list)
    driver_sources: dict[str, Path] = field(default_factory=dict)


def select_all(options: Options, kernel: KernelTree) -> Selection:
    selection = Selection()
    selection.drivers = [_driver_choice(d, options, kernel) for d in DRIVERS]
    selection.apps = [_app_choice(a.name, a.x86_64_only, options) for a in APPS]
    return selection


def _driver_choice(entry: DriverEntry, options: Options, kernel: KernelTree) -> Choice:
    if entry.name not in options.drivers:
        return Choice(entry.name, False, "not requested")
    if not kernel.enabled(entry.kconfig):
        if options.drivers_named:
            raise UserError(f"driver {entry.name} needs {entry.kconfig}, which "
                            f"{kernel.release} does not set", "drop it from --drivers")
        return Choice(entry.name, False, f"{entry.kconfig} not set in the kernel's .config")
    if not options.kernel_sources:
        return Choice(entry.name, False, "no kernel sources (pass --kernel-sources=DIR|TARBALL)")
    return Choice(entry.name, False, "patched drivers are not built by this version yet")


def _app_choice(name: str, x86_64_only: bool, options: Options) -> Choice:
    if name not in options.apps:
        return Choice(name, False, "not requested")
    if x86_64_only and platform.machine() != "x86_64":
        return Choice(name, False, "x86_64 only (inline assembly)")
    return Choice(name, True, "default" if len(options.apps) > 1 else "requested")
