"""``doit dkms``: a DKMS source tree that builds with this orchestrator, offline.

The tree holds the engine, the probe/driver/app records, our patches and glue,
the netmap sources of the configured build dir, ``dkms.conf`` and the entry
``dkms_build.py``.  It lists netmap.ko and the modules of the drivers selected
in the configured build dir; the drivers' entries are active only for kernels
whose ``linux-source-X.Y`` is installed, the rule ``dkms_build.py`` follows.
"""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

from buildsys import __version__
from buildsys.configure.context import BuildContext
from buildsys.core.locking import staged_dir
from buildsys.drivers.kernel_sources import DEBIAN_TARBALL
from buildsys.drivers.selection import driver_named

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("buildsys", "kernel_probes", "drivers", "apps")


def module_entries(context: BuildContext) -> tuple[list[str], list[tuple[str, str]]]:
    """Selected drivers, and (module, location) of every driver module, for dkms.conf."""
    drivers, modules = context.configuration.driver_names, []
    for name in drivers:
        driver = driver_named(name)
        where = f"out/drivers/{name}/" + ("" if driver.source_file else f"{driver.tree_name}/")
        modules += [(module, where) for module in driver.modules]
    return drivers, modules


def dkms_conf(context: BuildContext) -> str:
    _drivers, modules = module_entries(context)
    name = context.options.mod_name
    lines = ['PACKAGE_NAME="netmap"', f'PACKAGE_VERSION="{__version__}"',
             # the distribution's python3 and its python3-* packages, whatever PATH holds
             'MAKE[0]="/usr/bin/python3 ./dkms_build.py $kernelver $kernel_source_dir"',
             'CLEAN="rm -rf out"', 'AUTOINSTALL="yes"',
             f'BUILT_MODULE_NAME[0]="{name}"', 'BUILT_MODULE_LOCATION[0]="out/modules/netmap/"',
             'DEST_MODULE_LOCATION[0]="/updates/dkms"']
    if modules:
        # dkms_build.py's rule (kernel_sources.release_series), in shell
        tarball = DEBIAN_TARBALL.format(series="${_series}")
        lines += ["# patched drivers: only where the kernel's own sources are installed",
                  '_series="$(echo "$kernelver" | cut -d. -f1-2 | cut -d- -f1)"',
                  f'if [ -f "{tarball}" ]; then']
        for index, (module, where) in enumerate(modules, start=1):
            lines += [f'  BUILT_MODULE_NAME[{index}]="{module}"',
                      f'  BUILT_MODULE_LOCATION[{index}]="{where}"',
                      f'  DEST_MODULE_LOCATION[{index}]="/updates/dkms"']
        lines.append("fi")
    return "\n".join(lines) + "\n"


def write_tree(context: BuildContext, dist: Path) -> tuple[Path, Path]:
    """dist/netmap-<version>/ and its tarball."""
    tree = dist / f"netmap-{__version__}"
    with staged_dir(tree) as staging:
        _fill_tree(context, staging)
    tarball = dist / f"netmap-{__version__}.tar.gz"
    partial = tarball.with_name(f".{tarball.name}.partial")
    try:
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(tree, arcname=tree.name)
        partial.replace(tarball)
    finally:
        partial.unlink(missing_ok=True)
    return tree, tarball


def _fill_tree(context: BuildContext, tree: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(REPO / package, tree / package, ignore=ignore)
    shutil.copytree(context.netmap, tree / "netmap", symlinks=True, ignore=ignore)
    shutil.copy(REPO / "buildsys" / "deploy" / "dkms_entry.py", tree / "dkms_build.py")
    drivers, _modules = module_entries(context)
    (tree / "drivers.txt").write_text("\n".join(drivers) + "\n")
    (tree / "dkms.conf").write_text(dkms_conf(context))
