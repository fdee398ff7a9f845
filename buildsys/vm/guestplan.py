"""``doit load``'s own plan, run inside the guest (the ``load-plan`` scenario).

The plan is the one ``doit load`` would run on this machine for the scenario's stock
drivers (``loading.plan_load``), exported as sh (``loading.guest_script``) to
``/lib/nmt/plan.sh``. Every module it inserts goes to ``/lib/nm``; every in-tree
module it or its rollback loads with ``modprobe`` goes to ``/lib/stock`` with a
``<name>.chain`` file listing it after what it needs: the guest has no module
database, and the checks' ``modprobe`` inserts that chain.
"""

from __future__ import annotations

from pathlib import Path

from buildsys.build.elfcheck import module_bytes
from buildsys.deploy.loading import LoadPlan, guest_script
from buildsys.vm.initramfs import Archive
from buildsys.vm.kmods import InTree, module_name


def add(archive: Archive, plan: LoadPlan, in_tree: InTree) -> dict[str, str]:
    """Packs the plan and what it loads; returns what the checks are told."""
    ours = [Path(word) for command in plan.commands for word in command if word.endswith(".ko")]
    for module in ours:
        archive.file(f"lib/nm/{module.name}", module.read_bytes())
    probed = [command[1] for command in plan.commands if command[0] == "modprobe"]
    for name in dict.fromkeys([*probed, *plan.removed]):
        # a module built into the kernel (or absent) has an empty chain: nothing to insert
        # modinfo's depends= and modprobe say i2c-algo-bit; modules.dep's name is i2c_algo_bit
        key = module_name(name)
        needed = in_tree.load_order([key]) if in_tree.has(key) else []
        chain = [_add_stock(archive, in_tree, module) for module in needed if in_tree.has(module)]
        archive.file(f"lib/stock/{name}.chain", (" ".join(chain) + "\n").encode())
    archive.file("lib/nmt/plan.sh", guest_script(plan, lambda path: f"/lib/nm/{Path(path).name}")
                 .encode())
    # the step made to fail on purpose: the plan's last insmod
    return {"PLAN_INSERTED": " ".join(plan.inserted), "PLAN_REMOVED": " ".join(plan.removed),
            "PLAN_BREAK": f"/lib/nm/{ours[-1].name}" if ours else ""}


def _add_stock(archive: Archive, in_tree: InTree, name: str) -> str:
    guest_path = f"/lib/stock/{module_name(in_tree.path(name))}.ko"
    archive.file(guest_path, module_bytes(in_tree.path(name)))
    return guest_path
