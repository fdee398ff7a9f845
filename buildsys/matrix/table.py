"""``matrix.json`` as a Markdown table, and the README's kernel table kept equal to it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

BEGIN = "<!-- kernel matrix: written by `doit matrix --publish`, from docs/kernel-matrix.json -->"
END = "<!-- end of the kernel matrix -->"


def plain(text: str) -> str:
    """A reason fit for any machine's README: absolute paths cut to their last part."""
    return re.sub(r"(?<![\w.~-])/(?:[^/\s()]+/)+([^/\s()]+)", r"\1", text).replace("|", "/")


def cell(row: dict[str, str]) -> str:
    if row["status"] == "skipped":
        return f"skipped: {plain(row['reason'])}"
    if row["status"] == "failed":
        return f"**failed**: {plain(row['reason'])}"
    patch = f" ({row['patch']})" if row.get("patch") else ""
    vm = {"passed": "VM ✓", "failed": "**VM failed**", "skipped": "VM skipped",
          "not run": "not booted", "no QEMU model": "no QEMU model"}.get(row.get("vm", ""), "")
    return f"built{patch}; {vm}" if vm else f"built{patch}"


def markdown(matrix: dict[str, Any]) -> str:
    entries = matrix["series"]
    names = list(dict.fromkeys(name for entry in entries for name in entry["drivers"]))
    lines = ["| driver | " + " | ".join(f"{e['series']} ({e['release']})" for e in entries) + " |",
             "|---" * (len(entries) + 1) + "|"]
    for name in names:
        cells = [cell(e["drivers"][name]) if name in e["drivers"] else "—" for e in entries]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", *(series_line(entry) for entry in entries)]
    return "\n".join(lines) + "\n"


def series_line(entry: dict[str, Any]) -> str:
    offered = ", ".join(f"{suite} {release}" for suite, release in entry["offered"].items())
    steps = ", ".join(f"{step} ok{_seconds(entry['seconds'].get(step))}" if state == "ok"
                      else f"{step}: {plain(state)}" for step, state in entry["steps"].items())
    return (f"- **{entry['series']}**: {entry['release']} ({plain(entry['origin'])}); "
            f"offered by {offered}; {steps}")


def _seconds(value: float | None) -> str:
    return f" in {value:.0f} s" if value is not None else ""


def readme_block(matrix: dict[str, Any]) -> str:
    return f"{BEGIN}\n\n{markdown(matrix)}\n{END}"


def with_matrix(readme: str, matrix: dict[str, Any]) -> str:
    """The README with its kernel table replaced by the one ``matrix`` gives."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise ValueError("the README has no kernel matrix markers")
    return readme[:start] + readme_block(matrix) + readme[end + len(END):]


def readme_matrix(readme_path: Path) -> str:
    """The block the README holds now (for the test that keeps it equal to the JSON)."""
    readme = readme_path.read_text()
    start, end = readme.find(BEGIN), readme.find(END)
    return readme[start:end + len(END)] if 0 <= start < end else ""
