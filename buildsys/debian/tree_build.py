"""The steps that make one kernel-tree cache entry (see kernel_tree.py).

Download, unpack (``dpkg-deb -x``, nothing installed), extract linux-source,
Debian's ``.config`` with the release pinned to Debian's, ``olddefconfig``
(whose changes the host compiler forces and are recorded),
``modules_prepare``, Debian's ``Module.symvers``; vmlinuz and the modules
with their ``modules.dep``.  All in a staging dir renamed into place at the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from buildsys.core.errors import ToolError, UserError
from buildsys.core.locking import staged_dir
from buildsys.core.proc import Result, run
from buildsys.debian.kernel_packages import KernelPackages
from buildsys.debian.private_apt import PrivateApt
from buildsys.kernel import kbuild
from buildsys.kernel.tree import compiler_identity, config_lines, read_release

HOST_CC = "gcc"  # kbuild's default CC: the compiler the tree and the modules are built with
# LOCALVERSION set (even empty) keeps setlocalversion from appending "+" in a git checkout
MAKE_ENV = {"LOCALVERSION": ""}
# Debian's Rust options need Debian's rustc and bindgen: netmap has no Rust, and a tree
# that depends on whichever rustc is on the PATH would differ from host to host
MAKE_VARIABLES = ["RUSTC=false"]


@dataclass(frozen=True)
class HostCompiler:
    path: str
    version_text: str  # its first --version line, as CONFIG_CC_VERSION_TEXT has it
    key: str  # names the cache entry: another gcc, another tree


def host_compiler(log_dir: Path) -> HostCompiler:
    path = shutil.which(HOST_CC)
    if path is None:
        raise UserError(f"no {HOST_CC} to prepare the kernel tree with", "apt-get install gcc")
    binary, output = compiler_identity(path, log_dir / "compiler.log", check=True)
    key = hashlib.sha256(f"{binary}\n{output}".encode()).hexdigest()[:12]
    return HostCompiler(path, output.splitlines()[0].strip(), key)


@dataclass
class Job:
    staging: Path
    entry: Path  # where the staging dir will be renamed to
    logs: Path
    packages: KernelPackages
    say: Callable[[str], object]
    seconds: dict[str, float] = field(default_factory=dict)
    config_changes: list[dict[str, str | None]] = field(default_factory=list)
    abi_name: bool = False  # 6.x: a release (6.1.0-50-amd64) that is no suffix of 6.1.176

    @property
    def build(self) -> Path:
        return self.staging / "build"

    def unpacked(self, part: str) -> Path:
        return self.staging / "unpacked" / part

    @contextlib.contextmanager
    def timed(self, step: str, message: str) -> Iterator[None]:
        self.say(message)
        start = time.monotonic()
        yield
        self.seconds[step] = round(time.monotonic() - start, 1)


def build_entry(entry: Path, apt: PrivateApt, packages: KernelPackages, compiler: HostCompiler,
                origin: dict[str, str], *, say: Callable[[str], object]) -> None:
    """Make ``entry`` whole or not at all (a failed or cut-off run leaves no entry)."""
    with staged_dir(entry) as staging:
        job = Job(staging, entry, entry.parent / "logs" / entry.name, packages, say)
        download_and_unpack(job, apt)
        tarball = unpack_source(job)
        configure_tree(job)
        modules_prepare(job)
        boot_files(job)
        for scratch in ("unpacked", "debs"):
            shutil.rmtree(staging / scratch)
        metadata = describe(job, compiler, origin, tarball.name)
        (staging / "tree.json").write_text(json.dumps(metadata, indent=2) + "\n")


def download_and_unpack(job: Job, apt: PrivateApt) -> None:
    packages = job.packages
    names = ", ".join(spec.split("=")[0] for spec in packages.specs())
    with job.timed("download", f"downloading {names} ({packages.version})"):
        debs = apt.download(packages.specs(), job.staging / "debs")
    with job.timed("unpack", "unpacking them (dpkg-deb -x, nothing is installed)"):
        parts = {packages.headers: "headers", packages.source: "source"}
        for deb in debs:
            name = deb.name.split("_", 1)[0]
            part = job.unpacked(parts.get(name, "boot"))
            part.mkdir(parents=True, exist_ok=True)  # dpkg-deb makes no parents
            run(["dpkg-deb", "-x", str(deb), str(part)], job.logs / f"unpack-{name}.log")
            deb.unlink()  # ~300 MB of .deb files: not kept


def unpack_source(job: Job) -> Path:
    found = sorted(job.unpacked("source").glob("usr/src/linux-source-*.tar.*"))
    if len(found) != 1:
        raise ToolError(f"{job.packages.source} holds no single source tarball ({found})",
                        "report this: Debian changed the package's layout")
    tarball = found[0].rename(job.staging / found[0].name)  # kept for --kernel-sources=TARBALL
    job.build.mkdir()
    with job.timed("extract", f"extracting {tarball.name}"):
        run(["tar", "-xf", str(tarball), "-C", str(job.build), "--strip-components=1",
             "--no-same-owner"], job.logs / "extract.log")
    return tarball


def configure_tree(job: Job) -> None:
    release = job.packages.release
    debian_config = debian_headers(job, ".config").read_text()
    (job.build / ".config").write_text(debian_config)
    version = make(job, "kernelversion").output.strip()
    series = ".".join(version.split(".")[:2])
    if not release.startswith(series + "."):
        raise ToolError(f"Debian's release {release} is not of the sources' series {series}",
                        "report this: the packages do not match")
    # 7.x: Debian's release is the version plus a local version (+deb13-amd64), which a
    # localversion file says without touching Debian's .config; 6.x: an ABI name
    # (6.1.0-50-amd64), written in after modules_prepare (name_release)
    job.abi_name = not release.startswith(version)
    if not job.abi_name:
        (job.build / "localversion-debian").write_text(release.removeprefix(version) + "\n")
    with job.timed("olddefconfig", "make olddefconfig (the host compiler's options)"):
        make(job, "olddefconfig")
    job.config_changes = config_changes(debian_config, (job.build / ".config").read_text())
    if not job.abi_name:
        check_release(make(job, "kernelrelease").output, release, job.build)


def modules_prepare(job: Job) -> None:
    with job.timed("modules_prepare", "make modules_prepare (15-40 s)"):
        make(job, f"-j{kbuild.jobs()}", "modules_prepare")
    if job.abi_name:
        name_release(job.build, job.packages.release)
    check_release(read_release(job.build), job.packages.release, job.build)
    # the symbols of Debian's kernel: modpost checks the modules' imports against them
    shutil.copy2(debian_headers(job, "Module.symvers"), job.build / "Module.symvers")


def name_release(tree: Path, release: str) -> None:
    """Give a prepared tree Debian's ABI name where Debian's own 6.x header trees hold it:
    in utsrelease.h (the modules' vermagic), kernel.release keeping the version."""
    (tree / "include/generated/utsrelease.h").write_text(f'#define UTS_RELEASE "{release}"\n')


def debian_headers(job: Job, name: str) -> Path:
    """A file of Debian's own header package (its tools are not usable here, its data is)."""
    release = job.packages.release
    return _one_of(job.unpacked("headers"), [f"usr/src/linux-headers-{release}/{name}"])


def make(job: Job, *targets: str) -> Result:
    """make in the tree; ``-s`` for the targets whose output is an answer."""
    quiet = ["-s"] if targets[-1] in ("kernelversion", "kernelrelease") else []
    return run(["make", *quiet, *MAKE_VARIABLES, *targets], job.logs / f"make-{targets[-1]}.log",
               cwd=job.build, env=MAKE_ENV)


def boot_files(job: Job) -> None:
    """Debian's vmlinuz beside the tree, its modules in ``modules/lib/modules/<release>``
    with the ``modules.dep`` depmod writes (the VM test reads it)."""
    release, boot = job.packages.release, job.unpacked("boot")
    modules = _one_of(boot, [f"usr/lib/modules/{release}", f"lib/modules/{release}"])
    # 7.x: in the modules dir; before: /boot/vmlinuz-<release>
    image = _one_of(boot, [f"usr/lib/modules/{release}/vmlinuz", f"boot/vmlinuz-{release}"])
    image.rename(job.staging / f"vmlinuz-{release}")
    target = job.staging / "modules/lib/modules" / release
    target.parent.mkdir(parents=True)
    modules.rename(target)
    with job.timed("depmod", f"depmod for {release}"):
        run([_depmod(), "-b", str(job.staging / "modules"), release], job.logs / "depmod.log")
    if not (target / "modules.dep").is_file():
        raise ToolError(f"depmod wrote no modules.dep in {target}", f"see {job.logs}/depmod.log")


def _one_of(root: Path, candidates: list[str]) -> Path:
    for candidate in candidates:
        if (root / candidate).exists():
            return root / candidate
    raise ToolError(f"none of {', '.join(candidates)} in the kernel's packages",
                    "report this: Debian changed the packages' layout")


def _depmod() -> str:
    found = shutil.which("depmod") or shutil.which("depmod", path="/usr/sbin:/sbin")
    if found is None:
        raise UserError("no depmod to index the kernel's modules", "apt-get install kmod")
    return found


def describe(job: Job, compiler: HostCompiler, origin: dict[str, str],
             tarball: str) -> dict[str, object]:
    """tree.json: where the tree comes from, what it holds, what the host compiler changed."""
    packages, entry, release = job.packages, job.entry, job.packages.release
    return {
        "release": release, "series": packages.series, "version": packages.version, **origin,
        "packages": {spec.split("=")[0]: packages.version for spec in packages.specs()},
        "compiler": {"path": compiler.path, "version_text": compiler.version_text,
                     "key": compiler.key},
        "config_changes": job.config_changes,
        "paths": {"kernel_dir": str(entry / "build"), "kernel_sources": str(entry / "build"),
                  "sources_tarball": str(entry / tarball),
                  "kernel_image": str(entry / f"vmlinuz-{release}"),
                  "modules_dir": str(entry / "modules/lib/modules" / release),
                  "logs": str(job.logs)},
        "seconds": job.seconds,
        "prepared": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def check_release(reported: str, expected: str, tree: Path) -> None:
    """The prepared tree must call itself what Debian's kernel calls itself, or
    modules built there will not load (vermagic) and land in the wrong /lib/modules."""
    if reported.strip() != expected:
        raise ToolError(f"{tree} says its release is {reported.strip()!r}, Debian's kernel "
                        f"is {expected!r}", "report this: Debian changed how it names releases")


def config_changes(before: str, after: str) -> list[dict[str, str | None]]:
    """The ``.config`` lines ``make olddefconfig`` changed: symbol, line before, line after."""
    old, new = config_lines(before), config_lines(after)
    return [{"symbol": symbol, "before": old.get(symbol), "after": new.get(symbol)}
            for symbol in sorted(old.keys() | new.keys()) if old.get(symbol) != new.get(symbol)]
