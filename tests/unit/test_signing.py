"""The module signature appendix and the signing options, without a kernel.

A signature is made the way sign-file makes it (``openssl cms``: PKCS#7, no certificates,
no signed attributes) and appended with its ``struct module_signature`` and magic."""

from __future__ import annotations

import builtins
import struct
import subprocess
from pathlib import Path

import pytest

from buildsys.build import modsig
from buildsys.core.errors import UserError
from buildsys.deploy import signing
from buildsys.kernel.tree import load_kernel
from tests.signing_keys import make_key

PAYLOAD = b"\x7fELF" + bytes(range(256)) * 4  # what sign-file signs: the module's bytes
SIGNER = "netmap-build unit signer"


def appendix(signature: bytes) -> bytes:
    return signature + struct.pack(">BBBBB3xI", 0, 0, modsig.PKEY_ID_PKCS7, 0, 0,
                                   len(signature)) + modsig.MAGIC


def pkcs7(directory: Path, key: Path, cert: Path, digest: str = "sha256") -> bytes:
    (directory / "payload").write_bytes(PAYLOAD)
    result = subprocess.run(
        ["openssl", "cms", "-sign", "-binary", "-noattr", "-nocerts", "-nosmimecap",
         "-outform", "DER", "-md", digest, "-signer", str(cert), "-inkey", str(key),
         "-in", str(directory / "payload")], stdin=subprocess.DEVNULL, capture_output=True,
        check=True, timeout=60)
    return result.stdout


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> tuple[Path, Path]:
    return make_key(tmp_path_factory.mktemp("keys"), SIGNER)


def serial(cert: Path) -> str:
    out = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-serial"],
                         capture_output=True, text=True, check=True).stdout
    number = out.strip().split("=")[1].lstrip("0") or "0"
    number = number if len(number) % 2 == 0 else "0" + number
    return ":".join(number[i:i + 2] for i in range(0, len(number), 2)).upper()


def test_the_signer_is_read_from_the_pkcs7_issuer_and_serial(keys, tmp_path):
    key, cert = keys
    module = PAYLOAD + appendix(pkcs7(tmp_path, key, cert, "sha512"))
    signature = modsig.read_signature(module)
    assert signature is not None
    assert signature.signer == SIGNER and signature.id_type == "PKCS#7"
    assert signature.issuer == f"O=netmap-build tests, CN={SIGNER}"
    assert signature.hash_algo == "sha512" and signature.key_id == serial(cert)
    assert modsig.split(module) == (PAYLOAD, module[len(PAYLOAD):])
    assert signature.describe() == f"signed by {SIGNER} (sha512)"


def test_unsigned_and_broken_appendices():
    assert modsig.read_signature(PAYLOAD) is None and modsig.split(PAYLOAD) == (PAYLOAD, b"")
    assert modsig.text(None) == "unsigned"
    with pytest.raises(modsig.SignatureError):  # a signature longer than the module
        modsig.split(b"x" + appendix(b"\x30" * 100)[-40:])
    with pytest.raises(modsig.SignatureError, match="PKCS#7"):  # not DER
        modsig.read_signature(PAYLOAD + appendix(b"\x04\x05hello"))


def test_same_module_compares_the_code_and_the_signer(keys, tmp_path):
    key, cert = keys
    other_key, other_cert = make_key(tmp_path / "other", "another signer")
    signed = PAYLOAD + appendix(pkcs7(tmp_path, key, cert))
    files = {"a": signed, "b": signed, "plain": PAYLOAD,
             "other": PAYLOAD + appendix(pkcs7(tmp_path, other_key, other_cert))}
    for name, data in files.items():
        (tmp_path / f"{name}.ko").write_bytes(data)
    assert signing.same_module(tmp_path / "a.ko", tmp_path / "b.ko")
    assert not signing.same_module(tmp_path / "a.ko", tmp_path / "plain.ko")
    assert not signing.same_module(tmp_path / "a.ko", tmp_path / "other.ko")
    assert signing.describe(tmp_path / "other.ko") == "signed by another signer (sha256)"
    assert signing.describe(tmp_path / "plain.ko") == "unsigned"


def test_signing_options(keys, tmp_path):
    key, cert = keys
    no_mok = (tmp_path / "mok.key", tmp_path / "mok.pub")
    assert signing.signing_key(False, "", "", no_mok) is None
    given = signing.signing_key(False, str(key), str(cert), no_mok)  # a key implies --sign
    assert given == signing.SigningKey(str(key), str(cert), "--sign-key")
    both = tmp_path / "both.pem"  # the kernel's signing_key.pem: key and certificate
    both.write_bytes(key.read_bytes() + cert.read_bytes())
    combined = signing.signing_key(True, str(both), "", no_mok)
    assert combined and combined.cert == str(both)
    no_mok[0].write_bytes(key.read_bytes())
    no_mok[1].write_bytes(cert.read_bytes())
    mok = signing.signing_key(True, "", "", no_mok)
    assert mok and mok.origin == "DKMS's MOK" and mok.key == str(no_mok[0])


@pytest.mark.parametrize(("case", "message"), [
    ("cert alone", "without --sign-key"),
    ("missing key", "does not exist"),
    ("key without certificate", "holds no certificate"),
    ("a directory", "is not a file"),
    ("no mok", "DKMS has no MOK"),
    ("unreadable", "cannot read"),
])
def test_bad_signing_options_name_the_problem_and_the_fix(keys, tmp_path, monkeypatch, case,
                                                          message):
    key, cert = keys
    no_mok = (tmp_path / "mok.key", tmp_path / "mok.pub")
    args = {"cert alone": (False, "", str(cert)), "missing key": (False, "/nonexistent", ""),
            "key without certificate": (False, str(key), ""),
            "a directory": (False, str(tmp_path), str(cert)), "no mok": (True, "", ""),
            "unreadable": (False, str(key), str(cert))}[case]
    if case == "unreadable":  # root reads any file: make open() say what it says to others
        real_open = builtins.open

        def refuse(path, *rest, **options):
            if str(path) == str(key):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *rest, **options)

        monkeypatch.setattr(builtins, "open", refuse)
    with pytest.raises(UserError, match=message) as error:
        signing.signing_key(*args, no_mok)
    assert error.value.remedy and "\n" not in error.value.one_line()


def test_no_sign_file_is_a_user_error_and_the_hash_defaults_to_sha256():
    fake = load_kernel(Path(__file__).resolve().parents[1] / "fakelinux")  # no scripts/
    with pytest.raises(UserError, match="no scripts/sign-file") as error:
        signing.sign_file(fake)
    assert "linux-kbuild-6.99" in error.value.remedy
    assert signing.hash_algorithm(fake) == "sha256"
