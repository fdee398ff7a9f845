"""A module's signature appendix, and who signed it (what ``modinfo`` calls signer, sig_key).

``scripts/sign-file`` appends to the module: the signature, a ``struct module_signature``
(include/linux/module_signature.h: algo, hash, id_type, signer_len, key_id_len, 3 pad bytes,
then sig_len as a big-endian u32) and the magic ``~Module signature appended~\\n``.  Since
4.3 the signature is PKCS#7 (id_type 2) and signer_len is 0: the signer is the issuer and
serial number of the certificate, read from the PKCS#7 SignerInfo.  sign-file leaves the
certificate itself out (CMS_NOCERTS), so ``openssl pkcs7 -print_certs`` shows nothing and
the DER is read here, as kmod's modinfo reads it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAGIC = b"~Module signature appended~\n"
_INFO = struct.Struct(">BBBBB3xI")  # struct module_signature
PKEY_ID_PKCS7 = 2
_ID_TYPES = {0: "PGP", 1: "X509", PKEY_ID_PKCS7: "PKCS#7"}
_NAMES = {"2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O",
          "2.5.4.11": "OU", "1.2.840.113549.1.9.1": "emailAddress"}
_DIGESTS = {"1.3.14.3.2.26": "sha1", "2.16.840.1.101.3.4.2.1": "sha256",
            "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512",
            "2.16.840.1.101.3.4.2.4": "sha224", "2.16.840.1.101.3.4.2.8": "sha3-256",
            "2.16.840.1.101.3.4.2.9": "sha3-384", "2.16.840.1.101.3.4.2.10": "sha3-512",
            "1.2.156.10197.1.401": "sm3"}
# DER tags
_SEQUENCE, _SET, _OID, _INTEGER, _CONTEXT_0 = 0x30, 0x31, 0x06, 0x02, 0xA0


class SignatureError(ValueError):
    """A signature appendix that is not what sign-file writes."""


@dataclass(frozen=True)
class ModuleSignature:
    id_type: str  # modinfo's sig_id: PKCS#7
    signer: str  # modinfo's signer: the certificate issuer's CN
    issuer: str  # the whole issuer name: "O=..., CN=..."
    key_id: str  # modinfo's sig_key: the certificate's serial number (XX:XX:...)
    hash_algo: str  # modinfo's sig_hashalgo

    def describe(self) -> str:
        return f"signed by {self.signer or self.issuer or self.key_id} ({self.hash_algo})"


def split(data: bytes) -> tuple[bytes, bytes]:
    """The module without its signature appendix, and the appendix (empty: unsigned)."""
    if not data.endswith(MAGIC):
        return data, b""
    end = len(data) - len(MAGIC)
    if end < _INFO.size:
        raise SignatureError("the signature appendix is truncated")
    _algo, _hash, _id, signer_len, key_id_len, sig_len = _INFO.unpack_from(data, end - _INFO.size)
    start = end - _INFO.size - sig_len - signer_len - key_id_len
    if start < 0:
        raise SignatureError("the signature is longer than the module")
    return data[:start], data[start:]


def read_signature(data: bytes) -> ModuleSignature | None:
    """Who signed the module whose (decompressed) bytes are ``data``; None: unsigned."""
    _payload, appendix = split(data)
    if not appendix:
        return None
    end = len(appendix) - len(MAGIC) - _INFO.size
    _algo, hash_index, id_type, signer_len, key_id_len, sig_len = _INFO.unpack_from(appendix, end)
    if id_type != PKEY_ID_PKCS7:  # before 4.3: signer and key id precede the signature
        signer = appendix[:signer_len].decode(errors="replace")
        key_id = appendix[signer_len:signer_len + key_id_len].hex(":").upper()
        return ModuleSignature(_ID_TYPES.get(id_type, str(id_type)), signer, signer, key_id,
                               f"hash #{hash_index}")
    try:
        return _pkcs7_signer(appendix[end - sig_len:end])
    except (IndexError, ValueError) as error:
        raise SignatureError(f"unreadable PKCS#7 signature ({error})") from None


def _pkcs7_signer(der: bytes) -> ModuleSignature:
    """The first SignerInfo's issuer, serial and digest (RFC 2315 SignedData)."""
    (content_info,) = _children(der, 0, len(der), _SEQUENCE)
    _oid, explicit = _children(der, *content_info[1:], _OID, _CONTEXT_0)
    (signed_data,) = _children(der, *explicit[1:], _SEQUENCE)
    signer_infos = _children(der, *signed_data[1:])[-1]  # after the optional [0] certs, [1] crls
    if signer_infos[0] != _SET:
        raise SignatureError("no SignerInfos")
    first = _children(der, *signer_infos[1:], _SEQUENCE)[0]
    _version, sid, digest, *_rest = _children(der, *first[1:])
    digest_oid = _children(der, *digest[1:])[0]
    hash_algo = _DIGESTS.get(_oid_text(der, digest_oid), _oid_text(der, digest_oid))
    if sid[0] != _SEQUENCE:  # [0] subjectKeyIdentifier (sign-file -k): no issuer to name
        return ModuleSignature("PKCS#7", "", "", der[sid[1]:sid[2]].hex(":").upper(), hash_algo)
    name, serial = _children(der, *sid[1:], _SEQUENCE, _INTEGER)
    fields = _name_fields(der, name)
    common_name = next((value for key, value in fields if key == "CN"), "")
    serial_bytes = der[serial[1]:serial[2]].lstrip(b"\0") or b"\0"  # as kmod prints it
    return ModuleSignature("PKCS#7", common_name, ", ".join(f"{k}={v}" for k, v in fields),
                           serial_bytes.hex(":").upper(), hash_algo)


