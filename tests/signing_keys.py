"""Module signing keys for the tests, made with openssl as the kernel makes its own.

The request is the kernel's ``certs/default_x509.genkey`` (a self-signed certificate for
digital signatures, with subject and authority key ids), plus the ``codeSigning`` extended
key usage that shim's MOK tooling gives module signing keys; RSA 2048 to keep it quick.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

GENKEY = """\
[ req ]
default_bits = 2048
distinguished_name = req_distinguished_name
prompt = no
string_mask = utf8only
x509_extensions = myexts

[ req_distinguished_name ]
O = netmap-build tests
CN = {common_name}

[ myexts ]
basicConstraints=critical,CA:FALSE
keyUsage=digitalSignature
extendedKeyUsage=codeSigning
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
"""


def make_key(directory: Path, common_name: str, *, der: bool = False) -> tuple[Path, Path]:
    """A private key (PEM) and its self-signed certificate (PEM, or DER like DKMS's
    ``mok.pub``) in ``directory``, named after ``common_name``."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    directory.mkdir(parents=True, exist_ok=True)
    stem = common_name.lower().replace(" ", "-")
    config, key = directory / f"{stem}.genkey", directory / f"{stem}.key"
    cert = directory / f"{stem}.{'der' if der else 'pem'}"
    config.write_text(GENKEY.format(common_name=common_name))
    subprocess.run(["openssl", "req", "-new", "-nodes", "-utf8", "-sha256", "-days", "2",
                    "-batch", "-x509", "-config", str(config), "-outform",
                    "DER" if der else "PEM", "-out", str(cert), "-keyout", str(key)],
                   stdin=subprocess.DEVNULL, capture_output=True, check=True, timeout=120)
    return key, cert
