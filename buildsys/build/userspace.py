"""libnetmap, the apps and the utils, with the netmap tree's own GNUmakefiles.

Each is built in its own directory of the build dir (upstream's layout:
``build-libnetmap``, ``build-apps/<app>``, ``build-utils``), from the sources
in ``<build-dir>/netmap``, with the configured ``--cc``/``--ld``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from apps import APPS, UTILS_PROGRAMS
from buildsys.cli.options import Options
from buildsys.core import jobserver, proc
from buildsys.build.made_with import forget_other_inputs
from buildsys.core.locking import make_dir
from buildsys.kernel import kbuild



class Tree(Protocol):
    """What the userspace makes read: a build dir's netmap tree and its options (a
    configured `BuildContext`, or `Unconfigured` while configure runs)."""

    @property
    def build_dir(self) -> Path: ...

    @property
    def netmap(self) -> Path: ...

    @property
    def options(self) -> Options: ...


@dataclass(frozen=True)
class Unconfigured:
    """A build dir whose netmap tree is in place, before configure has recorded it."""

    build_dir: Path
    options: Options

    @property
    def netmap(self) -> Path:
        return self.build_dir / "netmap"


def selected_apps(options: Options) -> list[str]:
    return [a.name for a in APPS if a.name in options.apps]


def libnetmap_dir(context: Tree) -> Path:
    return context.build_dir / "build-libnetmap"


def app_dir(context: Tree, app: str) -> Path:
    return context.build_dir / "build-apps" / app


def utils_dir(context: Tree) -> Path:
    return context.build_dir / "build-utils"


def library_path(context: Tree) -> Path:
    return libnetmap_dir(context) / "libnetmap.a"


def app_path(context: Tree, app: str) -> Path:
    return app_dir(context, app) / app


def utils_target(context: Tree) -> Path:
    """The utils' program that stands for them all (doit's target)."""
    return utils_dir(context) / "functional"


def _make(context: Tree, directory: Path, makefile: Path, name: str, *,
          extra: list[str] | None = None, env: dict[str, str] | None = None) -> None:
    options = context.options
    variables = [f"SRCDIR={context.netmap}", f"BUILDDIR={context.build_dir}",
                 f"CC={options.cc}", f"LD={options.ld}", *(extra or [])]
    log = proc.fresh_log(context.build_dir / "logs" / f"{name}.log")
    forget_other_inputs(directory, context.build_dir,
                        {"makefile": str(makefile), "variables": variables, "env": env})
    jobs = jobserver.make_jobs()
    with make_dir(directory):
        argv = ["make", "-C", str(directory), "-f", str(makefile), *jobs.argv, *variables]
        result = proc.run(argv, log, cwd=directory, env={**(env or {}), **jobs.env},
                          check=False, pass_fds=jobs.fds)
    if result.returncode != 0:
        raise kbuild.failure(name, result)  # make's errors read as kbuild's


def build_libnetmap(context: Tree) -> Path:
    directory = libnetmap_dir(context)
    _make(context, directory, context.netmap / "libnetmap/GNUmakefile", "libnetmap")
    return library_path(context)


def build_app(context: Tree, app: str) -> Path:
    directory = app_dir(context, app)
    _make(context, directory, context.netmap / "apps" / app / "GNUmakefile", app)
    return app_path(context, app)


def build_utils(context: Tree) -> list[Path]:
    directory = utils_dir(context)
    _make(context, directory, context.netmap / "utils/GNUmakefile", "utils",
          extra=[_subsystem_flags(context)])
    return [directory / name for name in UTILS_PROGRAMS]


def _subsystem_flags(context: Tree) -> str:
    flags = " ".join(f"-DCONFIG_NETMAP_{s.upper()}" for s in context.options.subsystems)
    return f"SUBSYS_FLAGS={flags}"


def build_static_app(context: Tree, app: str, directory: Path) -> Path:
    """``app`` linked statically (for a guest with no libc), against the built libnetmap.

    ``LDFLAGS`` must come from the environment: as a make variable it would
    replace the makefiles' ``-L`` for libnetmap.
    """
    _make(context, directory, context.netmap / "apps" / app / "GNUmakefile", f"{app}-static",
          extra=[app], env={"LDFLAGS": "-static"})
    return directory / app


def build_static_utils(context: Tree, programs: tuple[str, ...],
                       directory: Path) -> list[Path]:
    """Upstream's ``programs`` from ``utils/`` (its tests), linked statically like
    ``build_static_app``."""
    _make(context, directory, context.netmap / "utils/GNUmakefile", "utils-static",
          extra=[_subsystem_flags(context), *programs], env={"LDFLAGS": "-static"})
    return [directory / program for program in programs]
