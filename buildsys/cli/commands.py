"""What each doit task does, importable and testable without doit."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from apps import APPS
from buildsys.build import ahead
from buildsys.build.steps import start_userspace
from buildsys.build.userspace import Unconfigured
from buildsys.cli import build_dirs, progress
from buildsys.cli.options import TOGGLED_SUBSYSTEMS, Options, from_params
from buildsys.cli.params import subsystem_words
from buildsys.configure import outputs
from buildsys.configure.context import BuildContext, load_context
from buildsys.configure.run import configure
from buildsys.core.errors import ToolError, UserError
from buildsys.debian.kernel_tree import prepare_tree
from buildsys.debian.kernel_tree import summary as tree_summary
from buildsys.deploy import deb, dkms, install, loading, signing, vendoring
from buildsys.drivers import porting
from buildsys.vm import report as vm_report
from buildsys.vm import runner
from buildsys.vm.runner import VmOptions
from buildsys.vm.verdict import Check
from drivers.catalog import DRIVERS


def console() -> Console:
    return Console(file=sys.__stdout__, highlight=False)


def configure_command(params: dict[str, Any], argv: list[str]) -> None:
    if params.get("show_drivers"):
        console().print("\n".join(
            d.name + (f"  (only when named: {d.off_by_default})" if d.off_by_default else "")
            for d in DRIVERS), soft_wrap=True, markup=False)
        return
    if params.get("show_apps"):
        console().print(" ".join(a.name for a in APPS))
        return
    unknown = sorted(set(subsystem_words(argv)) - set(TOGGLED_SUBSYSTEMS))
    if unknown:
        raise UserError(f"unknown subsystem {', '.join(unknown)}",
                        f"valid subsystems: {' '.join(TOGGLED_SUBSYSTEMS)}")
    try:  # its probes' progress: buildsys/cli/progress.py
        found = configure(from_params(params), with_sources=_userspace_ahead)
    except BaseException:
        ahead.cancel()
        raise
    progress.stop()  # the live bar goes before the summary table
    outputs.summary(found, console())


def _userspace_ahead(build_dir: Path, options: Options) -> None:
    """`doit configure build`: libnetmap, the apps and the utils beside the probes."""
    if ahead.allowed():
        start_userspace(Unconfigured(build_dir, options))


def port_command(context: BuildContext, driver: str, kernel_sources: str) -> None:
    if not driver:
        raise UserError("which driver?", "pass --driver=NAME (doit configure --show-drivers)")
    tree = porting.port_driver(context, driver, kernel_sources)
    out = console()
    out.print(f"pristine sources: {tree.pristine}\nwork tree:        {tree.work}")
    if tree.patch is None:
        out.print("no patch to start from: add the netmap hooks by hand")
        return
    out.print(f"applied {tree.patch} with no fuzz")
    for reject in tree.rejects:
        out.print(f"[yellow]reject[/]: {reject}")
    out.print(f"fold the rejects into the work tree, delete them, then: doit save-patch "
              f"--driver={driver} --since=X.Y [--until=X.Y]")


def save_patch_command(context: BuildContext, driver: str, since: str, until: str) -> None:
    if not driver or not since:
        raise UserError("which driver and range?", "pass --driver=NAME --since=X.Y [--until=X.Y]")
    target = porting.save_patch(context, driver, since, until or None)
    record = f'Patch("patches/{target.name}", since="{since}"'
    record += f', until="{until}")' if until else ")"
    console().print(f"saved {target}\nadd to drivers/{driver}/__init__.py patches: {record}")


def install_command(context: BuildContext, destdir: str, mod_path: str, prefix: str,
                    dry_run: bool, *, sign: tuple[bool, str, str] = (False, "", "")) -> None:
    key = signing.signing_key(*sign)  # --sign, --sign-key, --sign-cert: checked first
    where = install.targets(context, destdir, mod_path, prefix)
    items, changed = install.install(context, where, dry_run, key)
    out = console()
    if key:
        out.print(f"signing key ({key.origin}): {key.key}, certificate {key.cert}",
                  soft_wrap=True, markup=False)
    for name, signature in install.signatures(items, installed=not dry_run):
        out.print(f"{name}: {signature}", soft_wrap=True, markup=False)
    if dry_run:
        for item in items:
            out.print(f"{item.mode:04o} {item.destination}", soft_wrap=True)
        out.print(f"{changed} of {len(items)} files would be written (dry run)")
        return
    out.print(f"installed {len(items)} files ({changed} written, the rest unchanged); "
              f"manifest: {context.build_dir / install.MANIFEST}", soft_wrap=True)


def uninstall_command(context: BuildContext, dry_run: bool) -> None:
    files = install.uninstall(context, dry_run)
    verb = "would remove" if dry_run else "removed"
    out = console()
    for path in files if dry_run else []:
        out.print(path, soft_wrap=True)
    out.print(f"{verb} {len(files)} files")


def load_command(context: BuildContext, dry_run: bool) -> None:
    plan = loading.plan_load(context, loading.loaded_modules())
    if dry_run:
        for command in plan.commands:
            console().print(" ".join(command), soft_wrap=True, markup=False)
        return
    loading.load(context, plan)
    console().print(f"loaded {', '.join(plan.inserted)}; /dev/netmap is there")


def unload_command(context: BuildContext, dry_run: bool) -> None:
    commands = loading.plan_unload(context)
    if dry_run:
        for command in commands:
            console().print(" ".join(command), soft_wrap=True, markup=False)
        return
    loading.unload(context, commands)
    console().print("unloaded; the in-tree drivers are back")


def dkms_command(context: BuildContext, dist: str) -> None:
    tree, tarball = dkms.write_tree(context, Path(dist).resolve())
    version = dkms.package_version()
    console().print(f"DKMS tree: {tree}\ntarball:   {tarball}\n"
                    f"try: dkms add {tree} && dkms build netmap/{version}",
                    soft_wrap=True, markup=False)


def deb_command(context: BuildContext, dist: str, kernel_sources: str,
                maintainer: str) -> None:
    given = vendoring.given_sources(kernel_sources)
    found, missing = vendoring.default_sources()
    out = console()
    for series in missing:
        out.print(f"warning: neither /usr/src/linux-source-{series}.tar.xz nor a doit "
                  f"kernel-tree entry of {series}: the package will not carry Linux "
                  f"{series}'s driver sources (apt-get install linux-source-{series} where "
                  f"your release has it, else doit kernel-tree --series={series} "
                  "--suite=SUITE)", soft_wrap=True, markup=False)
    package, vendored = deb.build_deb(context, Path(dist).resolve(), given + found,
                                      maintainer or deb.maintainer())
    for item in vendored:
        out.print(f"vendored Linux {item.version} driver sources from {item.origin}",
                  soft_wrap=True, markup=False)
    out.print(f"package: {package} ({package.stat().st_size // 1024} KiB)", soft_wrap=True,
              markup=False)


def vmtest_options(params: dict[str, Any]) -> VmOptions:
    """doit vmtest's parameters (buildsys/cli/params.py) as the runner's options."""
    names = tuple(name for name in params["scenarios"].split(",") if name)
    return VmOptions(names, params["accel"], params["kernel_image"], params["modules_dir"],
                     params["timeout"], max(params["repeat"], 1))


def vmtest_command(context: BuildContext, options: VmOptions) -> None:
    out = console()
    scenarios = runner.selected(options.scenarios)
    target = runner.prepare(context, options, out.print)
    checks: list[Check] = []
    for run in range(1, options.repeat + 1):
        for scenario in scenarios:
            label = f" (boot {run} of {options.repeat})" if options.repeat > 1 else ""
            out.print(f"booting for {scenario.name}{label}: {scenario.note}")
            started = time.monotonic()
            done = runner.run_scenario(context, target, scenario, options.timeout, run)
            passed = sum(c.status == "pass" for c in done)
            out.print(f"  {passed} of {len(done)} checks passed "
                      f"({time.monotonic() - started:.0f} s)")
            checks += done
    report = vm_report.write(context.build_dir, {"kernel": target.release,
                                                 "image": str(target.image),
                                                 "accelerator": target.accel.name,
                                                 "accelerator_reason": target.accel.reason,
                                                 "repeat": options.repeat}, checks)
    vm_report.table(checks, out)
    failed = [c for c in checks if c.status == "fail"]
    if failed:
        raise ToolError(f"{len(failed)} of {len(checks)} VM checks failed",
                        f"console logs in {context.build_dir / 'vm'}, results in {report}")
    out.print(f"all VM checks passed; {report}", soft_wrap=True)


def kernel_tree_command(series: str, suite: str, flavour: str, refresh: bool) -> None:
    out = console()
    tree = prepare_tree(series, suite=suite, flavour=flavour, refresh=refresh,
                        say=lambda text: out.print(text, markup=False))
    out.print("\n".join(tree_summary(tree)), soft_wrap=True, markup=False)


def context_for(build_dir: str) -> BuildContext:
    """The configured build dir a task works on (build_dir=DIR, else the last configured)."""
    return load_context(build_dirs.chosen(build_dir))


def matrix_command(params: dict[str, Any]) -> None:
    from buildsys.matrix import build_matrix  # noqa: PLC0415 (doit loads this module for any task)
    from buildsys.matrix.run import MatrixOptions  # noqa: PLC0415

    out = console()
    netmap_src = params["netmap_src"] or os.environ.get("NETMAP_SRC", "")
    options = MatrixOptions(Path(params["out"]).resolve(), netmap_src, params["vmtest"],
                            params["scenarios"])
    matrix = build_matrix.make_matrix(options, params["series"],
                                      lambda text: out.print(text, markup=False))
    written = build_matrix.write(matrix, options.out)
    if params["publish"]:
        written += build_matrix.publish(matrix)
    out.print(Path(written[1]).read_text(), markup=False, soft_wrap=True)
    out.print("written: " + " ".join(map(str, written)), markup=False, soft_wrap=True)
