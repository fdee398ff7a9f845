"""A driver that fails for real: pristine sources of a series with e1000 made not to compile.

Its patch still applies (the #error goes at the end of e1000_param.c, which no patch
touches), so ``doit deb`` vendors it as a driver that builds, and the failure comes where a
user meets one: in the DKMS build, from the compiler.  Handed to ``doit deb
--kernel-sources=``, these folders win over Debian's tarball of the same series.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from buildsys.deploy.vendoring import all_driver_folders, kept_by_kernel_tree
from buildsys.drivers.kernel_sources import debian_tarball, extract_folders
from buildsys.drivers.selection import driver_named, source_path
from tests.kernels import kernel_under_test

BROKEN = "e1000"
BROKEN_FILE = "drivers/net/ethernet/intel/e1000/e1000_param.c"
ERROR = "netmap-build test: a driver that does not compile"


def source_tarball(series: str) -> Path:
    """Debian's linux-source tarball of the series: installed, else ``doit kernel-tree``'s
    (Debian 13 has no linux-source-6.1: the tests prepare 6.1 from bookworm there)."""
    installed = debian_tarball(series)
    if installed.is_file():
        return installed
    kept = kept_by_kernel_tree(series)
    if kept is None:
        kernel_under_test(series)  # prepares the tree (or fails the test, saying why)
        kept = kept_by_kernel_tree(series)
    assert kept is not None, f"no linux-source tarball of {series}"
    return kept


def broken_sources(series: str, drivers: tuple[str, ...], work: Path) -> Path:
    """The drivers' folders of the series, with BROKEN made not to compile."""
    # every driver's folder, as configure and doit deb extract them (one cached xz pass)
    pristine = extract_folders(source_tarball(series), all_driver_folders())
    target = work / f"broken-{series}"
    target.mkdir()
    shutil.copy2(pristine / "Makefile", target / "Makefile")
    for folder in (source_path(driver_named(name)) for name in drivers):
        if (pristine / folder).is_dir():
            shutil.copytree(pristine / folder, target / folder)
        else:  # a driver of one file (virtio_net.c)
            (target / folder).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(pristine / folder, target / folder)
    broken = target / BROKEN_FILE
    broken.write_text(broken.read_text() + f'\n#error "{ERROR}"\n')
    return target