def _name_fields(der: bytes, name: tuple[int, int, int]) -> list[tuple[str, str]]:
    """An X.501 Name's attributes in order: [("O", "..."), ("CN", "...")]."""
    fields = []
    for rdn in _children(der, *name[1:]):
        for attribute in _children(der, *rdn[1:]):
            oid, value = _children(der, *attribute[1:])[:2]
            codec = "utf-16-be" if value[0] == 0x1E else "utf-8"  # BMPString, else 8-bit
            text = der[value[1]:value[2]].decode(codec, errors="replace")
            fields.append((_NAMES.get(_oid_text(der, oid), _oid_text(der, oid)), text))
    return fields


def _children(der: bytes, start: int, end: int, *tags: int) -> list[tuple[int, int, int]]:
    """The (tag, value start, value end) of each element in ``der[start:end]``; ``tags``,
    when given, are the tags the first elements must have."""
    found = []
    while start < end:
        tag, length = der[start], der[start + 1]
        start += 2
        if length & 0x80:  # long form; DER has no indefinite length
            count = length & 0x7F
            if not 0 < count <= 4:
                raise SignatureError(f"bad DER length at byte {start}")
            length = int.from_bytes(der[start:start + count], "big")
            start += count
        if start + length > end:
            raise SignatureError(f"DER element at byte {start} runs past its parent")
        found.append((tag, start, start + length))
        start += length
    for index, tag in enumerate(tags):
        if index >= len(found) or found[index][0] != tag:
            raise SignatureError(f"DER element {index} is not tag {tag:#x}")
    return found


def _oid_text(der: bytes, element: tuple[int, int, int]) -> str:
    body = der[element[1]:element[2]]
    if element[0] != _OID or not body:
        raise SignatureError("expected an OBJECT IDENTIFIER")
    parts = [min(body[0] // 40, 2), body[0] - 40 * min(body[0] // 40, 2)]
    value = 0
    for byte in body[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(map(str, parts))


def text(signature: object) -> str:
    """What a build.json ``check.signature`` entry says, for people: unsigned, or who signed."""
    if not isinstance(signature, dict):
        return "unsigned"
    who = signature.get("signer") or signature.get("issuer") or signature.get("key_id")
    return f"signed by {who} ({signature.get('hash_algo', '')})"
