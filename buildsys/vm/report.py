"""vmtest.json and the table: each check, its numbers, and why it failed."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from buildsys.core.locking import write_atomic
from buildsys.vm.verdict import Check

REPORT = "vmtest.json"
_STYLE = {"pass": "green", "fail": "bold red", "skip": "yellow", "known": "magenta"}


def write(build_dir: Path, header: dict[str, object], checks: list[Check]) -> Path:
    target = build_dir / REPORT
    body = {**header, "checks": [asdict(check) for check in checks],
            "passed": sum(c.status == "pass" for c in checks),
            "failed": sum(c.status == "fail" for c in checks),
            "known": sum(c.status == "known" for c in checks),
            "skipped": sum(c.status == "skip" for c in checks)}
    write_atomic(target, json.dumps(body, indent=2) + "\n")
    return target


def _numbers(check: Check) -> str:
    metrics = check.metrics
    parts = [f"{side} {_rate(metrics[f'{side}_pps'])}" for side in ("tx", "rx")
             if f"{side}_pps" in metrics]
    if "rx_packets" in metrics:
        sent = metrics.get("tx_packets")
        parts.append(f"{metrics['rx_packets']:,.0f}" + (f" of {sent:,.0f}" if sent else "")
                     + " received")
    elif "tx_packets" in metrics:
        parts.append(f"{metrics['tx_packets']:,.0f} sent")
    return ", ".join(parts)


def _rate(pps: float) -> str:
    return f"{pps / 1e6:.2f} Mpps" if pps >= 1e6 else f"{pps / 1e3:.0f} Kpps"


def table(checks: list[Check], console: Console) -> None:
    grid = Table(title="doit vmtest", show_lines=False)
    for column in ("check", "result", "numbers", "note"):
        grid.add_column(column, overflow="fold")
    for check in checks:
        style = _STYLE.get(check.status, "")
        grid.add_row(check.title, f"[{style}]{check.status}[/]", _numbers(check), check.reason)
    console.print(grid)
    for check in checks:
        if check.status == "fail" and check.console:
            console.print(f"[bold]{check.title}[/] console:", markup=True)
            for line in check.console[:6]:
                console.print(f"  {line}", markup=False, soft_wrap=True)
