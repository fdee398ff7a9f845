"""Check a built ``.ko`` before it counts as built (pyelftools).

Its vermagic must be the target kernel's, it must carry a license, and every
symbol it imports must be exported by the kernel (``Module.symvers``) or by a
module we built.  It also says whether the module is signed, and by whom
(``modsig``): a signature is no condition, but one that cannot be read is a problem.
"""

from __future__ import annotations

import gzip
import io
import lzma
from dataclasses import dataclass, field
from pathlib import Path

from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from buildsys.build.modsig import MAGIC, ModuleSignature, SignatureError, read_signature
from buildsys.core.errors import UserError
from buildsys.kernel.kbuild import symvers_exports
from buildsys.kernel.tree import KernelTree


@dataclass
class ModuleCheck:
    module: str
    vermagic: str
    license: str
    missing_symbols: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    signed: bool = False
    signature: ModuleSignature | None = None  # who signed it, when it is signed

    @property
    def ok(self) -> bool:
        return not self.problems


def expected_vermagic(kernel: KernelTree) -> str:
    """What include/linux/vermagic.h builds from the release and .config (x86_64)."""
    parts = [kernel.release + " "]
    if kernel.enabled("CONFIG_SMP"):
        parts.append("SMP ")
    if kernel.enabled("CONFIG_PREEMPT_BUILD") or kernel.enabled("CONFIG_PREEMPT"):
        parts.append("preempt ")
    elif kernel.enabled("CONFIG_PREEMPT_RT"):
        parts.append("preempt_rt ")
    if kernel.enabled("CONFIG_MODULE_UNLOAD"):
        parts.append("mod_unload ")
    if kernel.enabled("CONFIG_MODVERSIONS"):
        parts.append("modversions ")
    return "".join(parts)


def read_elf(path: Path) -> ELFFile:
    return ELFFile(io.BytesIO(module_bytes(path)))


def module_bytes(path: Path) -> bytes:
    """An ELF file's bytes, modules decompressed the way Debian ships them."""
    if path.name.endswith(".xz"):
        return lzma.decompress(path.read_bytes())
    if path.name.endswith(".gz"):
        return gzip.decompress(path.read_bytes())
    if path.name.endswith(".zst"):
        raise UserError(f"cannot read module {path} (compression not supported)",
                        "rebuild the kernel's modules with xz or gzip compression")
    return path.read_bytes()


def module_depends(module: Path) -> list[str]:
    """The modules ``module`` needs loaded first (its ``.modinfo`` ``depends=``)."""
    value = modinfo(read_elf(module)).get("depends", "")
    return [name for name in value.split(",") if name]


def modinfo(elf: ELFFile) -> dict[str, str]:
    section = elf.get_section_by_name(".modinfo")
    info: dict[str, str] = {}
    if section is None:
        return info
    for entry in section.data().split(b"\0"):
        key, _, value = entry.decode(errors="replace").partition("=")
        if key and key not in info:
            info[key] = value
    return info


def undefined_symbols(elf: ELFFile) -> set[str]:
    symtab = elf.get_section_by_name(".symtab")
    if not isinstance(symtab, SymbolTableSection):
        return set()
    return {
        symbol.name
        for symbol in symtab.iter_symbols()
        if symbol.name and symbol["st_shndx"] == "SHN_UNDEF"
    }


def check_module(path: Path, kernel: KernelTree, extra_exports: set[str]) -> ModuleCheck:
    data = module_bytes(path)
    elf = ELFFile(io.BytesIO(data))
    info = modinfo(elf)
    check = ModuleCheck(path.name, info.get("vermagic", ""), info.get("license", ""))
    check.signed = data.endswith(MAGIC)
    try:
        check.signature = read_signature(data)
    except SignatureError as error:
        check.problems.append(f"module signature: {error}")
    wanted = expected_vermagic(kernel)
    if check.vermagic != wanted:
        check.problems.append(f"vermagic {check.vermagic!r} is not the kernel's {wanted!r}")
    if not check.license:
        check.problems.append("no MODULE_LICENSE")
    exported = symvers_exports(kernel.path / "Module.symvers") | extra_exports
    check.missing_symbols = sorted(undefined_symbols(elf) - exported)
    if check.missing_symbols:
        check.problems.append("unresolved symbols: " + " ".join(check.missing_symbols))
    return check
