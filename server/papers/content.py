"""The content hash of a paper: what its words say, however a PDF reader spaces them."""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata

from pypdf import PdfReader

from .statement import b64url

MAX_PAGES = 20  # a paper has one or two; a file with more is not one of ours
METADATA_KEY = "/Keywords"  # where the PDF keeps its statement, besides the QR

logging.getLogger("pypdf").setLevel(logging.ERROR)  # hostile files make it chatty, with nothing personal


def normalised(text: str) -> str:
    """NFC, then every whitespace character removed: extractors differ in the spaces and line breaks they
    put between text runs, never in the letters."""
    return "".join(unicodedata.normalize("NFC", text).split())


def text_hash(text: str) -> str:
    return b64url(hashlib.sha256(normalised(text).encode()).digest())


def reader(pdf: bytes) -> PdfReader:
    document = PdfReader(io.BytesIO(pdf), strict=False)
    if len(document.pages) > MAX_PAGES:
        raise ValueError("too many pages for a paper")
    return document


def pdf_text(document: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in document.pages)


def pdf_hash(pdf: bytes) -> str:
    return text_hash(pdf_text(reader(pdf)))
