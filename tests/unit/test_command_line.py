"""Every task's options checked before doit parses them (or any work starts): one line,
the nearest valid option, exit status 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from buildsys.cli.params import VMTEST, _first_problem, task_params
from buildsys.vm.runner import TIMEOUTS
from tests.conftest import REPO

BAD = [
    ("configure --no-ext-drivers", "unknown option --no-ext-drivers (did you mean --no-drivers?)"),
    ("configure --kernel-dri=/x", "did you mean --kernel-dir?"),
    ("-d /tmp configure --drivers realtek --no-cach", "did you mean --no-cache?"),
    ("build --bogus", "doit build: unknown option --bogus (see: doit help build)"),
    ("install --prefx=/usr", "did you mean --prefix?"),
    ("uninstall --prefix=/usr", "doit uninstall: unknown option --prefix"),
    ("load --dryrun", "did you mean --dry-run?"),
    ("dkms --dest=x", "did you mean --dist?"),
    ("vmtest --scenarios=nosuch", "no such scenario 'nosuch'"),
    ("vmtest --scenarios netmap,e100", "no such scenario 'e100' (did you mean e1000?)"),
    ("vmtest --repeat=x", "--repeat='x' is not a number"),
    ("vmtest --timeout ten", "--timeout='ten' is not a number"),
    ("vmtest --accel=qemu", "--accel='qemu' is not one of auto, kvm, tcg"),
    ("kernel-tree --serie=7.3", "did you mean --series?"),
    ("port-driver --drive=realtek", "did you mean --driver?"),
    ("configure --kernel-dir=/x build --kernel-dir=/y", "doit build: unknown option --kernel-dir"),
]
GOOD = [
    "configure --kernel-dir=/x --no-drivers --disable-vale --no-force-debug build",
    "configure --kernel-dir /x --drivers=realtek --kernel-opts=V=1 build build_dir=b",
    "-d /tmp --db-file x configure --no-drivers=veth,e1000",
    "vmtest --scenarios=netmap,e1000 --repeat 3 --accel tcg --timeout=30",
    "help configure", "list --all", "install --dry-run --prefix=/usr", "kernel-tree --series=newest",
]


@pytest.mark.parametrize(("line", "expected"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_option_is_named_with_the_nearest_valid_one(line, expected):
    argv = ["doit", *line.split()]
    problem = _first_problem(argv[1:], task_params(argv))
    assert problem is not None and expected in problem


@pytest.mark.parametrize("line", GOOD)
def test_valid_command_lines_pass(line):
    argv = ["doit", *line.split()]
    assert _first_problem(argv[1:], task_params(argv)) is None


def test_doit_itself_exits_2_with_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "doit", "-f", str(REPO / "dodo.py"), "-d",
                             str(tmp_path), "configure", "--no-ext-drivers"],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: doit configure: unknown option --no-ext-drivers (did you mean --no-drivers?)"]
    assert "Traceback" not in result.stderr and not list(tmp_path.iterdir())


def test_vmtest_help_gives_the_timeouts_the_runner_uses() -> None:
    timeout = next(p for p in VMTEST if p["name"] == "timeout")
    assert f"{TIMEOUTS['kvm']:.0f} with KVM, {TIMEOUTS['tcg']:.0f} with TCG" in timeout["help"]
