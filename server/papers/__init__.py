"""Papers with their proof: the discharge paper, the referral, the re-examination appointment and the
vaccination record as PDFs that carry a signed statement of what they say (QĐ 31/2026 makes the book's
papers worth as much as the facility's own; a hospital in another province checks one without calling).

How a third party checks a paper (everything here is public; `python -m server.verify` does it):

1. The key set: `GET <issuer>/.well-known/jwks.json` (also `<issuer>/api/v1/papers/jwks.json`), EC P-256
   keys, each `kid` the RFC 7638 thumbprint of its key. Retired keys stay in the set.
2. The statement: the PDF's Info dictionary `/Keywords` holds a compact JWS; the QR code on the paper holds
   the same JWS as `SSKDT1:` followed by two digits per character (code point minus 45). Header:
   `alg` ES256 (nothing else is accepted), `kid`, `typ` "sskdt-paper+jws", `zip` "DEF": the payload is
   raw DEFLATE (RFC 1951) of UTF-8 JSON. The signature is the JWS one (RFC 7515, r‖s, 64 bytes).
3. The payload: `iss` the issuer's public URL, `doc` discharge | referral | re-exam | vaccinations, `name`,
   `by` birth year, `fac` {code, name} of the facility (absent on the vaccination record, which the book
   itself issues), `date` of the paper, `items` its key facts (discharge: dx, in, out, no; referral: no, to,
   toName, dx; re-exam: no, at, dx; vaccinations: v = [[vaccine code, dose, date], ...]), `hash`, `iat`.
   No personal ID number and no health insurance number: the paper shows them to whom it is handed,
   the code tells a finder nothing more than the paper's face.
4. The content hash (the QR is inside the PDF, so it cannot hash the file): extract the text of every page
   in order (the issuer uses pypdf's `extract_text`), join, Unicode NFC, remove every whitespace
   character, SHA-256 of the UTF-8 bytes, base64url without padding. The issuer renders the paper once
   with the QR box empty, hashes that text, signs, and renders again with the QR: the two have the same
   text. A PDF with any word changed, added or removed hashes differently and is refused.

What it does not prove: that pictures drawn over the text were not added; the verifier shows what the
statement says, for the reader to compare with the paper in hand.
"""

from __future__ import annotations

from .keys import KeySet, PaperKeys, load_or_create, rotate
from .statement import Statement
from .verification import Refusal, Verdict, verify

__all__ = ["KeySet", "PaperKeys", "Refusal", "Statement", "Verdict", "load_or_create", "rotate", "verify"]
