"""A module-build tree for a Debian kernel newer than the host's, made with the host's gcc.

Debian's own header package for such a kernel is unusable here (7.3's tools need
glibc 2.38 and gcc-14), so the tree is prepared from Debian's ``linux-source``
with Debian's ``.config`` and ``Module.symvers``: modules built in it load into
Debian's own kernel.  Debian's ``vmlinuz`` and modules come along, for QEMU.

One cache entry per release and compiler, built in a staging dir and renamed
into place, under a lock; a second call finds it and runs nothing but
``gcc --version``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from buildsys.core.errors import UserError
from buildsys.core.locking import locked
from buildsys.debian import kernel_packages, private_apt, tree_build
from buildsys.debian.tree_build import HostCompiler, host_compiler
from buildsys.kernel import kbuild
from buildsys.probing.cache import cache_root

DEFAULT_SUITE = "trixie-backports"
DEFAULT_FLAVOUR = "amd64"


@dataclass(frozen=True)
class PreparedTree:
    entry: Path
    metadata: dict[str, Any]  # tree.json
    cached: bool  # True: found ready, nothing was run

    @property
    def release(self) -> str:
        return str(self.metadata["release"])

    def path(self, name: str) -> Path:
        """``kernel_dir``, ``kernel_sources``, ``sources_tarball``, ``kernel_image``,
        ``modules_dir``."""
        return Path(self.metadata["paths"][name])


def trees_cache_root() -> Path:
    explicit = os.environ.get("NETMAP_BUILD_TREES_CACHE")
    return Path(explicit) if explicit else cache_root() / "kernel-trees"


NEWEST = "newest"  # --series=newest: the newest series the suite holds


def check_series(series: str) -> None:
    if series != NEWEST and not re.fullmatch(r"\d+\.\d+", series):
        raise UserError(f"--series={series!r} is not a kernel series",
                        f"pass --series=X.Y (e.g. --series=7.3) or --series={NEWEST}")


def prepare_tree(series: str, *, suite: str = DEFAULT_SUITE, flavour: str = DEFAULT_FLAVOUR,
                 refresh: bool = False, say: Callable[[str], object] = lambda _: None,
                 root: Path | None = None) -> PreparedTree:
    """The tree of the newest ``series`` kernel of ``suite`` (``newest``: of its newest
    series): cached, else made.

    Without ``refresh`` a cached tree of the series is used as it is, without
    asking the archive whether a newer release came out; ``newest`` always asks."""
    check_series(series)
    root = root or trees_cache_root()
    kbuild.check_paths([("the kernel trees cache", root,
                         "set NETMAP_BUILD_TREES_CACHE elsewhere")])
    with locked(root / ".lock"):
        compiler = host_compiler(root / "logs")
        found = None if refresh or series == NEWEST else find_cached(
            root, series, suite, flavour, compiler)
        if found:
            return found
        apt = suite_lists(root, suite, say)
        if series == NEWEST:
            series = newest_series(apt, suite, flavour)
            say(f"the newest series of {suite} is {series}")
        packages = kernel_packages.resolve(apt, series, suite, flavour)
        entry = root / f"{packages.release}-{compiler.key}"
        if (entry / "tree.json").is_file():
            return load_entry(entry, cached=True)
        origin = {"suite": suite, "flavour": flavour, "archive": apt.uri}
        tree_build.build_entry(entry, apt, packages, compiler, origin, say=say)
        return load_entry(entry, cached=False)


def suite_lists(root: Path, suite: str,
                say: Callable[[str], object]) -> private_apt.PrivateApt:
    """Fresh package lists of ``suite``, from the mirror the system uses."""
    apt = private_apt.PrivateApt(root / "apt" / suite, root / "logs" / f"apt-{suite}")
    entries = private_apt.system_sources()
    apt.use(private_apt.archive_uri(entries, private_apt.host_codename()), [suite])
    say(f"reading the package lists of {suite}")
    apt.update()
    return apt


def newest_series(apt: private_apt.PrivateApt, suite: str, flavour: str) -> str:
    series = kernel_packages.newest_series(apt.names("linux-headers-"), flavour)
    if series is None:
        raise UserError(f"{suite} has no linux-headers-*-{flavour} package",
                        "pick another --suite or --flavour")
    return series


def load_entry(entry: Path, cached: bool) -> PreparedTree:
    return PreparedTree(entry, json.loads((entry / "tree.json").read_text()), cached)


def find_cached(root: Path, series: str, suite: str, flavour: str,
                compiler: HostCompiler) -> PreparedTree | None:
    """The newest ready entry of this series, suite, flavour and compiler."""
    ready = []
    for marker in root.glob(f"{series}.*-{compiler.key}/tree.json"):
        tree = load_entry(marker.parent, cached=True)
        wanted = (series, suite, flavour, compiler.key)
        if (tree.metadata["series"], tree.metadata["suite"], tree.metadata["flavour"],
                tree.metadata["compiler"]["key"]) == wanted:
            ready.append(tree)
    return max(ready, key=lambda tree: kernel_packages.release_key(tree.release), default=None)


def next_commands(tree: PreparedTree) -> list[str]:
    return [f"doit configure --kernel-dir={tree.path('kernel_dir')} "
            f"--kernel-sources={tree.path('kernel_sources')}",
            f"doit vmtest --kernel-image={tree.path('kernel_image')} "
            f"--modules-dir={tree.path('modules_dir')}"]


def summary(tree: PreparedTree) -> list[str]:
    data = tree.metadata
    state = "found in the cache" if tree.cached else "prepared"
    lines = [f"Debian {data['release']} ({data['suite']}, packages {data['version']}): "
             f"{state}, built with {data['compiler']['version_text']}"]
    for label, name in (("kernel dir", "kernel_dir"), ("kernel sources", "kernel_sources"),
                        ("kernel image", "kernel_image"), ("modules dir", "modules_dir")):
        lines.append(f"  {label + ':':16}{tree.path(name)}")
    changed = len(data["config_changes"])
    lines.append(f"  {changed} .config lines differ from Debian's (the host compiler's): "
                 f"{tree.entry / 'tree.json'}")
    return [*lines, "next:", *(f"  {command}" for command in next_commands(tree))]
