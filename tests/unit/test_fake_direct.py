"""Probes compiled with kbuild's own saved command instead of through kbuild
(buildsys/probing/capture.py, direct.py, pch.py), on the fake kbuild tree: the same
answers, kbuild's environment and post-compile steps kept, and kbuild again whenever the
command cannot be used as it is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from buildsys.cli.options import Options
from buildsys.configure.run import configure
from buildsys.core.errors import UserError
from buildsys.kernel import kbuild
from buildsys.kernel.tree import load_kernel
from buildsys.probing import batch, capture, pch
from kernel_probes.record import Probe
from tests.conftest import FAKE_LINUX, NETMAP_TARBALL
from tests.unit.fake_driver import INCLUDE, fake_driver_source
from tests.unit.test_fake_kbuild import COMPILES, FAILS


def run(tmp_path: Path, *kernel_opts: str, probes: tuple[Probe, ...] = (COMPILES, FAILS),
        notes: list[str] | None = None) -> dict[str, bool]:
    found = batch.run_probes(load_kernel(FAKE_LINUX), list(probes), tmp_path / "probes",
                             ["-Werror"], list(kernel_opts), notes=notes)
    return {name: answer.success for name, answer in found.items()}


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


def test_kbuild_compiles_only_the_capture_and_the_units_its_command(tmp_path, monkeypatch):
    # one worker: the prefix header's .gch is built before any unit (with more, the first
    # units are compiled without it while it is built)
    monkeypatch.setattr(kbuild, "jobs", lambda: 1)
    notes: list[str] = []
    assert run(tmp_path, notes=notes) == {"compiles": True, "fails": False}
    probes = tmp_path / "probes"
    logs = probes / "logs"
    assert (logs / "make-capture.log").is_file() and not (logs / "make-u.log").exists()
    assert "obj-m := nmcapture.o\n" in (probes / "Kbuild").read_text()
    unit_log = (logs / "units" / "u0.log").read_text()
    assert f"-include {probes / pch.HEADER}" in unit_log  # the prefix header
    assert not Path(f"{probes / pch.HEADER}.gch").exists()  # removed once answered
    assert notes == []


def test_a_gch_that_does_not_load_costs_the_unit_a_second_compile_not_its_answer(tmp_path,
                                                                                  monkeypatch):
    # a compiler that dies on the prefix header's .gch, as an old gcc may fail to map one
    dies = script(tmp_path, "cc-bad-gch",
                  'for a; do case "$a" in */nmprefix.h)\n'
                  '  [ -f "$a.gch" ] && { echo "cc1: fatal error: $a.gch: had text segment at '
                  'different address" >&2; exit 1; };; esac; done\nexec gcc "$@"')
    monkeypatch.setattr(kbuild, "jobs", lambda: 1)
    assert run(tmp_path, f"FAKE_CC={dies}") == {"compiles": True, "fails": False}
    unit_log = (tmp_path / "probes" / "logs" / "units" / "u0.log").read_text()
    assert "had text segment" in unit_log and unit_log.count("$ ") == 2  # compiled twice


def test_a_command_that_cannot_be_read_back_sends_the_probes_through_kbuild(tmp_path):
    notes: list[str] = []
    assert run(tmp_path, "FAKE_NO_CMD=1", notes=notes) == {"compiles": True, "fails": False}
    assert (tmp_path / "probes" / "logs" / "make-u.log").is_file()
    assert len(notes) == 1 and "compiled through kbuild" in notes[0]


def test_the_commands_run_with_the_environment_make_gives_them(tmp_path):
    # objtool reads SRCARCH, which kbuild exports to its commands only
    needs = script(tmp_path, "cc-needs-srcarch", '[ "$SRCARCH" = x86 ] || exit 3\nexec gcc "$@"')
    notes: list[str] = []
    assert run(tmp_path, f"FAKE_CC={needs}", notes=notes) == {"compiles": True, "fails": False}
    assert not (tmp_path / "probes" / "logs" / "make-u.log").exists() and notes == []


def test_a_post_compile_step_that_fails_loses_the_object_as_in_kbuild(tmp_path, monkeypatch):
    # objtool failing on u0.o: kbuild would delete the object; so must we. The merged
    # unit then has no object and no compiler error: each probe is compiled again, alone
    post = script(tmp_path, "objtool", 'case "$1" in */u0.o) exit 1;; esac')
    real_parse = capture.parse
    monkeypatch.setattr(capture, "parse", lambda text: real_parse(f"{text} ; {post} "
                                                                   f"{tmp_path}/probes/nmcapture.o"))
    also = Probe("also_compiles", "#include <linux/netdevice.h>\n"
                 "int fake_probe3(struct net_device *dev) { return dev->mtu; }\n", "test")
    assert run(tmp_path, probes=(COMPILES, also)) == {"compiles": True, "also_compiles": True}
    probes = tmp_path / "probes"
    assert not (probes / "u0.o").exists() and (probes / "r0.o").is_file()
    assert "probe compiles: compiled in unit r0.c" in (probes / "logs" / "compiles.log").read_text()


def test_a_direct_pass_whose_canaries_fail_is_compiled_again_through_kbuild(tmp_path):
    # a compiler that fails when it is not run by make (MAKELEVEL unset): the command
    # run without kbuild fails its positive canary; kbuild's pass then answers
    make_only = script(tmp_path, "cc-make-only", '[ -n "$MAKELEVEL" ] || exit 1\nexec gcc "$@"')
    notes: list[str] = []
    assert run(tmp_path, f"FAKE_CC={make_only}", notes=notes) == {"compiles": True,
                                                                  "fails": False}
    assert (tmp_path / "probes" / "logs" / "make-u.log").is_file()
    assert len(notes) == 1 and "failed its canaries" in notes[0]


class Display:
    """The progress display's calls (buildsys/cli/progress.py), in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int]] = []

    def start(self, stage: str, total: int) -> None:
        self.calls.append(("start", stage, total))

    def advance(self, stage: str, done: str = "", count: int = 1) -> None:
        self.calls.append(("advance", stage, count))

    def finish(self, stage: str) -> None:
        self.calls.append(("finish", stage, 0))


