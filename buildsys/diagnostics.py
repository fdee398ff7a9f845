"""Read gcc's diagnostics and say which probe each error belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DIAGNOSTIC = re.compile(
    r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?:\d+:)? (?P<kind>fatal error|error|warning|note): "
)
_INCLUDED_FROM = re.compile(r"^(?:In file included|\s+) from (?P<file>[^:]+):(?P<line>\d+)")


@dataclass
class UnitDiagnostics:
    """Errors of one unit: by line of the unit, and those we could not place."""

    errors_by_line: dict[int, list[str]] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)


def _is_unit(path: str, unit_file: str) -> bool:
    return path == unit_file or path.endswith("/" + unit_file.rsplit("/", 1)[-1])


def parse(output: str, unit_file: str) -> UnitDiagnostics:
    """Attribute each error in ``output`` to a line of ``unit_file``.

    An error in the unit itself has its own line; an error inside a header
    is placed by the note that shows the macro expanded from the unit, or by
    the ``In file included from`` chain leading to it.
    """
    result = UnitDiagnostics()
    lines = output.splitlines()
    for index, text in enumerate(lines):
        match = _DIAGNOSTIC.match(text)
        if not match or match["kind"] in ("note", "warning"):
            continue
        line = _place(lines, index, match, unit_file)
        if line is None:
            result.unplaced.append(text)
        else:
            result.errors_by_line.setdefault(line, []).append(text)
    return result


def _place(lines: list[str], index: int, match: re.Match[str], unit_file: str) -> int | None:
    if _is_unit(match["file"], unit_file):
        return int(match["line"])
    for text in lines[index + 1 :]:
        note = _DIAGNOSTIC.match(text)
        if note and note["kind"] != "note":
            break
        if note and _is_unit(note["file"], unit_file):
            return int(note["line"])
    for text in reversed(lines[:index]):
        included = _INCLUDED_FROM.match(text)
        if included and _is_unit(included["file"], unit_file):
            return int(included["line"])
        if _DIAGNOSTIC.match(text):
            break
    return None
