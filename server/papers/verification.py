"""Checking a paper: its PDF file, or the text of its QR code, against a key set. Never raises."""

from __future__ import annotations

import io
from dataclasses import dataclass
from enum import StrEnum

from .content import METADATA_KEY, normalised, pdf_text, reader, text_hash
from .keys import ALGORITHM, KeySet
from .statement import TYPE, Statement, jws_from_text, parse, signature_holds

MAX_INPUT = 5 * 1024 * 1024
MAX_PICTURES = 4  # on each of the first two pages: a paper's QR is among its first pictures
MAX_PICTURE_PIXELS = 40_000_000  # an A4 page scanned at 600 dpi is 35 million: anything larger is a bomb


class Refusal(StrEnum):
    MALFORMED = "malformed"  # not a code or PDF anyone could read
    NOT_OURS = "not_ours"  # readable, but not a paper of the health book (or of the issuer asked for)
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    ALTERED = "altered"  # the signature holds, the PDF's text is not the text signed


@dataclass(frozen=True)
class Verdict:
    statement: Statement | None  # what it proves; also given with ALTERED, to say what the paper first said
    refusal: Refusal | None = None
    text_checked: bool = False  # a PDF whose words were compared with the signed hash

    @property
    def valid(self) -> bool:
        return self.refusal is None and self.statement is not None


def verify(paper: bytes | str, keys: KeySet, *, issuer: str | None = None) -> Verdict:
    """`paper`: a PDF's bytes, or the QR's text (`SSKDT1:…`) or the JWS itself. `issuer`: the public URL
    the paper must come from, if the caller knows which."""
    try:
        return _verify(paper, keys, issuer)
    except Exception:  # noqa: BLE001 - hostile input of any kind is a refusal, never an error
        return Verdict(None, Refusal.MALFORMED)


def _verify(paper: bytes | str, keys: KeySet, issuer: str | None) -> Verdict:
    if len(paper) > MAX_INPUT:
        return Verdict(None, Refusal.MALFORMED)
    document = None
    if isinstance(paper, bytes):
        if paper.lstrip()[:5] != b"%PDF-":
            return _verify(paper.decode("utf-8", errors="strict"), keys, issuer)
        document = reader(paper)
        jws = _statement_of(document)
        if jws is None:
            return Verdict(None, Refusal.NOT_OURS)
    else:
        jws = jws_from_text(paper)
    try:
        parsed = parse(jws)
    except Exception:  # noqa: BLE001
        return Verdict(None, Refusal.MALFORMED)
    header = parsed.header
    if header.get("typ") != TYPE:
        return Verdict(None, Refusal.NOT_OURS)
    if header.get("alg") != ALGORITHM or set(header) - {"alg", "kid", "typ", "zip"}:
        return Verdict(None, Refusal.BAD_SIGNATURE)  # "none", HS256 and the like never reach a key
    kid = header.get("kid")
    key = keys.keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        return Verdict(None, Refusal.UNKNOWN_KEY)
    if not signature_holds(parsed, key):
        return Verdict(None, Refusal.BAD_SIGNATURE)
    try:
        statement = Statement.from_payload(parsed.payload, header["kid"])
    except Exception:  # noqa: BLE001 - signed by us, yet not a statement: refuse all the same
        return Verdict(None, Refusal.MALFORMED)
    if issuer is not None and statement.issuer.rstrip("/") != issuer.rstrip("/"):
        return Verdict(statement, Refusal.NOT_OURS)
    if document is None:
        return Verdict(statement, None)
    # The text is read only now, under a signature that holds: a hostile file costs its extraction only
    # when it carries one of our statements. A scanned paper has no text at all: its code alone is checked.
    text = pdf_text(document)
    if not normalised(text):
        return Verdict(statement, None)
    if text_hash(text) != statement.content_hash:
        return Verdict(statement, Refusal.ALTERED, text_checked=True)
    return Verdict(statement, None, text_checked=True)


def _statement_of(document) -> str | None:
    """The statement in the PDF's metadata, else the one in a QR code on its pages."""
    metadata = document.metadata or {}
    value = metadata.get(METADATA_KEY)
    if isinstance(value, str) and value.count(".") == 2:
        return value.strip()
    return _statement_in_pictures(document)


def _statement_in_pictures(document) -> str | None:
    import zxingcpp  # only for a PDF whose metadata was stripped (printed and scanned, or re-saved)
    from PIL import Image

    for page in list(document.pages)[:2]:
        for name in _small_pictures(page)[:MAX_PICTURES]:
            with Image.open(io.BytesIO(page.images[name].data)) as image:  # decoded only now, one by one
                image.thumbnail((2000, 2000))
                for found in zxingcpp.read_barcodes(image):
                    if found.text.startswith("SSKDT1:"):
                        return jws_from_text(found.text)
    return None


def _small_pictures(page) -> list[str]:
    """The names of the page's own pictures whose declared size a scan could have, read from their
    dictionaries before anything is decoded; drawings (form XObjects) are never opened."""
    resources = page.get("/Resources")
    objects = resources.get_object().get("/XObject") if resources is not None else None
    if objects is None:
        return []
    names = []
    for name, reference in objects.get_object().items():
        picture = reference.get_object()
        if picture.get("/Subtype") != "/Image":
            continue
        width, height = picture.get("/Width"), picture.get("/Height")
        if isinstance(width, int) and isinstance(height, int) and 0 < width * height <= MAX_PICTURE_PIXELS:
            names.append(name)
    return names
