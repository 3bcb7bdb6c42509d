"""Check-in codes, check-ins and the access log.

A code is 160 random bits shown once to the citizen; only its SHA-256 is stored, so the database
file never holds a usable code. Redemption is one atomic UPDATE: a code cannot be used twice.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from api_client.models import VIETNAM_TZ, CheckInCodeStatus, CheckInStatus

from .db import Store

CODE_PREFIX = "SSKDT:"  # QR alphanumeric mode: upper case, digits and ':' keep the symbol small


def new_code() -> str:
    return CODE_PREFIX + base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def normalise(code: str) -> str:
    """Scanners add line ends, people type spaces or leave out the prefix: all mean the same code."""
    cleaned = "".join(code.split()).upper()
    return cleaned if cleaned.startswith(CODE_PREFIX) else CODE_PREFIX + cleaned


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Redemption:
    """Whose check-in it is, or why the code was refused (`refused` None means it was accepted)."""

    person_id: str | None = None
    refused: CheckInCodeStatus | None = None  # USED, EXPIRED; None with no person: unknown or revoked


class CheckInStore(Store):
    # ------------------------------------------------------------ codes

    def create_code(self, person_id: str, requested_by: str, now: float, ttl_seconds: int) -> tuple[str, str, float]:
        code, code_id, expires_at = new_code(), uuid.uuid4().hex, now + ttl_seconds
        with self._database.transaction() as db:
            db["check_in_codes"].insert({
                "id": code_id, "code_hash": code_hash(code), "person_id": person_id, "requested_by": requested_by,
                "created_at": now, "expires_at": expires_at, "used_at": None, "revoked_at": None, "check_in_id": None,
            })
        return code_id, code, expires_at

    def code_state(self, code_id: str, requested_by: str, now: float) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT c.id, c.expires_at, c.used_at, c.revoked_at, f.name FROM check_in_codes c "
            "LEFT JOIN check_ins i ON i.id = c.check_in_id LEFT JOIN facilities f ON f.code = i.facility_code "
            "WHERE c.id = ? AND c.requested_by = ?",
            [code_id, requested_by],
        ).fetchone()
        if row is None:
            return None
        code_id, expires_at, used_at, revoked_at, facility_name = row
        return {
            "id": code_id, "status": _status(expires_at, used_at, revoked_at, now), "expires_at": iso(expires_at),
            "used_at": iso(used_at) if used_at else None, "facility_name": facility_name,
        }

    def revoke_code(self, code_id: str, requested_by: str, now: float) -> bool:
        with self._database.transaction() as db:
            return bool(db.execute(
                "UPDATE check_in_codes SET revoked_at = ? WHERE id = ? AND requested_by = ? AND revoked_at IS NULL",
                [now, code_id, requested_by],
            ).rowcount)

    def revoke_open_codes(self, requested_by: str, now: float) -> int:
        """Signing out: no code shown before it can be used after it."""
        with self._database.transaction() as db:
            return db.execute(
                "UPDATE check_in_codes SET revoked_at = ? WHERE requested_by = ? AND revoked_at IS NULL "
                "AND used_at IS NULL AND expires_at > ?",
                [now, requested_by, now],
            ).rowcount

    def redeem(self, code: str, now: float, check_in: dict[str, Any]) -> Redemption:
        """Claim the code and record the check-in and the read, all in one transaction."""
        hashed = code_hash(code)
        with self._database.transaction() as db:
            claimed = db.execute(
                "UPDATE check_in_codes SET used_at = ?, check_in_id = ? WHERE code_hash = ? AND used_at IS NULL "
                "AND revoked_at IS NULL AND expires_at > ? RETURNING id, person_id",
                [now, check_in["id"], hashed, now],
            ).fetchone()
            if claimed is None:
                row = db.execute(
                    "SELECT expires_at, used_at, revoked_at FROM check_in_codes WHERE code_hash = ?", [hashed]
                ).fetchone()
                status = _status(*row, now) if row else None
                return Redemption(refused=None if status is CheckInCodeStatus.REVOKED else status)
            code_id, person_id = claimed
            moment = datetime.fromtimestamp(now, UTC)
            db.execute(
                "INSERT INTO check_ins (id, person_id, facility_code, staff_personal_id, code_id, checked_at, day, "
                "status, queue_number, admitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                [check_in["id"], person_id, check_in["facility_code"], check_in["staff_personal_id"], code_id,
                 moment.isoformat(timespec="seconds"), moment.astimezone(VIETNAM_TZ).date().isoformat(),
                 CheckInStatus.SCANNED],
            )
            self._log_read(person_id, moment, check_in["actor"], code_id)
        return Redemption(person_id=person_id)

    # ------------------------------------------------------------ check-ins and the queue

    def check_in(self, check_in_id: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT id, person_id, facility_code, checked_at, status, queue_number FROM check_ins WHERE id = ?",
            [check_in_id],
        ).fetchone()
        keys = ("id", "person_id", "facility_code", "checked_at", "status", "queue_number")
        return dict(zip(keys, row)) if row else None

    def checked_in(self, person_id: str, facility_code: str, day: str) -> bool:
        """Whether the person was checked in at that facility on that day (Vietnam's calendar)."""
        return self.db.execute(
            "SELECT 1 FROM check_ins WHERE person_id = ? AND facility_code = ? AND day = ? LIMIT 1",
            [person_id, facility_code, day],
        ).fetchone() is not None

    def admit(self, check_in_id: str, facility_code: str, now: float) -> int | None:
        """Put the patient in today's queue of that facility; returns the queue number."""
        with self._database.transaction() as db:
            row = db.execute(
                "SELECT day, queue_number FROM check_ins WHERE id = ? AND facility_code = ?",
                [check_in_id, facility_code],
            ).fetchone()
            if row is None:
                return None
            day, number = row
            if number is None:
                number = db.execute(
                    "SELECT coalesce(max(queue_number), 0) + 1 FROM check_ins WHERE facility_code = ? AND day = ?",
                    [facility_code, day],
                ).fetchone()[0]
                db.execute(
                    "UPDATE check_ins SET status = ?, queue_number = ?, admitted_at = ? WHERE id = ?",
                    [CheckInStatus.ADMITTED, number, iso(now), check_in_id],
                )
        return number

    def queue(self, facility_code: str, day: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT c.id, c.queue_number, p.full_name, p.birth_date, p.sex, c.admitted_at FROM check_ins c "
            "JOIN people p ON p.id = c.person_id WHERE c.facility_code = ? AND c.day = ? AND c.status = ? "
            "ORDER BY c.queue_number",
            [facility_code, day, CheckInStatus.ADMITTED],
        )
        return [
            {"check_in_id": cid, "queue_number": number, "full_name": name, "birth_year": int(birth[:4]), "sex": sex,
             "admitted_at": admitted}
            for cid, number, name, birth, sex, admitted in rows
        ]

    # ------------------------------------------------------------ the access log

    def log_read(self, person_id: str, now: float, actor: dict[str, Any], code_id: str | None = None) -> None:
        with self._database.transaction():
            self._log_read(person_id, datetime.fromtimestamp(now, UTC), actor, code_id)

    def _log_read(self, person_id: str, moment: datetime, actor: dict[str, Any], code_id: str | None) -> None:
        self.db.execute(
            "INSERT INTO access_log (person_id, at, actor_name, actor_role, facility_code, what, code_id) "
            "VALUES (?, ?, ?, ?, ?, 'patient_summary', ?)",
            [person_id, moment.isoformat(timespec="seconds"), actor["name"], actor["role"], actor["facility_code"],
             code_id],
        )

    def access_log(self, person_id: str, limit: int = 200) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT a.at, a.actor_name, a.actor_role, a.facility_code, f.name, a.what, a.code_id FROM access_log a "
            "LEFT JOIN facilities f ON f.code = a.facility_code WHERE a.person_id = ? ORDER BY a.at DESC, a.id DESC "
            "LIMIT ?",
            [person_id, limit],
        )
        return [
            {"at": at, "actor_name": name, "actor_role": role, "facility_code": code, "facility_name": facility,
             "what": what, "via_code": code_id is not None}
            for at, name, role, code, facility, what, code_id in rows
        ]


def _status(expires_at: float, used_at: float | None, revoked_at: float | None, now: float) -> CheckInCodeStatus:
    if used_at:
        return CheckInCodeStatus.USED
    if revoked_at:
        return CheckInCodeStatus.REVOKED
    if expires_at <= now:
        return CheckInCodeStatus.EXPIRED
    return CheckInCodeStatus.ACTIVE
