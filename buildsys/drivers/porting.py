"""The porting aid: a work tree for a kernel no patch range covers yet.

``doit port-driver driver=NAME`` copies the driver's pristine sources of the
configured kernel into ``<build-dir>/port/<name>/`` twice (``pristine/`` and
``work/``), applies the nearest patch to ``work/`` with no fuzz and keeps the
rejects (``*.rej``) to fix by hand.  ``doit save-patch driver=NAME since=X.Y
[until=X.Y]`` turns ``work/`` into a new patch file beside the driver record
and prints the line to add to the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from buildsys.configure.context import BuildContext
from buildsys.core import proc
from buildsys.core.errors import UserError
from buildsys.core.locking import write_atomic
from buildsys.drivers.kernel_sources import find_sources
from buildsys.drivers.patching import copy_tree, patch_argv, pick_upstream, upstream_ranges
from buildsys.drivers.selection import driver_named, source_path
from drivers.catalog import DRIVERS
from drivers.record import Driver


@dataclass(frozen=True)
class PortTree:
    pristine: Path
    work: Path
    patch: Path | None
    rejects: list[Path]


def nearest_patch(driver: Driver, version: Version, netmap: Path) -> tuple[Path, str] | None:
    """Ours whose range starts closest below the version (else the first), else upstream's."""
    if driver.patches:
        below = [p for p in driver.patches if Version(p.since) <= version]
        chosen = max(below, key=lambda p: Version(p.since)) if below else driver.patches[0]
        return driver.home / chosen.file, "module"
    if driver.upstream_patches:
        ranges = upstream_ranges(netmap / "LINUX/final-patches", driver.upstream_patches)
        path = pick_upstream(ranges, version) or (ranges[-1][2] if ranges else None)
        return (path, "root") if path else None
    return None


def _sources(context: BuildContext, given: str) -> tuple[Path, Version]:
    """The sources to port to: ``given`` (DIR|TARBALL), else the configured ones."""
    found = (find_sources(given, context.kernel_tree, [source_path(d) for d in DRIVERS],
                          same_series=False) if given else context.configuration.kernel_sources)
    if found is None:  # none configured (given ones are there, or find_sources says why)
        raise UserError("the configured build dir has no kernel sources",
                        "pass --kernel-sources=DIR|TARBALL")
    return found.root, found.version


def port_driver(context: BuildContext, name: str, kernel_sources: str = "") -> PortTree:
    driver = driver_named(name)
    root, version = _sources(context, kernel_sources)
    pristine_source = root / source_path(driver)
    if not pristine_source.exists():
        raise UserError(f"{pristine_source} does not exist", "pass the kernel's full sources")
    base = context.build_dir / "port" / driver.name
    copy_tree(pristine_source, base / "pristine" / driver.tree_name)
    copy_tree(pristine_source, base / "work" / driver.tree_name)
    found = nearest_patch(driver, version, context.netmap)
    if found is None:
        return PortTree(base / "pristine", base / "work", None, [])
    patch, applies_in = found
    where = driver.patch_dir(base / "work", applies_in)
    proc.run(patch_argv(patch, where, fuzz=False, rejects=True),
             proc.fresh_log(context.build_dir / "logs" / f"port-{driver.name}.log"), check=False)
    rejects = sorted((base / "work").rglob("*.rej"))
    return PortTree(base / "pristine", base / "work", patch, rejects)


def save_patch(context: BuildContext, name: str, since: str, until: str | None) -> Path:
    driver = driver_named(name)
    base = context.build_dir / "port" / driver.name
    if not (base / "work").is_dir():
        raise UserError(f"no work tree for {name}", f"run doit port-driver --driver={name} first")
    if list((base / "work").rglob("*.rej")):
        raise UserError(f"{base / 'work'} still holds *.rej files",
                        "fold each reject in by hand and delete it")
    Version(since)  # a readable version, or packaging raises
    directory = driver.patch_dir(base / "work", "module")
    relative = directory.relative_to(base / "work")
    diff = _diff(base / "pristine" / relative, directory,
                 proc.fresh_log(context.build_dir / "logs" / f"save-patch-{driver.name}.log"))
    if not diff:
        raise UserError(f"{directory} does not differ from the pristine sources",
                        "edit the work tree first")
    target = driver.home / "patches" / f"{driver.tree_name.removesuffix('.c')}-{since}.diff"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, diff)
    return target


def _diff(old: Path, new: Path, log: Path) -> str:
    """``diff -ruN`` with a/ and b/ labels relative to the module directory."""
    argv = ["diff", "-ruN", "-x", "*.orig", "-x", "*.rej", str(old), str(new)]
    text = proc.run(argv, log, check=False).output
    text = text.replace(f"{old}/", "a/").replace(f"{new}/", "b/")
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith("diff -ruN"))
