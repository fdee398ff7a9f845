"""What a boot's two logs say: each check's result, its metrics, and what went wrong.

The checks report on ttyS1 (``NMT begin|end|metric ...``) and echo the same
lines on the console, so each kernel message can be blamed on the check that
was running.  A check that passed but left an oops, a warning, a lockup or an
unresolved symbol on the console fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vmtests import Known

BAD_CONSOLE = re.compile(r"Oops|BUG:|WARNING:|soft lockup|Unknown symbol|Kernel panic|"
                         r"blocked for more than|general protection fault|Call Trace:|"
                         r"self-detected stall|detected stalls")
_ECHOES = ("NMT ", "Command line:", "Kernel command line:", "Unknown kernel command line")
_MESSAGE = re.compile(r"^\[\s*\d+\.\d+\]\s*")
_SCALE = {"": 1.0, "K": 1e3, "M": 1e6, "G": 1e9}


@dataclass
class Check:
    scenario: str
    name: str
    status: str = "fail"  # pass, fail, skip, known
    reason: str = ""
    metrics: dict[str, float] = field(default_factory=dict)
    console: list[str] = field(default_factory=list)  # the bad kernel lines it caused

    @property
    def title(self) -> str:
        return f"{self.scenario}/{self.name}"


def judge(scenario: str, results: str, console: str, stopped: str) -> list[Check]:
    """``stopped`` says why QEMU ended when the guest did not finish ("" if it did)."""
    checks = _reported(scenario, results)
    blamed = _bad_lines(console)
    for check in checks.values():
        check.console = blamed.get(check.name, [])
        if check.console and check.status == "pass":
            check.status, check.reason = "fail", f"kernel: {check.console[0]}"
    running = [c for c in checks.values() if c.status == "running"]
    for check in running:
        check.status, check.reason = "fail", _unfinished(stopped, check.console)
    finished = "NMT done" in results
    whole = Check(scenario, "console", "pass" if finished and not blamed else "fail")
    whole.console = [line for lines in blamed.values() for line in lines]
    if not finished:
        whole.reason = _unfinished(stopped or "the guest stopped", whole.console)
    elif whole.console:
        whole.reason = f"{len(whole.console)} bad kernel line(s): {whole.console[0]}"
    return [*checks.values(), whole]


def _reported(scenario: str, results: str) -> dict[str, Check]:
    checks: dict[str, Check] = {}
    for line in results.splitlines():
        words = line.strip().split(" ", 4)
        if len(words) < 3 or words[0] != "NMT":
            continue
        kind, name = words[1], words[2]
        if kind == "begin":
            checks[name] = Check(scenario, name, "running")
        elif kind == "end" and name in checks and len(words) > 3:
            checks[name].status = words[3]
            checks[name].reason = words[4] if len(words) > 4 else ""
        elif kind == "metric" and name in checks and len(words) > 4:
            _record_metric(checks[name], words[3], words[4])
    return checks


def _record_metric(check: Check, key: str, value: str) -> None:
    match = re.fullmatch(r"([0-9.]+)\s*([KMG]?)", value.strip())
    if match:
        check.metrics[key] = float(match.group(1)) * _SCALE[match.group(2)]


def _bad_lines(console: str) -> dict[str, list[str]]:
    """Bad kernel lines by the check that was running (``boot`` before the first)."""
    current, blamed = "boot", dict[str, list[str]]()
    for raw in console.splitlines():
        line = _MESSAGE.sub("", raw.strip())
        if line.startswith("NMT begin "):
            current = line.split()[2]
        elif BAD_CONSOLE.search(line) and not line.startswith(_ECHOES):
            blamed.setdefault(current, []).append(line)
    return blamed


def _unfinished(stopped: str, console: list[str]) -> str:
    return f"no result: {stopped}" + (f" ({console[0]})" if console else "")


def resume_point(results: str) -> str:
    """The check after which the scenario goes on in a fresh boot ("" if it does not):
    the one the guest named (``resume``), or, in a guest that said it can go on
    (``resumable``) and then died, the check that was running."""
    lines = [line.strip() for line in results.splitlines()]
    asked = [line.split(" ", 2)[2] for line in lines
             if line.startswith("NMT resume ") and len(line.split(" ", 2)) == 3]
    if asked:
        return asked[-1]
    if "NMT resumable" in lines and "NMT done" not in lines:
        begun = [line.split()[2] for line in lines
                 if line.startswith("NMT begin ") and len(line.split()) > 2]
        return begun[-1] if begun else ""
    return ""


def numbered(checks: list[Check], boot: int, seen: set[str]) -> list[Check]:
    """A later boot's checks, a name the scenario has already reported (its setup, its
    console) marked with the boot's number: ``console (boot 2)``."""
    for check in checks:
        if boot > 1 and check.name in seen:
            check.name = f"{check.name} (boot {boot})"
    return checks


def known_failures(checks: list[Check], known: tuple[Known, ...]) -> None:
    """A failure of one of upstream's own tests whose cause is known and outside this
    project becomes ``known``: reported with both reasons, failing nothing. A failure
    whose reason does not begin as the known one does (``sign``) stays a failure."""
    by_check = {entry.check: entry for entry in known}
    for check in checks:
        entry = by_check.get(check.name)
        if check.status == "fail" and entry and check.reason.startswith(entry.sign):
            check.status = "known"
            check.reason = f"{entry.why}; this run: {check.reason}"
