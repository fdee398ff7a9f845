"""Plan the translation units that one kbuild run compiles for the probes.

Nearly all of a probe's cost is parsing kernel headers, and most probes
include the same few.  Probes whose snippets include exactly the same
headers (and need the same flags) are compiled as one unit: the headers
once, then each probe's body.  A driver probe's ``#include "realtek/r8169_main.c"``
counts as one of those headers, so the probes of one driver that include the
same source share a unit too.  Each probe stays independent: names that two
bodies both declare are renamed apart, a body that uses a name another body
declares is compiled alone, and errors are attributed to a body by line.
A snippet with any other preprocessor line (``#define``, ``#if``, a pragma,
an include after code) is compiled alone, laid out as upstream's
``add_named_test`` writes it (three boilerplate includes, the snippet,
``MODULE_LICENSE``), as is any probe whose merged answer was unsure
(``batch`` retries it alone).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from buildsys.probing.csource import declared_names, identifiers, split_includes
from kernel_probes.record import Probe

BOILERPLATE = ("<linux/module.h>", "<linux/kernel.h>", "<linux/init.h>")


@dataclass(frozen=True)
class Region:
    """Lines ``first``..``last`` (1-based, inclusive) of a unit hold ``probe``."""

    probe: str
    first: int
    last: int


@dataclass(frozen=True)
class Unit:
    name: str
    text: str
    regions: tuple[Region, ...]
    cflags: tuple[str, ...]
    header_lines: int = 0  # the include lines every probe of the unit shares

    @property
    def probes(self) -> tuple[str, ...]:
        return tuple(region.probe for region in self.regions)

    def probe_at(self, line: int) -> str | None:
        for region in self.regions:
            if region.first <= line <= region.last:
                return region.probe
        return None


def standalone_unit(name: str, probe: Probe) -> Unit:
    """A probe alone in its unit, laid out as upstream's ``add_named_test`` writes it."""
    head = "".join(f"#include {header}\n" for header in BOILERPLATE)
    body = probe.code.rstrip("\n") + "\n"
    first = head.count("\n") + 1
    last = first + body.count("\n") - 1
    text = head + body + 'MODULE_LICENSE("GPL");\n'
    return Unit(name, text, (Region(probe.name, first, last),), probe.cflags)


def plan_units(probes: list[Probe], prefix: str = "u") -> list[Unit]:
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Probe]] = defaultdict(list)
    alone: list[Probe] = []
    for probe in probes:
        split = split_includes(probe.code)
        if split is None:
            alone.append(probe)
        else:
            groups[(split[0], probe.cflags)].append(probe)
    units: list[Unit] = []
    for (includes, cflags), members in groups.items():
        merged, isolated = _separate_leaks(members)
        alone += isolated
        units.append(_merged_unit(f"{prefix}{len(units)}", includes, cflags, merged))
    units += [standalone_unit(f"{prefix}{len(units) + i}", p) for i, p in enumerate(alone)]
    return units


def _separate_leaks(members: list[Probe]) -> tuple[list[Probe], list[Probe]]:
    """Split off probes that use a name another member declares."""
    declared = {p.name: declared_names(_body(p)) for p in members}
    merged: list[Probe] = []
    isolated: list[Probe] = []
    for probe in members:
        others = set().union(*(names for name, names in declared.items() if name != probe.name))
        used = identifiers(_body(probe)) - declared[probe.name]
        (isolated if used & others else merged).append(probe)
    return merged, isolated


def _body(probe: Probe) -> str:
    split = split_includes(probe.code)
    assert split is not None
    return split[1]


def _merged_unit(
    name: str, includes: tuple[str, ...], cflags: tuple[str, ...], members: list[Probe]
) -> Unit:
    declared = [declared_names(_body(p)) for p in members]
    counts: dict[str, int] = defaultdict(int)
    for names in declared:
        for declared_name in names:
            counts[declared_name] += 1
    lines = [f"#include {header}" for header in BOILERPLATE + includes]
    regions = []
    for index, (probe, names) in enumerate(zip(members, declared, strict=True)):
        clashes = sorted(n for n in names if counts[n] > 1)
        lines += [f"#define {n} nmprobe{index}_{n}" for n in clashes]
        body = _body(probe).strip("\n").splitlines() or [""]
        regions.append(Region(probe.name, len(lines) + 1, len(lines) + len(body)))
        lines += body
        lines += [f"#undef {n}" for n in clashes]
    lines.append('MODULE_LICENSE("GPL");')
    header_lines = len(BOILERPLATE) + len(includes)
    return Unit(name, "\n".join(lines) + "\n", tuple(regions), cflags, header_lines)
