"""The target kernel's own modules, as its ``modules.dep`` describes them.

The guest runs the stock drivers first, as a real system does, and the
in-tree modules our drivers need (libphy for r8169, ...); both come from the
``linux-image`` package's ``/lib/modules/<release>``.
"""

from __future__ import annotations

from pathlib import Path

from buildsys.core.errors import UserError


def module_name(path: Path | str) -> str:
    """``kernel/drivers/net/phy/mdio_devres.ko.xz`` -> ``mdio_devres`` (as /sys/module has it)."""
    return Path(path).name.split(".ko")[0].replace("-", "_")


def modules_dir(release: str, override: str = "") -> Path:
    directory = Path(override) if override else Path("/lib/modules") / release
    if not (directory / "modules.dep").is_file():
        remedy = (f"install linux-image-{release} (its modules)"
                  if not override else "pass the /lib/modules/<release> of the kernel you boot")
        raise UserError(f"no modules.dep in {directory}", f"{remedy}, or --modules-dir=DIR")
    return directory


class InTree:
    """Lookup of in-tree modules by name, with their dependencies in load order."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.depends: dict[str, list[str]] = {}
        self.paths: dict[str, str] = {}
        for line in (directory / "modules.dep").read_text().splitlines():
            module, _, deps = line.partition(":")
            name = module_name(module)
            self.paths[name] = module
            # modules.dep lists a module's dependencies deepest last
            self.depends[name] = [module_name(dep) for dep in deps.split()]
        builtin = directory / "modules.builtin"
        self.builtin = ({module_name(line) for line in builtin.read_text().split()}
                        if builtin.is_file() else set())

    def has(self, name: str) -> bool:
        return name in self.paths

    def path(self, name: str) -> Path:
        return self.directory / self.paths[name]

    def load_order(self, names: list[str]) -> list[str]:
        """``names`` and everything they need, each after what it needs."""
        order: list[str] = []
        for name in names:
            for needed in [*reversed(self.depends.get(name, [])), name]:
                if needed not in order:
                    order.append(needed)
        return order
