"""Plan the translation units that one kbuild run compiles for the probes.

Nearly all of a probe's cost is parsing kernel headers, and most probes
include the same few.  Probes whose snippets include exactly the same
headers (and need the same flags) are compiled as one unit: the headers
once, then each probe's body.  A driver probe's ``#include "realtek/r8169_main.c"``
counts as one of those headers, so the probes of one driver that include the
same source share a unit too.  Each probe stays independent: a name that two
bodies declare, or that one declares and another uses, is renamed apart in each
declaring body (checked, after the last body, not to be one the headers declare
too); a body that uses a tag only one other body defines is compiled alone; and
errors are attributed to a body by line.
A snippet with any other preprocessor line (``#define``, ``#if``, a pragma,
an include after code) is compiled alone, laid out as upstream's
``add_named_test`` writes it (three boilerplate includes, the snippet,
``MODULE_LICENSE``), as is any probe whose merged answer was unsure
(``batch`` retries it alone).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from buildsys.probing.csource import identifiers, ordinary_names, split_includes, tag_names
from kernel_probes.record import Probe

BOILERPLATE = ("<linux/module.h>", "<linux/kernel.h>", "<linux/init.h>")
_SOURCE_INCLUDE = re.compile(r'\s*#\s*include\s*"[^"]+\.c"')


@dataclass(frozen=True)
class Region:
    """Lines ``first``..``last`` (1-based, inclusive) of a unit hold ``probe``; the
    ``renames`` lines before ``first`` rename its names apart (``#define x nmprobe0_x``):
    gcc places some errors on a renamed name there, where its spelling is."""

    probe: str
    first: int
    last: int
    renames: int = 0

    def holds(self, line: int) -> bool:
        return self.first - self.renames <= line <= self.last


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

    @property
    def includes_source(self) -> bool:
        """Whether it includes a whole driver source (``#include "ixgbe/ixgbe_main.c"``):
        most of its compile is then code generation for the driver, not the probes."""
        return any(_SOURCE_INCLUDE.match(line) for line in self.text.splitlines())

    def probe_at(self, line: int) -> str | None:
        for region in self.regions:
            if region.holds(line):
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
        merged, isolated = _separate_tag_users(members)
        alone += isolated
        units.append(_merged_unit(f"{prefix}{len(units)}", includes, cflags, merged))
    units += [standalone_unit(f"{prefix}{len(units) + i}", p) for i, p in enumerate(alone)]
    return units


@dataclass(frozen=True)
class _Names:
    """What one body declares at file scope (ordinary names, tags) and what it uses."""

    ordinary: frozenset[str]
    tags: frozenset[str]
    used: frozenset[str]

    @classmethod
    def of(cls, probe: Probe) -> _Names:
        body = _body(probe)
        ordinary, tags = ordinary_names(body), tag_names(body)
        return cls(frozenset(ordinary), frozenset(tags),
                   frozenset(identifiers(body) - ordinary - tags))


def _separate_tag_users(members: list[Probe]) -> tuple[list[Probe], list[Probe]]:
    """Split off probes that use a tag only one other member defines (tags are renamed
    only where two bodies define them: see `_renamed`), until none is left."""
    merged = list(members)
    isolated: list[Probe] = []
    while True:
        names = [_Names.of(p) for p in merged]
        renamed = _renamed(names)
        users = [p for i, p in enumerate(merged) if any(
            names[i].used & (other.tags - renamed[j])
            for j, other in enumerate(names) if j != i)]
        if not users:
            return merged, isolated
        isolated += users
        merged = [p for p in merged if p not in users]


def _renamed(names: list[_Names]) -> list[frozenset[str]]:
    """The names each body gets renamed apart (``#define x nmprobe<i>_x``): every name two
    bodies declare, and every ordinary name one declares and another uses, so that no
    body sees another's declarations: each sees what it would see alone."""
    renamed = []
    for i, mine in enumerate(names):
        others = [other for j, other in enumerate(names) if j != i]
        declared_elsewhere = set().union(*(o.ordinary | o.tags for o in others))
        used_elsewhere = set().union(*(o.used for o in others))
        renamed.append(frozenset(((mine.ordinary | mine.tags) & declared_elsewhere)
                                 | (mine.ordinary & used_elsewhere)))
    return renamed


def _body(probe: Probe) -> str:
    split = split_includes(probe.code)
    assert split is not None
    return split[1]


def _merged_unit(
    name: str, includes: tuple[str, ...], cflags: tuple[str, ...], members: list[Probe]
) -> Unit:
    names = [_Names.of(p) for p in members]
    renamed = _renamed(names)
    lines = [f"#include {header}" for header in BOILERPLATE + includes]
    regions = []
    for index, (probe, clashes) in enumerate(zip(members, renamed, strict=True)):
        lines += [f"#define {n} nmprobe{index}_{n}" for n in sorted(clashes)]
        body = _body(probe).strip("\n").splitlines() or [""]
        regions.append(Region(probe.name, len(lines) + 1, len(lines) + len(body),
                              len(clashes)))
        lines += body
        lines += [f"#undef {n}" for n in sorted(clashes)]
    lines.append('MODULE_LICENSE("GPL");')
    lines += _header_checks(names, renamed)
    header_lines = len(BOILERPLATE) + len(includes)
    return Unit(name, "\n".join(lines) + "\n", tuple(regions), cflags, header_lines)


def _header_checks(names: list[_Names], renamed: list[frozenset[str]]) -> list[str]:
    """Lines that fail to compile when the shared headers declare a renamed name.

    A body's renamed declaration must not hide a clash with the headers that the body
    alone would meet (a function the headers declare with another type).  These lines
    come after every body, outside every region: an error there is blamed on no body,
    so the unit's probes are compiled again, alone.  A typedef clashes with any earlier
    ordinary name; an enum with any earlier tag of that name but an incomplete enum.
    """
    ordinary = sorted(set().union(*(n.ordinary & r for n, r in zip(names, renamed, strict=True))))
    tags = sorted(set().union(*(n.tags & r for n, r in zip(names, renamed, strict=True))))
    lines = [f"typedef struct nmprobe_check_{name} *{name};" for name in ordinary]
    return lines + [f"enum {name} {{ nmprobe_check_tag_{name} }};" for name in tags]
