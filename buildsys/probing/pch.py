"""One precompiled header for what every unit starts with: kbuild's ``-include``s and the
three boilerplate includes (a fifth of a second of parsing, paid once instead of per unit).

Each unit is compiled with ``-include <prefix header>`` in place of kbuild's ``-include``s,
and its three boilerplate lines blanked (its line numbers stay). The prefix header holds
exactly those includes, in that order, so the compiler reads the same text in the same
order as kbuild's command would have it read: the unit's tokens are unchanged. gcc loads
the header's ``.gch`` instead of parsing it when the unit's flags and macros allow (all
units are compiled with the same ``-D``s: see `capture`); when they do not, or the
``.gch`` could not be built, it reads the header's text: the same, only slower. A unit
compiled before the ``.gch`` is ready (`direct` builds it while the first units compile)
is compiled as kbuild's command has it. Nothing here decides an answer.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from buildsys.core import proc
from buildsys.probing.capture import UNIT_CFLAGS, CompileCommand
from buildsys.probing.units import BOILERPLATE

HEADER = "nmprefix.h"
_LOAD_FAILURE = re.compile(r"PCH|\.gch|precompiled header|segment at different address")
_BOILERPLATE_LINES = [f"#include {header}" for header in BOILERPLATE]


def prefixed(command: CompileCommand, workdir: Path, log: Path) -> CompileCommand | None:
    """``command`` reading the prefix header first (its ``.gch`` built here), or None
    when its ``-include``s cannot be moved into a header as they are."""
    includes = _includes(command)
    if includes is None:
        return None
    header = workdir / HEADER
    header.write_text("".join(f'#include "{path}"\n' for path in includes)
                      + "".join(f"{line}\n" for line in _BOILERPLATE_LINES))
    flags = _without_includes(command.compiler)
    building = workdir / f".{HEADER}.gch.tmp"  # gcc never sees a .gch half written
    build = [*(f for f in flags if f != UNIT_CFLAGS), "-x", "c-header", "-c", "-o",
             str(building), str(header)]
    result = proc.run(build, log, cwd=command.cwd, env=command.env, check=False)
    if result.returncode == 0 and building.is_file():
        building.rename(f"{header}.gch")
    else:
        building.unlink(missing_ok=True)  # gcc reads the header's text instead
    return replace(command, compiler=(flags[0], "-include", str(header), *flags[1:]))


def failed_to_load(output: str) -> bool:
    """Whether gcc stopped on the ``.gch`` itself (an old gcc may fail to map it): the
    unit is then compiled again without the prefix header."""
    return any(_LOAD_FAILURE.search(line) for line in output.splitlines()
               if "error:" in line)


def blanked(text: str) -> str | None:
    """A unit's text with its boilerplate lines emptied (the prefix header has them), or
    None when it does not start with them."""
    lines = text.split("\n")
    if lines[:len(_BOILERPLATE_LINES)] != _BOILERPLATE_LINES:
        return None
    return "\n" * len(_BOILERPLATE_LINES) + "\n".join(lines[len(_BOILERPLATE_LINES):])


def remove(workdir: Path) -> None:
    """The ``.gch`` is tens of MB: gone once the batch has its answers."""
    Path(f"{workdir / HEADER}.gch").unlink(missing_ok=True)


def _includes(command: CompileCommand) -> list[str] | None:
    """kbuild's ``-include`` files as absolute paths, in order; None for a spelling we do
    not move (``-include`` glued to its file, a relative file not in the command's dir)."""
    words = command.compiler
    found = []
    for index, word in enumerate(words):
        if word.startswith("-include") and word != "-include":
            return None
        if word == "-include" and index + 1 < len(words):
            path = Path(words[index + 1])
            if not path.is_absolute():
                path = command.cwd / path
                if not path.is_file():
                    return None  # found through the include path: not moved
            found.append(str(path))
    return found


def _without_includes(words: tuple[str, ...]) -> list[str]:
    kept: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "-include":
            skip = True
        else:
            kept.append(word)
    return kept
