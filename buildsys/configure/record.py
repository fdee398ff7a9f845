"""What configure found, as one frozen record; the one writer and reader of configure.json.

`Configuration` is what a configure run gathers while it runs; `Configuration.freeze`
makes the `ConfigureRecord` that configure writes and every later stage (build,
install, dkms, vmtest, the porting aid) reads back.  A ``configure.json`` of another
schema, or one that is not whole, is refused in one line: configure again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from packaging.version import Version

from buildsys.cli.options import Options
from buildsys.core.errors import UserError
from buildsys.core.locking import write_atomic
from buildsys.drivers.kernel_sources import KernelSources
from buildsys.drivers.patching import ChosenPatch
from buildsys.drivers.selection import Choice, Selection, driver_named
from buildsys.kernel.tree import KernelTree, hex_version_code
from buildsys.probing.cache import digest
from kernel_probes.record import MACRO_PREFIX, Define

FILE = "configure.json"
HEADER = "netmap_linux_config.h"
SCHEMA = 2  # 1: before the schema was written (no range_text in driver_builds)
AGAIN = "run 'doit configure' again"
_T = TypeVar("_T")


@dataclass(frozen=True)
class KernelRecord:
    dir: Path
    release: str
    version: Version
    fingerprint: str  # a digest of what the probe cache keys this kernel's answers by

    @property
    def version_code(self) -> str:
        return hex_version_code(self.version)


@dataclass(frozen=True)
class CompilerRecord:
    command: str  # the compiler the kernel was built with
    version: str  # its CONFIG_CC_VERSION_TEXT


@dataclass(frozen=True)
class ProbeOutcome:
    name: str
    success: bool
    cached: bool
    defines: tuple[Define, ...]
    log: str = ""  # the probe's own log when it was compiled in this run


@dataclass(frozen=True)
class DriverBuild:
    """A selected driver: its pristine tree in the kernel sources, and its patch."""

    name: str
    pristine: Path
    patch: ChosenPatch


@dataclass(frozen=True)
class ConfigureRecord:
    build_dir: Path
    kernel: KernelRecord
    compiler: CompilerRecord
    options: Options
    outcomes: tuple[ProbeOutcome, ...]
    drivers: tuple[Choice, ...]  # every driver, selected or not, with the reason
    apps: tuple[Choice, ...]
    kernel_sources: KernelSources | None
    driver_builds: tuple[DriverBuild, ...]  # the selected drivers, in the catalog's order
    header_changed: bool
    seconds: float
    notes: tuple[str, ...]
    warnings: tuple[str, ...]  # the -Wno-error= names the compiler knows

    @property
    def header(self) -> Path:
        return self.build_dir / HEADER

    @property
    def driver_names(self) -> list[str]:
        return [build.name for build in self.driver_builds]

    def driver_build(self, name: str) -> DriverBuild:
        for build in self.driver_builds:
            if build.name == name:
                return build
        raise UserError(f"driver {name} is not configured in {self.build_dir}", AGAIN)


@dataclass
class Configuration:
    """A configure run in progress: what it has found so far."""

    kernel: KernelTree
    options: Options
    build_dir: Path
    selection: Selection
    fingerprint: dict[str, str]  # the kernel's, computed once (its headers are hashed)
    outcomes: list[ProbeOutcome] = field(default_factory=list)
    header_changed: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # -Wno-error= names the compiler knows

    def freeze(self) -> ConfigureRecord:
        """The record, as `read_record` gives it back (the sources' warning is a note)."""
        kernel, selection, sources = self.kernel, self.selection, self.selection.kernel_sources
        builds = tuple(
            DriverBuild(name, selection.driver_sources[name] / driver_named(name).tree_name,
                        patch) for name, patch in selection.patches.items())
        return ConfigureRecord(
            self.build_dir, KernelRecord(kernel.path, kernel.release, kernel.version,
                                         digest(self.fingerprint)),
            CompilerRecord(kernel.compiler, kernel.compiler_version_text),
            Options(**asdict(self.options)),  # a copy: the command line's stays its own
            tuple(self.outcomes), tuple(selection.drivers), tuple(selection.apps),
            sources and replace(sources, warning=None), builds, self.header_changed,
            round(self.seconds, 3), tuple(self.notes), tuple(self.warnings))


def write_record(found: ConfigureRecord) -> None:
    write_atomic(found.build_dir / FILE, json.dumps(as_json(found), indent=1) + "\n")


def read_record(build_dir: Path) -> ConfigureRecord:
    path = build_dir / FILE
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise UserError(f"{path} is unreadable ({error})", AGAIN) from None
    if not isinstance(data, dict):
        raise UserError(f"{path} is not what configure writes (not a JSON object)", AGAIN)
    if data.get("schema") != SCHEMA:
        raise UserError(f"{path} was written by another netmap-build (schema "
                        f"{data.get('schema', 1)}; this one reads schema {SCHEMA})", AGAIN)
    try:
        return from_json(data, build_dir)
    except (KeyError, TypeError, ValueError) as error:
        raise UserError(f"{path} is not what configure writes ({type(error).__name__}: "
                        f"{error})", AGAIN) from None


def as_json(found: ConfigureRecord) -> dict[str, object]:
    sources = found.kernel_sources
    return {
        "schema": SCHEMA,
        "kernel": kernel_json(found.kernel),
        "compiler": {"command": found.compiler.command, "version": found.compiler.version},
        "options": asdict(found.options),
        "probes": [{"name": o.name, "success": o.success, "cached": o.cached,
                    "defines": [d.line() for d in o.defines], "log": o.log}
                   for o in found.outcomes],
        "drivers": [asdict(choice) for choice in found.drivers],
        "kernel_sources": None if sources is None else {
            "origin": sources.origin, "root": str(sources.root), "version": str(sources.version)},
        "driver_builds": {build.name: driver_build_json(build) for build in found.driver_builds},
        "apps": [asdict(choice) for choice in found.apps],
        "header": str(found.header),
        "header_changed": found.header_changed,
        "seconds": found.seconds,
        "notes": list(found.notes),
        "warnings": list(found.warnings),
    }


def kernel_json(kernel: KernelRecord) -> dict[str, str]:
    return {"dir": str(kernel.dir), "release": kernel.release, "version": str(kernel.version),
            "version_code": kernel.version_code, "fingerprint": kernel.fingerprint}


def driver_build_json(build: DriverBuild) -> dict[str, str]:
    patch = build.patch
    return {"pristine": str(build.pristine), "patch": str(patch.path), "origin": patch.origin,
            "applies_in": patch.applies_in, "range_text": patch.range_text}


def from_json(data: dict[str, Any], build_dir: Path) -> ConfigureRecord:
    kernel, compiler = _get(data, "kernel", dict), _get(data, "compiler", dict)
    plans = _get(data, "driver_builds", dict)
    return ConfigureRecord(
        build_dir,
        KernelRecord(Path(_get(kernel, "dir", str)), _get(kernel, "release", str),
                     Version(_get(kernel, "version", str)), _get(kernel, "fingerprint", str)),
        CompilerRecord(_get(compiler, "command", str), _get(compiler, "version", str)),
        Options(**_get(data, "options", dict)),
        tuple(_outcome(probe) for probe in _get(data, "probes", list)),
        tuple(_choice(choice) for choice in _get(data, "drivers", list)),
        tuple(_choice(choice) for choice in _get(data, "apps", list)),
        _sources(data["kernel_sources"]),
        tuple(_driver_build(name, plan) for name, plan in plans.items()),
        _get(data, "header_changed", bool), _get(data, "seconds", float),
        _strings(data, "notes"), _strings(data, "warnings"))


def _sources(sources: dict[str, Any] | None) -> KernelSources | None:
    if sources is None:
        return None
    return KernelSources(Path(_get(sources, "root", str)), Version(_get(sources, "version", str)),
                         _get(sources, "origin", str))


def _outcome(probe: dict[str, Any]) -> ProbeOutcome:
    return ProbeOutcome(_get(probe, "name", str), _get(probe, "success", bool),
                        _get(probe, "cached", bool),
                        tuple(_define(line) for line in _strings(probe, "defines")),
                        _get(probe, "log", str))


def _define(line: str) -> Define:
    """The `Define` a header line was written from (`Define.line`)."""
    words = line.split(None, 2)
    if len(words) < 2 or words[0] != "#define" or not words[1].startswith(MACRO_PREFIX):
        raise ValueError(f"not a probe's #define: {line!r}")
    return Define(words[1].removeprefix(MACRO_PREFIX), words[2] if len(words) == 3 else "")


def _choice(choice: dict[str, Any]) -> Choice:
    return Choice(_get(choice, "name", str), _get(choice, "selected", bool),
                  _get(choice, "reason", str), _get(choice, "patch", str))


def _driver_build(name: str, plan: dict[str, Any]) -> DriverBuild:
    patch = ChosenPatch(Path(_get(plan, "patch", str)), _get(plan, "origin", str),
                        _get(plan, "applies_in", str), _get(plan, "range_text", str))
    return DriverBuild(name, Path(_get(plan, "pristine", str)), patch)


def _get(data: dict[str, Any], key: str, kind: type[_T]) -> _T:
    """``data[key]``, which must be a ``kind`` (an int will do for a float)."""
    value = data[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind):
        raise TypeError(f"{key} is a {type(value).__name__}, not a {kind.__name__}")
    return value


def _strings(data: dict[str, Any], key: str) -> tuple[str, ...]:
    values = tuple(_get(data, key, list))
    if not all(isinstance(value, str) for value in values):
        raise TypeError(f"{key} holds a non-string")
    return values
