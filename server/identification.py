"""Who is at the counter without their phone: the QR printed on the chip ID card (CCCD), a typed
personal ID number, or a BHYT card code. Anyone can photograph a card, so these open identity and
allergies only (see `CheckInStore.identity_summary_json`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic_core import PydanticCustomError

from api_client.icd10 import fold
from api_client.identifiers import check_bhyt_code, check_personal_id

# ASCII digits only: `\d` would take Arabic-Indic or Devanagari digits for a number.
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_DDMMYYYY = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
CHIP_CARD_FIELDS = 7  # personal ID | old 9-digit ID | name | birth ddmmyyyy | Nam/Nữ | address | issued ddmmyyyy


class UnreadableQuery(ValueError):
    """Neither a chip card's QR text, nor a personal ID, nor a BHYT card code."""


@dataclass(frozen=True)
class CounterQuery:
    method: Literal["cccd_qr", "personal_id", "bhyt"]
    number: str  # the personal ID, or the BHYT card code for "bhyt"
    full_name: str | None = None  # printed on the chip card: checked against the book
    birth_date: date | None = None


def read_query(text: str) -> CounterQuery:
    text = text.strip()
    if "|" in text:
        return _chip_card(text)
    compact = "".join(text.split()).upper()  # people type numbers in groups
    if _TWELVE_DIGITS.fullmatch(compact):
        return CounterQuery("personal_id", _personal_id(compact))
    if len(compact) == 15 and compact.isascii():
        try:
            return CounterQuery("bhyt", check_bhyt_code(compact))
        except PydanticCustomError:
            pass
    raise UnreadableQuery(text[:20])


def _chip_card(text: str) -> CounterQuery:
    fields = [field.strip() for field in text.split("|")]
    if len(fields) != CHIP_CARD_FIELDS or not _TWELVE_DIGITS.fullmatch(fields[0]) or not fields[2]:
        raise UnreadableQuery("chip card")
    return CounterQuery("cccd_qr", _personal_id(fields[0]), full_name=fields[2], birth_date=_ddmmyyyy(fields[3]))


def _personal_id(digits: str) -> str:
    try:
        return check_personal_id(digits)
    except PydanticCustomError:  # not a province code: no card was ever printed with it
        raise UnreadableQuery("personal id") from None


def _ddmmyyyy(text: str) -> date:
    match = _DDMMYYYY.fullmatch(text)
    if not match:
        raise UnreadableQuery("birth date")
    day, month, year = map(int, match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise UnreadableQuery("birth date") from None


def card_differences(query: CounterQuery, full_name: str, birth_date: str, precision: str) -> tuple[str, ...]:
    """Which of the card's name and birth date disagree with the book: diacritics, case and spacing aside
    (scanners and old software drop them); a book that knows only the year or month compares only that."""
    if query.method != "cccd_qr":
        return ()
    assert query.full_name is not None and query.birth_date is not None  # a chip card's QR has both
    differs = []
    if " ".join(fold(query.full_name).split()) != " ".join(fold(full_name).split()):
        differs.append("full_name")
    known = {"year": 4, "month": 7}.get(precision, 10)  # of "YYYY-MM-DD"
    if query.birth_date.isoformat()[:known] != birth_date[:known]:
        differs.append("birth_date")
    return tuple(differs)
