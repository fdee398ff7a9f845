"""The target kernel's own kbuild: its make command line, what it says when it fails,
the ``Module.symvers`` it writes, and the probes' compile of a set of objects."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from buildsys.core import jobserver, proc
from buildsys.core.errors import ToolError, UserError
from buildsys.kernel.tree import KernelTree

_COMPILING = re.compile(r"^\s+CC \[M\]\s+(?P<object>\S+)\.o\s*$")
# make splits words at blanks and reads these as its own syntax in kbuild's variables
# (M=, -I flags, $(call ...) arguments): a path holding one makes every compile fail
_MAKE_UNSAFE = re.compile(r"[\s:#$%=,;\\'\"`*?()<>|&]")
_COMPILER_ERROR = re.compile(r": (fatal )?error: |ERROR: |undefined reference")
_MAKE_ERROR = re.compile(r"\*\*\* .*Error \d+")
REPO = Path(__file__).resolve().parents[2]


def check_paths(paths: list[tuple[str, Path, str]]) -> None:
    """Refuse, before any work, a path kbuild would be handed and cannot take.

    ``paths``: (what it is, the path, how to choose another); the checkout is always
    checked (our glue headers are on kbuild's include path)."""
    for what, path, remedy in [*paths, ("this checkout", REPO, "clone it elsewhere")]:
        bad = _MAKE_UNSAFE.search(str(path))
        if bad:
            char = "a space" if bad.group().isspace() else repr(bad.group())
            raise UserError(f"{what} {str(path)!r} holds {char}, which kbuild cannot take",
                            f"{remedy} (letters, digits and - _ . + / ~ only)")


def jobs() -> int:
    return jobserver.cores()


def make_argv(kernel: KernelTree, directory: Path, kernel_opts: list[str], targets: list[str],
              *, flags: tuple[str, ...] = (), parallel: list[str] | None = None) -> list[str]:
    """``make`` of the external module in ``directory`` through the kernel's kbuild;
    ``flags`` are make's options and variables, ``kernel_opts`` the user's; ``parallel``
    its ``-j`` (``-j<cores>`` when not given)."""
    jobs_argv = [f"-j{jobs()}"] if parallel is None else parallel
    return ["make", "-C", str(kernel.path), f"M={directory}", *flags, *jobs_argv,
            *kernel_opts, *targets]


def make_modules(kernel: KernelTree, directory: Path, kernel_opts: list[str], log: Path,
                 *, flags: tuple[str, ...] = ()) -> proc.Result:
    """``make modules`` in ``directory`` (its log emptied first), with the jobs it may
    share with other makes (`buildsys.core.jobserver`); see `failure`."""
    slots = jobserver.make_jobs()
    argv = make_argv(kernel, directory, kernel_opts, ["modules"], flags=flags,
                     parallel=slots.argv)
    return proc.run(argv, proc.fresh_log(log), cwd=directory, env=slots.env, check=False,
                    pass_fds=slots.fds)


def failure(what: str, result: proc.Result) -> ToolError:
    """A failed make of ``what``, told by its first errors, not by a wall of output."""
    return ToolError(f"{what} failed to build:\n{first_errors(result.output)}",
                     f"full log: {result.log}")


def first_errors(output: str, count: int = 6) -> str:
    """The first compiler error lines, else make's, else the last lines."""
    lines = output.splitlines()
    errors = [line for line in lines if _COMPILER_ERROR.search(line)]
    errors = errors or [line for line in lines if _MAKE_ERROR.search(line)]
    return "\n".join(errors[:count] or lines[-count:])


def symvers_exports(symvers: Path) -> set[str]:
    """The symbols a ``Module.symvers`` lists (a kernel's, or a module build's): the
    second of its tab-separated fields (``CRC SYMBOL MODULE KIND NAMESPACE``)."""
    if not symvers.is_file():
        return set()
    return {line.split("\t")[1] for line in symvers.read_text().splitlines() if "\t" in line}


def write_kbuild(directory: Path, objects: list[str], cflags: dict[str, tuple[str, ...]],
                 ccflags: list[str], extra: tuple[str, ...] = ()) -> None:
    """A Kbuild file of ``objects``, each with its own ``cflags``, all with ``ccflags``;
    ``extra`` lines after them (rules of make's own)."""
    lines = [f"obj-m := {' '.join(o + '.o' for o in objects)}"]
    lines += [f"CFLAGS_{obj}.o := {' '.join(flags)}" for obj, flags in cflags.items() if flags]
    lines.append(f"ccflags-y := {' '.join(ccflags)}")
    lines += extra
    (directory / "Kbuild").write_text("\n".join(lines) + "\n")


def compile_objects(kernel: KernelTree, directory: Path, objects: list[str],
                    kernel_opts: list[str], log: Path, *,
                    on_object: Callable[[str], None] | None = None) -> proc.Result:
    """Build ``objects`` (no modpost, no linking), going on past errors.

    ``on_object`` is told each object whose compile has finished.
    """
    argv = make_argv(kernel, directory, kernel_opts, [f"{name}.o" for name in objects],
                     flags=("-k", "-O"))

    def watch(line: str) -> None:
        match = _COMPILING.match(line)
        if match and on_object:
            on_object(Path(match["object"]).name)

    return proc.run(argv, log, cwd=directory, check=False, on_line=watch)


def split_by_object(output: str) -> dict[str, str]:
    """The output of each object's compile (make -O keeps a recipe's lines together)."""
    parts: dict[str, list[str]] = {"": []}
    current = ""
    for line in output.splitlines():
        match = _COMPILING.match(line)
        if match:
            current = Path(match["object"]).name
            parts.setdefault(current, [])
        elif line.startswith(("make: ", "make[")):
            current = ""
        parts[current].append(line)
    return {name: "\n".join(lines) for name, lines in parts.items()}
