"""Read gcc's diagnostics and find the lines of a unit each error points at."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIAGNOSTIC = re.compile(
    r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?:\d+:)? (?P<kind>fatal error|error|warning|note): "
)
_INCLUDED_FROM = re.compile(r"^(?:In file included|\s+) from (?P<file>[^:]+):(?P<line>\d+)")


@dataclass(frozen=True)
class CompileError:
    """An error and every line of the unit it leads back to, its own line first.

    A line comes from the error's own location, from the notes that follow
    it (``in expansion of macro`` from the unit) or from the ``In file
    included from`` chain before it.
    """

    text: str
    unit_lines: tuple[int, ...]


def _is_unit(path: str, unit_file: str) -> bool:
    """Whether gcc's ``path`` names the unit: kbuild before 6.13 hands gcc the unit by its
    absolute path, 6.13 and later (which run in the module's dir) by its bare name."""
    name = unit_file.rsplit("/", 1)[-1]
    return path in (unit_file, name) or path.endswith("/" + name)


def parse(output: str, unit_file: str) -> list[CompileError]:
    lines = output.splitlines()
    errors = []
    for index, text in enumerate(lines):
        match = _DIAGNOSTIC.match(text)
        if match and match["kind"] in ("error", "fatal error"):
            errors.append(CompileError(text, _unit_lines(lines, index, unit_file)))
    return errors


def _unit_lines(lines: list[str], index: int, unit_file: str) -> tuple[int, ...]:
    found: list[int] = []
    match = _DIAGNOSTIC.match(lines[index])
    assert match is not None
    if _is_unit(match["file"], unit_file):
        found.append(int(match["line"]))
    for text in lines[index + 1 :]:
        note = _DIAGNOSTIC.match(text)
        if note and note["kind"] != "note":
            break
        if note and _is_unit(note["file"], unit_file):
            found.append(int(note["line"]))
    for text in reversed(lines[:index]):
        included = _INCLUDED_FROM.match(text)
        if included and _is_unit(included["file"], unit_file):
            found.append(int(included["line"]))
        if _DIAGNOSTIC.match(text):
            break
    return tuple(found)
