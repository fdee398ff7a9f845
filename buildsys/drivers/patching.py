"""Which patch a driver gets for a kernel, and applying it without leaving a mess.

Our patches carry explicit ``[since, until)`` ranges in the driver record.
Upstream's ``LINUX/final-patches/vanilla--<driver>--FROM--TO`` carry theirs
in the name, as hex version codes (``60c00`` is 6.12.0; FROM inclusive, TO
exclusive, ``99999`` open): that is upstream's data format, parsed here.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from buildsys.core import proc
from buildsys.core.errors import ToolError
from buildsys.kernel.tree import version_code
from drivers.record import Driver

_UPSTREAM = re.compile(r"^vanilla--(?P<driver>.+)--(?P<since>[0-9a-f]{5})--(?P<until>[0-9a-f]{5})$")
OPEN_END = 0x99999


@dataclass(frozen=True)
class ChosenPatch:
    path: Path
    origin: str  # "ours" or "upstream"
    applies_in: str  # "module" (our patches) or "root" (upstream's: paths carry the folder)
    range_text: str


def upstream_ranges(patch_dir: Path, upstream_name: str) -> list[tuple[int, int, Path]]:
    ranges = []
    for path in sorted(patch_dir.glob(f"vanilla--{upstream_name}--*")):
        match = _UPSTREAM.match(path.name)
        if match and match["driver"] == upstream_name:
            ranges.append((int(match["since"], 16), int(match["until"], 16), path))
    return ranges


def pick_upstream(ranges: list[tuple[int, int, Path]], version: Version) -> Path | None:
    """The range holding ``version``; where ranges overlap, the one that starts last."""
    code = version_code(version)
    holding = [(since, path) for since, until, path in ranges
               if since <= code and (code < until or until == OPEN_END)]
    return max(holding)[1] if holding else None


def choose_patch(driver: Driver, version: Version, netmap: Path) -> ChosenPatch | None:
    ours = driver.our_patch(version)
    if ours:
        until = ours.until or "any later"
        return ChosenPatch(driver.home / ours.file, "ours", "module",
                           f"for [{ours.since}, {until})")
    if driver.upstream_patches:
        ranges = upstream_ranges(netmap / "LINUX/final-patches", driver.upstream_patches)
        path = pick_upstream(ranges, version)
        if path:
            return ChosenPatch(path, "upstream", "root", "")
    return None


def apply_patch(patch: ChosenPatch, directory: Path, log: Path, what: str,
                dry_run: bool = False) -> None:
    """Apply (rejects thrown away); on failure name the patch and the failed hunk."""
    # ours must apply exactly; upstream's apply as upstream applies them (patch's default
    # fuzz), or we would lose drivers upstream builds
    argv = patch_argv(patch.path, directory, fuzz=patch.origin != "ours", rejects=False)
    argv += ["--dry-run"] if dry_run else []
    result = proc.run(argv, log, check=False)
    if result.returncode != 0:
        failed = [line for line in result.output.splitlines() if "FAILED" in line or
                  "can't find file" in line or "malformed" in line]
        lines = result.output.strip().splitlines()
        hunk = failed[0].strip() if failed else (lines[-1] if lines else "no output")
        raise ToolError(f"{what}: patch {patch.path.name} does not apply ({hunk})",
                        f"see {log}; a new range may be needed (doit port-driver)")


def patch_argv(patch: Path, directory: Path, *, fuzz: bool, rejects: bool) -> list[str]:
    """``patch`` of a unified diff into ``directory``: never twice (``--forward``), never a
    question, no ``.orig`` files; with ``fuzz`` patch's default fuzz, else none; with
    ``rejects`` the ``*.rej`` files kept beside the files (the porting aid's)."""
    argv = ["patch", "-p1", "--forward", "--batch", *([] if fuzz else ["--fuzz=0"]),
            "--no-backup-if-mismatch", *([] if rejects else ["-r", "-"])]
    return [*argv, "-d", str(directory), "-i", str(patch)]


def copy_tree(source: Path, destination: Path) -> None:
    shutil.rmtree(destination, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, destination)
    else:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
