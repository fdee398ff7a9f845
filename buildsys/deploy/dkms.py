"""``doit dkms``: a DKMS source tree that builds with this orchestrator, offline.

The tree holds the engine, the probe/driver/app records, our patches and glue,
the netmap sources of the configured build dir, ``dkms.conf``, the entry
``dkms_build.py`` and, under ``kernel-sources/``, the pristine driver folders of
the kernel series it targets (``vendoring``).  ``dkms.conf`` lists netmap.ko and,
for each kernel, the modules of the selected drivers it can build: sources of its
series (in the tree, else an installed ``linux-source-X.Y``), its Kconfig symbol
built as a module, and no failure recorded for that kernel (``left_out``).
"""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

from packaging.version import Version

from buildsys import __version__
from buildsys.configure.context import BuildContext
from buildsys.configure.netmap_sources import PINNED_COMMIT
from buildsys.core import proc
from buildsys.core.errors import ToolError
from buildsys.core.locking import staged_dir
from buildsys.deploy import left_out, vendoring
from buildsys.drivers.kernel_sources import DEBIAN_TARBALL
from buildsys.drivers.patching import apply_patch, choose_patch
from buildsys.drivers.selection import driver_named, source_path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("buildsys", "kernel_probes", "drivers", "apps")
# the kernels netmap-build supports (README's table): 6.1 to 7.3
KERNEL_MIN, KERNEL_MAX = "6.1", "7.3.999"
# the same range as a regular expression, for dkms 3.0.10 (it has no _MIN/_MAX)
KERNEL_REGEX = r"^(6\.([1-9]|[1-9][0-9])|7\.[0-3])\."


def package_version() -> str:
    """The project's version and the pinned netmap commit: 0.1.0+netmap.89607e1406c1."""
    return f"{__version__}+netmap.{PINNED_COMMIT}"


def module_entries(context: BuildContext) -> tuple[list[str], list[tuple[str, str]]]:
    """Selected drivers, and (module, location) of every driver module, for dkms.conf."""
    drivers = context.configuration.driver_names
    return drivers, _modules_of(drivers)


def dkms_conf(context: BuildContext, by_series: dict[str, list[str]]) -> str:
    """DKMS 3.x: AUTOINSTALL, the supported kernels; of dkms's variables only $kernelver and
    $kernel_source_dir (the documented ones).

    ``by_series``: the drivers that build from the sources the tree carries, per series."""
    drivers, _modules = module_entries(context)
    lines = ['PACKAGE_NAME="netmap"', f'PACKAGE_VERSION="{package_version()}"',
             'AUTOINSTALL="yes"',
             f'BUILD_EXCLUSIVE_KERNEL_MIN="{KERNEL_MIN}"',
             f'BUILD_EXCLUSIVE_KERNEL_MAX="{KERNEL_MAX}"',
             "# dkms 3.0.10 (Debian 12) knows only the regular expression",
             f'BUILD_EXCLUSIVE_KERNEL="{KERNEL_REGEX}"',
             f'BUILT_MODULE_NAME[0]="{context.options.mod_name}"',
             'BUILT_MODULE_LOCATION[0]="out/modules/netmap/"',
             # dkms 3.0.10 requires it; later ones ignore it on Debian
             'DEST_MODULE_LOCATION[0]="/updates/dkms"',
             *_driver_lines(drivers, by_series),
             # the distribution's python3 and its python3-* packages, whatever PATH holds
             'MAKE[0]="/usr/bin/python3 ./dkms_build.py $kernelver $kernel_source_dir '
             '$_state ${_drivers:--}"']
    return "\n".join(lines) + "\n"


