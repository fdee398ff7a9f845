"""``doit install`` / ``doit uninstall``: what build made, into the system or a staging dir.

Only modules that passed their ELF checks are installed; with ``--sign`` each is
signed first (``signing``).  Every file written is listed in
``<build-dir>/install-manifest.json`` with its digest, so that installing again
changes nothing and uninstalling removes exactly those files.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from apps import APPS, UTILS_PROGRAMS
from buildsys.build import build_report
from buildsys.configure.context import BuildContext
from buildsys.core import proc
from buildsys.core.errors import UserError
from buildsys.core.files import file_digest
from buildsys.core.locking import write_atomic
from buildsys.deploy import signing
from buildsys.deploy.signing import SigningKey

MANIFEST = "install-manifest.json"
USER_HEADERS = {"sys/net/netmap.h": "net", "sys/net/netmap_user.h": "net",
                "sys/net/netmap_virt.h": "net", "sys/net/netmap_legacy.h": "net",
                "libnetmap/libnetmap.h": ""}
MAN4 = ("netmap.4", "vale.4", "ptnet.4")


@dataclass(frozen=True)
class Item:
    source: str
    destination: str
    mode: int


@dataclass(frozen=True)
class Targets:
    mod_path: Path  # INSTALL_MOD_PATH ("/" for the system)
    root: Path  # DESTDIR + PREFIX
    data_root: Path  # DESTDIR + PREFIX, or /usr when PREFIX is /


def targets(context: BuildContext, destdir: str, mod_path: str, prefix: str) -> Targets:
    options = context.options
    destdir = destdir or options.destdir
    prefix = prefix or options.prefix
    data_prefix = prefix if prefix.rstrip("/") else "/usr"
    return Targets(Path(mod_path or options.install_mod_path or "/"),
                   Path(destdir or "/") / prefix.lstrip("/"),
                   Path(destdir or "/") / data_prefix.lstrip("/"))


def plan(context: BuildContext, where: Targets) -> list[Item]:
    updates = where.mod_path / "lib/modules" / context.configuration.kernel.release / "updates"
    items = [Item(str(module), str(updates / module.name), 0o644)
             for module in build_report.built_modules(context.build_dir)]
    items += _userspace(context, where)
    netmap = context.netmap
    items += [Item(str(netmap / header), str(where.data_root / "include" / sub /
                                             Path(header).name), 0o644)
              for header, sub in USER_HEADERS.items()]
    items += [Item(str(netmap / "share/man/man4" / page),
                   str(where.data_root / "share/man/man4" / page), 0o644) for page in MAN4]
    return items


def _userspace(context: BuildContext, where: Targets) -> list[Item]:
    bin_dir, build = where.root / "bin", context.build_dir
    items = [Item(str(build / "build-libnetmap/libnetmap.a"),
                  str(where.root / "lib/libnetmap.a"), 0o644)]
    for app in (a.name for a in APPS if a.name in context.options.apps):
        for program in (app, f"{app}-b"):  # pkt-gen also builds pkt-gen-b
            path = build / "build-apps" / app / program
            if path.is_file():
                items.append(Item(str(path), str(bin_dir / program), 0o755))
        page = context.netmap / "apps" / app / f"{app}.8"
        if page.is_file():
            items.append(Item(str(page), str(where.data_root / "share/man/man8" / page.name),
                              0o644))
    if context.options.utils:
        items += [Item(str(build / "build-utils" / name), str(bin_dir / name), 0o755)
                  for name in UTILS_PROGRAMS if (build / "build-utils" / name).is_file()]
    return items


def check_writable(items: list[Item]) -> None:
    for item in items:
        parent = Path(item.destination).parent
        while not parent.exists():
            parent = parent.parent
        if not os.access(parent, os.W_OK):
            raise UserError(f"cannot write to {parent}",
                            "run with sudo, or stage it with --destdir=DIR "
                            "--install-mod-path=DIR")


def install(context: BuildContext, where: Targets, dry_run: bool,
            key: SigningKey | None = None) -> tuple[list[Item], int]:
    """Install the plan (its modules signed with ``key``, if given); returns it and how
    many files were (or would be) written."""
    items = plan(context, where)
    missing = [item.source for item in items if not Path(item.source).is_file()]
    if missing:
        raise UserError(f"not built: {missing[0]}", "run doit build first")
    if key:  # every module signed before the first file is written
        items = signing.sign_items(items, key, context.kernel_tree, context.build_dir)
    changed = [item for item in items if not _same(item)]
    if dry_run:
        return items, len(changed)
    check_writable(items)
    previous = _read_manifest(context)
    # the manifest goes down before the first file and is completed after depmod: an
    # install cut off anywhere leaves the next one (or uninstall) the dirs it created and
    # depmod's index as it was before, and depmod still to run
    cut_off = "index_before" in previous and previous["mod_path"] == str(where.mod_path)
    index_before = previous["index_before"] if cut_off else _module_index(context, where.mod_path)
    manifest: dict[str, Any] = {
        "mod_path": str(where.mod_path), "files": [asdict(item) for item in items],
        "created": sorted(set(previous.get("created", [])) | _missing_dirs(items)),
        "generated": previous.get("generated", []), "index_before": index_before}
    write_atomic(context.build_dir / MANIFEST, json.dumps(manifest, indent=1) + "\n")
    _copy(changed)
    if cut_off or any(item.destination.endswith(".ko") for item in changed):
        run_depmod(context, where.mod_path)
    # depmod's index files that did not exist before us go again with uninstall
    manifest["generated"] = sorted(set(manifest["generated"]) | _new_index(context, manifest))
    del manifest["index_before"]
    write_atomic(context.build_dir / MANIFEST, json.dumps(manifest, indent=1) + "\n")
    return items, len(changed)


def _copy(items: list[Item]) -> None:
    for item in items:
        destination = Path(item.destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(f".{destination.name}.netmap-build")
        shutil.copyfile(item.source, temporary)
        temporary.chmod(item.mode)
        temporary.replace(destination)


def _new_index(context: BuildContext, manifest: dict[str, Any]) -> set[str]:
    """depmod's index files made since the install began (``index_before``)."""
    now = _module_index(context, Path(manifest["mod_path"]))
    return set(now) - set(manifest["index_before"])


