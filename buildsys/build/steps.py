"""The actions of `doit build`'s sub-tasks: build, check, record, count in the progress.

A step's ``total`` is how many parts its progress stage has (`build_progress`); without
it, as in a DKMS build, nothing is counted.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from buildsys.build import build_report
from buildsys.build.build_progress import APPS_STAGE, MODULES_STAGE, counted
from buildsys.build.driver_build import build_driver, prepare_tree
from buildsys.build.elfcheck import check_module
from buildsys.build.modules import build_netmap, netmap_dir
from buildsys.build.userspace import build_app, build_libnetmap, build_utils
from buildsys.cli.console import report
from buildsys.configure.context import BuildContext, load_context
from buildsys.core.errors import ToolError
from buildsys.drivers.selection import driver_named
from buildsys.kernel.kbuild import symvers_exports
from buildsys.kernel.tree import KernelTree


def netmap_step(build_dir: Path, total: int | None = None) -> None:
    context = load_context(build_dir)
    name = f"{context.options.mod_name}.ko"
    with counted(MODULES_STAGE, total, name):
        _netmap(context, name)


def _netmap(context: BuildContext, name: str) -> None:
    build_dir = context.build_dir
    kernel = context.kernel_tree  # the configured tree is still there, before anything is written
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
    log = str(build_dir / "logs" / f"{name}.log")
    try:
        with counted(APPS_STAGE, total, name):
            produced = build(context)
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
        part.failed = not _driver_built(context, name)
    options = context.options
    return not part.failed or not (options.fail_on_driver_errors or options.drivers_named)


def _driver_built(context: BuildContext, name: str) -> bool:
    """Whether the driver built and its modules pass their checks (failures reported)."""
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
        report(error)
        return False
    return _check_driver(context, kernel, name, modules, log)


def _check_driver(context: BuildContext, kernel: KernelTree, name: str, modules: list[Path],
                  log: str) -> bool:
    ok = True
    for module in modules:
        check = check_module(module, kernel, netmap_exports(context))
        status = "built" if check.ok else "failed"
        build_report.record(context.build_dir, "modules", f"{module.name} ({name})",
                            build_report.module_entry(module, check, status, log))
        if not check.ok:
            report(ToolError(f"{module.name} fails its ELF checks: {'; '.join(check.problems)}",
                             "it will not be installed"))
            ok = False
    return ok


def clean(build_dir: Path) -> None:
    """Remove what build made; configure's results stay."""
    for name in ("modules", "drivers", "build-libnetmap", "build-apps", "build-utils", "logs"):
        shutil.rmtree(build_dir / name, ignore_errors=True)
    build_report.forget(build_dir)
