"""What configure shows people: the summary table (scripts read `record`'s configure.json)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from buildsys.configure.record import ConfigureRecord


def _driver_rows(table: Table, config: ConfigureRecord) -> None:
    """Selected drivers one per row; skipped ones grouped by their reason."""
    skipped: dict[str, list[str]] = {}
    for choice in config.drivers:
        if choice.selected:
            table.add_row(f"driver {choice.name}", f"[green]selected[/]: {choice.reason}")
        elif choice.reason != "not requested":
            skipped.setdefault(choice.reason, []).append(choice.name)
    for reason, names in skipped.items():
        table.add_row("drivers skipped", f"{' '.join(names)}\n[yellow]{escape(reason)}[/]")
    if not any(choice.reason != "not requested" for choice in config.drivers):
        table.add_row("drivers", "none requested")


def summary(config: ConfigureRecord, console: Console | None = None) -> None:
    console = console or Console()
    for note in config.notes:
        console.print(f"[yellow]note:[/] {note}")
    run = sum(bool(o.log) for o in config.outcomes)
    defined = sum(len(o.defines) > 0 for o in config.outcomes)
    table = Table(title=f"netmap configure: {config.build_dir}", show_header=False)
    kernel = config.kernel
    table.add_row("kernel", f"{kernel.release} ({kernel.version}) {kernel.dir}")
    table.add_row("compiler", config.compiler.version)
    table.add_row("subsystems", " ".join(config.options.subsystems))
    table.add_row("module", f"{config.options.mod_name}.ko")
    _driver_rows(table, config)
    apps = [c.name for c in config.apps if c.selected]
    table.add_row("apps", " ".join(apps) or "none")
    compiled = [o for o in config.outcomes if o.log or o.cached]
    table.add_row("probes", f"{len(compiled)} compile probes ({run} compiled, "
                  f"{len(compiled) - run} cached), {len(config.outcomes) - len(compiled)} "
                  f"symbol lookups; {defined} macros defined")
    header = "written" if config.header_changed else "unchanged"
    table.add_row("header", f"{config.header.name} ({header})")
    table.add_row("time", f"{config.seconds:.2f} s")
    console.print(table)