def test_the_display_counts_probes_as_their_units_end_and_the_stage_always_ends(tmp_path,
                                                                                monkeypatch):
    display = Display()
    monkeypatch.setattr(batch, "display", display)
    unclosed = Probe("unclosed", "#include <linux/netdevice.h>\nint nm_o(void) { return 0;\n",
                     "test")
    assert run(tmp_path, probes=(COMPILES, unclosed)) == {"compiles": True, "unclosed": False}
    # the merged unit (2 probes), then both again alone: the total grows by 2
    assert display.calls == [("start", "probes", 2), ("advance", "probes", 2),
                             ("start", "probes", 4), ("advance", "probes", 1),
                             ("advance", "probes", 1), ("finish", "probes", 0)]
    display.calls.clear()
    with pytest.raises(UserError):
        run(tmp_path, "FAKE_CC=false")
    assert display.calls == [("start", "probes", 2), ("finish", "probes", 0)]


def test_configure_starts_kbuild_early_only_when_a_probe_is_to_be_compiled(tmp_path):
    options = Options(kernel_dir=str(FAKE_LINUX), netmap_src=str(NETMAP_TARBALL),
                      build_dir=str(tmp_path / "b"), drivers=[], apps=[], utils=False)
    first = configure(options)
    assert not any(outcome.cached for outcome in first.outcomes)
    probes = tmp_path / "b" / "probes"
    assert (probes / "logs" / "make-capture.log").is_file()
    shutil.rmtree(probes)
    again = configure(options)  # every answer cached: no kbuild run, no probes' dir
    assert all(o.cached for o in again.outcomes if o.name != "split_page_exported")
    assert not probes.exists()


def driver_probes(tmp_path: Path) -> tuple[dict[str, Path], list[Probe]]:
    source = fake_driver_source(tmp_path)
    include = INCLUDE
    probes = [Probe(name, include + f"int dummy(struct net_device *d) {{ return {call}(d); }}\n",
                    "test", driver="fakedrv")
              for name, call in (("old_open", "fake_old_open"), ("older_open", "fake_oldest"))]
    return {"fakedrv": source}, probes


def test_a_unit_including_a_driver_source_stops_at_the_front_end_when_each_probe_fails(
        tmp_path, monkeypatch):
    monkeypatch.setattr(kbuild, "jobs", lambda: 1)
    sources, probes = driver_probes(tmp_path)
    found = batch.run_probes(load_kernel(FAKE_LINUX), probes, tmp_path / "probes", ["-Werror"],
                             [], sources=sources)
    assert {name: answer.success for name, answer in found.items()} == {
        "old_open": False, "older_open": False}
    commands = [line for line in
                (tmp_path / "probes" / "logs" / "units" / "u0.log").read_text().splitlines()
                if "] $ " in line]
    assert len(commands) == 1 and "-fsyntax-only" in commands[0]  # no code generation
    # one probe that compiles: the front end decides nothing, the unit is compiled in full
    works = Probe("open", '#include "fakedrv/fake_main.c"\n'
                  "int dummy(struct net_device *d) { return fake_open(d); }\n", "test",
                  driver="fakedrv")
    found = batch.run_probes(load_kernel(FAKE_LINUX), [probes[0], works], tmp_path / "probes",
                             ["-Werror"], [], sources=sources)
    assert {name: answer.success for name, answer in found.items()} == {
        "old_open": False, "open": True}
    commands = [line for line in
                (tmp_path / "probes" / "logs" / "units" / "u0.log").read_text().splitlines()
                if "] $ " in line]
    assert len(commands) == 2 and "-fsyntax-only" not in commands[1]
