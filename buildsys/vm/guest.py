"""The guest's root file system for one scenario: busybox, the checks, the modules.

Layout in the guest: ``/lib/nm`` our modules, ``/lib/stock`` the kernel's own,
``/lib/nmt`` the check scripts, ``/etc/nmt.env`` what the scripts are told,
``/lib/upstream`` upstream's test scripts, host tools where ``hosttools`` puts them.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from buildsys.build.elfcheck import module_bytes, read_elf
from buildsys.core.errors import UserError
from buildsys.deploy.loading import LoadPlan
from buildsys.vm import guestplan, hosttools
from buildsys.vm.initramfs import Archive
from buildsys.vm.kmods import InTree, module_name
from vmtests import GUEST, Scenario

BUSYBOX = Path("/bin/busybox")
PKTGEN_TIMEOUT = 30  # seconds for one pkt-gen run; its watchdog fires 15 s later


class Skip(Exception):
    """The scenario cannot run on this build or kernel (the reason says why)."""


@dataclass(frozen=True)
class GuestInputs:
    netmap_ko: Path
    drivers: dict[str, list[Path]]  # built modules by driver name
    apps: list[Path]  # statically linked pkt-gen, vale-ctl
    in_tree: InTree
    busybox: Path  # checked static once, by busybox()
    utils: dict[str, Path] = field(default_factory=dict)  # upstream's, static, by name
    netmap_tree: Path | None = None  # the configured netmap sources (upstream's tests)


def busybox() -> Path:
    """The guest has no libc: busybox must be the static build."""
    if not BUSYBOX.is_file() or _is_dynamic(BUSYBOX):
        raise UserError(f"no statically linked {BUSYBOX}", "install busybox-static")
    return BUSYBOX


def _is_dynamic(program: Path) -> bool:
    segments = read_elf(program).iter_segments()
    return any(segment.header.p_type == "PT_INTERP" for segment in segments)


def build_archive(scenario: Scenario, inputs: GuestInputs, target: Path,
                  plan: LoadPlan | None = None, resume_after: str = "") -> None:
    """``plan``: ``doit load``'s, for a scenario that runs it (``load_plan``);
    ``resume_after``: the check after which this boot goes on (the guest's ``resume``)."""
    archive = Archive()
    archive.file("bin/busybox", inputs.busybox.read_bytes(), 0o755)
    archive.file("init", (GUEST / "init").read_bytes(), 0o755)
    for script in ("lib.sh", scenario.script):
        archive.file(f"lib/nmt/{script}", (GUEST / script).read_bytes())
    for app in [*inputs.apps, *(inputs.utils[name] for name in scenario.utils)]:
        archive.file(f"bin/{app.name}", app.read_bytes(), 0o755)
    for name in scenario.upstream_files:
        _add_upstream(archive, inputs, name)
    env = _environment(scenario, inputs, archive)
    # each tool's guest path, by its upper-case name: IP=/usr/local/sbin/ip
    env.update({name.upper(): hosttools.add(archive, name) for name in scenario.tools})
    if plan is not None:
        env.update(guestplan.add(archive, plan, inputs.in_tree))
    if resume_after:
        env["RESUME_AFTER"] = resume_after
    lines = "".join(f"{key}={shlex.quote(value)}\n" for key, value in env.items())
    archive.file("etc/nmt.env", lines.encode())
    archive.write(target)


def _environment(scenario: Scenario, inputs: GuestInputs, archive: Archive) -> dict[str, str]:
    """Our modules are swapped in by doit load's plan (guestplan), which packs them
    and what they need; the scenario's drivers must have been built."""
    netmap = _add_ours(archive, inputs.netmap_ko)
    ours = [module for name in scenario.drivers for module in _built(inputs, name)]
    platform = [name for name in scenario.platform if inputs.in_tree.has(name)]
    stock = [_add_stock(archive, inputs.in_tree, name)
             for name in _in_tree_order(inputs.in_tree, [*platform, *scenario.stock])]
    return {"SCENARIO_SCRIPT": scenario.script, "NETMAP": module_name(inputs.netmap_ko),
            "NETMAP_KO": netmap, "PACKETS": str(scenario.packets),
            "PKTGEN_TIMEOUT": str(PKTGEN_TIMEOUT), "STOCK_MODULES": " ".join(stock),
            "OURS": " ".join(module_name(m) for m in ours), "TRAFFIC": " ".join(scenario.traffic),
            "VETH_PAIR": "1" if scenario.veth_pair else ""}


def _built(inputs: GuestInputs, driver: str) -> list[Path]:
    modules = inputs.drivers.get(driver)
    if not modules:
        raise Skip(f"the {driver} driver is not built (doit configure --drivers=...{driver})")
    return modules


def _in_tree_order(in_tree: InTree, names: list[str] | tuple[str, ...]) -> list[str]:
    for name in names:
        if not in_tree.has(name):
            where = "built into the kernel" if name in in_tree.builtin else "not among its modules"
            raise Skip(f"{name} is {where} ({in_tree.directory})")
    return in_tree.load_order(list(names))


def _add_ours(archive: Archive, module: Path) -> str:
    guest_path = f"/lib/nm/{module.name}"
    archive.file(guest_path, module.read_bytes())
    return guest_path


def _add_stock(archive: Archive, in_tree: InTree, name: str) -> str:
    path = in_tree.path(name)
    guest_path = f"/lib/stock/{module_name(path)}.ko"
    archive.file(guest_path, module_bytes(path))
    return guest_path


def _add_upstream(archive: Archive, inputs: GuestInputs, name: str) -> None:
    """A file, or a folder's files, of the netmap tree under /lib/upstream/ (mode kept)."""
    if inputs.netmap_tree is None:
        raise Skip("no netmap tree to take upstream's tests from")
    source = inputs.netmap_tree / name
    files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
    for path in files:
        relative = path.relative_to(inputs.netmap_tree)
        archive.file(f"lib/upstream/{relative}", path.read_bytes(), path.stat().st_mode & 0o777)