def _driver_lines(drivers: list[str], by_series: dict[str, list[str]]) -> list[str]:
    """Each driver's module entry, only for a kernel it can build for: the tree's sources
    of the kernel's series offer it (else an installed linux-source-X.Y offers all of them:
    dkms_build.py's rule), the kernel builds its Kconfig symbol as a module, and no earlier
    build for this kernel left it out (``left_out``).  dkms fails a build that misses a
    module it was told about, so the list is decided here, before the build."""
    tarball = DEBIAN_TARBALL.format(series="${_series}")
    state = f"${{{left_out.STATE_VARIABLE}:-{left_out.STATE_DIR}}}"
    lines = ["# the patched drivers this kernel gets (see _module)",
             f'_state="{state}/$PACKAGE_VERSION/$kernelver"',
             '_series="$(echo "$kernelver" | cut -d. -f1-2 | cut -d- -f1)"',
             'case "$_series" in']
    for series, names in sorted(by_series.items()):
        lines.append(f'{series}) _offered="{" ".join(names)}" ;;')
    lines += [f'*) _offered=""; [ ! -f "{tarball}" ] || _offered="{" ".join(drivers)}" ;;',
              "esac",
              "_drivers=",
              "_module() {  # DRIVER KCONFIG MODULE LOCATION",
              '    case " $_offered " in *" $1 "*) ;; *) return 0 ;; esac',
              '    [ ! -f "$kernel_source_dir/.config" ] || '
              'grep -q "^$2=m\\$" "$kernel_source_dir/.config" || return 0',
              f'    [ ! -f "$_state/{left_out.RECORD}" ] || '
              f'! grep -q "^$1 " "$_state/{left_out.RECORD}" || return 0',
              "    _index=${#BUILT_MODULE_NAME[@]}",
              '    BUILT_MODULE_NAME[$_index]="$3"',
              '    BUILT_MODULE_LOCATION[$_index]="$4"',
              '    DEST_MODULE_LOCATION[$_index]="/updates/dkms"',
              '    case ",$_drivers," in *",$1,"*) ;; *) _drivers="${_drivers:+$_drivers,}$1" ;; '
              "esac",
              "}"]
    for name in drivers:
        kconfig = driver_named(name).kconfig
        lines += [f"_module {name} {kconfig} {module} {where}"
                  for module, where in _modules_of([name])]
    return lines


def _modules_of(drivers: list[str]) -> list[tuple[str, str]]:
    modules = []
    for name in drivers:
        driver = driver_named(name)
        where = f"out/drivers/{name}/" + ("" if driver.source_file else f"{driver.tree_name}/")
        modules += [(module, where) for module in driver.modules]
    return modules


def drivers_by_series(context: BuildContext, tree: Path,
                      vendored: list[vendoring.Vendored]) -> dict[str, list[str]]:
    """Per vendored series, the selected drivers whose folder it has, a patch covers and
    whose patch applies to it (a dry run); ``drivers.txt`` beside the sources says which,
    and why the others are left out."""
    found: dict[str, list[str]] = {}
    for item in vendored:
        root = tree / vendoring.VENDORED / item.series
        reasons = {name: _why_not(context, root, Version(item.version), name)
                   for name in context.configuration.driver_names}
        found[item.series] = [name for name, reason in reasons.items() if not reason]
        (root / "drivers.txt").write_text("".join(
            f"{name}\n" if not reason else f"# {name} is left out: {reason}\n"
            for name, reason in reasons.items()))
    return found


def _why_not(context: BuildContext, root: Path, version: Version, name: str) -> str:
    """Why the sources in ``root`` cannot give the driver, or "" when they can."""
    driver = driver_named(name)
    if not (root / source_path(driver)).exists():
        return f"{source_path(driver)} is not in Linux {version}'s sources"
    patch = choose_patch(driver, version, context.netmap)
    if patch is None:
        return f"no patch for {version} (ours or upstream's)"
    where = driver.patch_dir((root / source_path(driver)).parent, patch.applies_in)
    log = proc.fresh_log(context.build_dir / "logs" / f"vendored-{version}-{name}.log")
    try:
        apply_patch(patch, where, log, f"{name} on {version}", dry_run=True)
    except ToolError as error:
        return error.message
    return ""


def write_tree(context: BuildContext, dist: Path,
               sources: list[Path] | None = None) -> tuple[Path, Path]:
    """dist/netmap-<version>/ and its tarball; ``sources`` are vendored (none: none)."""
    tree = dist / f"netmap-{package_version()}"
    with staged_dir(tree) as staging:
        fill_tree(context, staging, sources or [])
    tarball = dist / f"netmap-{package_version()}.tar.gz"
    partial = tarball.with_name(f".{tarball.name}.partial")
    try:
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(tree, arcname=tree.name)
        partial.replace(tarball)
    finally:
        partial.unlink(missing_ok=True)
    return tree, tarball


def fill_tree(context: BuildContext, tree: Path,
              sources: list[Path]) -> list[vendoring.Vendored]:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(REPO / package, tree / package, ignore=ignore)
    # without netmap's git files and Windows port (lintian: vcs files, Windows project files)
    shutil.copytree(context.netmap, tree / "netmap", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".git*", "WINDOWS"))
    shutil.copy(REPO / "buildsys" / "deploy" / "dkms_entry.py", tree / "dkms_build.py")
    drivers, _modules = module_entries(context)
    (tree / "drivers.txt").write_text("\n".join(drivers) + "\n")
    (tree / "NETMAP_COMMIT").write_text(
        f"{PINNED_COMMIT}\n# netmap sources taken from: {context.options.netmap_src or 'pinned'}\n")
    vendored = vendoring.vendor(tree, drivers, sources)
    (tree / "dkms.conf").write_text(dkms_conf(context, drivers_by_series(context, tree,
                                                                         vendored)))
    return vendored
