"""`doit matrix` for real: every series the archive offers, configured and built with every
driver; 7.2 (the series no other test boots) through the NIC scenarios of our own patches.

The published matrix (docs/kernel-matrix.json, the README's kernel table) must still hold:
on each series both know, every driver has the status it was published with."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import NETMAP_TARBALL, REPO

pytestmark = [pytest.mark.kernel, pytest.mark.slow, pytest.mark.vm]
BOOTED = "7.2"
SCENARIOS = "virtio_net,virtio_net-flood,vmxnet3,vmxnet3-flood"


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("matrix")
    argv = [sys.executable, "-m", "doit", "-f", str(REPO / "dodo.py"), "-d", str(out), "matrix",
            f"--out={out / 'm'}", f"--netmap-src={NETMAP_TARBALL}", f"--vmtest={BOOTED}",
            f"--scenarios={SCENARIOS}"]
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=3600, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    found: dict[str, Any] = json.loads((out / "m" / "matrix.json").read_text())
    print((out / "m" / "matrix.md").read_text())  # the wall time of each series, in -s runs
    return found


def by_series(matrix: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["series"]: entry for entry in matrix["series"]}


def test_every_series_builds_netmap_and_no_driver_fails(matrix):
    assert len(matrix["series"]) >= 3, matrix["series"]
    for entry in matrix["series"]:
        assert entry["steps"]["configure"] == "ok" and entry["steps"]["build"] == "ok", entry
        drivers = entry["drivers"]
        assert drivers["netmap"]["status"] == "built"
        failed = {name: row["reason"] for name, row in drivers.items() if row["status"] == "failed"}
        assert not failed, f"{entry['release']}: {failed}"
        # every skip says why
        assert all(row["reason"] for row in drivers.values() if row["status"] == "skipped")


def test_the_published_matrix_still_holds(matrix):
    published = by_series(json.loads((REPO / "docs" / "kernel-matrix.json").read_text()))
    shared = sorted(set(published) & set(by_series(matrix)))
    assert shared, f"no series in common: {sorted(published)} {sorted(by_series(matrix))}"
    for series in shared:
        now = {name: row["status"] for name, row in by_series(matrix)[series]["drivers"].items()}
        then = {name: row["status"] for name, row in published[series]["drivers"].items()}
        assert now == then, f"{series}: run 'doit matrix --publish' if this change is right"


def test_our_own_patches_boot_on_the_booted_series(matrix):
    entry = by_series(matrix)[BOOTED]
    assert entry["steps"]["vmtest"] == "ok", entry["steps"]
    for driver in ("virtio_net", "vmxnet3"):
        row = entry["drivers"][driver]
        assert row["patch"].startswith("ours ") and row["vm"] == "passed", row
    # the series not booted say so, and are not counted as tested
    for other in matrix["series"]:
        if other["series"] != BOOTED:
            assert other["steps"]["vmtest"].startswith("not asked")
            assert other["drivers"]["netmap"]["vm"] == "not run"
