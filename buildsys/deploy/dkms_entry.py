"""What a DKMS build runs (copied into the DKMS tree as ``dkms_build.py``).

    /usr/bin/python3 dkms_build.py KERNEL_RELEASE KERNEL_DIR KERNEL_STATE DRIVERS

Offline and without doit: configure for the kernel (probe answers cached in KERNEL_STATE),
then netmap.ko and the patched DRIVERS (comma separated, ``-`` for none): those dkms.conf
listed for this kernel, from the pristine sources this tree carries for the kernel's series
(``kernel-sources/X.Y``), else from an installed ``linux-source-X.Y``.

A listed driver that fails is recorded in KERNEL_STATE (``left_out``) and the build fails
once, since dkms would fail it anyway for the missing module; dkms.conf leaves the driver
out from then on, so the next build makes netmap.ko and the others.  make.log says which
drivers are left out and why, every time.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from buildsys.build import ahead, build_report, steps  # noqa: E402
from buildsys.cli.options import Options  # noqa: E402
from buildsys.configure.record import ConfigureRecord  # noqa: E402
from buildsys.configure.run import configure  # noqa: E402
from buildsys.core.errors import NetmapBuildError  # noqa: E402
from buildsys.deploy import left_out  # noqa: E402
from buildsys.drivers.kernel_sources import (  # noqa: E402
    debian_tarball,
    release_series,
    source_package,
)
from buildsys.drivers.selection import driver_named  # noqa: E402
from buildsys.kernel.kbuild import first_errors  # noqa: E402
from buildsys.kernel.tree import load_kernel  # noqa: E402

SAY = "netmap dkms:"
# kernel-sources/X.Y/drivers.txt: a driver doit deb found the sources cannot give
NOT_OFFERED = re.compile(r"^# (\S+) is left out: (.*)$", re.MULTILINE)


def main(release: str, kernel_dir: str, kernel_state: Path, drivers: list[str]) -> int:
    out = HERE / "out"
    # nothing goes to root's home: the probe answers are kept with this kernel's record (the
    # build that follows a driver's failure asks no probe again), the rest is in the build area
    os.environ.setdefault("NETMAP_BUILD_CACHE", str(kernel_state / "probe-cache"))
    os.environ.setdefault("NETMAP_BUILD_SOURCES_CACHE", str(out / "kernel-sources"))
    print(f"{SAY} Python {sys.version.split()[0]} ({sys.executable})")
    for name, reason in left_out.read(kernel_state).items():
        print(f"{SAY} {name} is left out for {release}: {reason}; to try it again, delete "
              f"its line in {kernel_state / left_out.RECORD}")
    sources = kernel_sources(release_series(release), drivers)
    # not named: a driver that cannot be prepared is reported below, not a configure error
    options = Options(kernel_dir=kernel_dir, netmap_src=str(HERE / "netmap"),
                      kernel_sources=str(sources or ""), build_dir=str(out), drivers=drivers,
                      drivers_named=False, fail_on_driver_errors=True, apps=[], utils=False)
    ahead.allow()  # the whole build: the drivers two at a time once netmap.ko is there
    try:
        for name, reason in not_listed(Path(kernel_dir), sources, drivers, kernel_state).items():
            print(f"{SAY} {name} is not built for {release}: {reason}")
        found = configure(options)
        steps.netmap_step(out)
        failed = unprepared(found, drivers)
        for name in found.driver_names:
            if not steps.driver_step(out, name):
                failed[name] = built_failure(out, name)
    except NetmapBuildError as error:
        print(f"{SAY} error: {error.one_line()}", file=sys.stderr)
        return 1
    if failed:
        return leave_out(release, kernel_state, out, failed)
    print(f"{SAY} built for {release}: netmap.ko {' '.join(drivers)}".rstrip())
    return 0


def kernel_sources(series: str, drivers: list[str]) -> Path | None:
    """The vendored folders of the series, else linux-source-X.Y's tarball, else None."""
    vendored, tarball = HERE / "kernel-sources" / series, debian_tarball(series)
    for where in (vendored, tarball):
        if where.exists():
            print(f"{SAY} driver sources for {series}: {where}")
            return where
    print(f"{SAY} no sources of Linux {series} in this tree and {source_package(series)} is "
          "not installed: netmap.ko without the patched drivers"
          + (f" (not {' '.join(drivers)})" if drivers else ""))
    return None


def not_listed(kernel_dir: Path, sources: Path | None, drivers: list[str],
               kernel_state: Path) -> dict[str, str]:
    """Why dkms.conf did not list a driver the package carries for this kernel (its
    failures recorded for this kernel are told apart, above)."""
    notes = {}
    offered = sources / "drivers.txt" if sources else None
    if offered and offered.is_file():  # a vendored series: what doit deb found
        notes = dict(NOT_OFFERED.findall(offered.read_text()))
    kernel = load_kernel(kernel_dir)
    recorded = left_out.read(kernel_state)
    missing = {}
    for name in (HERE / "drivers.txt").read_text().split():
        if name in drivers or name in recorded:
            continue
        kconfig = driver_named(name).kconfig
        state = kernel.enabled(kconfig)
        if name in notes:
            missing[name] = notes[name]
        elif state != "m":
            missing[name] = (f"the kernel's .config has {kconfig}={state}, not m" if state
                             else f"the kernel's .config does not set {kconfig}")
        else:
            missing[name] = ("no sources of the kernel's series" if sources is None
                             else f"{sources} does not offer it")
    return missing


def unprepared(found: ConfigureRecord, drivers: list[str]) -> dict[str, str]:
    """Listed drivers configure could not select (no sources, no patch, a patch that does
    not apply), with configure's reason."""
    return {choice.name: choice.reason for choice in found.drivers
            if choice.name in drivers and not choice.selected}


def built_failure(out: Path, name: str) -> str:
    """Why a driver's build failed: its ELF check's problems, else its first error line."""
    for module, entry in build_report.read(out).get("modules", {}).items():
        check = entry.get("check")
        if module.endswith(f"({name})") and isinstance(check, dict) and check.get("problems"):
            return f"its module fails the ELF checks: {'; '.join(map(str, check['problems']))}"
    log = out / "logs" / f"{name}.log"
    if not log.is_file():  # its patch failed in the build tree: the patch's log
        log = out / "logs" / f"patch-{name}.log"
    text = log.read_text(errors="replace") if log.is_file() else ""
    # paths in the build area, which dkms removes: relative ones say as much
    return f"its build failed: {first_errors(text, 1).replace(f'{HERE}/', '') or 'no log'}"


def leave_out(release: str, kernel_state: Path, out: Path, failed: dict[str, str]) -> int:
    """Record each failed driver for this kernel; the build fails this once."""
    record = kernel_state / left_out.RECORD
    for name, reason in failed.items():
        logs = [out / "logs" / f"{stem}.log" for stem in (name, f"patch-{name}",
                                                          f"patch-{name}-check")]
        log = next((path for path in logs if path.is_file()), None)
        record = left_out.add(kernel_state, name, reason, log)
        print(f"{SAY} {name} failed for {release}: {reason}", file=sys.stderr)
    print(f"{SAY} left out from now on for {release}: {' '.join(failed)} (recorded in "
          f"{record}); build again for netmap.ko and the other drivers (the package's "
          "postinst does)", file=sys.stderr)
    return 1


def driver_names(word: str) -> list[str]:
    """dkms.conf's list: ``realtek,e1000``, or ``-`` for none."""
    return [] if word == "-" else [name for name in word.split(",") if name]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], Path(sys.argv[3]), driver_names(sys.argv[4])))
