"""One series of the matrix: ``doit configure build`` with every driver, then
``doit vmtest`` where Debian's image can boot, each a subprocess with its log kept."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from buildsys.build import build_report
from buildsys.configure import record
from buildsys.core import proc
from buildsys.drivers.selection import Choice
from buildsys.matrix.kernels import MatrixKernel
from buildsys.matrix.suites import Offer
from vmtests import SCENARIOS

DODO = Path(__file__).resolve().parents[2] / "dodo.py"
PASSING = ("pass", "known")  # "known": upstream's own test, failing for a cause not ours
# the apps and utils do not depend on the kernel: only what vmtest runs is built
APPS = ["--apps=pkt-gen,vale-ctl", "--no-utils"]


@dataclass(frozen=True)
class MatrixOptions:
    out: Path  # one dir per release below it
    netmap_src: str
    vmtest: str = "all"  # the series booted in vmtest: all, none, or a comma-separated list
    scenarios: str = ""  # vmtest's --scenarios; empty: its default set

    def boots(self, series: str) -> bool:
        chosen = self.vmtest.replace(",", " ").split()
        return "all" in chosen or series in chosen


@dataclass
class SeriesRun:
    kernel: MatrixKernel
    offers: list[Offer]
    workdir: Path
    steps: dict[str, str] = field(default_factory=dict)  # step: "ok", or why not
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def build_dir(self) -> Path:
        return self.workdir / "b"

    def doit(self, step: str, args: list[str]) -> bool:
        """``doit <args>`` in the series' own dir; its output in ``logs/<step>.log``."""
        log = proc.fresh_log(self.workdir / "logs" / f"{step}.log")
        argv = [sys.executable, "-m", "doit", "-f", str(DODO), "-d", str(self.workdir), *args]
        started = time.monotonic()
        result = proc.run(argv, log, check=False)
        self.seconds[step] = round(time.monotonic() - started, 1)
        self.steps[step] = "ok" if result.returncode == 0 else _why(result.output, log)
        return result.returncode == 0


def _why(output: str, log: Path) -> str:
    errors = [line.strip() for line in output.splitlines() if line.startswith("error:")]
    return f"{errors[0] if errors else 'failed'} ({log})"


def run_series(kernel: MatrixKernel, offers: list[Offer], options: MatrixOptions) -> SeriesRun:
    run = SeriesRun(kernel, offers, options.out / kernel.release)
    source = [f"--netmap-src={options.netmap_src}"] if options.netmap_src else []
    configured = run.doit("configure", ["configure", *kernel.configure_args(), *source,
                                        "--build-dir=b", "--drivers=all", *APPS])
    built = configured and run.doit("build", ["build"])
    boot = kernel.vmtest_args()
    if not options.boots(kernel.series):
        run.steps["vmtest"] = f"not asked (--vmtest={options.vmtest})"
    elif boot is None:
        run.steps["vmtest"] = "no kernel image to boot"
    elif built or configured:  # a driver that failed to build must not hide the others
        chosen = [f"--scenarios={options.scenarios}"] if options.scenarios else []
        run.doit("vmtest", ["vmtest", *boot, *chosen])
    return run


def read_json(path: Path) -> dict[str, Any]:
    """vmtest.json, or nothing when vmtest did not run."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def driver_choices(build_dir: Path) -> tuple[Choice, ...]:
    """Every driver with its reason, from configure's own record (none if it failed)."""
    if not (build_dir / record.FILE).is_file():
        return ()
    return record.read_record(build_dir).drivers


def series_entry(run: SeriesRun) -> dict[str, Any]:
    """The series' row of ``matrix.json``."""
    modules = build_report.read(run.build_dir).get("modules", {})
    checks = read_json(run.build_dir / "vmtest.json").get("checks", [])
    rows = {"netmap": _netmap_row(modules, checks)}
    for choice in driver_choices(run.build_dir):
        rows[choice.name] = _driver_row(choice, modules, checks)
    return {"series": run.kernel.series, "release": run.kernel.release,
            "origin": run.kernel.origin,
            "offered": {offer.suite: offer.release for offer in run.offers},
            "steps": run.steps, "seconds": run.seconds, "drivers": rows}


def _netmap_row(modules: dict[str, Any], checks: list[dict[str, Any]]) -> dict[str, str]:
    entry = modules.get("netmap.ko", {})
    status = "built" if entry.get("status") == "built" else "failed"
    return {"status": status, "reason": "" if status == "built" else str(entry.get("log", "")),
            "patch": "", "vm": _vm_verdict(checks, _scenarios_of(None))}


def _driver_row(choice: Choice, modules: dict[str, Any],
                checks: list[dict[str, Any]]) -> dict[str, str]:
    name, patch = choice.name, choice.patch
    if not choice.selected:
        return {"status": "skipped", "reason": choice.reason, "patch": patch, "vm": ""}
    mine = [entry for key, entry in modules.items() if key.endswith(f"({name})")]
    failed = [entry for entry in mine if entry.get("status") != "built"]
    if not mine or failed:
        why = str(failed[0].get("log", "")) if failed else "no module in build.json"
        return {"status": "failed", "reason": why, "patch": patch, "vm": ""}
    return {"status": "built", "reason": "", "patch": patch,
            "vm": _vm_verdict(checks, _scenarios_of(name))}


def _scenarios_of(driver: str | None) -> set[str]:
    """The scenarios proving a driver (None: netmap.ko's own, which swap no driver)."""
    if driver is None:
        return {s.name for s in SCENARIOS if not s.drivers and not s.nic_model}
    return {s.name for s in SCENARIOS if driver in s.drivers}


def _vm_verdict(checks: list[dict[str, Any]], scenarios: set[str]) -> str:
    if not scenarios:
        return "no QEMU model"
    mine = [check for check in checks if check["scenario"] in scenarios]
    if not mine:
        return "not run"
    if any(check["status"] not in (*PASSING, "skip") for check in mine):
        return "failed"
    return "passed" if any(check["status"] in PASSING for check in mine) else "skipped"


def run_all(kernels: list[tuple[MatrixKernel, list[Offer]]], options: MatrixOptions,
            say: Callable[[str], object]) -> list[dict[str, Any]]:
    entries = []
    for kernel, offers in kernels:
        say(f"{kernel.series}: {kernel.release} ({kernel.origin})")
        run = run_series(kernel, offers, options)
        entries.append(series_entry(run))
        states = ", ".join(f"{step} {state}" for step, state in run.steps.items())
        say(f"{kernel.series}: {states}")
    return entries
