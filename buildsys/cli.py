"""The command-line layer: doit's parameters and one-line errors."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.text import Text

from buildsys.errors import NetmapBuildError, UserError
from buildsys.options import TOGGLED_SUBSYSTEMS

_VALUE_PARAMS = (
    ("kernel_dir", "kernel-dir", "kernel build tree [/lib/modules/$(uname -r)/build]"),
    ("kernel_sources", "kernel-sources", "full kernel sources, a dir or a tarball"),
    ("install_mod_path", "install-mod-path", "where the modules will be installed"),
    ("drivers", "drivers", "only these drivers (comma separated)"),
    ("apps", "apps", "only these apps (comma separated)"),
    ("mod_name", "mod-name", "netmap module name [netmap]"),
    ("driver_suffix", "driver-suffix", "suffix added to the patched modules' names"),
    ("cc", "cc", "C compiler for the apps and utils [cc]"),
    ("ld", "ld", "linker for the apps and utils [ld]"),
    ("prefix", "prefix", "install path for the apps and utils [/usr/local]"),
    ("destdir", "destdir", "staging dir prepended to install paths"),
    ("build_dir", "build-dir", "build dir [build/<kernel-release>]"),
    ("netmap_src", "netmap-src", "netmap sources, a dir or a tarball [env NETMAP_SRC]"),
)
_FLAGS = (
    ("fail_on_driver_errors", "fail-on-driver-errors", "stop when a driver fails"),
    ("no_utils", "no-utils", "do not build the utils"),
    ("without_dmasync", "without-dmasync", "x86 with a recent NIC and no IOMMU"),
    ("no_cache", "no-cache", "ignore cached probe answers"),
    ("verbose", "verbose", "show tracebacks on errors"),
    ("show_drivers", "show-drivers", "list the drivers and exit"),
    ("show_apps", "show-apps", "list the apps and exit"),
)


def _param(
    name: str, long: str, help_text: str, default: Any = "", kind: Any = str
) -> dict[str, Any]:
    return {"name": name, "long": long, "default": default, "type": kind, "help": help_text}


def configure_params(argv: list[str]) -> list[dict[str, Any]]:
    """doit parameters of the configure task.

    ``--no-drivers``/``--no-apps`` are flags unless the command line gives
    them a value (``--no-drivers=veth,e1000``): getopt has no optional values.
    Unknown ``--enable-X``/``--disable-X`` are declared so that configure can
    name the valid subsystems instead of getopt's bare refusal.
    """
    params = [_param(*spec) for spec in _VALUE_PARAMS]
    params.append(_param("kernel_opts", "kernel-opts", "extra kernel make options (repeatable)",
                         [], list))
    params += [_param(*spec, default=False, kind=bool) for spec in _FLAGS]
    for name in ("drivers", "apps"):
        given = any(arg.startswith(f"--no-{name}=") for arg in argv)
        kind, default = (str, None) if given else (bool, False)
        help_text = f"no {name} (or not these)"
        params.append(_param(f"no_{name}", f"no-{name}", help_text, default, kind))
    params.append({"name": "force_debug", "long": "force-debug", "inverse": "no-force-debug",
                   "type": bool, "default": None, "help": "build with debug symbols (default)"})
    for subsystem in subsystem_words(argv):
        params.append({"name": subsystem, "long": f"enable-{subsystem}",
                       "inverse": f"disable-{subsystem}", "type": bool, "default": None,
                       "help": f"enable/disable {subsystem}"})
    return params


def subsystem_words(argv: list[str]) -> list[str]:
    named = [arg.split("-", 3)[-1] for arg in argv if arg.startswith(("--enable-", "--disable-"))]
    return list(TOGGLED_SUBSYSTEMS) + sorted(set(named) - set(TOGGLED_SUBSYSTEMS))


def report(error: NetmapBuildError) -> None:
    errors = Console(file=sys.__stderr__, highlight=False)
    errors.print(Text.assemble(("error: ", "bold red"), error.one_line()), soft_wrap=True)


def guarded(action: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input: one red line and exit status 2.  A failed tool: its short story,
    and the task fails (doit exits 1, keeping what the other tasks did)."""

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return action(*args, **kwargs)
        except UserError as error:
            if kwargs.get("verbose"):
                traceback.print_exc()
            report(error)
            raise SystemExit(error.exit_status) from None
        except NetmapBuildError as error:
            if kwargs.get("verbose"):
                traceback.print_exc()
            report(error)
            return False

    run.__name__ = getattr(action, "__name__", "action")
    run.__doc__ = action.__doc__
    return run
