"""Canaries (buildsys/probing/canaries.py) on the fake kbuild tree, beyond
test_fake_kbuild.py: configure stops with a UserError (exit status 2 from doit), writes
no header, keeps the previous one, caches no answer; the retry pass is guarded too; a
compiler that dies is not taken for the negative canary's expected error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from buildsys.cli.options import Options
from buildsys.configure.run import configure
from buildsys.core.errors import UserError
from buildsys.kernel.tree import load_kernel
from buildsys.probing import batch
from kernel_probes.record import Probe
from kernel_probes.warnings import DISABLED_WARNINGS
from tests.conftest import FAKE_LINUX, NETMAP_TARBALL, REPO

ALWAYS_OK = f"FAKE_CC={FAKE_LINUX / 'bin' / 'always-ok'}"
BROKEN_BATCHES = {
    "compiler-fails-all": (["FAKE_CC=false"], "a snippet that compiles on any kernel failed"),
    "compiler-fails-nothing": ([ALWAYS_OK], "a snippet that cannot compile compiled"),
    # a word of --kernel-opts that make takes for a target (a missing '=')
    "make-target-typo": (["no_such_target"],
                         "kbuild failed outside the probes: .*No rule to make target"),
}


def options(tmp_path: Path, kernel_opts: list[str]) -> Options:
    return Options(kernel_dir=str(FAKE_LINUX), netmap_src=str(NETMAP_TARBALL),
                   build_dir=str(tmp_path / "b"), drivers=[], apps=[], utils=False,
                   kernel_opts=kernel_opts)


def compiler(tmp_path: Path, name: str, body: str) -> str:
    """A FAKE_CC= kernel option for a shell script that decides, then runs gcc."""
    script = tmp_path / name
    script.write_text(f'#!/bin/sh\nfor arg; do\n  case "$arg" in\n{body}\n  esac\ndone\n'
                      'exec gcc "$@"\n')
    script.chmod(0o755)
    return f"FAKE_CC={script}"


@pytest.mark.parametrize("broken", BROKEN_BATCHES)
def test_configure_stops_and_leaves_no_header_and_no_answer(tmp_path, private_cache, broken):
    kernel_opts, reason = BROKEN_BATCHES[broken]
    with pytest.raises(UserError, match=f"probing stopped, {reason}") as error:
        configure(options(tmp_path, kernel_opts))
    assert error.value.exit_status == 2
    assert "no header or cache entry was written" in error.value.remedy
    assert not (tmp_path / "b" / "netmap_linux_config.h").exists()
    assert not (tmp_path / "b" / "configure.json").exists()
    # the cache may hold the -Wno-error= checks (run by the compiler directly, before the
    # batch) but no answer of a probe
    cached = {key: value for path in (private_cache / "probes").glob("*.json")
              for key, value in json.loads(path.read_text())["answers"].items()}
    assert len(cached) <= len(DISABLED_WARNINGS)


def test_a_broken_rerun_keeps_the_previous_header_and_report(tmp_path):
    configure(options(tmp_path, []))
    kept = {name: (tmp_path / "b" / name).read_bytes()
            for name in ("netmap_linux_config.h", "configure.json", "options.json")}
    with pytest.raises(UserError, match="probing stopped"):
        configure(options(tmp_path, ["FAKE_CC=false"]))
    assert {name: (tmp_path / "b" / name).read_bytes() for name in kept} == kept


def test_doit_configure_exits_2_with_one_line(tmp_path):
    argv = [sys.executable, "-m", "doit", "-f", str(REPO / "dodo.py"), "-d", str(tmp_path),
            "configure", f"--kernel-dir={FAKE_LINUX}", f"--netmap-src={NETMAP_TARBALL}",
            "--no-drivers", "--no-apps", "--no-utils", "--kernel-opts=FAKE_CC=false",
            "--build-dir=b"]
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=120, check=False, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "probing stopped" in lines[0] and "Traceback" not in result.stderr
    assert not (tmp_path / "b" / "netmap_linux_config.h").exists()


def test_the_pass_that_retries_probes_alone_has_canaries_too(tmp_path):
    # a merged unit with an unclosed body: nobody can be blamed, so both probes are
    # compiled again alone, in a second kbuild pass (r*.c) where this compiler fails
    retry_breaks = compiler(tmp_path, "cc-retry-breaks", "    */rcanary_ok.c) exit 1;;")
    probes = [Probe("a", "#include <linux/netdevice.h>\nint nm_open(void) { return 0;\n", "test"),
              Probe("b", "#include <linux/netdevice.h>\nint nm_b;\n", "test")]
    with pytest.raises(UserError, match="a snippet that compiles on any kernel failed") as error:
        batch.run_probes(load_kernel(FAKE_LINUX), probes, tmp_path / "probes", ["-Werror"],
                         [retry_breaks])
    assert "logs/make-r.log" in error.value.remedy


def test_a_compiler_that_dies_is_not_the_expected_error(tmp_path):
    # the negative canary fails, but with no compiler error: cc1 killed (out of memory)
    dies = compiler(tmp_path, "cc-killed", "    *canary_fail.c) echo 'gcc: fatal error: "
                    "Killed signal terminated program cc1' >&2; exit 1;;")
    probe = Probe("a", "#include <linux/netdevice.h>\nint nm_a;\n", "test")
    with pytest.raises(UserError, match=r"cannot compile failed without a compiler error.*Killed"):
        batch.run_probes(load_kernel(FAKE_LINUX), [probe], tmp_path / "probes", ["-Werror"],
                         [dies])
