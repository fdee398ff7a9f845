"""Real Debian kernel trees and upstream's configure, for the kernel-marked tests."""

from __future__ import annotations

import glob
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from buildsys.debian_kernel import PreparedTree, prepare_tree
from buildsys.sources import verify_checksum
from tests.conftest import NETMAP_TARBALL, REPO

SERIES = ("6.1", "6.12")


def header_tree(series: str) -> Path:
    """The installed Debian header tree of a series (resolved, never a pinned ABI)."""
    for build in sorted(glob.glob("/lib/modules/*/build"), reverse=True):
        release = Path(build).parent.name
        if release.startswith(series + ".") or release.startswith(series + "-"):
            return Path(build)
    pytest.fail(f"no Debian {series} header tree installed: run ./bootstrap --test-kernels")


@pytest.fixture(scope="session")
def upstream_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Upstream netmap, unpacked from the shared tarball (after its checksum)."""
    verify_checksum(NETMAP_TARBALL)
    root = tmp_path_factory.mktemp("upstream")
    with tarfile.open(NETMAP_TARBALL) as archive:
        archive.extractall(root, filter="data")
    (tree,) = root.iterdir()
    return tree


def run_upstream_configure(tree: Path, kernel_dir: Path, workdir: Path, *options: str) -> str:
    workdir.mkdir(parents=True)
    argv = [str(tree / "LINUX" / "configure"), f"--kernel-dir={kernel_dir}", *options]
    with (workdir / "configure.out").open("w") as report:  # its closing report
        subprocess.run(argv, cwd=workdir, stdin=subprocess.DEVNULL, stdout=report,
                       stderr=subprocess.STDOUT, check=True, timeout=900)
    return (workdir / "netmap_linux_config.h").read_text()


def run_doit(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "doit", "-f", str(REPO / "dodo.py"), "-d", str(workdir), *args]
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=900, check=False)
    if check and result.returncode != 0:
        pytest.fail(f"doit {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def trees_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Kernel trees of `doit kernel-tree` for this session only (NETMAP_BUILD_TREES_CACHE
    stays set for the session, so doit run from a test finds them); ~2 GB, removed at the end."""
    root = tmp_path_factory.mktemp("kernel-trees")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NETMAP_BUILD_TREES_CACHE", str(root))
        yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def debian_73_tree(trees_cache: Path) -> PreparedTree:
    """Debian's newest 7.3 kernel of trixie-backports: a module-build tree prepared with the
    host's gcc (``.path("kernel_dir")``), its vmlinuz (``"kernel_image"``) and its modules
    (``"modules_dir"``).  Downloads ~300 MB and takes about a minute, once per session."""
    return prepare_tree("7.3", suite="trixie-backports", root=trees_cache)
