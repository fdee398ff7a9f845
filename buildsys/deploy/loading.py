"""``doit load`` / ``doit unload``: swap the in-tree drivers for the netmap ones.

Order (as the README's ``doit load`` section says): unload each in-tree
driver we replace, load what netmap.ko depends on, insert netmap.ko, then the
patched drivers; ``/dev/netmap`` must appear.  A failed step rolls back what was
done.  What was done is kept in ``<build-dir>/loaded.json`` so that unload
restores it.  Each of load, its rollback and unload logs all its commands, in
order, in one log of its own (``logs/load.log``, ...).
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from buildsys.build import build_report
from buildsys.build.elfcheck import module_depends
from buildsys.configure.context import BuildContext
from buildsys.core import proc
from buildsys.core.errors import CommandFailed, ToolError, UserError
from buildsys.core.locking import write_atomic

STATE = "loaded.json"


@dataclass
class LoadPlan:
    commands: list[list[str]] = field(default_factory=list)
    inserted: list[str] = field(default_factory=list)  # module names, in order
    removed: list[str] = field(default_factory=list)  # in-tree modules taken out


def loaded_modules(proc_modules: Path = Path("/proc/modules")) -> set[str]:
    if not proc_modules.is_file():
        return set()
    return {line.split()[0] for line in proc_modules.read_text().splitlines() if line}


def plan_load(context: BuildContext, loaded: set[str]) -> LoadPlan:
    modules = build_report.built_modules(context.build_dir)
    netmap = next((m for m in modules if m.name == f"{context.options.mod_name}.ko"), None)
    if netmap is None:
        raise UserError("netmap.ko is not built", "run doit build first")
    drivers = [m for m in modules if m != netmap]
    plan = LoadPlan()
    for module in drivers:
        stock = module.stem
        if stock in loaded:
            plan.commands.append(["rmmod", stock])
            plan.removed.append(stock)
    own = {m.stem for m in modules}
    for module in [netmap, *drivers]:
        plan.commands += [["modprobe", dep] for dep in module_depends(module) if dep not in own]
        plan.commands.append(["insmod", str(module)])
        plan.inserted.append(module.stem)
    return plan


def require_root() -> None:
    if os.geteuid() != 0:
        raise UserError("loading modules needs root",
                        "run with sudo, or with --dry-run to see the commands")


def load(context: BuildContext, plan: LoadPlan) -> None:
    require_root()
    done: list[list[str]] = []
    log = proc.fresh_log(context.build_dir / "logs" / "load.log")
    try:
        for command in plan.commands:
            proc.run(command, log)
            done.append(command)
    except CommandFailed as error:
        _roll_back(done, log)
        raise ToolError(f"{' '.join(error.argv)} failed; what was loaded is unloaded again",
                        f"see {log} and dmesg") from None
    if not Path("/dev/netmap").exists():
        _roll_back(done, log)
        raise ToolError("/dev/netmap did not appear", "see dmesg")
    write_atomic(context.build_dir / STATE, json.dumps(
        {"inserted": plan.inserted, "removed": plan.removed}, indent=1) + "\n")


def _roll_back(done: list[list[str]], log: Path) -> None:
    rollback = proc.fresh_log(log.with_name("load-rollback.log"))
    for command in reversed(done):
        undo = _undo(command)
        if undo:
            proc.run(undo, rollback, check=False)


def _undo(command: list[str]) -> list[str] | None:
    if command[0] == "insmod":
        return ["rmmod", Path(command[1]).stem]
    if command[0] == "rmmod":
        return ["modprobe", command[1]]
    return None


def plan_unload(context: BuildContext) -> list[list[str]]:
    state_file = context.build_dir / STATE
    if not state_file.is_file():
        raise UserError("nothing was loaded from this build dir", "run doit load first")
    state = json.loads(state_file.read_text())
    commands = [["rmmod", name] for name in reversed(state["inserted"])]
    return commands + [["modprobe", name] for name in state["removed"]]


def unload(context: BuildContext, commands: list[list[str]]) -> None:
    require_root()
    log = proc.fresh_log(context.build_dir / "logs" / "unload.log")
    for command in commands:
        proc.run(command, log)
    (context.build_dir / STATE).unlink()


def guest_script(plan: LoadPlan, module_path: Callable[[str], str]) -> str:
    """``plan`` as POSIX sh for a machine this tool does not run on (``doit vmtest``'s
    guest), defining ``nm_load`` and ``nm_unload``: the same commands in the same order,
    each module file at ``module_path(host path)``. At the first failed step ``nm_load``
    runs the undo of each step done, newest first (as ``load`` rolls back), and fails;
    ``nm_unload`` does what ``unload`` does with the state ``load`` would have kept."""
    lines = ["nm_load() {", "\tundo=:"]
    for command in plan.commands:
        step = shlex.join(module_path(word) if word.endswith(".ko") else word
                          for word in command)
        lines.append(f'\t{step} || {{ echo "load: {step} failed, rolling back" >&2; '
                     'eval "$undo"; return 1; }')
        undo = _undo(command)
        if undo:
            lines.append(f'\tundo="{shlex.join(undo)}; $undo"')
    lines += ["}", "nm_unload() {"]
    unload_steps = [["rmmod", name] for name in reversed(plan.inserted)]
    unload_steps += [["modprobe", name] for name in plan.removed]
    lines += [f"\t{shlex.join(step)} || return 1" for step in unload_steps]
    return "\n".join([*lines, "}"]) + "\n"