def _read_manifest(context: BuildContext) -> dict[str, Any]:
    path = context.build_dir / MANIFEST
    return json.loads(path.read_text()) if path.is_file() else {}


def _missing_dirs(items: list[Item]) -> set[str]:
    missing = set()
    for item in items:
        parent = Path(item.destination).parent
        while not parent.exists():
            missing.add(str(parent))
            parent = parent.parent
    return missing


def _module_index(context: BuildContext, mod_path: Path) -> list[str]:
    release = context.configuration.kernel.release
    return [str(p) for p in (mod_path / "lib/modules" / release).glob("modules.*")]


def _same(item: Item) -> bool:
    destination = Path(item.destination)
    if not destination.is_file() or destination.stat().st_mode & 0o777 != item.mode:
        return False
    if item.destination.endswith(".ko"):  # the same code, signed by the same key (or not)
        return signing.same_module(Path(item.source), destination)
    return file_digest(destination) == file_digest(Path(item.source))


def signatures(items: list[Item], installed: bool) -> list[tuple[str, str]]:
    """Each module's name and "signed by CN (sha256)" or "unsigned": as installed, or
    (``installed`` false: a dry run) as it would be."""
    return [(Path(item.destination).name,
             signing.describe(Path(item.destination if installed else item.source)))
            for item in items if item.destination.endswith(".ko")]


def run_depmod(context: BuildContext, mod_path: Path) -> None:
    release = context.configuration.kernel.release
    if not (mod_path / "lib/modules" / release).is_dir():
        return
    proc.run(["depmod", "-b", str(mod_path), release], context.build_dir / "logs/depmod.log")


def uninstall(context: BuildContext, dry_run: bool) -> list[str]:
    manifest = context.build_dir / MANIFEST
    if not manifest.is_file():
        raise UserError("nothing installed from this build dir", "run doit install first")
    data = json.loads(manifest.read_text())
    files = [item["destination"] for item in data["files"]]
    if dry_run:
        return files
    check_writable([Item("", path, 0) for path in files])
    for path in files:
        Path(path).unlink(missing_ok=True)
    if any(path.endswith(".ko") for path in files):
        run_depmod(context, Path(data["mod_path"]))
    # an install cut off before its end: what depmod made since it began is ours too
    cut_off = _new_index(context, data) if "index_before" in data else set()
    for path in [*data.get("generated", []), *cut_off]:
        Path(path).unlink(missing_ok=True)
    for directory in sorted(data.get("created", []), key=len, reverse=True):
        if Path(directory).is_dir() and not any(Path(directory).iterdir()):
            Path(directory).rmdir()
    manifest.unlink()
    return files
