"""Canaries: every kbuild batch of probes proves it could answer, or configure stops.

A broken environment (a path kbuild cannot take, a compiler that fails on everything or
on nothing, a kernel tree kbuild refuses) makes every probe "fail" at once; upstream's
configure turns that into a wrong header nobody sees.  So each batch also compiles one
snippet that must compile on any kernel and one that must fail, and kbuild's own errors
outside the units are read.  When any of these is wrong, no answer of the batch counts.
"""

from __future__ import annotations

import re
from pathlib import Path

from buildsys.core.errors import UserError
from buildsys.probing import diagnostics
from buildsys.probing.units import BOILERPLATE, Region, Unit

# every kernel netmap builds for has had these since 2.6
_OK_HEADERS = (*BOILERPLATE, "<linux/netdevice.h>", "<linux/skbuff.h>")
_OK_BODY = ("static int __maybe_unused netmap_canary_ok(struct net_device *dev) "
            "{ return dev->mtu > 0; }")
_FAIL_BODY = "int netmap_canary_fail = netmap_canary_undeclared;"
# make's own complaints ("*** No rule to make target", "*** ... not supported.  Stop."),
# but not the "[target] Error N" lines it prints for each object that failed
_MAKE_FAULT = re.compile(r"\*\*\* (?!.*\] Error \d+\s*$)")


def units(pass_letter: str) -> tuple[Unit, Unit]:
    """The positive and the negative canary of one pass of a batch."""
    return (_unit(f"{pass_letter}canary_ok", _OK_BODY),
            _unit(f"{pass_letter}canary_fail", _FAIL_BODY))


def _unit(name: str, body: str) -> Unit:
    lines = [f"#include {header}" for header in _OK_HEADERS] + [body, 'MODULE_LICENSE("GPL");']
    first = len(_OK_HEADERS) + 1
    return Unit(name, "\n".join(lines) + "\n", (Region(name, first, first),), ())


def check(ok: Unit, fail: Unit, workdir: Path, outputs: dict[str, str], log: Path) -> None:
    """Raise when the batch in ``workdir`` cannot be trusted; ``outputs`` by object."""
    faults = [line.strip() for line in outputs.get("", "").splitlines()
              if _MAKE_FAULT.search(line)]
    if faults:
        raise _broken("kbuild failed outside the probes", faults, log)
    if not (workdir / f"{ok.name}.o").is_file():
        errors = [e.text for e in diagnostics.parse(outputs.get(ok.name, ""), ok.name + ".c")]
        raise _broken("a snippet that compiles on any kernel failed", errors, log)
    if (workdir / f"{fail.name}.o").is_file():
        raise _broken("a snippet that cannot compile compiled: the compiler reports no errors",
                      [], log)
    if not diagnostics.parse(outputs.get(fail.name, ""), fail.name + ".c"):
        raise _broken("a snippet that cannot compile failed without a compiler error",
                      outputs.get(fail.name, "").splitlines(), log)


def _broken(what: str, lines: list[str], log: Path) -> UserError:
    shown = " | ".join(line.strip() for line in lines[:2] if line.strip())
    return UserError(f"probing stopped, {what}" + (f": {shown}" if shown else ""),
                     f"no header or cache entry was written; fix the environment "
                     f"(see {log})")
