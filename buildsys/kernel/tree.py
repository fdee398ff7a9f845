"""A kernel tree prepared for building external modules.

Everything configure needs to know of the target kernel: its release, its
version, its ``.config``, the compiler it was built with and a fingerprint
of the files whose change must invalidate cached probe results.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from buildsys.core import proc
from buildsys.core.errors import UserError
from buildsys.core.files import file_digest

HEADERS_PACKAGE_HINT = "install linux-headers-amd64 (or linux-headers-$(uname -r))"


@dataclass(frozen=True)
class KernelTree:
    path: Path
    release: str
    version: Version
    config: dict[str, str]
    compiler: str
    compiler_version_text: str

    def enabled(self, symbol: str) -> str | None:
        """``y``, ``m`` or None for a Kconfig symbol such as ``CONFIG_R8169``."""
        return self.config.get(symbol)

    @property
    def series(self) -> str:
        return version_series(self.version)


def version_code(version: Version) -> int:
    """``KERNEL_VERSION(major, minor, sublevel)``, as ``LINUX_VERSION_CODE`` holds it, the
    sublevel capped at 255 as kbuild caps it (4.9.256 would have run into the minor)."""
    major, minor, micro = (*version.release, 0, 0)[:3]
    return (((major << 8) + minor) << 8) + min(micro, 255)


def hex_version_code(version: Version) -> str:
    """Upstream's ``MMMmm`` spelling of the code (``60c03`` is 6.12.3), as its configure
    prints it ("%03x%02x") and its ``final-patches`` names carry it."""
    return f"{version_code(version):05x}"


def version_series(version: Version) -> str:
    """``X.Y``, the series: Debian names its ``linux-source-X.Y`` packages by it."""
    major, minor = (*version.release, 0)[:2]
    return f"{major}.{minor}"


def installed_header_trees() -> list[str]:
    return sorted(glob.glob("/lib/modules/*/build"))


def load_kernel(path: Path) -> KernelTree:
    """Read the kernel tree at ``path``, or explain why it is not one."""
    _check_is_tree(path)
    path = path.resolve()
    config = read_config(path / ".config")
    text = config.get("CONFIG_CC_VERSION_TEXT", "").strip('"')
    return KernelTree(
        path=path,
        release=read_release(path),
        version=read_version(path),
        config=config,
        compiler=_compiler_command(text, path),
        compiler_version_text=text,
    )


def _check_is_tree(path: Path) -> None:
    if not path.is_dir():
        trees = ", ".join(installed_header_trees()) or "none"
        release = path.parent.name if path.parent.parent == Path("/lib/modules") else ""
        package = f"install linux-headers-{release}" if release else HEADERS_PACKAGE_HINT
        raise UserError(
            f"kernel directory {path} does not exist (installed header trees: {trees})",
            f"{package}, or pass --kernel-dir=DIR",
        )
    if not (path / "Makefile").is_file():
        raise UserError(
            f"{path} has no Makefile, so it is not a kernel build tree",
            "pass --kernel-dir=/lib/modules/RELEASE/build or a prepared source tree",
        )
    missing = [
        name
        for name in (".config", "include/generated/utsrelease.h")
        if not (path / name).is_file()
    ]
    if missing:
        raise UserError(
            f"{path} is not configured for external modules ({', '.join(missing)} missing)",
            f"run 'make olddefconfig modules_prepare' in {path}",
        )


def read_config(config_file: Path) -> dict[str, str]:
    """The symbols a ``.config`` sets, with their values (``y``, ``m``, ``"text"``...)."""
    lines = config_lines(config_file.read_text(errors="replace"))
    return {symbol: line.partition("=")[2] for symbol, line in lines.items()
            if not line.startswith("#")}


def config_lines(text: str) -> dict[str, str]:
    """Each symbol of a ``.config`` and its line: ``CONFIG_X=value`` or, for a symbol
    left out, ``# CONFIG_X is not set``."""
    lines = {}
    for line in text.splitlines():
        match = re.match(r"(CONFIG_\w+)=|# (CONFIG_\w+) is not set$", line)
        if match:
            lines[match.group(1) or match.group(2)] = line
    return lines


def read_release(path: Path) -> str:
    text = (path / "include/generated/utsrelease.h").read_text()
    match = re.search(r'UTS_RELEASE\s+"([^"]+)"', text)
    if not match:
        raise UserError(f"{path}: no UTS_RELEASE in utsrelease.h", "rerun modules_prepare")
    return match.group(1)


def read_version(path: Path) -> Version:
    """VERSION.PATCHLEVEL.SUBLEVEL from the Makefile, following Debian's includes."""
    fields: dict[str, str] = {}
    for makefile in _makefile_chain(path / "Makefile"):
        for key in ("VERSION", "PATCHLEVEL", "SUBLEVEL"):
            match = re.search(rf"^{key}\s*=\s*(\d+)", makefile, re.MULTILINE)
            if match and key not in fields:
                fields[key] = match.group(1)
    if len(fields) < 3:
        raise UserError(f"{path}/Makefile does not give the kernel version", "pass a kernel tree")
    return Version(f"{fields['VERSION']}.{fields['PATCHLEVEL']}.{fields['SUBLEVEL']}")


def _makefile_chain(makefile: Path, depth: int = 0) -> list[str]:
    if depth > 3 or not makefile.is_file():
        return []
    text = makefile.read_text(errors="replace")
    chain = [text]
    for included in re.findall(r"^include\s+(/\S+/Makefile)\s*$", text, re.MULTILINE):
        chain += _makefile_chain(Path(included), depth + 1)
    return chain


def _compiler_command(version_text: str, path: Path) -> str:
    if not version_text:
        raise UserError(
            f"{path}/.config has no CONFIG_CC_VERSION_TEXT", "use a tree configured by kernel 5.8+"
        )
    compiler = version_text.split(maxsplit=1)[0]
    if shutil.which(compiler) is None:
        raise UserError(
            f"the kernel was built with {compiler} ({version_text}), which is not installed",
            f"install the package that provides {compiler} (e.g. apt-get install "
            f"{compiler.removeprefix('x86_64-linux-gnu-')})",
        )
    return compiler


def compiler_identity(command: str, log: Path, *, check: bool = False) -> tuple[str, str]:
    """The compiler that really runs: the binary ``command`` resolves to and what its
    ``--version`` says (``CONFIG_CC_VERSION_TEXT`` names the kernel's, which a PATH change
    can swap)."""
    found = shutil.which(command) or command
    # run by the name kbuild calls it by: gcc prints that name in its --version
    return os.path.realpath(found), proc.run([found, "--version"], log, check=check).output


def fingerprint(kernel: KernelTree) -> dict[str, str]:
    """What identifies this kernel's answers: release, config, symbols, headers, compiler."""
    generated = sorted((kernel.path / "include/generated").rglob("*.h"))
    headers = hashlib.sha256()
    for header in generated:
        headers.update(str(header.relative_to(kernel.path)).encode())
        headers.update(file_digest(header).encode())
    return {
        "release": kernel.release,
        "config": file_digest(kernel.path / ".config"),
        "symvers": file_digest(kernel.path / "Module.symvers"),
        "generated_headers": headers.hexdigest(),
        "compiler": kernel.compiler_version_text,
    }
