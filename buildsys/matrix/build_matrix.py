"""``doit matrix``: resolve the series, prepare their trees, run them, write the matrix."""

from __future__ import annotations

import datetime
import json
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

from buildsys.core.errors import UserError
from buildsys.core.locking import write_atomic
from buildsys.debian.kernel_tree import trees_cache_root
from buildsys.debian.private_apt import host_codename
from buildsys.matrix import suites, table
from buildsys.matrix.kernels import kernel_for
from buildsys.matrix.run import MatrixOptions, run_all

REPO = Path(__file__).resolve().parents[2]
PUBLISHED = REPO / "docs" / "kernel-matrix.json"
README = REPO / "README.md"


def wanted_series(offered: dict[str, list[suites.Offer]], names: str,
                  option: str = "--series") -> list[str]:
    """The series asked for (all the archive offers when none is named)."""
    asked = [name for name in names.replace(",", " ").split() if name]
    missing = [name for name in asked if name not in offered]
    if missing:
        raise UserError(f"Debian's archive offers no kernel series {', '.join(missing)}",
                        f"choose from {' '.join(offered)} for {option}, or leave it out")
    return asked or list(offered)


def make_matrix(options: MatrixOptions, names: str,
                say: Callable[[str], object]) -> dict[str, Any]:
    today = datetime.date.today()
    offered = suites.by_series(suites.archive_offers(trees_cache_root(), today, say))
    chosen = wanted_series(offered, names)
    booted = options.vmtest.replace(",", " ").split()
    wanted_series(offered, " ".join(name for name in booted if name not in ("all", "none")),
                  "--vmtest")
    say(f"series offered: {' '.join(offered)}; running {' '.join(chosen)}")
    kernels = [(kernel_for(series, offered[series], say), offered[series]) for series in chosen]
    entries = run_all(kernels, options, say)
    return {"schema": 1, "date": today.isoformat(), "host": f"Debian {host_codename()}",
            "machine": platform.machine(), "series": entries}


def write(matrix: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "matrix.json", out / "matrix.md"]
    write_atomic(written[0], json.dumps(matrix, indent=1) + "\n")
    write_atomic(written[1], table.markdown(matrix))
    return written


def publish(matrix: dict[str, Any]) -> list[Path]:
    """The matrix into docs/ and the README's kernel table."""
    PUBLISHED.parent.mkdir(exist_ok=True)
    write_atomic(PUBLISHED, json.dumps(matrix, indent=1) + "\n")
    write_atomic(README, table.with_matrix(README.read_text(), matrix))
    return [PUBLISHED, README]
