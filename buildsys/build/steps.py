"""The actions of `doit build`'s sub-tasks: build, check, record, count in the progress.

A step's ``total`` is how many parts its progress stage has (`build_progress`); without
it, as in a DKMS build, nothing is counted.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path

from buildsys.build import ahead, build_report
from buildsys.build.build_progress import APPS_STAGE, MODULES_STAGE, counted
from buildsys.build.driver_build import build_driver, module_paths, prepare_tree
from buildsys.build.elfcheck import check_module
from buildsys.build.modules import build_netmap, netmap_dir
from buildsys.build.userspace import (
    Tree,
    app_path,
    build_app,
    build_libnetmap,
    build_utils,
    library_path,
    selected_apps,
    utils_target,
)
from buildsys.cli.console import report
from buildsys.configure.context import BuildContext, load_context
from buildsys.core.errors import ToolError
from buildsys.drivers.selection import driver_named
from buildsys.kernel.kbuild import symvers_exports
from buildsys.kernel.tree import KernelTree


def netmap_step(build_dir: Path, total: int | None = None, *,
                with_userspace: bool = False) -> None:
    """netmap.ko; when allowed (`ahead`), the drivers start once it is checked and, with
    ``with_userspace`` (doit's build, not a DKMS one), libnetmap and the apps with its
    kbuild."""
    context = load_context(build_dir)
    name = f"{context.options.mod_name}.ko"
    with counted(MODULES_STAGE, total, name):
        _netmap(context, name, with_userspace)
    start_drivers(context)


def start_userspace(tree: Tree) -> None:
    """libnetmap, the apps and the utils whose programs are missing, started ahead: each
    built and recorded there, so that a run cut off before its task leaves it recorded."""
    library = library_path(tree)
    parts: dict[str, Callable[[], object]] = {}
    if not library.is_file():
        parts["libnetmap"] = partial(build_libnetmap, tree)
    for app in selected_apps(tree.options):
        if not app_path(tree, app).is_file():
            parts[app] = partial(_with_library, library, partial(build_app, tree, app))
    if tree.options.utils and not utils_target(tree).is_file():
        parts["utils"] = partial(_with_library, library, lambda: len(build_utils(tree)))
    for part, work in parts.items():
        ahead.start(tree.build_dir, part, partial(_userspace_made, tree.build_dir, part, work),
                    lane="userspace")


def _with_library(library: Path, build: Callable[[], object]) -> object:
    """An app's make, once libnetmap is there (when it failed, doit runs no app)."""
    if not library.is_file():
        raise ToolError(f"{library.name} was not built", "see the libnetmap part")
    return build()


def start_drivers(context: BuildContext) -> None:
    """The drivers whose modules are missing, two at a time, once netmap.ko is there."""
    for build in context.configuration.driver_builds:
        driver = driver_named(build.name)
        if not all(path.is_file() for path in module_paths(context, driver)):
            ahead.start(context.build_dir, f"driver-{build.name}",
                        partial(_driver_made, context, build.name), lane="drivers", workers=2)


def _netmap(context: BuildContext, name: str, with_userspace: bool) -> None:
    build_dir = context.build_dir
    kernel = context.kernel_tree  # the configured tree is still there, before anything is written
    if with_userspace:
        start_userspace(context)
    log = str(build_dir / "logs" / f"{name}.log")
    try:
        module = build_netmap(context)
    except ToolError:
        build_report.record(build_dir, "modules", name,
                            build_report.module_entry(Path(name), None, "failed", log))
        raise
    check = check_module(module, kernel, set())
    status = "built" if check.ok else "failed"
    build_report.record(build_dir, "modules", name,
                        build_report.module_entry(module, check, status, log))
    if not check.ok:
        raise ToolError(f"{name} fails its ELF checks: {'; '.join(check.problems)}",
                        "it will not be installed")


def netmap_exports(context: BuildContext) -> set[str]:
    """Symbols netmap.ko exports, for checking the drivers that use them."""
    return symvers_exports(netmap_dir(context) / "Module.symvers")


def _userspace(build_dir: Path, name: str, build: Callable[[BuildContext], object],
               total: int | None) -> None:
    context = load_context(build_dir)
    with counted(APPS_STAGE, total, name):
        ahead.result(build_dir, name,
                     partial(_userspace_made, build_dir, name, partial(build, context)))


def _userspace_made(build_dir: Path, name: str, build: Callable[[], object]) -> None:
    """Build one userspace part and record it."""
    log = str(build_dir / "logs" / f"{name}.log")
    try:
        produced = build()
    except ToolError:
        build_report.record(build_dir, "userspace", name, {"status": "failed", "details": log})
        raise
    build_report.record(build_dir, "userspace", name,
                        {"status": "built", "details": str(produced), "log": log})


def libnetmap_step(build_dir: Path, total: int | None = None) -> None:
    _userspace(build_dir, "libnetmap", build_libnetmap, total)


def app_step(build_dir: Path, app: str, total: int | None = None) -> None:
    _userspace(build_dir, app, lambda context: build_app(context, app), total)


def utils_step(build_dir: Path, total: int | None = None) -> None:
    _userspace(build_dir, "utils", lambda context: len(build_utils(context)), total)


def driver_step(build_dir: Path, name: str, total: int | None = None) -> bool:
    """Build one driver; its failure is reported but fatal only when asked for."""
    context = load_context(build_dir)
    with counted(MODULES_STAGE, total, name) as part:
        problems = ahead.result(build_dir, f"driver-{name}",
                                partial(_driver_made, context, name))
        for problem in problems:
            report(problem)
        part.failed = bool(problems)
    options = context.options
    return not part.failed or not (options.fail_on_driver_errors or options.drivers_named)


def _driver_made(context: BuildContext, name: str) -> list[ToolError]:
    """Patch, build, check and record one driver: its problems (none: it is built)."""
    build_dir = context.build_dir
    kernel = context.kernel_tree  # the configured tree is still there, before anything is written
    driver, build = driver_named(name), context.configuration.driver_build(name)
    log = str(build_dir / "logs" / f"{name}.log")
    try:
        prepare_tree(context, driver, build)
        modules = build_driver(context, driver)
    except ToolError as error:
        for module in driver.modules:
            build_report.record(build_dir, "modules", f"{module}.ko ({name})",
                                build_report.module_entry(Path(module), None, "failed", log))
        return [error]
    return _check_driver(context, kernel, name, modules, log)


def _check_driver(context: BuildContext, kernel: KernelTree, name: str, modules: list[Path],
                  log: str) -> list[ToolError]:
    problems = []
    for module in modules:
        check = check_module(module, kernel, netmap_exports(context))
        status = "built" if check.ok else "failed"
        build_report.record(context.build_dir, "modules", f"{module.name} ({name})",
                            build_report.module_entry(module, check, status, log))
        if not check.ok:
            problems.append(ToolError(f"{module.name} fails its ELF checks: "
                                      f"{'; '.join(check.problems)}", "it will not be installed"))
    return problems


def clean(build_dir: Path) -> None:
    """Remove what build made; configure's results stay."""
    for name in ("modules", "drivers", "build-libnetmap", "build-apps", "build-utils", "logs"):
        shutil.rmtree(build_dir / name, ignore_errors=True)
    build_report.forget(build_dir)
