"""What a DKMS build runs (copied into the DKMS tree as ``dkms_build.py``).

    /usr/bin/python3 dkms_build.py KERNEL_RELEASE KERNEL_DIR

Offline and without doit: configure for the kernel (probe answers cached in
``out/``), then netmap.ko and the patched drivers listed in ``drivers.txt``,
from the pristine sources this tree carries for the kernel's series
(``kernel-sources/X.Y``), else from an installed ``linux-source-X.Y`` (the rule
``dkms.conf`` applies too); with neither, netmap.ko alone, and make.log says so.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from buildsys.build import steps  # noqa: E402
from buildsys.cli.options import Options  # noqa: E402
from buildsys.configure.run import configure  # noqa: E402
from buildsys.core.errors import NetmapBuildError  # noqa: E402
from buildsys.drivers.kernel_sources import (  # noqa: E402
    debian_tarball,
    release_series,
    source_package,
)


def main(release: str, kernel_dir: str) -> int:
    out = HERE / "out"
    # everything in the DKMS build area: nothing goes to root's home
    os.environ.setdefault("NETMAP_BUILD_CACHE", str(out / "cache"))
    os.environ.setdefault("NETMAP_BUILD_SOURCES_CACHE", str(out / "kernel-sources"))
    print(f"netmap dkms: Python {sys.version.split()[0]} ({sys.executable})")
    drivers = (HERE / "drivers.txt").read_text().split()
    sources = kernel_sources(release_series(release), drivers)
    if sources is None:
        drivers = []
    elif (sources / "drivers.txt").is_file():  # the ones these sources take (dkms.conf's)
        drivers = (sources / "drivers.txt").read_text().split()
    # named: a listed driver that cannot be built fails the build (dkms.conf lists it)
    options = Options(kernel_dir=kernel_dir, netmap_src=str(HERE / "netmap"),
                      kernel_sources=str(sources or ""),
                      build_dir=str(out), drivers=drivers, drivers_named=True, apps=[],
                      utils=False)
    try:
        found = configure(options)
        steps.netmap_step(out)
        for name in found.driver_names:
            if not steps.driver_step(out, name):
                return 1
    except NetmapBuildError as error:
        print(f"netmap dkms: error: {error.one_line()}", file=sys.stderr)
        return 1
    print(f"netmap dkms: built for {release}: netmap.ko {' '.join(drivers)}")
    return 0


def kernel_sources(series: str, drivers: list[str]) -> Path | None:
    """The vendored folders of the series, else linux-source-X.Y's tarball, else None."""
    vendored, tarball = HERE / "kernel-sources" / series, debian_tarball(series)
    for where in (vendored, tarball):
        if where.exists():
            print(f"netmap dkms: driver sources for {series}: {where}")
            return where
    if drivers:
        print(f"netmap dkms: no sources of Linux {series} in this tree and "
              f"{source_package(series)} is not installed: building netmap.ko without the "
              f"patched drivers ({' '.join(drivers)})")
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
