"""Every task's parameters, in one place, and the check of a command line against them.

doit's own parser answers an unknown option with a 2,300-character dump of every option
and exit status 3; `check_command_line` runs first (when dodo.py is read) and says in one
line which option is unknown and the nearest valid one, with exit status 2.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path
from typing import Any

from buildsys.cli.options import TOGGLED_SUBSYSTEMS
from vmtests import SCENARIOS

_VALUE_PARAMS = (
    ("kernel_dir", "kernel-dir", "kernel build tree [/lib/modules/$(uname -r)/build]"),
    ("kernel_sources", "kernel-sources", "full kernel sources, a dir or a tarball"),
    ("install_mod_path", "install-mod-path", "where the modules will be installed"),
    ("drivers", "drivers", "only these drivers (comma separated), or all: every driver, each "
     "built where it can be"),
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



PORT: list[dict[str, Any]] = [
    {"name": "driver", "long": "driver", "default": "", "help": "the driver to port"},
    {"name": "kernel_sources", "long": "kernel-sources", "default": "",
     "help": "sources of the kernel to port to (DIR|TARBALL) [the configured ones]"},
    {"name": "since", "long": "since", "default": "", "help": "first kernel the patch covers"},
    {"name": "until", "long": "until", "default": "", "help": "first kernel it does not cover"},
]


INSTALL: list[dict[str, Any]] = [
    {"name": "destdir", "long": "destdir", "default": "",
     "help": "staging dir for apps, library, headers, man pages [configured]"},
    {"name": "install_mod_path", "long": "install-mod-path", "default": "",
     "help": "base dir for lib/modules/<release>/updates [configured, else /]"},
    {"name": "prefix", "long": "prefix", "default": "", "help": "install prefix [configured]"},
    {"name": "sign", "long": "sign", "type": bool, "default": False,
     "help": "sign the modules with the kernel's sign-file [key: DKMS's MOK]"},
    {"name": "sign_key", "long": "sign-key", "default": "",
     "help": "private key to sign the modules with (implies --sign)"},
    {"name": "sign_cert", "long": "sign-cert", "default": "",
     "help": "its X.509 certificate, PEM or DER [the key file]"},
    # last: uninstall takes it alone (INSTALL[-1])
    {"name": "dry_run", "long": "dry-run", "type": bool, "default": False,
     "help": "list what would be written, write nothing"},
]


DRY_RUN: list[dict[str, Any]] = [
    {"name": "dry_run", "long": "dry-run", "type": bool, "default": False,
     "help": "print the exact commands, run nothing"}]


SCENARIO_NAMES = [scenario.name for scenario in SCENARIOS]
VMTEST: list[dict[str, Any]] = [
    {"name": "scenarios", "long": "scenarios", "default": "",
     "help": f"only these scenarios, comma separated [all: {' '.join(SCENARIO_NAMES)}]"},
    {"name": "accel", "long": "accel", "default": "auto", "choices": [("auto", ""), ("kvm", ""),
                                                                       ("tcg", "")],
     "help": "QEMU accelerator: KVM when a trial boot works, else TCG [auto]"},
    {"name": "kernel_image", "long": "kernel-image", "default": "",
     "help": "the kernel to boot [/boot/vmlinuz-<configured release>]"},
    {"name": "modules_dir", "long": "modules-dir", "default": "",
     "help": "its in-tree modules [/lib/modules/<configured release>]"},
    {"name": "timeout", "long": "timeout", "type": float, "default": 0.0,
     "help": "seconds one boot may take [300 with KVM, 600 with TCG]"},
    {"name": "repeat", "long": "repeat", "type": int, "default": 1,
     "help": "boot each scenario this many times"},
]


KERNEL_TREE: list[dict[str, Any]] = [
    {"name": "series", "long": "series", "default": "",
     "help": "the kernel series, e.g. 7.3, or newest (the suite's newest)"},
    {"name": "suite", "long": "suite", "default": "trixie-backports",
     "help": "the Debian suite to take it from [trixie-backports]"},
    {"name": "flavour", "long": "flavour", "default": "amd64",
     "help": "Debian's kernel flavour [amd64]"},
    {"name": "refresh", "long": "refresh", "type": bool, "default": False,
     "help": "look for a newer release of the series even when one is cached"},
]



MATRIX: list[dict[str, Any]] = [
    {"name": "series", "long": "series", "default": "",
     "help": "only these series, comma separated [every series Debian's archive offers]"},
    {"name": "out", "long": "out", "default": "build/matrix",
     "help": "where matrix.json, matrix.md and each release's build go [build/matrix]"},
    {"name": "netmap_src", "long": "netmap-src", "default": "",
     "help": "netmap sources, DIR|TARBALL [$NETMAP_SRC, else the pinned commit]"},
    {"name": "vmtest", "long": "vmtest", "default": "all",
     "help": "the series whose image doit vmtest boots: all, none, or a comma-separated "
             "list [all]"},
    {"name": "scenarios", "long": "scenarios", "default": "",
     "help": "vmtest's scenarios, comma separated [its default set]"},
    {"name": "publish", "long": "publish", "type": bool, "default": False,
     "help": "also write docs/kernel-matrix.json and the README's kernel table"},
]


DKMS: list[dict[str, Any]] = [{"name": "dist", "long": "dist", "default": "dist",
         "help": "where to write the tree [dist]"}]


DEB: list[dict[str, Any]] = [
    DKMS[0],
    {"name": "kernel_sources", "long": "kernel-sources", "default": "",
     "help": "more kernel sources to vendor, TARBALL|DIR[,...] [Debian's 6.1 and 6.12]"},
    {"name": "maintainer", "long": "maintainer", "default": "",
     "help": "the package's Maintainer [$DEBFULLNAME <$DEBEMAIL>]"},
]


def task_params(argv: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each task's doit parameters (configure's depend on the command line)."""
    return {"configure": configure_params(argv), "build": [], "install": INSTALL,
            "uninstall": [INSTALL[-1]], "load": DRY_RUN, "unload": DRY_RUN, "dkms": DKMS,
            "deb": DEB, "vmtest": VMTEST, "kernel-tree": KERNEL_TREE, "port-driver": PORT,
            "save-patch": PORT, "matrix": MATRIX}


