"""Canaries: every pass of probes proves it could answer, or configure stops.

A broken environment (a path kbuild cannot take, a compiler that fails on everything or
on nothing, a kernel tree kbuild refuses) makes every probe "fail" at once; upstream's
configure turns that into a wrong header nobody sees.  So each pass also compiles, the
way its units are compiled, one snippet that must compile on any kernel and one that must
fail; and kbuild's own errors outside the units are read.  The kbuild run that captures
the compile command (`capture`) must compile its object, with no such error.  When any of
these is wrong, no answer of the pass counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from buildsys.core.errors import UserError
from buildsys.probing import diagnostics
from buildsys.probing.units import BOILERPLATE, Region, Unit

# every kernel netmap builds for has had these since 2.6
_OK_HEADERS = (*BOILERPLATE, "<linux/netdevice.h>", "<linux/skbuff.h>")
_OK_BODY = ("static int __maybe_unused netmap_canary_ok(struct net_device *dev) "
            "{ return dev->mtu > 0; }")
_FAIL_BODY = "int netmap_canary_fail = netmap_canary_undeclared;"
_CAPTURE_BODY = "int netmap_capture;"
# make's own complaints ("*** No rule to make target", "*** ... not supported.  Stop."),
# but not the "[target] Error N" lines it prints for each object that failed
_MAKE_FAULT = re.compile(r"\*\*\* (?!.*\] Error \d+\s*$)")


@dataclass(frozen=True)
class Compiled:
    """What one pass compiled: the units whose object was made, each unit's output
    (``""``: output that belongs to no unit, such as make's own errors), its log."""

    built: frozenset[str]
    outputs: dict[str, str]
    log: Path


def units(pass_letter: str) -> tuple[Unit, Unit]:
    """The positive and the negative canary of one pass of a batch (the negative one
    needs no kernel header: it proves the compiler reports errors)."""
    return (_unit(f"{pass_letter}canary_ok", _OK_HEADERS, _OK_BODY),
            _unit(f"{pass_letter}canary_fail", BOILERPLATE, _FAIL_BODY))


def capture_unit(name: str) -> Unit:
    """The object kbuild compiles to show its command (`capture`): a positive canary of
    kbuild itself, with no header of its own (kbuild's ``-include``s are in every object):
    the passes' canaries prove the kernel's headers compile."""
    return _unit(name, (), _CAPTURE_BODY)


def _unit(name: str, headers: tuple[str, ...], body: str) -> Unit:
    lines = [f"#include {header}" for header in headers] + [body]
    lines += ['MODULE_LICENSE("GPL");'] if headers else []
    first = len(headers) + 1
    return Unit(name, "\n".join(lines) + "\n", (Region(name, first, first),), ())


def check_kbuild(compiled: Compiled, positive: Unit) -> None:
    """Raise when kbuild failed outside the units or did not compile ``positive``."""
    faults = [line.strip() for line in compiled.outputs.get("", "").splitlines()
              if _MAKE_FAULT.search(line)]
    if faults:
        raise _broken("kbuild failed outside the probes", faults, compiled.log)
    if positive.name not in compiled.built:
        errors = [e.text for e in diagnostics.parse(compiled.outputs.get(positive.name, ""),
                                                    positive.name + ".c")]
        raise _broken("a snippet that compiles on any kernel failed", errors, compiled.log)


def check(ok: Unit, fail: Unit, compiled: Compiled) -> None:
    """Raise when the pass ``compiled`` cannot be trusted."""
    check_kbuild(compiled, ok)
    if fail.name in compiled.built:
        raise _broken("a snippet that cannot compile compiled: the compiler reports no errors",
                      [], compiled.log)
    if not diagnostics.parse(compiled.outputs.get(fail.name, ""), fail.name + ".c"):
        raise _broken("a snippet that cannot compile failed without a compiler error",
                      compiled.outputs.get(fail.name, "").splitlines(), compiled.log)


def _broken(what: str, lines: list[str], log: Path) -> UserError:
    shown = " | ".join(line.strip() for line in lines[:2] if line.strip())
    return UserError(f"probing stopped, {what}" + (f": {shown}" if shown else ""),
                     f"no header or cache entry was written; fix the environment "
                     f"(see {log})")
