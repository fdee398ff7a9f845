"""doit tasks for netmap-build: `doit configure`, then `doit build`, `doit install`.

Thin on purpose: each task builds its dict and calls into `buildsys`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from doit import create_after, get_var
from doit.tools import config_changed

from buildsys.cli import params
from buildsys.cli.console import guarded


def _dep_file() -> str:
    """doit's state lives in the build dir: two kernels' builds never share task state."""
    chosen = get_var("build_dir", "")
    last = Path("build") / "LAST"
    if not chosen and last.is_file():
        chosen = last.read_text().strip()
    return str(Path(chosen) / ".doit.db") if chosen and Path(chosen).is_dir() else ".doit.db"


params.check_command_line(sys.argv)  # one line for an unknown option, before doit parses

# "continue": one failed part (a driver, an app) does not stop the others
DOIT_CONFIG = {"default_tasks": [], "verbosity": 2, "action_string_formatting": "new",
               "continue": True, "dep_file": _dep_file()}


@guarded
def _configure(**params: Any) -> None:
    from buildsys.cli.commands import configure_command  # noqa: PLC0415 (keeps `doit list` fast)

    configure_command(params, sys.argv)


def task_configure() -> dict[str, Any]:
    """Probe the target kernel and write netmap_linux_config.h (options: doit help configure)."""
    return {
        "actions": [_configure],
        "params": params.configure_params(sys.argv),
        "uptodate": [False],
        "verbosity": 2,
    }


def _build_context() -> Any:
    from buildsys.configure.context import load_context  # noqa: PLC0415
    from buildsys.configure.run import last_build_dir  # noqa: PLC0415

    chosen = get_var("build_dir", "")
    return load_context(Path(chosen).resolve() if chosen else last_build_dir())


def task_build() -> Any:
    """Build netmap.ko, libnetmap, the apps and utils (doit build build_dir=DIR to choose)."""
    from buildsys.build import build_report, tasks  # noqa: PLC0415
    from buildsys.core.errors import UserError  # noqa: PLC0415

    try:
        context = _build_context()
    except UserError as error:
        failure = error

        def not_configured() -> None:
            raise failure

        yield from tasks.missing_configuration(guarded(not_configured))
        return
    for task in tasks.build_tasks(context, config_changed):
        task["actions"] = [guarded(a) for a in task["actions"] or []] or None
        task.setdefault("clean", True)  # its targets; the summary task clears the rest
        yield task

    def summary() -> None:
        build_report.prune(context.build_dir, tasks.expected_artifacts(context))
        build_report.summary(context.build_dir, commands_console())

    yield {"name": "summary", "doc": "print what was built", "actions": [summary],
           "task_dep": ["build:modules", "build:apps"], "uptodate": [False], "verbosity": 2,
           "clean": [tasks.clean_action(context.build_dir)]}


if "configure" in sys.argv[1:]:
    # `doit configure ... build`: create the build tasks once configure has run, from
    # the build dir it has just written (a plain `doit build` must not reconfigure)
    task_build = create_after(executed="configure")(task_build)


def commands_console() -> Any:
    from buildsys.cli.commands import console  # noqa: PLC0415

    return console()


@guarded
def _port(driver: str, kernel_sources: str, since: str, until: str) -> None:
    from buildsys.cli.commands import port_command  # noqa: PLC0415

    port_command(_build_context(), driver, kernel_sources)


@guarded
def _save(driver: str, kernel_sources: str, since: str, until: str) -> None:
    from buildsys.cli.commands import save_patch_command  # noqa: PLC0415

    save_patch_command(_build_context(), driver, since, until)


def task_port_driver() -> dict[str, Any]:
    """Porting aid: a work tree with the nearest patch applied and its rejects shown."""
    return {"basename": "port-driver", "actions": [_port], "params": params.PORT,
            "uptodate": [False], "verbosity": 2}


def task_save_patch() -> dict[str, Any]:
    """Porting aid: save the edited work tree as a new patch with its version range."""
    return {"basename": "save-patch", "actions": [_save], "params": params.PORT,
            "uptodate": [False], "verbosity": 2}


@guarded
def _install(destdir: str, install_mod_path: str, prefix: str, dry_run: bool) -> None:
    from buildsys.cli.commands import install_command  # noqa: PLC0415

    install_command(_build_context(), destdir, install_mod_path, prefix, dry_run)


@guarded
def _uninstall(dry_run: bool) -> None:
    from buildsys.cli.commands import uninstall_command  # noqa: PLC0415

    uninstall_command(_build_context(), dry_run)


def task_install() -> dict[str, Any]:
    """Install the built modules (updates/, then depmod), apps, libnetmap, headers, man pages."""
    return {"actions": [_install], "params": params.INSTALL, "uptodate": [False],
            "verbosity": 2}


def task_uninstall() -> dict[str, Any]:
    """Remove exactly what doit install wrote (its manifest), then rerun depmod."""
    return {"actions": [_uninstall], "params": [params.INSTALL[-1]], "uptodate": [False],
            "verbosity": 2}


@guarded
def _load(dry_run: bool) -> None:
    from buildsys.cli.commands import load_command  # noqa: PLC0415

    load_command(_build_context(), dry_run)


@guarded
def _unload(dry_run: bool) -> None:
    from buildsys.cli.commands import unload_command  # noqa: PLC0415

    unload_command(_build_context(), dry_run)


def task_load() -> dict[str, Any]:
    """Replace the in-tree drivers with the netmap ones: rmmod, netmap.ko, drivers (root)."""
    return {"actions": [_load], "params": params.DRY_RUN, "uptodate": [False], "verbosity": 2}


def task_unload() -> dict[str, Any]:
    """Unload what doit load inserted and restore the in-tree drivers (root)."""
    return {"actions": [_unload], "params": params.DRY_RUN, "uptodate": [False], "verbosity": 2}


@guarded
def _dkms(dist: str) -> None:
    from buildsys.cli.commands import dkms_command  # noqa: PLC0415

    dkms_command(_build_context(), dist)


def task_dkms() -> dict[str, Any]:
    """Write a DKMS source tree (dist/netmap-<version>/ and a tarball) for packagers."""
    return {"actions": [_dkms], "uptodate": [False], "verbosity": 2,
            "params": params.DKMS}


@guarded
def _vmtest(**params: Any) -> None:
    from buildsys.cli.commands import vmtest_command  # noqa: PLC0415
    from buildsys.vm.runner import VmOptions  # noqa: PLC0415

    names = tuple(name for name in params["scenarios"].split(",") if name)
    vmtest_command(_build_context(), VmOptions(
        names, params["accel"], params["kernel_image"], params["modules_dir"],
        params["timeout"], max(params["repeat"], 1)))


def task_vmtest() -> dict[str, Any]:
    """Boot the configured kernel in QEMU; load netmap and the drivers; run pkt-gen."""
    return {"actions": [_vmtest], "params": params.VMTEST, "uptodate": [False], "verbosity": 2,
            "task_dep": ["build"]}


@guarded
def _kernel_tree(series: str, suite: str, flavour: str, refresh: bool) -> None:
    from buildsys.debian.kernel_tree import prepare_tree, summary  # noqa: PLC0415

    out = commands_console()
    tree = prepare_tree(series, suite=suite, flavour=flavour, refresh=refresh,
                        say=lambda text: out.print(text, markup=False))
    out.print("\n".join(summary(tree)), soft_wrap=True, markup=False)


def task_kernel_tree() -> dict[str, Any]:
    """A module-build tree, vmlinuz and modules of a newer Debian kernel (--series=7.3)."""
    return {"basename": "kernel-tree", "actions": [_kernel_tree], "params": params.KERNEL_TREE,
            "uptodate": [False], "verbosity": 2}
