"""Which drivers and apps this configuration builds, each with the reason."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from pathlib import Path

from apps import APPS
from buildsys.cli.options import Options
from buildsys.core import proc
from buildsys.core.errors import ToolError, UserError
from buildsys.drivers.kernel_sources import KernelSources, find_sources, source_package
from buildsys.drivers.patching import ChosenPatch, apply_patch, choose_patch
from buildsys.kernel.tree import KernelTree
from drivers.catalog import DRIVERS, by_name
from drivers.record import Driver


@dataclass(frozen=True)
class Choice:
    name: str
    selected: bool
    reason: str
    patch: str = ""


@dataclass
class Selection:
    drivers: list[Choice] = field(default_factory=list)
    apps: list[Choice] = field(default_factory=list)
    # selected drivers: their patch, and the folder holding their pristine tree
    patches: dict[str, ChosenPatch] = field(default_factory=dict)
    driver_sources: dict[str, Path] = field(default_factory=dict)
    kernel_sources: KernelSources | None = None

    @property
    def probe_drivers(self) -> list[str]:
        return [choice.name for choice in self.drivers if choice.selected]


def select_all(options: Options, kernel: KernelTree, netmap: Path, log_dir: Path) -> Selection:
    selection = Selection()
    if any(d.name in options.drivers for d in DRIVERS):
        # every driver's folder at once: one pass over the tarball serves any selection
        selection.kernel_sources = find_sources(options.kernel_sources, kernel,
                                                [source_path(d) for d in DRIVERS])
    chooser = _Chooser(options, kernel, selection, netmap, log_dir)
    for driver in DRIVERS:
        choice = chooser.choose(driver)
        if options.drivers_named and driver.name in options.drivers and not choice.selected:
            raise UserError(f"driver {driver.name} cannot be built: {choice.reason}",
                            "drop it from --drivers or fix the cause")
        selection.drivers.append(choice)
    selection.apps = [_app_choice(a.name, a.x86_64_only, options) for a in APPS]
    return selection


def driver_named(name: str) -> Driver:
    """The catalog's driver of that name (ours or upstream's), or a UserError listing them."""
    driver = by_name(name)
    if driver is None:
        raise UserError(f"unknown driver {name!r}",
                        f"valid drivers: {' '.join(d.name for d in DRIVERS)}")
    return driver


def source_path(driver: Driver) -> str:
    """The driver's path in the kernel sources (its folder, or its one file)."""
    return f"{driver.folder}/{driver.source_file}" if driver.source_file else driver.folder


@dataclass
class _Chooser:
    options: Options
    kernel: KernelTree
    selection: Selection
    netmap: Path
    log_dir: Path

    def choose(self, driver: Driver) -> Choice:
        if driver.name not in self.options.drivers:
            return Choice(driver.name, False, "not requested")
        state = self.kernel.enabled(driver.kconfig)
        if state != "m":
            why = "built into the kernel, so it cannot be replaced" if state == "y" else "not set"
            return Choice(driver.name, False, f"{driver.kconfig} {why} in the kernel's .config")
        sources = self.selection.kernel_sources
        if sources is None:
            return Choice(driver.name, False, f"no kernel sources (install "
                          f"{source_package(self.kernel.series)} or pass "
                          "--kernel-sources=DIR|TARBALL)")
        if not (sources.root / source_path(driver)).exists():
            return Choice(driver.name, False, f"{source_path(driver)} is not in {sources.origin}")
        patch = choose_patch(driver, sources.version, self.netmap)
        if patch is None:
            return Choice(driver.name, False,
                          f"no patch for {sources.version} (ours or upstream's)")
        return _dry_run(driver, patch, sources, self.log_dir, self.selection)


def _dry_run(driver: Driver, patch: ChosenPatch, sources: KernelSources, log_dir: Path,
             selection: Selection) -> Choice:
    parent = (sources.root / source_path(driver)).parent
    where = driver.patch_dir(parent, patch.applies_in)
    label = f"{patch.origin} {patch.path.name} {patch.range_text}".rstrip()
    try:
        apply_patch(patch, where, proc.fresh_log(log_dir / f"patch-{driver.name}-check.log"),
                    f"{driver.name} on {sources.version}", dry_run=True)
    except ToolError as error:
        return Choice(driver.name, False, error.message, label)
    selection.patches[driver.name] = patch
    selection.driver_sources[driver.name] = parent
    return Choice(driver.name, True, f"patched with {label}", label)


def _app_choice(name: str, x86_64_only: bool, options: Options) -> Choice:
    if name not in options.apps:
        return Choice(name, False, "not requested")
    if x86_64_only and platform.machine() != "x86_64":
        return Choice(name, False, "x86_64 only (inline assembly)")
    return Choice(name, True, "default" if len(options.apps) > 1 else "requested")
