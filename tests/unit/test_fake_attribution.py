"""Error attribution in merged units (buildsys/probing/batch.py, diagnostics.py), with gcc
really compiling through the fake kbuild tree (tests/fakelinux): each probe of a merged
unit must get the answer it gets when compiled alone, and an error that cannot be placed
is never blamed on a probe that happens to be near it (the batch compiles it again alone).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from buildsys.kernel.tree import load_kernel
from buildsys.probing import batch
from buildsys.probing.units import plan_units
from kernel_probes.record import Probe
from tests.conftest import FAKE_LINUX
from tests.unit.fake_driver import INCLUDE, fake_driver_source

NETDEV = "#include <linux/netdevice.h>\n#include <linux/skbuff.h>\n"
BROKEN = "#include <fake/broken.h>\n"  # a header of the fake tree that does not compile
MISSING = "#include <linux/no_such_header.h>\n"
FIELD_OK = "int nm_mtu(struct net_device *d) { return d->mtu; }\n"
FIELD_BAD = "int nm_bad(struct net_device *d) { return d->no_such_field; }\n"
LEN_OK = "int nm_len(struct sk_buff *s) { return s->len; }\n"
STRUCT_A = "struct nm_s { int v; };\nint nm_sa(struct nm_s *p) { return p->v; }\n"
STRUCT_B = "struct nm_s { long v; };\nlong nm_sb(struct nm_s *p) { return p->v; }\n"


def p(name: str, code: str, cflags: tuple[str, ...] = ()) -> Probe:
    return Probe(name, code, "test", cflags=cflags)


# name: (probes, each probe's answer alone, the probes a merged batch must retry alone;
# None where the engine is wrong today and how a fix gets the answer is its own choice)
SCENARIOS: dict[str, tuple[list[Probe], dict[str, bool], set[str] | None]] = {
    "error-in-one-body": (
        [p("a", NETDEV + FIELD_OK), p("b", NETDEV + FIELD_BAD), p("c", NETDEV + LEN_OK)],
        {"a": True, "b": False, "c": True}, set()),
    "warning-as-error-in-one-body": (  # -Werror=int-conversion, as kernel probes rely on
        [p("a", NETDEV + FIELD_OK),
         p("b", NETDEV + "int nm_ptr(struct net_device *d) { return d; }\n")],
        {"a": True, "b": False}, set()),
    "error-in-a-header-macro-a-body-expands": (  # placed by gcc's "in expansion of" note
        [p("a", NETDEV + "int nm_ma(struct net_device *d) { return netdev_mtu(d); }\n"),
         p("b", NETDEV + "int nm_mb(struct sk_buff *s) { return netdev_mtu(s); }\n"),
         p("c", NETDEV + LEN_OK)],
        {"a": True, "b": False, "c": True}, set()),
    "same-name-declared-by-two-bodies": (  # renamed apart, as realtek's two dummy()s
        [p("a", NETDEV + "static int dummy(struct net_device *d) { return d->mtu; }\n"),
         p("b", NETDEV + "static void dummy(struct sk_buff *s) { (void)s; }\n"),
         p("c", NETDEV + "int dummy;\n")],
        {"a": True, "b": True, "c": True}, set()),
    "error-in-a-shared-header": (  # each alone fails the same: no retry needed
        [p("a", BROKEN + "int nm_a;\n"), p("b", BROKEN + "int nm_b;\n")],
        {"a": False, "b": False}, set()),
    "missing-shared-header": (
        [p("a", MISSING + "int nm_a;\n"), p("b", MISSING + "int nm_b;\n")],
        {"a": False, "b": False}, set()),
    "struct-defined-by-two-bodies": (  # the tag is renamed apart around each body
        [p("a", NETDEV + STRUCT_A), p("b", NETDEV + STRUCT_B), p("c", NETDEV + FIELD_BAD)],
        {"a": True, "b": True, "c": False}, set()),
    "error-past-every-body": (  # an unclosed body: the error is at the end of the unit
        [p("a", NETDEV + "int nm_open(void) { return 0;\n"), p("b", NETDEV + FIELD_OK)],
        {"a": False, "b": True}, {"a", "b"}),
    "error-with-no-line": (  # cc1's own error (a bad flag): no line to place it by
        [p("a", NETDEV + FIELD_OK, ("-Werror=no-such-warning",)),
         p("b", NETDEV + LEN_OK, ("-Werror=no-such-warning",))],
        {"a": False, "b": False}, {"a", "b"}),
    "name-declared-by-two-bodies-and-the-headers": (  # renamed apart, but each alone
        # clashes with the headers' dev_get_mtu(): the check after the bodies sees it
        [p("a", NETDEV + "static int dev_get_mtu(void) { return 0; }\n"
           "int nm_ga(void) { return dev_get_mtu(); }\n"),
         p("b", NETDEV + "static long dev_get_mtu(void) { return 1; }\n"
           "long nm_gb(void) { return dev_get_mtu(); }\n")],
        {"a": False, "b": False}, {"a", "b"}),
    "function-one-body-declares-another-uses": (  # renamed in a: b sees no nm_shared
        [p("a", NETDEV + "int nm_shared(void) { return 1; }\n"),
         p("b", NETDEV + "int nm_user(void) { return nm_shared(); }\n")],
        {"a": True, "b": False}, set()),
    "typedef-one-body-declares-another-uses": (
        [p("a", NETDEV + "typedef unsigned int nm_len_t;\n"),
         p("b", NETDEV + "nm_len_t nm_len(struct net_device *d) { return d->mtu; }\n"),
         p("c", NETDEV + LEN_OK)],
        {"a": True, "b": False, "c": True}, set()),
    "own-renamed-function-unused": (  # "'nmprobe0_dummy' defined but not used": its own
        [p("a", NETDEV + "static int dummy(struct net_device *d) { return d->mtu; }\n",
           ("-Wunused-function",)),
         p("b", NETDEV + "static int dummy(struct sk_buff *s) { return s->len; }\n",
           ("-Wunused-function",))],
        {"a": False, "b": False}, set()),
    "name-two-bodies-declare-is-a-header-macro": (  # renaming it redefines the macro
        [p("a", NETDEV + "int netdev_mtu;\n"), p("b", NETDEV + "long netdev_mtu;\n")],
        {"a": True, "b": True}, {"a", "b"}),
    "enum-constant-declared-by-two-bodies": (
        [p("a", NETDEV + "enum { NM_E = 1 };\nint nm_ea(void) { return NM_E; }\n"),
         p("b", NETDEV + "enum { NM_E = 2 };\nint nm_eb(void) { return NM_E; }\n")],
        {"a": True, "b": True}, None),
    "body-using-a-struct-another-declares": (
        [p("a", NETDEV + STRUCT_A),
         p("b", NETDEV + "int nm_use(struct nm_s *p) { return p->v; }\n")],
        {"a": True, "b": False}, None),
}


def run(probes: list[Probe], workdir: Path) -> dict[str, batch.Answer]:
    return batch.run_probes(load_kernel(FAKE_LINUX), probes, workdir, ["-Werror"], [])


def unit_of(answer: batch.Answer) -> str:
    """The unit a probe was answered from, as its log says: u* merged, r* retried alone."""
    match = re.search(r" in unit (\w+)\.c$", answer.log.read_text().splitlines()[0])
    assert match, answer.log.read_text()
    return match[1]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_expected_answers_are_those_of_each_probe_compiled_alone(scenario, tmp_path):
    probes, expected, _ = SCENARIOS[scenario]
    # a flag of its own puts each probe in a unit of its own, all in one kbuild run
    alone = [dataclasses.replace(probe, cflags=(*probe.cflags, f"-DNM_ALONE_{i}"))
             for i, probe in enumerate(probes)]
    assert all(len(unit.probes) == 1 for unit in plan_units(alone))
    answers = run(alone, tmp_path / "probes")
    assert {name: answer.success for name, answer in answers.items()} == expected


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_merged_unit_gives_each_probe_its_own_answer(scenario, tmp_path):
    probes, expected, retried = SCENARIOS[scenario]
    if retried is not None:
        assert [unit.probes for unit in plan_units(probes)] == [tuple(expected)]  # one unit
    answers = run(probes, tmp_path / "probes")
    assert {name: answer.success for name, answer in answers.items()} == expected
    if retried is not None:
        assert {name for name, answer in answers.items()
                if unit_of(answer).startswith("r")} == retried


def test_the_failed_probe_s_log_holds_its_error_and_the_others_none(tmp_path):
    probes, _, _ = SCENARIOS["error-in-one-body"]
    answers = run(probes, tmp_path / "probes")
    logs = {name: answer.log.read_text() for name, answer in answers.items()}
    assert "no member named 'no_such_field'" in logs["b"]
    assert all("error" not in logs[name].split("\n", 1)[1] for name in ("a", "c"))
    assert {answer.log.parent for answer in answers.values()} == {tmp_path / "probes" / "logs"}


def test_progress_counts_the_units_of_both_passes_and_no_canary(tmp_path):
    probes, _, _ = SCENARIOS["error-past-every-body"]
    seen: list[tuple[int, int]] = []
    batch.run_probes(load_kernel(FAKE_LINUX), probes, tmp_path / "probes", ["-Werror"], [],
                     progress=lambda done, planned: seen.append((done, planned)))
    assert seen == [(1, 1), (2, 3), (3, 3)]  # the merged unit, then a and b alone


def test_driver_probes_compile_against_the_copied_sources_and_fail_alone(tmp_path):
    source = fake_driver_source(tmp_path)
    include = INCLUDE
    probes = [
        Probe("fake_open", include + "int dummy(struct net_device *d) { return fake_open(d); }\n",
              "newer drivers", driver="fakedrv"),
        Probe("fake_old_open", include + "int dummy(struct net_device *d) "
              "{ return fake_old_open(d); }\n", "older drivers", driver="fakedrv"),
    ]
    answers = batch.run_probes(load_kernel(FAKE_LINUX), probes, tmp_path / "probes",
                               ["-Werror"], [], sources={"fakedrv": source})
    assert {name: answer.success for name, answer in answers.items()} == {
        "fake_open": True, "fake_old_open": False}
    assert {unit_of(answer) for answer in answers.values()} == {"u0"}  # one shared unit
    assert (tmp_path / "probes" / "fakedrv" / "fake_main.c").is_file()
    assert [path.name for path in source.iterdir()] == ["fake_main.c"]  # nothing left there
