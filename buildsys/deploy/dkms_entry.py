"""What a DKMS build runs (copied into the DKMS tree as ``dkms_build.py``).

    /usr/bin/python3 dkms_build.py KERNEL_RELEASE KERNEL_DIR

Offline and without doit: configure for the kernel (probe answers cached in
``out/``), then netmap.ko and the patched drivers listed in ``drivers.txt``,
each only when the kernel's own ``linux-source-X.Y`` is installed (the rule
``dkms.conf`` applies too); otherwise the driver is left out with a message.
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
    series = release_series(release)
    if drivers and not debian_tarball(series).is_file():
        print(f"netmap dkms: {source_package(series)} is not installed: building netmap.ko "
              f"without the patched drivers ({' '.join(drivers)})")
        drivers = []
    # named: a listed driver that cannot be built fails the build (dkms.conf lists it)
    options = Options(kernel_dir=kernel_dir, netmap_src=str(HERE / "netmap"),
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
