"""./bootstrap's bad input: one line naming what is needed, exit status 2, nothing run.

The whole script runs for real on brand-new roots in tests/fresh; here only the refusals,
which must come before apt is touched."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import REPO

BOOTSTRAP = REPO / "bootstrap"
DEBIAN_12 = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'
UBUNTU = 'PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\nVERSION_ID="24.04"\n'
TOOLS = ("bash", "env", "id", "cut", "awk", "sed", "readlink", "dirname", "cat", "grep")


def tools_dir(tmp_path: Path, *extra: str) -> Path:
    """A PATH holding only the basic tools (and ``extra``): no apt-get, no sudo."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in (*TOOLS, *extra):
        found = shutil.which(name)
        assert found, name
        (bin_dir / name).symlink_to(found)
    return bin_dir


def bootstrap(tmp_path: Path, os_release: str, *args: str, path: Path | None = None,
              user: int | None = None,
              script: Path = BOOTSTRAP) -> subprocess.CompletedProcess[str]:
    release = tmp_path / "os-release"
    release.write_text(os_release)
    release.chmod(0o644)
    env = {"PATH": str(path or tools_dir(tmp_path)), "BOOTSTRAP_OS_RELEASE": str(release),
           "LC_ALL": "C"}
    argv = [str(script), *args]
    if user is not None:
        argv = [shutil.which("setpriv") or "setpriv", f"--reuid={user}", f"--regid={user}",
                "--clear-groups", *argv]
    return subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=60, check=False)


def refused(result: subprocess.CompletedProcess[str], words: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(lines) == 1 and lines[0].startswith("bootstrap: ") and words in lines[0], lines
    assert "reading apt's package lists" not in result.stdout  # refused before apt


def test_an_unknown_option(tmp_path):
    refused(bootstrap(tmp_path, DEBIAN_12, "--test-kernel"), "unknown option '--test-kernel'")


def test_another_distribution(tmp_path):
    refused(bootstrap(tmp_path, UBUNTU), "Ubuntu 24.04 LTS is not supported")


def test_no_apt(tmp_path):
    refused(bootstrap(tmp_path, DEBIAN_12), "apt-get is missing")


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root to become another user")
def test_neither_root_nor_sudo():
    # a world-readable dir (pytest's are the owner's only), holding a copy of the script
    with tempfile.TemporaryDirectory() as name:
        where = Path(name)
        where.chmod(0o755)
        shutil.copy(BOOTSTRAP, where / "bootstrap")
        path = tools_dir(where, "apt-get")
        refused(bootstrap(where, DEBIAN_12, path=path, user=65534, script=where / "bootstrap"),
                "installing packages needs root")
