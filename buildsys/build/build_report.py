"""``build.json``: what each build step produced, and the summary table."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from buildsys.build import modsig
from buildsys.build.elfcheck import ModuleCheck
from buildsys.core.locking import locked, write_atomic

REPORT = "build.json"


def read(build_dir: Path) -> dict[str, dict[str, dict[str, object]]]:
    path = build_dir / REPORT
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {"modules": {}, "userspace": {}}
    return data if isinstance(data, dict) else {"modules": {}, "userspace": {}}


def record(build_dir: Path, kind: str, name: str, entry: dict[str, object]) -> None:
    """Store one step's result (steps may run in parallel: read-modify-write under a lock)."""
    with locked(build_dir / ".build.json.lock"):
        data = read(build_dir)
        data.setdefault(kind, {})[name] = entry
        write_atomic(build_dir / REPORT, json.dumps(data, indent=1, sort_keys=True) + "\n")


def module_entry(path: Path, check: ModuleCheck | None, status: str, log: str) -> dict[str, object]:
    return {"path": str(path), "status": status, "log": log,
            "check": asdict(check) if check else None}


def built_modules(build_dir: Path) -> list[Path]:
    """Modules that built and passed their checks (the only ones ever installed)."""
    return [Path(str(entry["path"])) for entry in read(build_dir).get("modules", {}).values()
            if entry.get("status") == "built"]


def forget(build_dir: Path) -> None:
    (build_dir / REPORT).unlink(missing_ok=True)


def prune(build_dir: Path, expected: dict[str, set[str]]) -> None:
    """Forget what an earlier configuration built but this one does not."""
    with locked(build_dir / ".build.json.lock"):
        data = read(build_dir)
        kept = {kind: {name: entry for name, entry in data.get(kind, {}).items()
                       if name in expected.get(kind, set())} for kind in ("modules", "userspace")}
        if kept != data:
            write_atomic(build_dir / REPORT, json.dumps(kept, indent=1, sort_keys=True) + "\n")


def summary(build_dir: Path, console: Console) -> None:
    data = read(build_dir)
    table = Table(title=f"netmap build: {build_dir}")
    for column in ("artifact", "status", "details"):
        table.add_column(column)
    for name, entry in sorted(data.get("modules", {}).items()):
        check = entry.get("check") or {}
        assert isinstance(check, dict)
        details = (f"{str(check.get('vermagic', '')).strip()}; {modsig.text(check.get('signature'))}"
                   if entry["status"] == "built" else entry.get("log", ""))
        table.add_row(name, _status(str(entry["status"])), escape(str(details)))
    for name, entry in sorted(data.get("userspace", {}).items()):
        table.add_row(name, _status(str(entry["status"])), escape(str(entry.get("details", ""))))
    console.print(table)


def _status(status: str) -> str:
    colour = {"built": "green", "failed": "red", "skipped": "yellow"}.get(status, "white")
    return f"[{colour}]{status}[/]"
