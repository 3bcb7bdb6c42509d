"""The signed statement a paper carries: a compact JWS (ES256) over a DEFLATEd JSON payload, and the
numeric text its QR code holds.

Header `{"alg":"ES256","kid":<thumbprint>,"typ":"sskdt-paper+jws","zip":"DEF"}`; the payload is the
UTF-8 JSON (no spaces, keys sorted) of the statement, raw DEFLATE (RFC 1951, as SMART Health Cards do),
then base64url without padding. In the QR: `SSKDT1:` and each character of the JWS as two digits,
its code point minus 45 (`-` is 00, `z` is 77), so the symbol uses the QR code's numeric mode.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from .keys import ALGORITHM, SigningKey

TYPE = "sskdt-paper+jws"
QR_PREFIX = "SSKDT1:"
KINDS = ("discharge", "referral", "re-exam", "vaccinations")
MAX_JWS = 16 * 1024  # a paper's is under 2 KB
MAX_PAYLOAD = 64 * 1024  # inflated
_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
_QR_DIGITS = re.compile(r"^(?:[0-7][0-9])+$")


@dataclass(frozen=True)
class Statement:
    """What a paper proves. `items` by kind: discharge {dx, in, out, no?, leave?}; referral {no, to, toName, dx};
    re-exam {no, at, dx}; vaccinations {v: [[vaccine code, dose, date], ...]}."""

    issuer: str
    kind: str
    name: str
    birth_year: int
    date: date
    items: dict[str, Any]
    content_hash: str  # base64url SHA-256 of the paper's normalised text
    issued_at: int  # seconds since the epoch
    facility_code: str | None = None
    facility_name: str | None = None
    key_id: str = field(default="", compare=False)

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "iss": self.issuer, "doc": self.kind, "name": self.name, "by": self.birth_year,
            "date": self.date.isoformat(), "items": self.items, "hash": self.content_hash, "iat": self.issued_at,
        }
        if self.facility_code:
            payload["fac"] = {"code": self.facility_code, "name": self.facility_name or ""}
        return payload

    @classmethod
    def from_payload(cls, payload: Any, key_id: str) -> Statement:
        """Raises ValueError (or TypeError, KeyError) on anything that is not a statement of ours."""
        if not isinstance(payload, dict):
            raise ValueError("payload is not an object")
        facility = payload.get("fac") or {}
        items = payload["items"]
        strings = (payload["iss"], payload["doc"], payload["name"], payload["hash"])
        if (not all(isinstance(value, str) for value in strings) or payload["doc"] not in KINDS
                or not isinstance(items, dict) or not isinstance(facility, dict)
                or type(payload["by"]) is not int or type(payload["iat"]) is not int):
            raise ValueError("payload has the wrong shape")
        return cls(issuer=payload["iss"], kind=payload["doc"], name=payload["name"], birth_year=payload["by"],
                   date=date.fromisoformat(payload["date"]), items=items, content_hash=payload["hash"],
                   issued_at=payload["iat"], facility_code=_text_or_none(facility.get("code")),
                   facility_name=_text_or_none(facility.get("name")), key_id=key_id)


def _text_or_none(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    raise ValueError("not a text")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(statement: Statement, key: SigningKey) -> str:
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": TYPE, "zip": "DEF"}
    body = json.dumps(statement.payload(), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    signing_input = f"{b64url(_compact(header))}.{b64url(deflater.compress(body) + deflater.flush())}"
    # deterministic (RFC 6979): the same paper gives the same bytes, QR included
    der = key.private_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    r, s = decode_dss_signature(der)
    return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def _compact(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Parsed:
    header: dict[str, Any]
    payload: Any  # the inflated JSON
    signing_input: bytes
    signature: bytes


def parse(jws: str) -> Parsed:
    """Splits and decodes, checking nothing but the form; ValueError on anything malformed."""
    if len(jws) > MAX_JWS or not _JWS.match(jws):
        raise ValueError("not a compact JWS")
    header_part, payload_part, signature_part = jws.split(".")
    header = json.loads(b64url_decode(header_part))
    if not isinstance(header, dict):
        raise ValueError("header is not an object")
    raw = b64url_decode(payload_part)
    if header.get("zip") == "DEF":
        inflater = zlib.decompressobj(-15)
        raw = inflater.decompress(raw, MAX_PAYLOAD)
        if inflater.unconsumed_tail or not inflater.eof:
            raise ValueError("payload too large or truncated")
    return Parsed(header, json.loads(raw), f"{header_part}.{payload_part}".encode(), b64url_decode(signature_part))


def signature_holds(parsed: Parsed, key: ec.EllipticCurvePublicKey) -> bool:
    if len(parsed.signature) != 64:
        return False
    r, s = int.from_bytes(parsed.signature[:32], "big"), int.from_bytes(parsed.signature[32:], "big")
    try:
        key.verify(encode_dss_signature(r, s), parsed.signing_input, ec.ECDSA(hashes.SHA256()))
    except Exception:  # noqa: BLE001 - InvalidSignature, or r/s out of range
        return False
    return True


def qr_text(jws: str) -> str:
    return QR_PREFIX + "".join(f"{ord(char) - 45:02d}" for char in jws)


def jws_from_text(text: str) -> str:
    """The JWS from what a person pasted: the QR's numeric text, or the JWS itself."""
    text = "".join(text.split())
    if text.upper().startswith(QR_PREFIX):
        digits = text[len(QR_PREFIX):]
        if len(digits) > 2 * MAX_JWS or not _QR_DIGITS.match(digits):
            raise ValueError("not the digits of a paper's code")
        return "".join(chr(int(digits[i:i + 2]) + 45) for i in range(0, len(digits), 2))
    return text
