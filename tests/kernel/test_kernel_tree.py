"""`doit kernel-tree`: Debian's newest kernel (7.3 today) prepared with the host's gcc, for
real (network, ~1 min)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from buildsys.debian.kernel_tree import PreparedTree, prepare_tree
from tests.conftest import NETMAP_TARBALL
from tests.kernel.conftest import run_doit

pytestmark = [pytest.mark.kernel, pytest.mark.slow]


def logs_state(root: Path) -> dict[str, int]:
    return {str(log): log.stat().st_mtime_ns for log in root.rglob("*.log")}


def test_tree_calls_itself_what_debian_calls_its_kernel(newest_tree: PreparedTree):
    tree = newest_tree
    build = tree.path("kernel_dir")
    answer = subprocess.run(["make", "-s", "kernelrelease"], cwd=build, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, check=True)
    assert answer.stdout.strip() == tree.metadata["release"] == tree.release
    assert tree.release.startswith(tree.metadata["series"] + ".") and tree.release.endswith("-amd64")
    assert int(tree.metadata["series"].split(".")[0]) >= 7
    assert (build / "Module.symvers").stat().st_size > 1_000_000  # Debian's, not an empty one
    assert "CONFIG_CC_VERSION_TEXT" in {c["symbol"] for c in tree.metadata["config_changes"]}


def test_boot_files_and_no_leftovers(newest_tree: PreparedTree):
    tree = newest_tree
    assert (tree.path("modules_dir") / "modules.dep").is_file()
    assert (tree.path("modules_dir") / "modules.builtin").is_file()
    assert tree.path("kernel_image").stat().st_size > 1_000_000
    assert tree.path("sources_tarball").is_file()
    assert sorted(p.name for p in tree.entry.iterdir()) == sorted(
        ["build", "modules", "tree.json", tree.path("sources_tarball").name,
         tree.path("kernel_image").name])  # the .deb files are gone
    assert not list(tree.entry.parent.glob(".*.staging"))


def test_second_call_is_a_cache_hit(newest_tree: PreparedTree, trees_cache: Path):
    assert not newest_tree.cached  # the session's first call made it
    before = logs_state(trees_cache)
    again = prepare_tree(newest_tree.metadata["series"])  # NETMAP_BUILD_TREES_CACHE points at the session's cache
    assert again.cached and again.entry == newest_tree.entry
    changed = {log for log, mtime in logs_state(trees_cache).items() if before.get(log) != mtime}
    assert changed == {str(trees_cache / "logs" / "compiler.log")}  # gcc --version, nothing else


def test_doit_kernel_tree_prints_the_next_commands(newest_tree: PreparedTree, tmp_path: Path):
    result = run_doit(tmp_path, "kernel-tree", f"--series={newest_tree.metadata['series']}")
    assert "found in the cache" in result.stdout
    assert f"doit configure --kernel-dir={newest_tree.path('kernel_dir')}" in result.stdout
    assert f"--modules-dir={newest_tree.path('modules_dir')}" in result.stdout


def test_configure_on_the_tree(newest_tree: PreparedTree, tmp_path: Path):
    build = newest_tree.path("kernel_dir")
    run_doit(tmp_path, "configure", f"--kernel-dir={build}", f"--netmap-src={NETMAP_TARBALL}",
             "--build-dir=b", "--no-drivers")
    report = json.loads((tmp_path / "b" / "configure.json").read_text())
    assert report["kernel"]["release"] == newest_tree.release
    assert (tmp_path / "b" / "netmap_linux_config.h").is_file()
