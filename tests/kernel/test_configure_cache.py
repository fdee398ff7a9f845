"""Cache, locking and side-by-side behaviour of configure on real Debian trees."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kernel_probes
from buildsys.cli.options import Options
from buildsys.configure import run as configure_module
from tests.conftest import NETMAP_TARBALL, REPO
from tests.kernel.conftest import run_doit
from tests.kernels import header_tree, kernel_under_test

pytestmark = pytest.mark.kernel
GENERIC = len(kernel_probes.generic_probes())  # upstream's 90 and our 2 (kernel_probes/ours.py)


def options_for(kernel_dir: Path, build_dir: Path) -> Options:
    return Options(kernel_dir=str(kernel_dir), netmap_src=str(NETMAP_TARBALL),
                   build_dir=str(build_dir), drivers=[])


def run_counts(config) -> tuple[int, int]:
    compiled = [o for o in config.outcomes if o.name != "split_page_exported"]
    return sum(not o.cached for o in compiled), sum(o.cached for o in compiled)


def test_changed_probe_reruns_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kernel_dir = header_tree("6.12")
    first = configure_module.configure(options_for(kernel_dir, tmp_path / "b"))
    assert run_counts(first) == (GENERIC, 0)
    original = kernel_probes.generic_probes()
    changed = [dataclasses.replace(p, code=p.code + "\n/* edited */\n") if p.name == "iommu"
               else p for p in original]
    monkeypatch.setattr(configure_module, "all_probes",
                        lambda drivers: [*changed, *kernel_probes.SYMBOLS])
    second = configure_module.configure(options_for(kernel_dir, tmp_path / "b"))
    assert run_counts(second) == (1, GENERIC - 1)
    assert next(o.name for o in second.outcomes if not o.cached) == "iommu"
    assert not second.header_changed


def test_same_path_other_kernel_never_reuses_answers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    link = tmp_path / "kernel"
    link.symlink_to(header_tree("6.12"))
    on_612 = configure_module.configure(options_for(link, tmp_path / "b"))
    link.unlink()
    link.symlink_to(header_tree("6.1"))
    on_61 = configure_module.configure(options_for(link, tmp_path / "b"))
    assert run_counts(on_61) == (GENERIC, 0)
    answers_612 = {o.name: o.success for o in on_612.outcomes}
    answers_61 = {o.name: o.success for o in on_61.outcomes}
    assert answers_612 != answers_61  # e.g. NETIF_F_LLTX exists on 6.1 only
    assert answers_61["netif_f_lltx"] and not answers_612["netif_f_lltx"]


def test_corrupt_cache_is_reported_and_rebuilt(tmp_path, monkeypatch, private_cache):
    monkeypatch.chdir(tmp_path)
    kernel_dir = header_tree("6.1")
    configure_module.configure(options_for(kernel_dir, tmp_path / "b"))
    (cache_file,) = (private_cache / "probes").glob("*.json")
    cache_file.write_text(cache_file.read_text()[:100])
    again = configure_module.configure(options_for(kernel_dir, tmp_path / "b"))
    assert any("corrupt" in note for note in again.notes)
    assert run_counts(again) == (GENERIC, 0)
    json.loads(cache_file.read_text())  # rewritten whole


def configure_runs(build: Path) -> dict[int, tuple[int, int]]:
    """logs/configure-runs.log: each configure's pid -> (lock taken, done), monotonic ns."""
    runs = {}
    for line in (build / "logs" / "configure-runs.log").read_text().splitlines():
        pid, locked_at, done = map(int, line.split())
        runs[pid] = (locked_at, done)
    return runs


def test_two_kernels_side_by_side_and_concurrent_configures(tmp_path):
    trees = {series: header_tree(series) for series in ("6.1", "6.12")}
    args = [f"--netmap-src={NETMAP_TARBALL}", "--no-drivers"]
    for kernel_dir in trees.values():
        run_doit(tmp_path, "configure", f"--kernel-dir={kernel_dir}", *args)
    releases = sorted(p.name for p in (tmp_path / "build").iterdir() if p.is_dir())
    # the release, not the tree's parent dir: a doit kernel-tree tree (6.1 on Debian 13)
    # sits in <release>-<compiler key>/build
    assert releases == sorted(kernel_under_test(series).release for series in trees)
    # two configures of one build dir at once (--no-cache: each compiles every probe, some
    # seconds): the lock must make one wait for the other, and both succeed
    argv = [sys.executable, "-m", "doit", "-f", str(REPO / "dodo.py"), "-d", str(tmp_path),
            "--db-file", str(tmp_path / ".doit.db"), "configure", "--no-cache",
            f"--kernel-dir={trees['6.12']}", *args]
    runs = [subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    both_started = time.monotonic_ns()  # the clock configure logs with (CLOCK_MONOTONIC)
    for run in runs:
        output = run.communicate(timeout=600)[0]
        assert run.returncode == 0, output
    build = tmp_path / "build" / trees["6.12"].parent.name
    logged = configure_runs(build)
    pids = [run.pid for run in runs]
    assert set(pids) <= set(logged), (pids, logged)  # each child's own line
    first, second = sorted(logged[pid] for pid in pids)
    assert both_started < first[1], "the second configure started after the first had ended"
    assert first[1] <= second[0], f"the two configures held the lock at once: {first} {second}"
    header = (build / "netmap_linux_config.h").read_text()
    assert header.rstrip().endswith("#endif /* NETMAP_LINUX_CONFIG_H */")
    assert not list(build.glob(".*.tmp")) and not list(build.glob(".netmap_linux_config.h.*"))
