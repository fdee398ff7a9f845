"""``doit install --sign``: each module installed signed with the kernel's own sign-file.

The key and certificate are the user's (``--sign-key``, ``--sign-cert``), else DKMS's MOK
(``/var/lib/dkms/mok.key`` and ``mok.pub``) when it exists, so that our modules and DKMS's
carry the same signer; the hash is the kernel's ``CONFIG_MODULE_SIG_HASH``.  Copies are
signed in ``<build-dir>/signed/`` (staged: whole or not at all) before anything is
installed, so a key sign-file refuses leaves nothing installed half-signed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from buildsys.build import modsig
from buildsys.build.elfcheck import module_bytes
from buildsys.core import proc
from buildsys.core.errors import ToolError, UserError
from buildsys.core.locking import staged_dir
from buildsys.kernel.tree import KernelTree

if TYPE_CHECKING:
    from buildsys.deploy.install import Item

DKMS_MOK = (Path("/var/lib/dkms/mok.key"), Path("/var/lib/dkms/mok.pub"))
DEFAULT_HASH = "sha256"  # when the .config names none (a kernel without module signing)
SIGNED = "signed"  # <build-dir>/signed/: the signed copies install copies from


@dataclass(frozen=True)
class SigningKey:
    key: str  # a PEM private key, or a "pkcs11:" URI (sign-file takes both)
    cert: str  # its X.509 certificate, PEM or DER
    origin: str  # for the output: "--sign-key" or "DKMS's MOK"


def signing_key(sign: bool, key: str, cert: str,
                mok: tuple[Path, Path] = DKMS_MOK) -> SigningKey | None:
    """What ``--sign``, ``--sign-key`` and ``--sign-cert`` ask for (None: no signing).

    A key alone implies ``--sign``; its file must then hold the certificate too (as the
    kernel's own ``signing_key.pem`` does)."""
    if cert and not key:
        raise UserError(f"--sign-cert={cert} without --sign-key",
                        "pass the certificate's private key too: --sign-key=KEY")
    if key:
        _readable(key, f"--sign-key={key}", "pass the module signing key (PEM)")
        if not cert and not _holds_certificate(key):
            raise UserError(f"--sign-key={key} holds no certificate",
                            "pass the key's X.509 certificate: --sign-cert=CERT")
        _readable(cert or key, f"--sign-cert={cert or key}",
                  "pass the key's X.509 certificate (PEM or DER)")
        return SigningKey(key, cert or key, "--sign-key")
    if not sign:
        return None
    mok_key, mok_cert = mok
    if not (mok_key.exists() and mok_cert.exists()):
        raise UserError(f"--sign without a key, and DKMS has no MOK ({mok_key}, {mok_cert})",
                        "pass --sign-key=KEY --sign-cert=CERT")
    for path in mok:
        _readable(str(path), f"DKMS's MOK {path}", "pass --sign-key=KEY --sign-cert=CERT")
    return SigningKey(str(mok_key), str(mok_cert), "DKMS's MOK")


def _readable(path: str, label: str, remedy: str) -> None:
    if path.startswith("pkcs11:"):
        return  # a token: sign-file (OpenSSL's engine) reads it
    if not Path(path).is_file():
        raise UserError(f"{label} {'is not a file' if Path(path).exists() else 'does not exist'}",
                        remedy)
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as error:
        raise UserError(f"cannot read {label} ({error.strerror})",
                        "run with sudo, or pass a key you can read") from None


def _holds_certificate(path: str) -> bool:
    try:
        return b"-----BEGIN CERTIFICATE-----" in Path(path).read_bytes()
    except OSError:
        return False


def sign_file(kernel: KernelTree) -> Path:
    """The kernel's ``scripts/sign-file``: in its tree (Debian's headers link ``scripts``
    to linux-kbuild-X.Y), else in Debian's ``/usr/lib/linux-kbuild-*`` of the series or
    release, as dkms looks for it."""
    flavourless = kernel.release.rsplit("-", 1)[0]  # 6.12.117+deb12-amd64: 6.12.117+deb12
    candidates = [kernel.path / "scripts/sign-file"] + [
        Path(f"/usr/lib/linux-kbuild-{name}/scripts/sign-file")
        for name in (kernel.series, flavourless)]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise UserError(f"no scripts/sign-file for {kernel.release} in {kernel.path} or "
                    f"/usr/lib/linux-kbuild-{kernel.series}",
                    f"install linux-kbuild-{kernel.series}, or run 'make scripts' in the tree")


def hash_algorithm(kernel: KernelTree) -> str:
    return kernel.config.get("CONFIG_MODULE_SIG_HASH", "").strip('"') or DEFAULT_HASH


def sign_items(items: list[Item], key: SigningKey, kernel: KernelTree,
               build_dir: Path) -> list[Item]:
    """``items`` with each module's source replaced by its signed copy."""
    tool, algorithm = sign_file(kernel), hash_algorithm(kernel)
    log = proc.fresh_log(build_dir / "logs" / "sign-file.log")
    signed: list[Item] = []
    with staged_dir(build_dir / SIGNED) as staging:
        for item in items:
            if not item.destination.endswith(".ko"):
                signed.append(item)
                continue
            copy = staging / Path(item.destination).name
            # unsigned first: sign-file would append a second signature to a signed module
            copy.write_bytes(modsig.split(Path(item.source).read_bytes())[0])
            _sign(tool, algorithm, key, copy, log)
            signed.append(replace(item, source=str(build_dir / SIGNED / copy.name)))
    return signed


def _sign(tool: Path, algorithm: str, key: SigningKey, module: Path, log: Path) -> None:
    result = proc.run([str(tool), algorithm, key.key, key.cert, str(module)], log, check=False)
    if result.returncode != 0:
        raise UserError(f"sign-file refused {key.key} and {key.cert} ({_reason(result.output)})",
                        "pass a private key and its own certificate (--sign-key, --sign-cert)")
    if modsig.read_signature(module.read_bytes()) is None:
        raise ToolError(f"{tool} left {module.name} unsigned", f"see {log}")


def _reason(output: str) -> str:
    """sign-file's own words: "sign-file: CMS_add1_signer: private key does not match
    certificate" out of OpenSSL's error stack (``- SSL error:...:CMS routines::text: file``)."""
    said = [line.strip() for line in output.splitlines() if line.strip()]
    openssl = [match.group(1) for line in said
               if (match := re.search(r"SSL error:\w+:[^:]*::([^:]+)", line))]
    own = [line for line in said if line.startswith("sign-file:")]
    return ": ".join((own or said or ["no output"])[-1:] + openssl[-1:])


def same_module(source: Path, destination: Path) -> bool:
    """The same module, signed by the same key (or both unsigned): a signature need not
    be the same bytes twice (ECDSA's are not), so the bytes signed and the signer count."""
    try:
        new, old = module_bytes(source), module_bytes(destination)
        return (modsig.split(new)[0] == modsig.split(old)[0]
                and modsig.read_signature(new) == modsig.read_signature(old))
    except (OSError, modsig.SignatureError):
        return False


def describe(module: Path) -> str:
    """"signed by CN (sha256)" or "unsigned", for the install output."""
    try:
        signature = modsig.read_signature(module_bytes(module))
    except modsig.SignatureError as error:
        return str(error)
    return signature.describe() if signature else "unsigned"
