"""Write ``netmap_linux_config.h`` from the probe answers.

The macros come in reverse probe order, as upstream writes them (so where two
probes define the same macro the earlier probe's value is the one in force; such
probes sit in one area file, in upstream's relative order), followed by the
non-compile answers.
"""

from __future__ import annotations

from pathlib import Path

from buildsys.core.locking import write_if_changed
from kernel_probes.record import Define

GUARD = "NETMAP_LINUX_CONFIG_H"


def render(defines: list[Define]) -> str:
    lines = [f"#ifndef {GUARD}", f"#define {GUARD}", ""]
    lines += [define.line() for define in defines]
    lines += ["", "#endif /* " + GUARD + " */", ""]
    return "\n".join(lines)


def write(path: Path, defines: list[Define]) -> bool:
    """Write the header; False when the file already had this content."""
    return write_if_changed(path, render(defines))


def parse(text: str) -> dict[str, str]:
    """The macros a header defines, as the compiler sees them (last one wins)."""
    macros: dict[str, str] = {}
    for line in text.splitlines():
        words = line.strip().split(None, 2)
        if len(words) >= 2 and words[0] == "#define" and words[1] != GUARD:
            macros[words[1]] = words[2].strip() if len(words) == 3 else ""
    return macros
