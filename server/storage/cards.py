"""Printed check-in cards, for people without a smartphone.

The card's QR holds 160 random bits and nothing of the person; only its SHA-256 is stored, as for the
phone's codes, and the 4-digit PIN a citizen may choose as an scrypt hash. Unlike a phone's code a card
lives until it is revoked, so the counter also asks for a second factor (birth year or PIN)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from api_client.models import CARD_CODE_PREFIX, CardSecondFactor

from .check_ins import _insert_check_in, _log_read, iso
from .db import Store, insert
from .hashing import hash_secret, verify_secret


def new_card_code() -> str:
    return CARD_CODE_PREFIX + base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def is_card_code(text: str) -> bool:
    return "".join(text.split()).upper().startswith(CARD_CODE_PREFIX)


def card_hash(code: str) -> str:
    return hashlib.sha256("".join(code.split()).upper().encode()).hexdigest()


@dataclass(frozen=True)
class CardOnFile:
    id: str
    person_id: str
    first_name: str
    second_factor: CardSecondFactor
    pin_hash: str | None
    birth_year: str
    revoked: bool


_COLUMNS = "id, person_id, first_name, second_factor, issued_at, revoked_at, last_used_at"


def _card(row: tuple) -> dict[str, Any]:
    return dict(zip(("id", "person_id", "first_name", "second_factor", "issued_at", "revoked_at", "last_used_at"),
                    row, strict=True))


class CheckInCardStore(Store):
    def issue(self, person_id: str, first_name: str, second_factor: CardSecondFactor, pin: str | None,
              issued_by: str, now: float) -> tuple[dict[str, Any], str]:
        code, card_id = new_card_code(), uuid.uuid4().hex
        row = {"id": card_id, "person_id": person_id, "code_hash": card_hash(code), "first_name": first_name,
               "second_factor": second_factor.value, "pin_hash": hash_secret(pin) if pin else None,
               "issued_at": iso(now), "issued_by": issued_by, "revoked_at": None, "last_used_at": None}
        with self.transaction() as db:
            insert(db, "check_in_cards", row)
        return self.card(person_id, card_id) or {}, code

    def card(self, person_id: str, card_id: str) -> dict[str, Any] | None:
        row = self.one(f"SELECT {_COLUMNS} FROM check_in_cards WHERE person_id = ? AND id = ?", [person_id, card_id])
        return _card(row) if row else None

    def cards_of(self, person_ids: list[str]) -> list[dict[str, Any]]:
        if not person_ids:
            return []
        rows = self.all(
            f"SELECT {_COLUMNS} FROM check_in_cards WHERE person_id IN ({', '.join('?' * len(person_ids))}) "
            "ORDER BY issued_at DESC, id", person_ids)
        return [_card(row) for row in rows]

    def revoke(self, person_id: str, card_id: str, now: float) -> bool:
        with self.transaction() as db:
            return bool(db.execute(
                "UPDATE check_in_cards SET revoked_at = ? WHERE person_id = ? AND id = ? AND revoked_at IS NULL",
                [iso(now), person_id, card_id]).rowcount)

    def revoke_all(self, person_id: str, now: float) -> int:
        """A lost card reported at the station: every card of that person stops working."""
        with self.transaction() as db:
            return db.execute("UPDATE check_in_cards SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL",
                              [iso(now), person_id]).rowcount

    def holds_code(self, person_id: str, card_id: str, code: str) -> bool:
        """Printing again needs the code itself (only its hash is here): the answer to issuing had it."""
        return self.one("SELECT 1 FROM check_in_cards WHERE person_id = ? AND id = ? AND code_hash = ? "
                        "AND revoked_at IS NULL", [person_id, card_id, card_hash(code)]) is not None

    def by_code(self, code: str) -> CardOnFile | None:
        row = self.one(
            "SELECT c.id, c.person_id, c.first_name, c.second_factor, c.pin_hash, p.birth_date, c.revoked_at "
            "FROM check_in_cards c JOIN people p ON p.id = c.person_id WHERE c.code_hash = ?", [card_hash(code)])
        if row is None:
            return None
        card_id, person_id, first_name, factor, pin_hash, birth_date, revoked_at = row
        return CardOnFile(card_id, person_id, first_name or "", CardSecondFactor(factor), pin_hash,
                          (birth_date or "")[:4], revoked_at is not None)

    @staticmethod
    def second_factor_matches(card: CardOnFile, answer: str) -> bool:
        answer = answer.strip()
        if card.second_factor is CardSecondFactor.PIN:
            return verify_secret(answer, card.pin_hash)
        return bool(card.birth_year) and secrets.compare_digest(answer.encode(), card.birth_year.encode())

    def check_in_with(self, card: CardOnFile, now: float, check_in: dict[str, Any]) -> None:
        """The check-in, the card's last use and the line in the access log, in one transaction."""
        moment = datetime.fromtimestamp(now, UTC)
        with self.transaction() as db:
            db.execute("UPDATE check_in_cards SET last_used_at = ? WHERE person_id = ? AND id = ?",
                       [iso(now), card.person_id, card.id])
            _insert_check_in(db, card.person_id, moment, check_in, "printed_card", None)
            _log_read(db, card.person_id, moment, check_in["actor"], "patient_summary", "check_in", "printed_card",
                      None)
