"""Programs for the guest, linked statically (it has no libc).

The checks' own small netmap programs (``vmtests/tools/*.c``) use netmap's
header-only ``nm_open`` (``NETMAP_WITH_LIBS``): the configured tree's headers
and a C compiler, nothing else; rebuilt only when the source or the headers
changed.  Upstream's test programs (``utils/``: ctrl-api-test, functional,
fd_server) are made by ``userspace.build_static_utils``, as pkt-gen is.
"""

from __future__ import annotations

from pathlib import Path

from buildsys.core import proc
from vmtests import TOOLS

CFLAGS = ("-O2", "-Wall", "-Werror", "-static")


def build(netmap: Path, name: str, directory: Path) -> Path:
    """``vmtests/tools/<name>.c`` as ``directory/<name>``, against ``netmap``'s headers."""
    source = TOOLS / f"{name}.c"
    target = directory / name
    header = netmap / "sys" / "net" / "netmap_user.h"
    inputs = (source, header)
    if target.is_file() and all(p.stat().st_mtime_ns <= target.stat().st_mtime_ns for p in inputs):
        return target
    directory.mkdir(parents=True, exist_ok=True)
    staging = directory / f"{name}.part"
    proc.run(["cc", *CFLAGS, f"-I{netmap / 'sys'}", "-o", str(staging), str(source)],
             directory / f"{name}.log")
    staging.replace(target)
    return target

