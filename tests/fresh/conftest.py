"""The results of the fresh roots (timings, versions): a session fixture collects them, the
terminal summary prints them (CI runs pytest without -s) and fresh-results.json keeps them."""

from __future__ import annotations

import pytest
from _pytest.terminal import TerminalReporter  # pytest 7.2 (Debian 12) exports no alias

from tests.fresh.roots import RESULTS, Results


@pytest.fixture(scope="session")
def fresh_results(pytestconfig: pytest.Config,
                  tmp_path_factory: pytest.TempPathFactory) -> Results:
    results = Results(tmp_path_factory.getbasetemp() / "fresh-results.json")
    pytestconfig.stash[RESULTS] = results
    return results


def pytest_terminal_summary(terminalreporter: TerminalReporter,
                            config: pytest.Config) -> None:
    results = config.stash.get(RESULTS, None)
    if results is None or not results.roots:
        return
    terminalreporter.write_sep("-", f"fresh Debian roots (also in {results.file})")
    for line in results.lines():
        terminalreporter.write_line(line)
