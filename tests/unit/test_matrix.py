"""`doit matrix`'s pure parts: live suites, series from package names, cells, the README."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from buildsys.cli.options import from_params
from buildsys.core.errors import UserError
from buildsys.matrix import build_matrix, suites, table
from buildsys.matrix.run import _vm_verdict
from drivers.catalog import DRIVERS

REPO = Path(__file__).resolve().parents[2]
CSV = """version,codename,series,created,release,eol,eol-lts,eol-elts
11,Bullseye,bullseye,2019-07-06,2021-08-14,2024-08-14,2026-08-31,2031-06-30
12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-07-11,2028-06-30,2033-06-30
13,Trixie,trixie,2023-06-10,2025-08-09,2028-08-09,2030-06-30,2035-06-30
14,Forky,forky,2025-08-09
15,Duke,duke,2027-08-01
,Sid,sid,1993-08-16
,Experimental,experimental,1993-08-16
"""


def test_live_suites_follow_distro_info(tmp_path):
    csv_path = tmp_path / "debian.csv"
    csv_path.write_text(CSV)
    # bullseye's LTS ended in August 2026; duke is not created yet; bookworm is in LTS
    assert suites.live_suites(datetime.date(2026, 11, 30), csv_path) == [
        "bookworm", "bookworm-backports", "trixie", "trixie-backports", "forky", "sid"]
    # a year before: bullseye still in LTS, forky not yet created
    assert suites.live_suites(datetime.date(2025, 6, 1), csv_path)[:2] == [
        "bullseye", "bullseye-backports"]
    assert "forky" not in suites.live_suites(datetime.date(2025, 6, 1), csv_path)


def test_no_distro_info_is_one_line(tmp_path):
    with pytest.raises(UserError) as raised:
        suites.live_suites(datetime.date(2026, 11, 30), tmp_path / "missing.csv")
    assert "apt-get install distro-info-data" in raised.value.one_line()


def test_series_are_read_from_package_names():
    names = ["linux-headers-7.2.6+deb13-amd64", "linux-headers-7.2.12+deb13-amd64",
             "linux-headers-7.2.9+deb13-amd64", "linux-headers-7.3.4+deb13-cloud-amd64",
             "linux-headers-7.3.4+deb13-rt-amd64", "linux-headers-amd64",
             "linux-headers-7.3.4+deb13-common", "linux-headers-6.1.0-9-amd64",
             "linux-headers-6.1.0-26-amd64"]
    offers = suites.series_offered(names, "trixie-backports")
    # 7.3 only in cloud and rt flavours: not offered for the generic flavour
    assert [(o.series, o.release) for o in offers] == [
        ("6.1", "6.1.0-26-amd64"), ("7.2", "7.2.12+deb13-amd64")]


def test_series_keep_suite_order_and_sort_by_version():
    offers = [suites.Offer("6.12", "trixie", "6.12.117+deb13-amd64"),
              suites.Offer("7.10", "sid", "7.10.1+deb14-amd64"),
              suites.Offer("6.12", "sid", "6.12.120+deb14-amd64"),
              suites.Offer("7.2", "trixie-backports", "7.2.12+deb13-amd64")]
    grouped = suites.by_series(offers)
    assert list(grouped) == ["6.12", "7.2", "7.10"]
    assert [o.suite for o in grouped["6.12"]] == ["trixie", "sid"]


def test_unknown_series_is_refused():
    offered = {"6.1": [suites.Offer("6.1", "bookworm", "6.1.0-50-amd64")]}
    assert build_matrix.wanted_series(offered, "") == ["6.1"]
    with pytest.raises(UserError, match=r"no kernel series 9\.9"):
        build_matrix.wanted_series(offered, "6.1,9.9")


def test_drivers_all_requests_every_driver_unnamed():
    options = from_params({"drivers": "all"})
    assert options.drivers == [d.name for d in DRIVERS]
    assert "stmmac" in options.drivers and not options.drivers_named
    assert "e1000" not in from_params({"drivers": "all", "no_drivers": "e1000"}).drivers


def test_vm_verdict_per_driver():
    checks = [{"scenario": "e1000", "status": "pass"}, {"scenario": "e1000-flood", "status": "fail"},
              {"scenario": "veth", "status": "skip"}]
    assert _vm_verdict(checks, {"e1000", "e1000-flood"}) == "failed"
    assert _vm_verdict(checks, {"e1000"}) == "passed"
    assert _vm_verdict(checks, {"veth"}) == "skipped"
    assert _vm_verdict(checks, {"vmxnet3"}) == "not run"
    assert _vm_verdict(checks, set()) == "no QEMU model"


def test_cells_carry_no_machine_paths():
    row = {"status": "skipped", "reason": "drivers/net/x is not in "
           "/root/.cache/netmap-build/kernel-sources/3232/linux-source-7.2.tar.xz", "patch": ""}
    assert table.cell(row) == "skipped: drivers/net/x is not in linux-source-7.2.tar.xz"
    built = {"status": "built", "reason": "", "patch": "ours v.diff for [7.2, 7.3)",
             "vm": "passed"}
    assert table.cell(built) == "built (ours v.diff for [7.2, 7.3)); VM ✓"


def sample_matrix() -> dict[str, object]:
    return {"series": [{
        "series": "7.2", "release": "7.2.12+deb13-amd64",
        "origin": "doit kernel-tree --suite=trixie-backports",
        "offered": {"trixie-backports": "7.2.12+deb13-amd64", "sid": "7.2.13+deb14-amd64"},
        "steps": {"configure": "ok", "build": "ok", "vmtest": "no kernel image to boot"},
        "seconds": {"configure": 12.3, "build": 80.0},
        "drivers": {"netmap": {"status": "built", "reason": "", "patch": "", "vm": "not run"},
                    "stmmac": {"status": "skipped", "reason": "no patch for 7.2.12",
                               "patch": "", "vm": ""}}}]}


def test_markdown_and_readme_block():
    text = table.markdown(sample_matrix())
    assert "| driver | 7.2 (7.2.12+deb13-amd64) |" in text
    assert "| stmmac | skipped: no patch for 7.2.12 |" in text
    assert "configure ok in 12 s, build ok in 80 s, vmtest: no kernel image to boot" in text
    readme = f"intro\n{table.BEGIN}\nold table\n{table.END}\nrest\n"
    updated = table.with_matrix(readme, sample_matrix())
    assert updated.startswith("intro\n") and updated.endswith("\nrest\n")
    assert "old table" not in updated and text in updated
    with pytest.raises(ValueError, match="markers"):
        table.with_matrix("no markers", sample_matrix())


def test_readme_kernel_table_is_the_published_matrix():
    published = REPO / "docs" / "kernel-matrix.json"
    matrix = json.loads(published.read_text())
    assert table.readme_matrix(REPO / "README.md") == table.readme_block(matrix), \
        "run 'doit matrix --publish', or fix docs/kernel-matrix.json by hand and rerun it"
