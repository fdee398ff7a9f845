"""Debian kernels installed on this host: the header tree a meta-package depends on.

Of the generic flavour exactly: ``-cloud-amd64`` or ``-rt-amd64`` trees may sit beside it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from buildsys.debian import kernel_packages

META_PACKAGES = ("linux-headers-{flavour}", "linux-headers-{series}-{flavour}")


def dpkg_depends(package: str) -> str:
    """The installed package's Depends field; empty when it is not installed."""
    result = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", package],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    return result.stdout if result.returncode == 0 else ""


def installed_release(series: str, flavour: str = "amd64") -> str | None:
    """The release of ``series`` an installed meta-package depends on, with its tree."""
    pattern = kernel_packages.release_pattern(series, flavour)
    for meta in META_PACKAGES:
        depends = dpkg_depends(meta.format(series=series, flavour=flavour))
        for name, _version in kernel_packages.depends(depends):
            release = name.removeprefix("linux-headers-")
            if name.startswith("linux-headers-") and pattern.fullmatch(release) \
                    and Path(f"/lib/modules/{release}/build").is_dir():
                return release
    return None