# doit's own options that take a value (before the first task name)
_DOIT_VALUE_OPTIONS = {"-f", "--file", "-d", "--dir", "--db-file", "--dep-file", "--backend",
                       "--codec-cls", "-v", "--verbosity", "-o", "--output-file", "-n",
                       "--process", "-P", "--parallel-type", "--reporter",
                       "--check_file_uptodate", "--failure-verbosity"}


def check_command_line(argv: list[str]) -> None:
    """Exit 2 with one line for an option no task named on ``argv`` takes."""
    tables = task_params(argv)
    problem = _first_problem(argv[1:], tables)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        raise SystemExit(2)


def _first_problem(args: list[str], tables: dict[str, list[dict[str, Any]]]) -> str | None:
    task: str | None = None
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg in tables:
            task = arg
        elif task is None:  # doit's own options, before the first task
            index += arg in _DOIT_VALUE_OPTIONS
        elif arg.startswith("-"):
            name, _, value = arg.partition("=")
            param = _param_named(name, tables[task])
            if param is None:
                return _unknown(task, name, tables[task])
            if param.get("type", str) is not bool and "=" not in arg:
                value = args[index] if index < len(args) else ""
                index += 1
            problem = _value_problem(task, name, param, value)
            if problem:
                return problem
    return None


def _spellings(params: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found = {"--" + param["long"]: param for param in params}
    found.update({"--" + param["inverse"]: param for param in params if param.get("inverse")})
    return found


def _param_named(name: str, params: list[dict[str, Any]]) -> dict[str, Any] | None:
    return _spellings(params).get(name)


def _unknown(task: str, name: str, params: list[dict[str, Any]]) -> str:
    near = difflib.get_close_matches(name, list(_spellings(params)), n=1, cutoff=0.6)
    hint = f"did you mean {near[0]}?" if near else f"see: doit help {task}"
    return f"doit {task}: unknown option {name} ({hint})"


# comma-separated values that must each be one of these
_LIST_CHOICES = {("vmtest", "scenarios"): SCENARIO_NAMES,
                 ("matrix", "scenarios"): SCENARIO_NAMES}
# paths that must exist when given (vmtest would otherwise build everything first)
_MUST_EXIST = {("vmtest", "kernel_image"), ("vmtest", "modules_dir")}
# kernel versions: X.Y or X.Y.Z
_VERSIONS = {("save-patch", "since"), ("save-patch", "until"), ("port-driver", "since"),
             ("port-driver", "until")}


def _value_problem(task: str, name: str, param: dict[str, Any], value: str) -> str | None:
    kind = param.get("type", str)
    if kind in (int, float):
        try:
            kind(value)
        except ValueError:
            return f"doit {task}: {name}={value!r} is not a number"
    if (task, param["name"]) in _VERSIONS and value and not re.fullmatch(r"\d+\.\d+(\.\d+)?",
                                                                          value):
        return f"doit {task}: {name}={value} is not a kernel version (X.Y or X.Y.Z)"
    if (task, param["name"]) in _MUST_EXIST and value and not Path(value).exists():
        return f"doit {task}: {name}={value} does not exist"
    choices = [choice for choice, _ in param.get("choices", [])]
    if choices and value not in choices:
        return f"doit {task}: {name}={value!r} is not one of {', '.join(choices)}"
    allowed = _LIST_CHOICES.get((task, param["name"]))
    unknown = [word for word in value.split(",") if word] if allowed else []
    unknown = [word for word in unknown if allowed and word not in allowed]
    if unknown:
        near = difflib.get_close_matches(unknown[0], allowed or [], n=1)
        hint = f"did you mean {near[0]}?" if near else f"valid: {', '.join(allowed or [])}"
        return f"doit {task}: no such {param['name'].rstrip('s')} {unknown[0]!r} ({hint})"
    return None
