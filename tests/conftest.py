from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SHARED = Path(os.environ.get("NETMAP_BUILD_SHARED", REPO.parent / "shared"))
NETMAP_TARBALL = SHARED / "netmap" / "netmap-89607e1406c1.tar.gz"

if TYPE_CHECKING:
    from buildsys.debian.kernel_tree import PreparedTree


@pytest.fixture(scope="session", autouse=True)
def sources_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Kernel driver sources extracted once per session (one xz pass is ~25 s), and a
    session probe cache for module-scoped fixtures: nothing goes to the user's cache."""
    sources = tmp_path_factory.mktemp("kernel-sources")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NETMAP_BUILD_SOURCES_CACHE", str(sources))
        patch.setenv("NETMAP_BUILD_CACHE", str(tmp_path_factory.mktemp("session-cache")))
        yield sources


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                  sources_cache: Path) -> Path:
    """Every test gets its own probe cache (never the user's)."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("NETMAP_BUILD_CACHE", str(cache))
    monkeypatch.setenv("NETMAP_BUILD_SOURCES_CACHE", str(sources_cache))
    return cache


# Kernel trees of `doit kernel-tree` (the newest 7.x; 6.1 on Debian 13), prepared once per
# session and shared by tests/kernel and tests/vm
@pytest.fixture(scope="session", autouse=True)
def trees_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Kernel trees of `doit kernel-tree` for this session only (NETMAP_BUILD_TREES_CACHE
    stays set for the session, so doit run from a test finds them); ~2 GB, removed at the end."""
    root = tmp_path_factory.mktemp("kernel-trees")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NETMAP_BUILD_TREES_CACHE", str(root))
        yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def newest_tree(trees_cache: Path) -> PreparedTree:
    """Debian's newest kernel of trixie-backports (7.3 today; whatever the archive offers on
    the day): a module-build tree prepared with the host's gcc (``.path("kernel_dir")``), its
    vmlinuz (``"kernel_image"``) and its modules (``"modules_dir"``).  Downloads ~300 MB and
    takes about a minute, once per session."""
    from tests.kernels import newest_kernel  # noqa: PLC0415 (after sys.path is set)

    tree = newest_kernel().tree
    assert tree is not None
    return tree


FAKE_LINUX = REPO / "tests" / "fakelinux"


@pytest.fixture
def fake_linux(tmp_path: Path) -> Callable[..., Path]:
    """A copy of the fake kbuild tree (tests/fakelinux) made to measure:
    ``fake_linux("6.12.3", {"CONFIG_E1000": "m", "CONFIG_NETDEVICES": None})`` sets the
    Makefile's version and the release (``<version>-fake``), and sets (or, with None,
    removes) lines of its ``.config``.  Each call makes another copy."""
    made = 0

    def make(version: str = "6.99.0", config: dict[str, str | None] | None = None) -> Path:
        nonlocal made
        made += 1
        root = tmp_path / f"fakelinux-{made}"
        shutil.copytree(FAKE_LINUX, root, symlinks=True)
        major, minor, micro = version.split(".")
        makefile = root / "Makefile"
        text = makefile.read_text()
        for key, value in (("VERSION", major), ("PATCHLEVEL", minor), ("SUBLEVEL", micro)):
            text = re.sub(rf"^{key} = \d+$", f"{key} = {value}", text, flags=re.MULTILINE)
        makefile.write_text(text)
        (root / "include/generated/utsrelease.h").write_text(
            f'#define UTS_RELEASE "{version}-fake"\n')
        lines = dict(line.split("=", 1) for line in
                     (root / ".config").read_text().splitlines() if "=" in line)
        for symbol, state in (config or {}).items():
            if state is None:
                lines.pop(symbol, None)
            else:
                lines[symbol] = state
        (root / ".config").write_text("".join(f"{k}={v}\n" for k, v in lines.items()))
        return root

    return make
