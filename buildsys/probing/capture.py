"""The command kbuild compiles a probe object with, captured once, to run it ourselves.

A kbuild run costs a second or two before it compiles anything (its makefiles, its
compiler checks), and it compiles each object through a recursion of make. So the probes
do not go through kbuild one by one: kbuild compiles one object of ours, the *capture*
(the units' flags, and three marker flags), and writes the exact command it
ran into ``.nmcapture.o.cmd`` (``savedcmd_`` since 6.3, ``cmd_`` before). That command,
with the capture's file names swapped for a unit's, compiles the unit exactly as kbuild
would: the same compiler, flags, ``-include``s, directory and post-compile steps
(objtool), with the unit's own flags where kbuild puts ``CFLAGS_<object>.o``.

The markers, in the capture's ``CFLAGS_nmcapture.o``: ``NETMAP_BUILD_UNIT_CFLAGS`` (where
a unit's flags go), ``NETMAP_BUILD_CWD=$(CURDIR)`` (the directory kbuild ran the command
in: the kernel tree before 6.13, the module's dir since) and ``NETMAP_BUILD_SRC=$(src)``
(to expand ``$(src)`` in a driver probe's flags). A rule of the capture's Kbuild saves
the environment make gives its commands, which they are run with too. Every unit keeps
the capture's ``-D``s (its module name): one precompiled header then fits them all, and
no probe reads its module's name. A saved command we do not understand word for word
(shell syntax beyond ``;``, no ``-c -o``, a marker missing) is not used: the probes then
go through kbuild as before (`None`).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field, replace
from pathlib import Path

NAME = "nmcapture"
ENVIRONMENT = f"{NAME}.env"
UNIT_CFLAGS = "-DNETMAP_BUILD_UNIT_CFLAGS"
_CWD = "-DNETMAP_BUILD_CWD="
_SRC = "-DNETMAP_BUILD_SRC="
MARKERS = (UNIT_CFLAGS, f"{_CWD}$(CURDIR)", f"{_SRC}$(src)")
_SAVED = re.compile(r"^(?:saved)?cmd_\S+ := (?P<command>.*)$")
_SHELL = re.compile(r"[;&|<>`$(){}\\]|^(if|then|else|fi|for|do|done|while)$")
_MAKE_VARIABLE = re.compile(r"\$\((src|obj)\)")
_DEP_PREFIX = "-Wp,-MMD,"
_MAKE_STATE = frozenset({"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"})


@dataclass(frozen=True)
class CompileCommand:
    """kbuild's compile of one object, ready to be run for another."""

    compiler: tuple[str, ...]  # the compile, up to ``-c``: its flags, the unit-flags marker
    after: tuple[tuple[str, ...], ...]  # what kbuild runs once the object is made (objtool)
    cwd: Path
    src: str  # what ``$(src)`` expanded to
    object_dir: str  # how the object's dir was spelt ("" when by bare name)
    env: dict[str, str] = field(default_factory=dict)  # what make gave kbuild's commands

    def compile_argv(self, unit: str, cflags: tuple[str, ...]) -> list[str] | None:
        """The compile of ``unit`` with its own flags; None when a flag holds make syntax
        other than ``$(src)``/``$(obj)`` (that unit must go through kbuild)."""
        expanded = [_MAKE_VARIABLE.sub(self.src, flag) for flag in cflags]
        if any("$" in flag for flag in expanded):
            return None
        argv: list[str] = []
        for word in self.compiler:
            argv += expanded if word == UNIT_CFLAGS else [_renamed(word, unit)]
        return [*argv, "-c", "-o", self.path(f"{unit}.o"), self.path(f"{unit}.c")]

    def after_argvs(self, unit: str) -> list[list[str]]:
        return [[_renamed(word, unit) for word in step] for step in self.after]

    def path(self, name: str) -> str:
        return f"{self.object_dir}/{name}" if self.object_dir else name


def kbuild_lines() -> tuple[str, ...]:
    """What the capture's Kbuild file adds for it: nothing for the other objects, but a
    recipe of the same make that saves its environment (what make exports to kbuild's
    commands: objtool needs ``SRCARCH``, for one) before the capture is compiled."""
    return (f"$(obj)/{NAME}.o: $(obj)/{ENVIRONMENT}",
            f"$(obj)/{ENVIRONMENT}: FORCE", "\t@env -0 > $@")


def read(workdir: Path) -> CompileCommand | None:
    """The capture's saved command in ``workdir``, or None when it cannot be used."""
    saved, environment = workdir / f".{NAME}.o.cmd", workdir / ENVIRONMENT
    if not saved.is_file() or not environment.is_file():
        return None
    match = _SAVED.match(saved.read_text(errors="replace").partition("\n")[0])
    variables = [entry.partition("=") for entry in
                 environment.read_text(errors="replace").split("\0") if entry]
    if not match or not variables or any(not equals for _, equals, _ in variables):
        return None
    command = parse(match["command"])
    # make's own state (its jobserver's file descriptors) means nothing outside it
    env = {name: value for name, _, value in variables if name not in _MAKE_STATE}
    return replace(command, env=env) if command else None


def parse(command: str) -> CompileCommand | None:
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    steps: list[list[str]] = [[]]
    for word in words:
        if word == ";":
            steps.append([])
        elif _SHELL.search(word):
            return None
        else:
            steps[-1].append(word)
    steps = [step for step in steps if step]
    return _compile_command(steps[0], steps[1:]) if steps else None


def _compile_command(step: list[str], after: list[list[str]]) -> CompileCommand | None:
    """Split ``<cc> <flags> -c -o <dir/>nmcapture.o <dir/>nmcapture.c`` into its parts."""
    if len(step) < 5 or step[-4:-2] != ["-c", "-o"]:
        return None
    target, source = step[-2], step[-1]
    object_dir = target.rpartition("/")[0]
    if target != _join(object_dir, f"{NAME}.o") or source != _join(object_dir, f"{NAME}.c"):
        return None
    flags = step[:-4]
    cwd = [f.removeprefix(_CWD) for f in flags if f.startswith(_CWD)]
    src = [f.removeprefix(_SRC) for f in flags if f.startswith(_SRC)]
    if len(cwd) != 1 or len(src) != 1 or flags.count(UNIT_CFLAGS) != 1:
        return None
    kept = tuple(f for f in flags if not f.startswith((_CWD, _SRC)))
    return CompileCommand(kept, tuple(tuple(s) for s in after), Path(cwd[0]), src[0],
                          object_dir)


def _join(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name


def _renamed(word: str, unit: str) -> str:
    """``word`` naming the capture's source, object or dependency file, named for ``unit``
    (by file name only: a directory in the path may hold any text)."""
    prefix = _DEP_PREFIX if word.startswith(_DEP_PREFIX) else ""
    directory, slash, name = word.removeprefix(prefix).rpartition("/")
    for suffix in (".c", ".o", ".o.d"):
        for dot in ("", "."):
            if name == f"{dot}{NAME}{suffix}":
                return f"{prefix}{directory}{slash}{dot}{unit}{suffix}"
    return word
