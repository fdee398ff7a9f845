"""kbuild's saved compile command read back (buildsys/probing/capture.py), the prefix header
(pch.py) and gcc's file names (diagnostics.py): pure text, no compiler.  The commands are
kbuild's own, shortened, as 6.1, 6.12 and 7.3 save them."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildsys.probing import capture, pch
from buildsys.probing.batch import _shared
from buildsys.probing.diagnostics import parse as parse_errors
from buildsys.probing.units import BOILERPLATE

MARKS = "-DNETMAP_BUILD_UNIT_CFLAGS -DNETMAP_BUILD_CWD={cwd} -DNETMAP_BUILD_SRC={src}"
# before 6.13: run in the kernel tree, the module's files by absolute path
KDIR_612 = ("x86_64-linux-gnu-gcc-12 -Wp,-MMD,/b/probes/.nmcapture.o.d -nostdinc "
            "-I./include -include /k/include/linux/kconfig.h -Werror "
            + MARKS.format(cwd="/k", src="/b/probes")
            + " -DMODULE '-DKBUILD_BASENAME=\"nmcapture\"' -D__KBUILD_MODNAME=kmod_nmcapture "
            "-c -o /b/probes/nmcapture.o /b/probes/nmcapture.c   ; ./tools/objtool/objtool "
            "--orc --module /b/probes/nmcapture.o")
# 6.13 and later: run in the module's dir, its files by bare name
MDIR_73 = ("gcc -Wp,-MMD,./.nmcapture.o.d -nostdinc -I/k/include "
           "-include /k/include/linux/kconfig.h -Werror "
           + MARKS.format(cwd="/b/probes", src=".")
           + " -DMODULE -c -o nmcapture.o nmcapture.c   ; /k/tools/objtool/objtool --module "
           "nmcapture.o")


def test_a_pre_6_13_command_is_renamed_for_a_unit_by_file_names_only():
    command = capture.parse(KDIR_612)
    assert command is not None
    assert command.cwd == Path("/k") and command.src == "/b/probes"
    argv = command.compile_argv("u3", ("-DNM_X=1",))
    assert argv is not None
    assert argv[1] == "-Wp,-MMD,/b/probes/.u3.o.d"
    assert argv[-4:] == ["-c", "-o", "/b/probes/u3.o", "/b/probes/u3.c"]
    # the unit's flags where kbuild puts CFLAGS_<object>.o; the markers gone
    assert argv[argv.index("-Werror") + 1] == "-DNM_X=1"
    assert not any("NETMAP_BUILD" in word for word in argv)
    # every unit is the same module (one .gch fits them all)
    assert '-DKBUILD_BASENAME="nmcapture"' in argv
    assert command.after_argvs("u3") == [["./tools/objtool/objtool", "--orc", "--module",
                                          "/b/probes/u3.o"]]


def test_a_6_13_command_runs_in_the_module_dir_with_bare_names():
    command = capture.parse(MDIR_73)
    assert command is not None and command.cwd == Path("/b/probes")
    argv = command.compile_argv("u0", ("-I$(src)/i40e",))
    assert argv is not None
    assert argv[1] == "-Wp,-MMD,./.u0.o.d" and "-I./i40e" in argv
    assert argv[-2:] == ["u0.o", "u0.c"]
    assert command.after_argvs("u0")[0][-1] == "u0.o"


def test_a_unit_flag_with_other_make_syntax_cannot_be_compiled_this_way():
    command = capture.parse(MDIR_73)
    assert command is not None
    assert command.compile_argv("u0", ("-I$(srctree)/include",)) is None


@pytest.mark.parametrize("command", [
    KDIR_612.replace("   ;", " && "),  # shell syntax beyond ';'
    KDIR_612.replace("./tools/objtool/objtool", "if true; then objtool; fi"),
    KDIR_612 + " | tee x",
    KDIR_612.replace("-DNETMAP_BUILD_UNIT_CFLAGS ", ""),  # a marker lost
    KDIR_612.replace("-c -o /b/probes/nmcapture.o /b/probes/nmcapture.c",
                     "-c /b/probes/nmcapture.c -o /b/probes/nmcapture.o"),  # another order
    KDIR_612.replace("'-DKBUILD", "'-DKBUILD'"),  # unbalanced quotes
    "",
], ids=["and-list", "if", "pipe", "no-marker", "other-order", "quotes", "empty"])
def test_a_command_not_understood_word_for_word_is_not_used(command):
    assert capture.parse(command) is None


def test_the_saved_command_and_environment_are_read_from_the_module_dir(tmp_path):
    (tmp_path / ".nmcapture.o.cmd").write_text(
        f"savedcmd_nmcapture.o := {MDIR_73}\n\nsource_nmcapture.o := nmcapture.c\n")
    assert capture.read(tmp_path) is None  # no environment saved: not used
    (tmp_path / capture.ENVIRONMENT).write_text("SRCARCH=x86\0MAKEFLAGS=-j2 --jobserver\0")
    command = capture.read(tmp_path)
    assert command is not None and command.env == {"SRCARCH": "x86"}
    # kbuild before 6.3 saves cmd_, not savedcmd_
    (tmp_path / ".nmcapture.o.cmd").write_text(f"cmd_/b/probes/nmcapture.o := {KDIR_612}\n")
    old = capture.read(tmp_path)
    assert old is not None and old.cwd == Path("/k")


def test_the_prefix_header_holds_kbuild_s_includes_then_the_boilerplate(tmp_path):
    command = capture.parse(MDIR_73.replace("/b/probes", str(tmp_path)))
    assert command is not None
    prefixed = pch.prefixed(command, tmp_path, tmp_path / "pch.log")
    assert prefixed is not None
    header = tmp_path / pch.HEADER
    assert header.read_text().splitlines() == [
        '#include "/k/include/linux/kconfig.h"', *(f"#include {h}" for h in BOILERPLATE)]
    assert prefixed.compiler[:3] == ("gcc", "-include", str(header))
    assert prefixed.compiler.count("-include") == 1
    assert not Path(f"{header}.gch").exists()  # /k is no kernel: gcc reads the text


def test_a_relative_include_found_elsewhere_keeps_the_command_as_it_is(tmp_path):
    command = capture.parse(MDIR_73.replace("/b/probes", str(tmp_path)).replace(
        "/k/include/linux/kconfig.h", "linux/kconfig.h"))
    assert command is not None
    assert pch.prefixed(command, tmp_path, tmp_path / "pch.log") is None


def test_a_unit_keeps_its_line_numbers_with_its_boilerplate_blanked():
    text = "".join(f"#include {h}\n" for h in BOILERPLATE) + "#include <linux/x.h>\nint a;\n"
    blanked = pch.blanked(text)
    assert blanked is not None
    assert blanked.splitlines() == ["", "", "", "#include <linux/x.h>", "int a;"]
    assert pch.blanked("#include <linux/x.h>\n" + text) is None


def test_errors_name_the_unit_by_path_or_by_bare_name():
    output = "u0.c:9:12: error: no member\n/b/probes/u0.c:10:1: error: other\n"
    assert [e.unit_lines for e in parse_errors(output, "/b/probes/u0.c")] == [(9,), (10,)]
    assert parse_errors("su0.c:9:12: error: x\n", "/b/probes/u0.c")[0].unit_lines == ()


def test_a_body_s_own_renamed_name_is_not_a_sign_of_sharing():
    assert not _shared("'nmprobe3_dummy' defined but not used [-Werror=unused-function]", 3)
    assert _shared("'nmprobe2_dummy' undeclared", 3)
    assert _shared("conflicting types for 'dummy'", 3)
