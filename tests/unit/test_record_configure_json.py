"""configure.json: one typed record written by configure and read back by every later
stage; an old or damaged one is refused in one line that says to configure again."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.version import Version

from buildsys.cli.options import Options
from buildsys.configure.context import load_context
from buildsys.configure.record import (
    SCHEMA,
    CompilerRecord,
    ConfigureRecord,
    DriverBuild,
    KernelRecord,
    ProbeOutcome,
    read_record,
    write_record,
)
from buildsys.configure.run import configure
from buildsys.core.errors import UserError
from buildsys.drivers.kernel_sources import KernelSources
from buildsys.drivers.patching import ChosenPatch
from buildsys.drivers.selection import Choice
from kernel_probes.record import Define, define, have
from tests.conftest import NETMAP_TARBALL, REPO

FAKE = REPO / "tests" / "fakelinux"


def a_record(build_dir: Path) -> ConfigureRecord:
    """A record with all that configure can find: sources, a driver and its patch."""
    patch = ChosenPatch(Path("/p/r8169_main-6.12.diff"), "ours", "module", "for [6.12, 7.0)")
    return ConfigureRecord(
        build_dir, KernelRecord(Path("/k"), "6.12.3-test", Version("6.12.3"), "f" * 64),
        CompilerRecord("gcc-12", "gcc-12 (Debian 12.2.0-14) 12.2.0"),
        Options(drivers=["realtek"], kernel_opts=["V=1"]),
        (ProbeOutcome("a", True, False, (have("A"), define("B", '"x y"')), "/l/a.log"),
         ProbeOutcome("b", False, True, ())),
        (Choice("realtek", True, "patched with ours", "ours r8169_main-6.12.diff"),
         Choice("e1000", False, "not requested")),
        (Choice("pkt-gen", True, "default"),),
        KernelSources(Path("/s"), Version("6.12.5"), "/usr/src/linux-source-6.12.tar.xz"),
        (DriverBuild("realtek", Path("/s/drivers/net/ethernet/realtek"), patch),),
        True, 12.345, ("a note",), ("stringop-overflow",))


def test_what_is_written_is_read_back_whole(tmp_path):
    found = a_record(tmp_path)
    write_record(found)
    assert read_record(tmp_path) == found
    assert read_record(tmp_path).driver_build("realtek").patch.range_text == "for [6.12, 7.0)"


def test_the_json_keeps_the_keys_scripts_read(tmp_path):
    write_record(a_record(tmp_path))
    data = json.loads((tmp_path / "configure.json").read_text())
    assert data["schema"] == SCHEMA
    assert data["kernel"] == {"dir": "/k", "release": "6.12.3-test", "version": "6.12.3",
                              "version_code": "60c03", "fingerprint": "f" * 64}
    assert data["probes"][0] == {"name": "a", "success": True, "cached": False,
                                 "defines": ["#define NETMAP_LINUX_HAVE_A",
                                             '#define NETMAP_LINUX_B "x y"'],
                                 "log": "/l/a.log"}
    assert data["drivers"][0] == {"name": "realtek", "selected": True,
                                  "reason": "patched with ours",
                                  "patch": "ours r8169_main-6.12.diff"}
    assert data["driver_builds"]["realtek"]["patch"] == "/p/r8169_main-6.12.diff"
    assert data["kernel_sources"]["version"] == "6.12.5"
    assert data["header"] == str(tmp_path / "netmap_linux_config.h")
    assert data["options"]["kernel_opts"] == ["V=1"]
    assert {"compiler", "apps", "header_changed", "seconds", "notes", "warnings"} <= set(data)


def damaged(data: dict[str, object], key: str, value: object) -> dict[str, object]:
    copy: dict[str, object] = json.loads(json.dumps(data))
    if value is None:
        del copy[key]
    else:
        copy[key] = value
    return copy


@pytest.mark.parametrize(("key", "value", "words"), [
    ("schema", None, "written by another netmap-build (schema 1"),
    ("schema", SCHEMA + 1, "written by another netmap-build"),
    ("kernel", None, "is not what configure writes (KeyError: 'kernel')"),
    ("header_changed", "yes", "header_changed is a str, not a bool"),
    ("driver_builds", {"realtek": {"pristine": "/s", "patch": "/p", "origin": "ours",
                                   "applies_in": "module"}}, "KeyError: 'range_text'"),
    ("probes", [{"name": "a", "success": True, "cached": False, "defines": ["junk"],
                 "log": ""}], "not a probe's #define"),
    ("options", {"no_such_option": 1}, "TypeError"),
])
def test_an_old_or_damaged_record_is_refused_in_one_line(tmp_path, key, value, words):
    write_record(a_record(tmp_path))
    path = tmp_path / "configure.json"
    path.write_text(json.dumps(damaged(json.loads(path.read_text()), key, value)))
    with pytest.raises(UserError) as error:
        read_record(tmp_path)
    assert words in error.value.message and "\n" not in error.value.one_line()
    assert error.value.remedy == "run 'doit configure' again"


@pytest.mark.parametrize("text", ["", "{", "[1, 2]"])
def test_an_unreadable_record_is_refused(tmp_path, text):
    (tmp_path / "configure.json").write_text(text)
    with pytest.raises(UserError, match=r"configure\.json"):
        read_record(tmp_path)


@pytest.fixture
def configured(tmp_path: Path) -> tuple[Path, ConfigureRecord]:
    options = Options(kernel_dir=str(FAKE), netmap_src=str(NETMAP_TARBALL),
                      build_dir=str(tmp_path / "b"), drivers=[], apps=[], utils=False)
    return tmp_path / "b", configure(options)


def test_configure_returns_what_it_wrote(configured):
    build, found = configured
    assert read_record(build) == found
    context = load_context(build)
    assert context.configuration == found and context.header == build / "netmap_linux_config.h"
    assert context.kernel_tree is context.kernel_tree  # read once
    assert context.kernel_tree.path == found.kernel.dir
    defines = [d for o in found.outcomes for d in o.defines]
    assert defines and all(isinstance(d, Define) for d in defines)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.seconds = 0


def doit(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "doit", "-f", str(REPO / "dodo.py"), "-d", str(workdir),
            *args]
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=300, check=False, cwd=workdir)


@pytest.mark.parametrize("task", [["build"], ["install", "--dry-run"], ["dkms"]])
def test_every_stage_refuses_an_old_record_with_exit_2(configured, task):
    build, _found = configured
    path = build / "configure.json"
    data = json.loads(path.read_text())
    del data["schema"]
    path.write_text(json.dumps(data))
    result = doit(build.parent, *task, f"build_dir={build}")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert 1 <= len(lines) <= 3 and any("run 'doit configure' again" in line for line in lines)
