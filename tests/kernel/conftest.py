"""Real Debian kernel trees and upstream's configure, for the kernel-marked tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from buildsys.configure.netmap_sources import verify_checksum
from buildsys.core import untar
from tests.conftest import NETMAP_TARBALL, REPO

if TYPE_CHECKING:
    from tests.kernel.interrupts import Reference


@pytest.fixture(scope="session")
def upstream_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Upstream netmap, unpacked from the shared tarball (after its checksum)."""
    verify_checksum(NETMAP_TARBALL)
    root = tmp_path_factory.mktemp("upstream")
    untar.extract(NETMAP_TARBALL, root)
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
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """The uninterrupted 6.1 run the interrupt tests compare with (made once for both files)."""
    from tests.kernel.interrupts import make_reference  # noqa: PLC0415 (it imports run_doit)

    return make_reference(tmp_path_factory)
