"""Progress output (buildsys/cli/progress.py, buildsys/build/build_progress.py): plain lines
with the counts and no control characters off a terminal, rich's live bars on one (a real
pseudo-terminal), and the build's parts counted built, failed or up to date.  A fake clock
stands in for time: nothing here waits or measures."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator

import pytest

from buildsys.build import build_progress
from buildsys.cli import console, progress
from buildsys.core.errors import ToolError
from tests.conftest import REPO
from tests.terminal import run_in_terminal

PLAIN_LINE = re.compile(r"^[a-z]+: \d+(/\d+)?( [^()]+|, \d+ up to date)? \(\d+\.\d s\)$")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def plain() -> Iterator[tuple[io.StringIO, FakeClock]]:
    out, clock = io.StringIO(), FakeClock()
    progress.use(out, terminal=False, clock=clock)
    yield out, clock
    progress.use()


def control_characters(text: str) -> set[str]:
    return {char for char in text if (ord(char) < 32 and char != "\n") or ord(char) == 127}


def test_probes_off_a_terminal_print_their_counts_now_and_then_with_no_control_characters(plain):
    out, clock = plain
    progress.start("probes", 141)
    for _ in range(141):
        clock.now += 0.1  # 14.1 s in all: a line every PLAIN_EVERY seconds, not per probe
        progress.advance("probes")
    progress.finish("probes")
    lines = out.getvalue().splitlines()
    assert not control_characters(out.getvalue())
    assert all(PLAIN_LINE.match(line) for line in lines), lines
    assert 2 < len(lines) <= 14.1 / progress.PLAIN_EVERY + 1, lines
    assert lines[0].startswith("probes: 20/141 ") or lines[0].startswith("probes: 21/141 ")
    assert lines[-1] == "probes: 141/141 (14.1 s)"


def test_a_quick_stage_prints_its_final_count_only(plain):
    out, clock = plain
    progress.start("probes", 3)
    progress.advance("probes", count=2)
    progress.advance("probes")
    clock.now += 0.4
    progress.finish("probes")
    assert out.getvalue() == "probes: 3/3 (0.4 s)\n"


def test_each_named_part_has_its_line_and_the_last_one_says_what_was_up_to_date(plain):
    out, clock = plain
    progress.start("modules", 4)
    progress.skip("modules")
    clock.now += 20
    progress.advance("modules", "netmap.ko")
    clock.now += 10.25
    progress.advance("modules", "e1000\x1b[31m failed")  # a name never brings control codes
    progress.skip("modules")
    progress.finish("modules")
    assert out.getvalue().splitlines() == [
        "modules: 2/4 netmap.ko (20.0 s)",
        "modules: 3/4 e1000[31m failed (30.2 s)",
        "modules: 4/4, 2 up to date (30.2 s)",
    ]
    assert not control_characters(out.getvalue())


def test_nothing_built_prints_nothing_and_doits_lines_pass_through(plain):
    out, _clock = plain
    progress.skip("apps", 9)
    progress.write("-- build:pkt-gen\n", out)
    progress.finish("apps")
    progress.stop()
    assert out.getvalue() == "-- build:pkt-gen\n"


def test_a_count_past_the_total_and_an_unknown_total_read_right(plain):
    out, _clock = plain
    progress.start("probes", 2)
    progress.advance("probes", count=3)
    progress.finish("probes")
    progress.advance("drivers", "veth")
    progress.finish("drivers")
    assert out.getvalue().splitlines() == ["probes: 3/3 (0.0 s)", "drivers: 1 veth (0.0 s)"]


def test_starting_a_running_stage_again_keeps_its_count_and_clock(plain):
    out, clock = plain
    progress.start("probes", 10)
    progress.advance("probes", count=4)
    clock.now += 1
    progress.start("probes", 12)  # a second pass planned more
    progress.advance("probes", count=8)
    assert progress.complete("probes")
    progress.finish("probes")
    assert out.getvalue() == "probes: 12/12 (1.0 s)\n"


def test_a_part_counts_when_it_ends_failed_when_it_raises_and_not_when_interrupted(plain):
    out, _clock = plain
    with build_progress.counted("apps", 3, "libnetmap"):
        pass
    with pytest.raises(RuntimeError), build_progress.counted("apps", 3, "pkt-gen"):
        raise RuntimeError("make failed")
    with pytest.raises(KeyboardInterrupt), build_progress.counted("apps", 3, "lb"):
        raise KeyboardInterrupt
    with build_progress.counted("apps", None, "dkms builds count nothing") as part:
        part.failed = True
    assert out.getvalue().splitlines() == ["apps: 1/3 libnetmap (0.0 s)",
                                           "apps: 2/3 pkt-gen failed (0.0 s)"]


def test_up_to_date_parts_complete_their_stage(plain):
    out, _clock = plain
    build_progress.part_task("build:netmap", build_progress.MODULES_STAGE)
    build_progress.part_task("build:driver-veth", build_progress.MODULES_STAGE)
    with build_progress.counted(build_progress.MODULES_STAGE, 2, "netmap.ko"):
        pass
    build_progress.count_uptodate("build:driver-veth")
    build_progress.count_uptodate("build:summary")  # no part of a stage: not counted
    assert not progress.complete(build_progress.MODULES_STAGE)  # finished, so gone
    assert out.getvalue().splitlines() == ["modules: 1/2 netmap.ko (0.0 s)",
                                           "modules: 2/2, 1 up to date (0.0 s)"]


CHILD = """
import sys
from buildsys.cli import console, progress
from buildsys.core.errors import ToolError
progress.start("probes", 3)
progress.advance("probes", count=2)
progress.write("a line from doit\\n", sys.stdout)
progress.advance("probes")
progress.finish("probes")
progress.start("modules", 2)
progress.advance("modules", "netmap.ko")
print("the table", flush=True)
"""


def run_child(**env: str) -> str:
    status, seen = run_in_terminal([sys.executable, "-c", CHILD], REPO, env, timeout=120)
    assert status == 0, seen
    return seen


def test_on_a_terminal_rich_shows_live_bars_and_takes_them_down():
    seen = run_child()
    assert "\x1b[" in seen  # rich's cursor control and colours
    assert "probes" in seen and "0/3" in seen and "━" in seen  # drawn as it starts
    assert "1/2" in seen and "netmap.ko" in seen  # and as it is taken down at exit
    assert "a line from doit" in seen
    after_table = seen.split("the table")[1]  # the modules bar was still up then
    assert "\x1b[?25h" in after_table  # taken down, the cursor back, as the process ended
    assert "probes: " not in seen  # no plain lines on a terminal


def test_a_dumb_terminal_gets_plain_lines():
    seen = run_child(TERM="dumb")
    text = seen.replace("\r\n", "\n")  # the terminal's own line ends
    assert not control_characters(text)
    lines = [re.sub(r"\(\d+\.\d s\)$", "(elapsed)", line) for line in text.splitlines()]
    assert lines == ["a line from doit", "probes: 3/3 (elapsed)",
                     "modules: 1/2 netmap.ko (elapsed)", "the table"]


def test_an_error_line_takes_the_live_bars_down_first(monkeypatch):
    screen, errors = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "__stderr__", errors)
    progress.use(screen, terminal=True)
    try:
        progress.start("modules", 2)
        assert "modules" in screen.getvalue() and "\x1b[?25l" in screen.getvalue()
        assert "\x1b[?25h" not in screen.getvalue()  # the bar is up, the cursor hidden
        console.report(ToolError("driver e1000 failed to build", "see its log"))
        assert "\x1b[?25h" in screen.getvalue()  # down before the line was printed
        assert "driver e1000 failed to build" in errors.getvalue()
    finally:
        progress.use()
