"""netmap.ko through the target kernel's kbuild (the drivers: `driver_build`).

netmap.ko has its own kbuild dir, ``<build-dir>/modules/netmap/``, and each driver
its own tree, so that a driver's failure never touches netmap.ko and no two jobs
edit one tree.  Its flags (`netmap_cflags`) serve the drivers too.
"""

from __future__ import annotations

from pathlib import Path

from buildsys.build.made_with import forget_other_inputs
from buildsys.configure.context import BuildContext
from buildsys.core.locking import make_dir, write_if_changed
from buildsys.kernel import kbuild
from kernel_probes import ours

# objects of netmap.ko: always, then per subsystem (as upstream's Kbuild.in)
CORE_OBJECTS = ("netmap_mem2", "netmap_mbq", "netmap_legacy", "netmap_bdg", "netmap_kloop")
SUBSYSTEM_OBJECTS = {
    "vale": ("netmap_vale", "netmap_offloadings"),
    "pipe": ("netmap_pipe",),
    "monitor": ("netmap_monitor",),
    "generic": ("netmap_generic",),
    "null": ("netmap_null",),
}
# our compatibility layer for kernels newer than the pinned netmap (empty on the others)
COMPAT_HEADER = Path(ours.__file__).parent / ours.COMPAT_HEADER


def netmap_dir(context: BuildContext) -> Path:
    return context.build_dir / "modules" / "netmap"


def netmap_objects(subsystems: list[str]) -> dict[str, Path]:
    """Object name → source, relative to the netmap tree."""
    sys_dir = Path("sys/dev/netmap")
    objects = {name: sys_dir / f"{name}.c" for name in CORE_OBJECTS}
    for subsystem in subsystems:
        objects.update({n: sys_dir / f"{n}.c" for n in SUBSYSTEM_OBJECTS.get(subsystem, ())})
    # netmap.c becomes netmap_common.o, so that the module itself may be called netmap
    objects["netmap_common"] = sys_dir / "netmap.c"
    objects["netmap_linux"] = Path("LINUX/netmap_linux.c")
    if "ptnetmap" in subsystems:
        objects["netmap_ptnet"] = Path("LINUX/netmap_ptnet.c")
    return objects


def netmap_cflags(context: BuildContext) -> list[str]:
    netmap, options = context.netmap, context.options
    flags = [f"-I{context.build_dir}", f"-I{netmap / 'LINUX'}", f"-I{netmap / 'sys'}",
             f"-I{netmap / 'sys/dev'}", "-DCONFIG_NETMAP", "-include", str(COMPAT_HEADER)]
    flags += [f"-Wno-{name}" for name in context.configuration.warnings]
    flags += ["-g"] if options.debug else []
    flags += [f"-DCONFIG_NETMAP_{s.upper()}" for s in options.subsystems]
    if options.driver_suffix:
        flags.append(f"-DNETMAP_DRIVER_SUFFIX={options.driver_suffix}")
    return flags


def netmap_kbuild(context: BuildContext) -> str:
    """Our Kbuild for netmap.ko: each object compiled from its place in the netmap tree."""
    objects = netmap_objects(context.options.subsystems)
    module = context.options.mod_name
    lines = [f"obj-m := {module}.o", f"{module}-y := {' '.join(o + '.o' for o in objects)}",
             f"ccflags-y := {' '.join(netmap_cflags(context))}", ""]
    for name, source in objects.items():
        lines += [f"$(obj)/{name}.o: {context.netmap / source} FORCE",
                  "\t$(call if_changed_rule,cc_o_c)", ""]
    return "\n".join(lines)


def build_netmap(context: BuildContext) -> Path:
    """Build netmap.ko; returns its path or raises a short ToolError."""
    directory = netmap_dir(context)
    log = context.build_dir / "logs" / "netmap.ko.log"
    forget_other_inputs(directory, context.build_dir, None)  # kbuild compares flags itself
    with make_dir(directory):
        write_if_changed(directory / "Kbuild", netmap_kbuild(context))
        result = kbuild.make_modules(context.kernel_tree, directory,
                                     context.options.kernel_opts, log)
    module = directory / f"{context.options.mod_name}.ko"
    if result.returncode != 0 or not module.is_file():
        raise kbuild.failure(module.name, result)
    return module
