"""What configure leaves for people and scripts: configure.json and a summary."""

from __future__ import annotations

import json
from dataclasses import asdict

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from buildsys.configure.record import Configuration
from buildsys.core.locking import write_atomic
from buildsys.kernel.tree import fingerprint
from buildsys.probing.cache import digest
from drivers.catalog import by_name


def write_outputs(config: Configuration) -> None:
    write_atomic(config.build_dir / "configure.json", json.dumps(as_json(config), indent=1) + "\n")


def as_json(config: Configuration) -> dict[str, object]:
    kernel = config.kernel
    return {
        "kernel": {"dir": str(kernel.path), "release": kernel.release,
                   "version": str(kernel.version), "version_code": kernel.version_code,
                   "fingerprint": digest(fingerprint(kernel))},
        "compiler": {"command": kernel.compiler, "version": kernel.compiler_version_text},
        "options": asdict(config.options),
        "probes": [
            {"name": o.name, "success": o.success, "cached": o.cached,
             "defines": [d.line() for d in o.defines], "log": o.log}
            for o in config.outcomes
        ],
        "drivers": [asdict(choice) for choice in config.selection.drivers],
        "kernel_sources": _sources_json(config),
        "driver_builds": _driver_builds(config),
        "apps": [asdict(choice) for choice in config.selection.apps],
        "header": str(config.build_dir / "netmap_linux_config.h"),
        "header_changed": config.header_changed,
        "seconds": round(config.seconds, 3),
        "notes": config.notes,
        "warnings": config.warnings,
    }


def _driver_rows(table: Table, config: Configuration) -> None:
    """Selected drivers one per row; skipped ones grouped by their reason."""
    skipped: dict[str, list[str]] = {}
    for choice in config.selection.drivers:
        if choice.selected:
            table.add_row(f"driver {choice.name}", f"[green]selected[/]: {choice.reason}")
        elif choice.reason != "not requested":
            skipped.setdefault(choice.reason, []).append(choice.name)
    for reason, names in skipped.items():
        table.add_row("drivers skipped", f"{' '.join(names)}\n[yellow]{escape(reason)}[/]")
    if not config.selection.drivers or not any(c.reason != "not requested"
                                               for c in config.selection.drivers):
        table.add_row("drivers", "none requested")


def _driver_builds(config: Configuration) -> dict[str, dict[str, str]]:
    """What the build needs per selected driver: its pristine tree and its patch."""
    selection = config.selection
    builds = {}
    for name, patch in selection.patches.items():
        driver = by_name(name)
        assert driver is not None
        builds[name] = {"pristine": str(selection.driver_sources[name] / driver.tree_name),
                        "patch": str(patch.path), "origin": patch.origin,
                        "applies_in": patch.applies_in}
    return builds


def _sources_json(config: Configuration) -> dict[str, str] | None:
    sources = config.selection.kernel_sources
    if sources is None:
        return None
    return {"origin": sources.origin, "root": str(sources.root), "version": str(sources.version)}


def summary(config: Configuration, console: Console | None = None) -> None:
    console = console or Console()
    for note in config.notes:
        console.print(f"[yellow]note:[/] {note}")
    run = sum(bool(o.log) for o in config.outcomes)
    defined = sum(len(o.defines) > 0 for o in config.outcomes)
    table = Table(title=f"netmap configure: {config.build_dir}", show_header=False)
    kernel = config.kernel
    table.add_row("kernel", f"{kernel.release} ({kernel.version}) {kernel.path}")
    table.add_row("compiler", config.kernel.compiler_version_text)
    table.add_row("subsystems", " ".join(config.options.subsystems))
    table.add_row("module", f"{config.options.mod_name}.ko")
    _driver_rows(table, config)
    apps = [c.name for c in config.selection.apps if c.selected]
    table.add_row("apps", " ".join(apps) or "none")
    compiled = [o for o in config.outcomes if o.log or o.cached]
    table.add_row("probes", f"{len(compiled)} compile probes ({run} compiled, "
                  f"{len(compiled) - run} cached), {len(config.outcomes) - len(compiled)} "
                  f"symbol lookups; {defined} macros defined")
    header = "written" if config.header_changed else "unchanged"
    table.add_row("header", f"netmap_linux_config.h ({header})")
    table.add_row("time", f"{config.seconds:.2f} s")
    console.print(table)
