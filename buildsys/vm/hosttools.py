"""Host programs the guest's checks need, with the shared libraries they load.

Busybox has no ``ip link add type veth`` and no bash; Debian's iproute2 and
bash-static have.  A dynamically linked program goes into the guest with its
loader and every library of its ``DT_NEEDED`` closure, at the host's paths.
Busybox sh runs its own applet for a name it knows (``ip``), so the checks call
these by their guest path (``$IP``), never by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from elftools.elf.dynamic import DynamicSection
from elftools.elf.segments import InterpSegment

from buildsys.build.elfcheck import read_elf
from buildsys.core.errors import UserError
from buildsys.vm.initramfs import Archive

LIBRARY_DIRS = (Path("/lib/x86_64-linux-gnu"), Path("/usr/lib/x86_64-linux-gnu"),
                Path("/lib64"), Path("/usr/lib"))


@dataclass(frozen=True)
class Tool:
    name: str  # as the scenarios name it
    host: tuple[str, ...]  # where the host has it, first found wins
    guest: str  # where the checks find it
    package: str  # Debian's, for the remedy


TOOLS = {tool.name: tool for tool in (
    Tool("ip", ("/usr/bin/ip", "/bin/ip", "/sbin/ip"), "/usr/local/sbin/ip", "iproute2"),
    Tool("bash", ("/bin/bash-static", "/usr/bin/bash-static"), "/bin/bash", "bash-static"),
)}


def add(archive: Archive, name: str) -> str:
    """Packs tool ``name`` (and its libraries); returns its path in the guest."""
    tool = TOOLS[name]
    found = next((Path(p) for p in tool.host if Path(p).is_file()), None)
    if found is None:
        raise UserError(f"{name} is not installed ({' or '.join(tool.host)})",
                        f"install {tool.package}")
    archive.file(tool.guest, found.read_bytes(), 0o755)
    for library in closure(found):
        archive.file(str(library), library.read_bytes(), 0o755)
    return tool.guest


def closure(program: Path) -> list[Path]:
    """The loader and every shared library ``program`` needs, directly or not."""
    found: dict[str, Path] = {}
    pending = [program]
    while pending:
        needed, interpreter = _dynamic(pending.pop())
        if interpreter and interpreter not in found:
            found[interpreter] = Path(interpreter)
        for soname in needed:
            if soname not in found:
                found[soname] = _library(soname)
                pending.append(found[soname])
    return sorted(set(found.values()))


def _dynamic(binary: Path) -> tuple[list[str], str]:
    elf = read_elf(binary)
    interpreter = next((str(segment.get_interp_name()) for segment in elf.iter_segments()
                        if isinstance(segment, InterpSegment)), "")
    # pyelftools sets a DT_NEEDED tag's ``needed`` (its soname) as an instance attribute
    needed = [str(vars(tag)["needed"]) for section in elf.iter_sections()
              if isinstance(section, DynamicSection)
              for tag in section.iter_tags() if tag.entry.d_tag == "DT_NEEDED"]
    return needed, interpreter


def _library(soname: str) -> Path:
    for directory in LIBRARY_DIRS:
        if (directory / soname).is_file():
            return directory / soname
    raise UserError(f"shared library {soname} not found in {', '.join(map(str, LIBRARY_DIRS))}",
                    "install the package that ships it")
