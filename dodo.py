"""doit tasks for netmap-build: `doit configure`, then `doit build`, `doit install`.

Wiring only: each task builds its dict and calls into `buildsys` (its parameters are in
buildsys/cli/params.py, what it does in buildsys/cli/commands.py).
"""

from __future__ import annotations

import sys
from typing import Any

from doit import create_after, get_var
from doit.reporter import ConsoleReporter
from doit.tools import config_changed

from buildsys.build import ahead
from buildsys.build.build_progress import count_uptodate
from buildsys.cli import build_dirs, params, progress
from buildsys.cli.console import guarded

params.check_command_line(sys.argv)  # one line for an unknown option, before doit parses
if "build" in sys.argv[1:]:
    ahead.allow()  # the whole build: its parts may start ahead of their task


class _Reporter(ConsoleReporter):  # type: ignore[misc]  # doit is untyped
    """doit's lines, above the live progress bars on a terminal (buildsys/cli/progress.py);
    a part of `doit build` it finds up to date counts in its stage."""

    def write(self, text: str) -> None:
        progress.write(text, self.outstream)

    def skip_uptodate(self, task: Any) -> None:
        super().skip_uptodate(task)
        count_uptodate(task.name)

    def complete_run(self) -> None:
        progress.stop()  # before doit's report of failures
        super().complete_run()


# "continue": one failed part (a driver, an app) does not stop the others
DOIT_CONFIG = {"default_tasks": [], "verbosity": 2, "action_string_formatting": "new",
               "continue": True, "reporter": _Reporter,
               "dep_file": build_dirs.doit_state_file(get_var("build_dir", ""), sys.argv)}


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
    from buildsys.cli.commands import context_for  # noqa: PLC0415

    return context_for(get_var("build_dir", ""))


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
        progress.stop()  # the live bars go before the table
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
def _install(**params: Any) -> None:
    from buildsys.cli.commands import install_command  # noqa: PLC0415

    install_command(_build_context(), params["destdir"], params["install_mod_path"],
                    params["prefix"], params["dry_run"],
                    sign=(params["sign"], params["sign_key"], params["sign_cert"]))


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
def _deb(dist: str, kernel_sources: str, maintainer: str) -> None:
    from buildsys.cli.commands import deb_command  # noqa: PLC0415

    deb_command(_build_context(), dist, kernel_sources, maintainer)


def task_deb() -> dict[str, Any]:
    """Build dist/netmap-dkms_<version>_all.deb (DKMS, driver sources vendored) for Debian."""
    return {"actions": [_deb], "uptodate": [False], "verbosity": 2, "params": params.DEB}


@guarded
def _vmtest(**params: Any) -> None:
    from buildsys.cli.commands import vmtest_command, vmtest_options  # noqa: PLC0415

    vmtest_command(_build_context(), vmtest_options(params))


def task_vmtest() -> dict[str, Any]:
    """Boot the configured kernel in QEMU; load netmap and the drivers; run pkt-gen."""
    return {"actions": [_vmtest], "params": params.VMTEST, "uptodate": [False], "verbosity": 2,
            "task_dep": ["build"]}


@guarded
def _kernel_tree(series: str, suite: str, flavour: str, refresh: bool) -> None:
    from buildsys.cli.commands import kernel_tree_command  # noqa: PLC0415

    kernel_tree_command(series, suite, flavour, refresh)


def task_kernel_tree() -> dict[str, Any]:
    """A module-build tree, vmlinuz and modules of a newer Debian kernel (--series=7.3)."""
    return {"basename": "kernel-tree", "actions": [_kernel_tree], "params": params.KERNEL_TREE,
            "uptodate": [False], "verbosity": 2}


@guarded
def _matrix(**params: Any) -> None:
    from buildsys.cli.commands import matrix_command  # noqa: PLC0415

    matrix_command(params)


def task_matrix() -> dict[str, Any]:
    """Every kernel series Debian's archive offers, by every driver: built, VM-tested."""
    return {"actions": [_matrix], "params": params.MATRIX, "uptodate": [False],
            "verbosity": 2}
