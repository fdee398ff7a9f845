from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SHARED = Path(os.environ.get("NETMAP_BUILD_SHARED", REPO.parent / "shared"))
NETMAP_TARBALL = SHARED / "netmap" / "netmap-89607e1406c1.tar.gz"


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
