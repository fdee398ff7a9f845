"""Configure's options: their defaults, validation, and their record per build dir.

The names follow upstream's configure.  ``--no-drivers`` and ``--no-apps``
take an optional list there; doit's parser cannot express an optional value,
so the parameter is declared as a flag or as a value depending on how the
command line spells it (see `buildsys.cli.params.configure_params`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from apps import APPS
from buildsys.core.errors import UserError
from buildsys.core.locking import write_atomic
from drivers.catalog import DRIVERS, by_name

SUBSYSTEMS = ("vale", "pipe", "monitor", "generic", "ptnetmap", "sink", "extmem", "null")
DEFAULT_SUBSYSTEMS = ("vale", "pipe", "monitor", "generic", "null", "ptnetmap")
TOGGLED_SUBSYSTEMS = ("vale", "pipe", "monitor", "generic", "ptnetmap", "sink", "extmem")
OPTIONS_FILE = "options.json"
# --drivers=all: every driver of the catalog, those off by default too; one that cannot be
# built is skipped with its reason (as a default driver is), not refused (as a named one is)
ALL_DRIVERS = "all"


def default_drivers() -> list[str]:
    """Every driver but those whose record says why not (stmmac): upstream's order."""
    return [d.name for d in DRIVERS if not d.off_by_default]


@dataclass
class Options:
    kernel_dir: str = ""
    kernel_sources: str = ""
    kernel_opts: list[str] = field(default_factory=list)
    install_mod_path: str = ""
    drivers: list[str] = field(default_factory=default_drivers)
    drivers_named: bool = False  # the user listed drivers explicitly
    fail_on_driver_errors: bool = False
    apps: list[str] = field(default_factory=lambda: [a.name for a in APPS])
    utils: bool = True
    mod_name: str = "netmap"
    subsystems: list[str] = field(default_factory=lambda: list(DEFAULT_SUBSYSTEMS))
    debug: bool = True
    dmasync: bool = True
    driver_suffix: str = ""
    cc: str = "cc"
    ld: str = "ld"
    prefix: str = "/usr/local"
    destdir: str = ""
    build_dir: str = ""
    netmap_src: str = ""
    no_cache: bool = False

    def record(self, build_dir: Path) -> None:
        write_atomic(build_dir / OPTIONS_FILE, json.dumps(asdict(self), indent=1) + "\n")


def load_recorded(build_dir: Path) -> Options:
    path = build_dir / OPTIONS_FILE
    if not path.is_file():
        raise UserError(f"{build_dir} is not a configured build dir", "run 'doit configure' first")
    try:
        return Options(**json.loads(path.read_text()))
    except (ValueError, TypeError) as error:
        raise UserError(f"{path} is unreadable ({error})", "run 'doit configure' again") from None


def _names(value: str) -> list[str]:
    return [name for name in value.replace(",", " ").split() if name]


def _check(kind: str, names: list[str], valid: list[str]) -> None:
    unknown = [name for name in names if name not in valid]
    if unknown:
        raise UserError(f"unknown {kind} {', '.join(unknown)}", f"valid {kind}s: {' '.join(valid)}")


def _driver_names(names: list[str]) -> list[str]:
    _check("driver", [n for n in names if by_name(n) is None],
           [d.name for d in DRIVERS])
    return [entry.name for entry in map(by_name, names) if entry is not None]


def _app_names(names: list[str]) -> list[str]:
    _check("app", names, [a.name for a in APPS])
    return names


def select(all_names: list[str], only: str | None, without: str | bool | None,
           resolve: Any = None) -> tuple[list[str], bool]:
    """Upstream's --X=, --no-X and --no-X= applied in that order; True if named."""
    resolve = resolve or (lambda names: names)
    chosen, named = list(all_names), False
    if only is not None and only != "":
        chosen, named = resolve(_names(only)), True
    if without is True:
        chosen = []
    elif isinstance(without, str) and without:
        dropped = resolve(_names(without))
        chosen = [name for name in all_names if name not in dropped]
    return chosen, named


def from_params(params: dict[str, Any]) -> Options:
    """Options from the configure task's doit parameters."""
    options = Options()
    for name in ("kernel_dir", "kernel_sources", "install_mod_path", "mod_name", "cc", "ld",
                 "prefix", "destdir", "build_dir", "netmap_src", "driver_suffix"):
        if params.get(name):
            setattr(options, name, params[name])
    options.kernel_opts = [o for opt in params.get("kernel_opts") or [] for o in opt.split()]
    if params.get("drivers") == ALL_DRIVERS:  # the catalog's every driver, none of them named
        options.drivers = [d.name for d in DRIVERS if d.name not in _dropped(params)]
    else:
        options.drivers, options.drivers_named = select(
            default_drivers(), params.get("drivers"), params.get("no_drivers"), _driver_names)
    app_names = [a.name for a in APPS]
    options.apps, _ = select(app_names, params.get("apps"), params.get("no_apps"), _app_names)
    options.subsystems = _subsystems(params)
    options.fail_on_driver_errors = bool(params.get("fail_on_driver_errors"))
    options.utils = not params.get("no_utils")
    options.debug = params.get("force_debug") is not False
    options.dmasync = not params.get("without_dmasync")
    options.no_cache = bool(params.get("no_cache"))
    return options


def _dropped(params: dict[str, Any]) -> list[str]:
    without = params.get("no_drivers")
    if without is True:
        return [d.name for d in DRIVERS]
    return _driver_names(_names(without)) if isinstance(without, str) else []


def _subsystems(params: dict[str, Any]) -> list[str]:
    chosen = set(DEFAULT_SUBSYSTEMS)
    for name in TOGGLED_SUBSYSTEMS:
        value = params.get(name)
        if value is True:
            chosen.add(name)
        elif value is False:
            chosen.discard(name)
    return [name for name in SUBSYSTEMS if name in chosen]
