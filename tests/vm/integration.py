"""What every run of upstream's integration tests (the upstream-integration scenario)
must show, on any kernel: each of its tests judged on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vmtests import SCENARIOS

SCENARIO = "upstream-integration"
KNOWN = {entry.check for s in SCENARIOS if s.name == SCENARIO for entry in s.known}
# failed in the old single run only because 002 had left v0 behind (004), or because the
# guest lacked upstream's get_max_tx_packets and get_avail_tx_packets (008)
ON_THEIR_OWN = ("004_extra_buf_send_rec_ephemeral_vale_ports_test", "008_partial_read_pipe_test")
DISABLED = "024_send_rec_veth_test"  # "exit 0 # Test currently disabled." at its top


def verdict_or_pass(check: dict[str, Any]) -> bool:
    """Passed, or judged: one of upstream's tests failing for a known cause, or one
    upstream disabled itself (a skip that says so)."""
    return check["status"] in ("pass", "known") or (
        check["status"] == "skip" and check["scenario"] == SCENARIO and bool(check["reason"]))


def assert_each_test_judged(build: Path, report: dict[str, Any]) -> dict[str, str]:
    """The 27 tests of the configured tree, each a check: pass, known (with its reason,
    and only a test whose cause is known) or skip (with its reason); none failed.
    Returns each test's status."""
    tests = sorted(path.name for path in (build / "netmap" / "utils" / "tests").iterdir())
    assert len(tests) == 27, tests
    found = {c["name"]: c for c in report["checks"] if c["scenario"] == SCENARIO}
    for test in tests:
        check = found[test]
        assert check["status"] in ("pass", "known", "skip"), f"{test}: {check['reason']}"
        assert check["status"] == "pass" or check["reason"], test
    assert {t for t in tests if found[t]["status"] == "known"} <= KNOWN
    for test in ON_THEIR_OWN:
        assert found[test]["status"] == "pass", f"{test}: {found[test]['reason']}"
    assert found[DISABLED]["status"] == "skip"
    assert found["netmap"]["status"] == "pass" and found["unload"]["status"] == "pass"
    # a test that leaves netmap.ko in use ends its boot; the next test runs in a new one
    in_use = [t for t in tests[:-1] if "left netmap.ko in use" in found[t]["reason"]]
    consoles = [c for c in found.values() if c["name"].startswith("console")]
    assert len(consoles) == 1 + len(in_use), (in_use, [c["name"] for c in consoles])
    assert all(c["status"] == "pass" for c in consoles)
    return {test: found[test]["status"] for test in tests}
