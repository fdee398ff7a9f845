"""Programs for the guest, linked statically (it has no libc).

The checks' own small netmap programs (``vmtests/tools/*.c``) use netmap's
header-only ``nm_open`` (``NETMAP_WITH_LIBS``): the configured tree's headers
and a C compiler, nothing else; rebuilt only when the source or the headers
changed.  Upstream's test programs (``utils/``: ctrl-api-test, functional,
fd_server) are made with the tree's own makefile, as pkt-gen is.
"""

from __future__ import annotations

from pathlib import Path

from buildsys.configure.context import BuildContext
from buildsys.core import proc
from buildsys.core.errors import ToolError
from buildsys.kernel import kbuild
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


def build_utils(context: BuildContext, programs: tuple[str, ...], directory: Path) -> list[Path]:
    """Upstream's ``programs`` from ``utils/``, static, against the built libnetmap.

    ``LDFLAGS`` comes from the environment: as a make variable it would replace
    the makefile's ``-L`` for libnetmap."""
    flags = " ".join(f"-DCONFIG_NETMAP_{s.upper()}" for s in context.options.subsystems)
    directory.mkdir(parents=True, exist_ok=True)
    argv = ["make", "-C", str(directory), "-f", str(context.netmap / "utils/GNUmakefile"),
            f"-j{kbuild.jobs()}", f"SRCDIR={context.netmap}", f"BUILDDIR={context.build_dir}",
            f"CC={context.options.cc}", f"SUBSYS_FLAGS={flags}", *programs]
    log = directory / "make.log"
    result = proc.run(argv, log, cwd=directory, env={"LDFLAGS": "-static"}, check=False)
    if result.returncode != 0:
        raise ToolError(f"upstream's {', '.join(programs)} failed to link statically",
                        f"full log: {log}")
    return [directory / program for program in programs]
