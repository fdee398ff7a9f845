"""The dicts of `doit build`'s sub-tasks (plain data: dodo.py hands them to doit).

Dependencies are real: each task lists the sources it reads (``file_dep``),
the files it makes (``targets``) and the recorded options that shape it
(``uptodate``), so a second `doit build` with nothing changed runs no make.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from apps import APPS
from buildsys.build import ahead, steps
from buildsys.build.build_progress import APPS_STAGE, MODULES_STAGE, part_task
from buildsys.build.driver_build import module_paths
from buildsys.build.modules import COMPAT_HEADER, netmap_dir
from buildsys.build.userspace import (
    app_dir,
    app_path,
    library_path,
    selected_apps,
    utils_dir,
    utils_target,
)
from buildsys.configure.context import BuildContext
from buildsys.configure.record import driver_build_json, kernel_json
from buildsys.core.locking import finished
from buildsys.drivers.selection import driver_named

Task = dict[str, Any]
ConfigChanged = Callable[[object], object]
USER_HEADERS = ("sys/net/*.h", "libnetmap/*.h")


def _modules_config(context: BuildContext) -> dict[str, object]:
    options = context.options
    return {"kernel": kernel_json(context.configuration.kernel), "opts": options.kernel_opts,
            "subsystems": options.subsystems, "name": options.mod_name, "debug": options.debug,
            "suffix": options.driver_suffix, "warnings": list(context.configuration.warnings)}


def _userspace_config(context: BuildContext, *extra: str) -> dict[str, object]:
    """The options a userspace part depends on (the utils also on the subsystems)."""
    options = context.options
    return {"cc": options.cc, "ld": options.ld, **{name: getattr(options, name) for name in extra}}


def build_tasks(context: BuildContext, config_changed: ConfigChanged) -> Iterator[Task]:
    build_dir = context.build_dir
    kernel_sources = context.sources("sys/dev/netmap/*.[ch]", "sys/net/*.h", "LINUX/*.[ch]")
    module = netmap_dir(context) / f"{context.options.mod_name}.ko"
    total = 1 + len(context.configuration.driver_builds)  # the parts of its progress stage
    yield {"name": _part("netmap", MODULES_STAGE),
           "doc": f"build {module.name} through the kernel's kbuild",
           "actions": [partial(steps.netmap_step, build_dir, total, with_userspace=True)],
           "file_dep": [str(p) for p in [*kernel_sources, context.header, COMPAT_HEADER]],
           "targets": [str(module)],
           "uptodate": [config_changed(_modules_config(context)), _finished(netmap_dir(context))]}
    drivers = list(_driver_tasks(context, config_changed, total))
    names = [f"build:{task['name']}" for task in drivers]  # before doit renames them
    yield from drivers
    yield {"name": "modules", "doc": "build netmap.ko and the patched drivers", "actions": None,
           "task_dep": ["build:netmap", *names]}
    yield from _userspace_tasks(context, config_changed)


def _not_ahead(context: BuildContext, part: str) -> Callable[[], bool]:
    """Not up to date while the part, started ahead, waits for its task (`ahead`)."""
    return partial(ahead.not_started, context.build_dir, part)


def _finished(directory: Path) -> Callable[[], bool]:
    """Not up to date while a make cut off in ``directory`` left its mark, even when doit
    recorded the task done before (``doit clean build``, then a SIGKILL)."""
    return partial(finished, directory)


def _part(name: str, stage: str) -> str:
    """The name of a task that builds one part of a progress ``stage``."""
    part_task(f"build:{name}", stage)
    return name


def _driver_tasks(context: BuildContext, config_changed: ConfigChanged,
                  total: int) -> Iterator[Task]:
    for build in context.configuration.driver_builds:
        driver, name = driver_named(build.name), build.name
        deps = [str(build.patch.path), str(context.header),
                *(str(driver.home / glue) for glue in driver.glue),
                *(str(driver.home / patch) for patch in driver.glue_patches)]
        # what the build depends on: the patch, not the range it was chosen for
        plan = {key: value for key, value in driver_build_json(build).items()
                if key != "range_text"}
        yield {"name": _part(f"driver-{name}", MODULES_STAGE),
               "doc": f"patch and build the {name} driver",
               "actions": [partial(steps.driver_step, context.build_dir, name, total)],
               "file_dep": deps, "task_dep": ["build:netmap"],
               "targets": [str(p) for p in module_paths(context, driver)],
               "uptodate": [config_changed({**_modules_config(context), "plan": plan}),
                            _not_ahead(context, f"driver-{name}")]}


def _userspace_tasks(context: BuildContext, config_changed: ConfigChanged) -> Iterator[Task]:
    build_dir, options = context.build_dir, context.options
    headers = [str(p) for p in context.sources(*USER_HEADERS)]
    library = library_path(context)
    uptodate = [config_changed(_userspace_config(context))]
    selected = selected_apps(options)
    total = 1 + len(selected) + options.utils  # the parts of its progress stage
    yield {"name": _part("libnetmap", APPS_STAGE), "doc": "build libnetmap.a",
           "actions": [partial(steps.libnetmap_step, build_dir, total)],
           "file_dep": headers + [str(p) for p in context.sources("libnetmap/*.c")],
           "targets": [str(library)],
           "uptodate": [*uptodate, _finished(library.parent), _not_ahead(context, "libnetmap")]}
    for app in selected:
        sources = context.sources(f"apps/{app}/*", "apps/include/*.h")
        yield {"name": _part(app, APPS_STAGE), "doc": f"build the {app} app",
               "actions": [partial(steps.app_step, build_dir, app, total)],
               "file_dep": [*headers, *map(str, sources), str(library)],
               "targets": [str(app_path(context, app))],
               "uptodate": [*uptodate, _finished(app_dir(context, app)),
                            _not_ahead(context, app)]}
    app_tasks = [f"build:{app}" for app in selected]
    if options.utils:
        yield {"name": _part("utils", APPS_STAGE), "doc": "build the utils (test programs)",
               "actions": [partial(steps.utils_step, build_dir, total)],
               "file_dep": [*headers, *map(str, context.sources("utils/*")), str(library)],
               "targets": [str(utils_target(context))],
               "uptodate": [config_changed(_userspace_config(context, "subsystems")),
                            _finished(utils_dir(context)), _not_ahead(context, "utils")]}
        app_tasks.append("build:utils")
    yield {"name": "apps", "doc": "build libnetmap, the apps and the utils", "actions": None,
           "task_dep": ["build:libnetmap", *app_tasks]}


def expected_artifacts(context: BuildContext) -> dict[str, set[str]]:
    """The build.json entries this configuration makes."""
    options = context.options
    modules = {f"{options.mod_name}.ko"}
    for name in context.configuration.driver_names:
        modules |= {f"{module}.ko ({name})" for module in driver_named(name).modules}
    userspace = {"libnetmap", *(a.name for a in APPS if a.name in options.apps)}
    userspace |= {"utils"} if options.utils else set()
    return {"modules": modules, "userspace": userspace}


def missing_configuration(reason: Callable[[], None]) -> Iterator[Task]:
    yield {"name": "netmap", "doc": "(run doit configure first)", "actions": [reason],
           "uptodate": [False]}


def clean_action(build_dir: Path) -> Callable[[], None]:
    return partial(steps.clean, build_dir)
