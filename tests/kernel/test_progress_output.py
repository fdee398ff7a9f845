"""`doit build`'s progress on real 6.12 headers: plain count lines through a pipe, rich's
live bars on a pseudo-terminal, and doit's lines and the summary table whole either way."""

from __future__ import annotations

import re
import sys

import pytest

from tests.conftest import NETMAP_TARBALL, REPO
from tests.kernel.conftest import run_doit
from tests.kernels import header_tree
from tests.terminal import run_in_terminal

pytestmark = pytest.mark.kernel

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_counts_through_a_pipe_and_live_bars_on_a_terminal(tmp_path):
    run_doit(tmp_path, "configure", f"--kernel-dir={header_tree('6.12')}", "--no-drivers",
             f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b", "--apps=pkt-gen", "--no-utils")
    piped = run_doit(tmp_path, "build").stdout
    assert not {char for char in piped if ord(char) < 32 and char != "\n"}, piped
    lines = piped.splitlines()
    counts = [line for line in lines if re.fullmatch(r"[a-z]+: \d+/\d+ .* \(\d+\.\d s\)", line)]
    assert [re.sub(r" \(.*", "", line) for line in counts] == [
        "modules: 1/1 netmap.ko", "apps: 1/2 libnetmap", "apps: 2/2 pkt-gen"], piped
    assert lines.index(counts[-1]) < next(i for i, line in enumerate(lines)
                                          if "netmap build:" in line)

    app = tmp_path / "b/netmap/apps/pkt-gen/pkt-gen.c"
    app.write_text(app.read_text() + "\n/* changed: pkt-gen rebuilds, the rest is up to date */\n")
    status, seen = run_in_terminal(
        [sys.executable, "-m", "doit", "-f", str(REPO / "dodo.py"), "-d", str(tmp_path), "build"],
        tmp_path)
    assert status == 0, seen
    assert "\x1b[?25l" in seen and "apps" in seen and "━" in seen  # rich's bar, cursor hidden
    shown = ANSI.sub("", seen).replace("\r\n", "\n")
    assert "apps: " not in shown  # no plain lines on a terminal
    assert "-- build:netmap\n" in shown and "-- build:libnetmap\n" in shown
    assert ".  build:pkt-gen\n" in shown
    table = shown[shown.index("netmap build:"):]
    assert "\x1b[?25h" in seen[:seen.index("netmap build:")]  # the bar went before the table
    assert "\r" not in table and re.search(r"│ pkt-gen +│ built +│", table), table
    assert re.search(r"│ netmap\.ko +│ built +│", table), table
