"""What a configure run found: the records shared by configure and its outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from buildsys.cli.options import Options
from buildsys.drivers.selection import Selection
from buildsys.kernel.tree import KernelTree
from kernel_probes.record import Define


@dataclass
class ProbeOutcome:
    name: str
    success: bool
    cached: bool
    defines: list[Define]
    log: str = ""


@dataclass
class Configuration:
    kernel: KernelTree
    options: Options
    build_dir: Path
    selection: Selection
    outcomes: list[ProbeOutcome] = field(default_factory=list)
    header_changed: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # -Wno-error= names the compiler knows
