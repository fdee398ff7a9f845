"""`doit vmtest`: the configured kernel booted in QEMU for each scenario, its checks judged."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from buildsys.build import build_report, userspace
from buildsys.build.driver_build import module_paths
from buildsys.configure.context import BuildContext
from buildsys.core.errors import UserError
from buildsys.deploy import loading
from buildsys.vm import guest, guestapps, kmods, qemu, verdict
from buildsys.vm.verdict import Check
from drivers.catalog import by_name
from vmtests import SCENARIOS, Scenario

GUEST_APPS = ("pkt-gen", "vale-ctl")
GUEST_TOOLS = ("nm-frames",)  # vmtests/tools/*.c: the checks' own netmap programs
TIMEOUTS = {"kvm": 300.0, "tcg": 600.0}  # one whole boot; a silent guest is stopped sooner
MAX_BOOTS = 40  # a scenario's boots, its first and those its guest asked to go on in


@dataclass(frozen=True)
class VmOptions:
    scenarios: tuple[str, ...] = ()  # all when empty
    accel: str = "auto"
    kernel_image: str = ""
    modules_dir: str = ""
    timeout: float = 0.0  # by accelerator when 0
    repeat: int = 1


@dataclass(frozen=True)
class Target:
    release: str
    image: Path
    accel: qemu.Accelerator
    inputs: guest.GuestInputs


def selected(names: tuple[str, ...]) -> list[Scenario]:
    unknown = sorted(set(names) - {s.name for s in SCENARIOS})
    if unknown:
        raise UserError(f"unknown VM scenario {', '.join(unknown)}",
                        f"choose from {' '.join(s.name for s in SCENARIOS)}")
    return [s for s in SCENARIOS if s.name in names or (not names and s.default)]


def prepare(context: BuildContext, options: VmOptions, say: Callable[[str], None]) -> Target:
    release = context.configuration.kernel.release
    image = qemu.kernel_image(release, options.kernel_image)
    qemu.check_release(image, release)
    in_tree = kmods.InTree(kmods.modules_dir(release, options.modules_dir))
    qemu.qemu()
    box = guest.busybox()
    vm_dir = context.build_dir / "vm"
    apps = [userspace.build_static_app(context, app, vm_dir / "apps" / app) for app in GUEST_APPS]
    apps += [guestapps.build(context.netmap, tool, vm_dir / "apps") for tool in GUEST_TOOLS]
    wanted = tuple(sorted({u for s in selected(options.scenarios) for u in s.utils}))
    utils = userspace.build_static_utils(context, wanted, vm_dir / "utils") if wanted else []
    inputs = guest.GuestInputs(_netmap_module(context), _driver_modules(context), apps, in_tree,
                               box, {path.name: path for path in utils}, context.netmap)
    accel = qemu.choose_accelerator(options.accel, image, vm_dir / "trial", box)
    say(f"kernel {release} ({image}), accelerator {accel.name}: {accel.reason}")
    return Target(release, image, accel, inputs)


def _netmap_module(context: BuildContext) -> Path:
    name = f"{context.options.mod_name}.ko"
    built = [m for m in build_report.built_modules(context.build_dir) if m.name == name]
    if not built:
        raise UserError(f"{name} is not built", "run doit build first")
    return built[0]


def _driver_modules(context: BuildContext) -> dict[str, list[Path]]:
    built = set(build_report.built_modules(context.build_dir))
    found: dict[str, list[Path]] = {}
    plans = context.configuration.driver_names
    for name in plans:
        driver = by_name(str(name))
        paths = module_paths(context, driver) if driver else []
        if paths and all(path in built for path in paths):
            found[str(name)] = paths
    return found


def run_scenario(context: BuildContext, target: Target, scenario: Scenario,
                 timeout: float, run: int = 1) -> list[Check]:
    """One boot, and another for as long as the guest asks to go on in a fresh one
    (``resume`` in guest/lib.sh): boot N>1 works in ``<workdir>/boot<N>/``."""
    workdir = context.build_dir / "vm" / (scenario.name if run == 1 else f"{scenario.name}.{run}")
    plan = loading.plan_load(context, set(scenario.stock)) if scenario.load_plan else None
    for stale in workdir.glob("boot[0-9]*"):  # a previous run's later boots
        shutil.rmtree(stale)
    checks: list[Check] = []
    resume_after = ""
    for number in range(1, MAX_BOOTS + 1):
        boot_dir = workdir if number == 1 else workdir / f"boot{number}"
        done, results = _boot(target, scenario, boot_dir, plan, resume_after=resume_after,
                              timeout=timeout)
        checks += verdict.numbered(done, number, {c.name for c in checks})
        went_on_after, resume_after = resume_after, verdict.resume_point(results)
        if resume_after in ("", went_on_after):  # finished, or no step forward
            break
    verdict.known_failures(checks, scenario.known)
    return checks


def _boot(target: Target, scenario: Scenario, workdir: Path, plan: loading.LoadPlan | None,
          *, resume_after: str, timeout: float) -> tuple[list[Check], str]:
    """The checks of one boot, and what the guest reported (its results log)."""
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        guest.build_archive(scenario, target.inputs, workdir / qemu.INITRAMFS, plan, resume_after)
    except guest.Skip as why:
        return [Check(scenario.name, "all", "skip", str(why))], ""
    argv = qemu.machine_argv(target.accel, target.image, workdir, scenario.nic_model)
    booted = qemu.boot(argv, workdir, timeout or TIMEOUTS[target.accel.name])
    stopped = (f"the host stopped the guest: {booted.stopped}" if booted.stopped
               else "QEMU ended before the checks did (guest panic?)")
    results = _read(booted.results)
    return verdict.judge(scenario.name, results, _read(booted.console), stopped), results


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.is_file() else ""
