"""libnetmap, the apps and the utils, with the netmap tree's own GNUmakefiles.

Each is built in its own directory of the build dir (upstream's layout:
``build-libnetmap``, ``build-apps/<app>``, ``build-utils``), from the sources
in ``<build-dir>/netmap``, with the configured ``--cc``/``--ld``.
"""

from __future__ import annotations

from pathlib import Path

from apps import UTILS_PROGRAMS
from buildsys.configure.context import BuildContext
from buildsys.core import proc
from buildsys.core.locking import make_dir
from buildsys.kernel import kbuild


def libnetmap_dir(context: BuildContext) -> Path:
    return context.build_dir / "build-libnetmap"


def app_dir(context: BuildContext, app: str) -> Path:
    return context.build_dir / "build-apps" / app


def utils_dir(context: BuildContext) -> Path:
    return context.build_dir / "build-utils"


def _make(context: BuildContext, directory: Path, makefile: Path, name: str, *,
          extra: list[str] | None = None, env: dict[str, str] | None = None) -> None:
    options = context.options
    argv = ["make", "-C", str(directory), "-f", str(makefile), f"-j{kbuild.jobs()}",
            f"SRCDIR={context.netmap}", f"BUILDDIR={context.build_dir}",
            f"CC={options.cc}", f"LD={options.ld}", *(extra or [])]
    log = proc.fresh_log(context.build_dir / "logs" / f"{name}.log")
    with make_dir(directory):
        result = proc.run(argv, log, cwd=directory, env=env, check=False)
    if result.returncode != 0:
        raise kbuild.failure(name, result)  # make's errors read as kbuild's


def build_libnetmap(context: BuildContext) -> Path:
    directory = libnetmap_dir(context)
    _make(context, directory, context.netmap / "libnetmap/GNUmakefile", "libnetmap")
    return directory / "libnetmap.a"


def build_app(context: BuildContext, app: str) -> Path:
    directory = app_dir(context, app)
    _make(context, directory, context.netmap / "apps" / app / "GNUmakefile", app)
    return directory / app


def build_utils(context: BuildContext) -> list[Path]:
    directory = utils_dir(context)
    _make(context, directory, context.netmap / "utils/GNUmakefile", "utils",
          extra=[_subsystem_flags(context)])
    return [directory / name for name in UTILS_PROGRAMS]


def _subsystem_flags(context: BuildContext) -> str:
    flags = " ".join(f"-DCONFIG_NETMAP_{s.upper()}" for s in context.options.subsystems)
    return f"SUBSYS_FLAGS={flags}"


def build_static_app(context: BuildContext, app: str, directory: Path) -> Path:
    """``app`` linked statically (for a guest with no libc), against the built libnetmap.

    ``LDFLAGS`` must come from the environment: as a make variable it would
    replace the makefiles' ``-L`` for libnetmap.
    """
    _make(context, directory, context.netmap / "apps" / app / "GNUmakefile", f"{app}-static",
          extra=[app], env={"LDFLAGS": "-static"})
    return directory / app


def build_static_utils(context: BuildContext, programs: tuple[str, ...],
                       directory: Path) -> list[Path]:
    """Upstream's ``programs`` from ``utils/`` (its tests), linked statically like
    ``build_static_app``."""
    _make(context, directory, context.netmap / "utils/GNUmakefile", "utils-static",
          extra=[_subsystem_flags(context), *programs], env={"LDFLAGS": "-static"})
    return [directory / program for program in programs]
