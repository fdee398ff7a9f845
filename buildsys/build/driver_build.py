"""Patched NIC drivers: copy from the kernel sources, patch, build through kbuild.

Each driver gets its own tree, ``<build-dir>/drivers/<name>/``, laid out as
upstream's patches expect (the driver's folder, or its one file, at the root),
so that a driver's failure or a re-patch never touches netmap.ko or another
driver.  Our glue headers come first on the include path, then netmap's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from buildsys.build.modules import netmap_cflags, netmap_dir
from buildsys.configure.context import BuildContext
from buildsys.configure.record import DriverBuild
from buildsys.core import proc
from buildsys.core.errors import ToolError
from buildsys.core.locking import staged_dir, write_if_changed
from buildsys.drivers.patching import ChosenPatch, apply_patch, copy_tree
from buildsys.kernel import kbuild
from drivers.record import Driver

GLUE_DIR = "netmap-glue"  # in the driver's tree: our fixed copies of netmap's glue headers


def driver_root(context: BuildContext, driver: Driver) -> Path:
    return context.build_dir / "drivers" / driver.name


def module_dir(context: BuildContext, driver: Driver) -> Path:
    root = driver_root(context, driver)
    return root if driver.source_file else root / driver.tree_name


def module_paths(context: BuildContext, driver: Driver) -> list[Path]:
    return [module_dir(context, driver) / f"{name}.ko" for name in driver.modules]


def prepare_tree(context: BuildContext, driver: Driver, build: DriverBuild) -> None:
    """Copy and patch into a staging tree, then swap it in: never half-patched."""
    logs = context.build_dir / "logs"
    with staged_dir(driver_root(context, driver)) as staging:
        copy_tree(build.pristine, staging / driver.tree_name)
        where = driver.patch_dir(staging, build.patch.applies_in)
        apply_patch(build.patch, where, proc.fresh_log(logs / f"patch-{driver.name}.log"),
                    f"{driver.name} on {context.configuration.kernel.version}")
        _patch_glue(context, driver, staging / GLUE_DIR)


def _patch_glue(context: BuildContext, driver: Driver, directory: Path) -> None:
    """Copies of netmap's glue headers with our fixes (the netmap tree stays pristine)."""
    if not driver.glue_patches:
        return
    log = proc.fresh_log(context.build_dir / "logs" / f"patch-{driver.name}-glue.log")
    for name in driver.glue_patches:
        patch = driver.home / name
        header = glue_target(patch)
        directory.mkdir(parents=True, exist_ok=True)
        shutil.copy2(context.netmap / "LINUX" / header, directory / header)
        chosen = ChosenPatch(patch, "ours", "module", "netmap glue")
        apply_patch(chosen, directory, log, f"{driver.name}: netmap's {header}")


def glue_target(patch: Path) -> str:
    """The glue header a patch changes (its ``+++ b/<header>`` line)."""
    for line in patch.read_text().splitlines():
        if line.startswith("+++ "):
            return Path(line[4:].split("\t")[0].strip()).name
    raise ToolError(f"{patch} names no file", "a glue patch is a unified diff of one header")


def driver_kbuild(context: BuildContext, driver: Driver) -> str:
    """Only the driver's own modules (the realtek folder also builds 8139cp, ...)."""
    directory = module_dir(context, driver)
    wanted = " ".join(f"{name}.o" for name in driver.modules)
    if driver.source_file:
        lines = [f"obj-m := {wanted}"]
    else:
        kernel_makefile = "Kbuild.kernel" if (directory / "Kbuild.kernel").exists() else "Makefile"
        lines = [f"include {directory / kernel_makefile}",
                 f"obj-m := $(filter {wanted},$(obj-m))"]
    glue = [f"-I{driver_root(context, driver) / GLUE_DIR}"] if driver.glue_patches else []
    flags = [*glue, f"-I{driver.home}", *netmap_cflags(context),
             f"-I{tree_include_dir(context, driver)}"]
    lines.append(f"ccflags-y += {' '.join(flags)}")
    return "\n".join(lines) + "\n"


def tree_include_dir(context: BuildContext, driver: Driver) -> Path:
    """An include dir from which the driver's folder is where it is in a kernel tree.

    Tracepoint headers name themselves relative to the kernel tree (ice_trace.h:
    ``TRACE_INCLUDE_FILE ../../drivers/net/ethernet/intel/ice/ice_trace``, resolved from
    include/trace/), which an out-of-tree build does not have: this mirrors
    ``include/trace`` and links ``drivers/...`` back to our copy.
    """
    mirror = driver_root(context, driver).with_name(f"{driver.name}.tree")
    link = mirror / driver.folder
    if not link.is_symlink():
        shutil.rmtree(mirror, ignore_errors=True)
        (mirror / "include/trace").mkdir(parents=True)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(driver_root(context, driver) / driver.tree_name
                        if not driver.source_file else driver_root(context, driver))
    return mirror / "include/trace"


def build_driver(context: BuildContext, driver: Driver) -> list[Path]:
    directory = module_dir(context, driver)
    if (directory / "Kbuild").exists() and not (directory / "Kbuild.kernel").exists():
        (directory / "Kbuild").rename(directory / "Kbuild.kernel")
    write_if_changed(directory / "Kbuild", driver_kbuild(context, driver))
    log = context.build_dir / "logs" / f"{driver.name}.log"
    symbols = netmap_dir(context) / "Module.symvers"  # netmap.ko's, which the driver calls
    result = kbuild.make_modules(context.kernel_tree, directory, context.options.kernel_opts,
                                 log, flags=(f"KBUILD_EXTRA_SYMBOLS={symbols}",))
    modules = module_paths(context, driver)
    if result.returncode != 0 or not all(path.is_file() for path in modules):
        raise kbuild.failure(f"driver {driver.name}", result)
    return modules
