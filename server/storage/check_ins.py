"""Check-in codes, check-ins, the queue and the access log.

A code is 160 random bits shown once to the citizen; only its SHA-256 is stored, so the database
file never holds a usable code. Redemption is one atomic UPDATE: a code cannot be used twice.
A check-in by chip ID card or number (`method` other than "book_qr") shows identity and allergies only.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from api_client.models import VIETNAM_TZ, CheckInCodeStatus, CheckInMethod, CheckInStatus, QueueStatus

from .books import IDENTITY_AND_ALLERGIES_SQL
from .db import Connection, Dialect, Store, insert
from .report_counts import count, month_of

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


@dataclass(frozen=True)
class Admission:
    """The queue number given, or the one this person already holds today (then none was given)."""

    queue_number: int | None = None
    already_admitted: int | None = None


@dataclass(frozen=True)
class IdentityOnFile:
    """What a card or number is checked against before a check-in opens."""

    person_id: str
    full_name: str
    birth_date: str
    birth_date_precision: str


class CheckInStore(Store):
    # ------------------------------------------------------------ codes

    def create_code(self, person_id: str, requested_by: str, now: float, ttl_seconds: int) -> tuple[str, str, float]:
        code, code_id, expires_at = new_code(), uuid.uuid4().hex, now + ttl_seconds
        with self.transaction() as db:
            insert(db, "check_in_codes", {
                "id": code_id, "code_hash": code_hash(code), "person_id": person_id, "requested_by": requested_by,
                "created_at": now, "expires_at": expires_at, "used_at": None, "revoked_at": None, "check_in_id": None,
            })
        return code_id, code, expires_at

    def code_state(self, code_id: str, requested_by: str, now: float) -> dict[str, Any] | None:
        row = self.one(
            "SELECT c.id, c.expires_at, c.used_at, c.revoked_at, f.name, i.queue_number, i.admitted_at "
            "FROM check_in_codes c LEFT JOIN check_ins i ON i.id = c.check_in_id "
            "LEFT JOIN facilities f ON f.code = i.facility_code WHERE c.id = ? AND c.requested_by = ?",
            [code_id, requested_by],
        )
        if row is None:
            return None
        code_id, expires_at, used_at, revoked_at, facility_name, queue_number, admitted_at = row
        return {
            "id": code_id, "status": _status(expires_at, used_at, revoked_at, now), "expires_at": iso(expires_at),
            "used_at": iso(used_at) if used_at else None, "facility_name": facility_name,
            "queue_number": queue_number, "admitted_at": admitted_at,
        }

    def revoke_code(self, code_id: str, requested_by: str, now: float) -> bool:
        with self.transaction() as db:
            return bool(db.execute(
                "UPDATE check_in_codes SET revoked_at = ? WHERE id = ? AND requested_by = ? AND revoked_at IS NULL",
                [now, code_id, requested_by],
            ).rowcount)

    def revoke_open_codes(self, requested_by: str, now: float) -> int:
        """Signing out: no code shown before it can be used after it."""
        with self.transaction() as db:
            return db.execute(
                "UPDATE check_in_codes SET revoked_at = ? WHERE requested_by = ? AND revoked_at IS NULL "
                "AND used_at IS NULL AND expires_at > ?",
                [now, requested_by, now],
            ).rowcount

    def redeem(self, code: str, now: float, check_in: dict[str, Any]) -> Redemption:
        """Claim the code and record the check-in and the read, all in one transaction."""
        hashed = code_hash(code)
        if self.dialect == "postgresql":
            return self._redeem_in_one_statement(hashed, now, check_in)
        with self.transaction() as db:
            claimed = db.execute(
                "UPDATE check_in_codes SET used_at = ?, check_in_id = ? WHERE code_hash = ? AND used_at IS NULL "
                "AND revoked_at IS NULL AND expires_at > ? RETURNING id, person_id",
                [now, check_in["id"], hashed, now],
            ).fetchone()
            if claimed is None:
                row = db.execute(
                    "SELECT expires_at, used_at, revoked_at FROM check_in_codes WHERE code_hash = ?", [hashed]
                ).fetchone()
                status = _status(row[0], row[1], row[2], now) if row else None
                return Redemption(refused=None if status is CheckInCodeStatus.REVOKED else status)
            code_id, person_id = claimed
            moment = datetime.fromtimestamp(now, UTC)
            _insert_check_in(db, person_id, moment, check_in, "book_qr", code_id)
            _log_read(db, person_id, moment, check_in["actor"], "patient_summary", "check_in", "book_qr", code_id)
        return Redemption(person_id=person_id)

    def _redeem_in_one_statement(self, hashed: str, now: float, check_in: dict[str, Any]) -> Redemption:
        """PostgreSQL: the claim, the check-in and the line of the access log as one statement (atomic by
        itself, and one round trip instead of five on the busiest path of a desk)."""
        moment = datetime.fromtimestamp(now, UTC)
        actor = check_in["actor"]
        with self.read() as db:
            claimed = db.execute(_REDEEM_SQL, {
                "now": now, "check_in_id": check_in["id"], "hash": hashed,
                "facility_code": check_in["facility_code"], "staff": check_in["staff_personal_id"],
                "at": moment.isoformat(timespec="seconds"), "day": moment.astimezone(VIETNAM_TZ).date().isoformat(),
                "scanned": CheckInStatus.SCANNED.value, "actor_name": actor["name"], "actor_role": actor["role"],
                "actor_facility": actor["facility_code"], "month": month_of(moment),
            }).fetchone()
            if claimed is None:
                row = db.execute("SELECT expires_at, used_at, revoked_at FROM check_in_codes WHERE code_hash = ?",
                                 [hashed]).fetchone()
                status = _status(row[0], row[1], row[2], now) if row else None
                return Redemption(refused=None if status is CheckInCodeStatus.REVOKED else status)
        return Redemption(person_id=claimed[0])

    # ------------------------------------------------------------ identification by card or number

    def person_by_personal_id(self, personal_id: str) -> IdentityOnFile | None:
        row = self.one(
            "SELECT id, full_name, birth_date, birth_date_precision FROM people WHERE personal_id = ?", [personal_id]
        )
        return IdentityOnFile(*row) if row else None

    def person_by_insurance_code(self, code: str) -> IdentityOnFile | None:
        """Nobody, unless exactly one book holds that card (index people_insurance_code)."""
        rows = self.all(
            "SELECT id, full_name, birth_date, birth_date_precision FROM people "
            f"WHERE {_INSURANCE_CODE[self.dialect]} = ? LIMIT 2", [code]
        )
        return IdentityOnFile(*rows[0]) if len(rows) == 1 else None

    def record_identification(self, person_id: str, method: CheckInMethod, now: float,
                              check_in: dict[str, Any]) -> None:
        """The check-in and the read of identity and allergies, in one transaction."""
        moment = datetime.fromtimestamp(now, UTC)
        with self.transaction() as db:
            _insert_check_in(db, person_id, moment, check_in, method, None)
            _log_read(db, person_id, moment, check_in["actor"], "identity", "identification", method, None)

    def identity_summary_json(self, person_id: str) -> str | None:
        """The summary of a check-in by card or number: identity and allergies, the other lists empty."""
        return self.value(_IDENTITY_SUMMARY_SQL[self.dialect], [person_id])

    # ------------------------------------------------------------ check-ins and the queue

    def check_in(self, check_in_id: str) -> dict[str, Any] | None:
        keys = ("id", "person_id", "facility_code", "checked_at", "status", "queue_number", "method", "queue_status",
                "day")
        row = self.one(f"SELECT {', '.join(keys)} FROM check_ins WHERE id = ?", [check_in_id])
        return dict(zip(keys, row, strict=True)) if row else None

    def checked_in(self, person_id: str, facility_code: str, day: str) -> bool:
        """Whether the person was checked in at that facility on that day (Vietnam's calendar)."""
        return self.one(
            "SELECT 1 FROM check_ins WHERE person_id = ? AND facility_code = ? AND day = ? LIMIT 1",
            [person_id, facility_code, day],
        ) is not None

    def admit(self, check_in_id: str, facility_code: str, now: float, *, again: bool = False) -> Admission | None:
        """Put the patient in today's queue of that facility. A check-in admitted before keeps its number;
        someone already queued today through another check-in (and not gone) gets no second number
        unless `again`."""
        with self.transaction() as db:
            db.lock(f"queue:{facility_code}")  # numbers are handed out one at a time per facility
            row = db.execute(
                "SELECT person_id, day, queue_number FROM check_ins WHERE id = ? AND facility_code = ?",
                [check_in_id, facility_code],
            ).fetchone()
            if row is None:
                return None
            person_id, day, number = row
            if number is not None:
                return Admission(queue_number=number)
            if not again:
                held = db.execute(
                    "SELECT max(queue_number) FROM check_ins WHERE person_id = ? AND facility_code = ? AND day = ? "
                    "AND queue_number IS NOT NULL AND queue_status != 'left'",
                    [person_id, facility_code, day],
                ).fetchone()[0]
                if held is not None:
                    return Admission(already_admitted=held)
            number = db.execute(
                "SELECT coalesce(max(queue_number), 0) + 1 FROM check_ins WHERE facility_code = ? AND day = ?",
                [facility_code, day],
            ).fetchone()[0]
            db.execute(
                "UPDATE check_ins SET status = ?, queue_number = ?, admitted_at = ?, queue_status = 'waiting' "
                "WHERE id = ?",
                [CheckInStatus.ADMITTED, number, iso(now), check_in_id],
            )
        return Admission(queue_number=number)

    def set_queue_status(self, check_in_id: str, status: QueueStatus) -> None:
        with self.transaction() as db:
            db.execute("UPDATE check_ins SET queue_status = ? WHERE id = ? AND queue_number IS NOT NULL",
                       [status, check_in_id])

    def finish_treatment(self, person_id: str, facility_code: str, day: str) -> None:
        """A visit was recorded: that person's entries of the day there are done (those who left stay left)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE check_ins SET queue_status = 'done' WHERE person_id = ? AND facility_code = ? AND day = ? "
                "AND queue_status IN ('waiting', 'with_doctor')",
                [person_id, facility_code, day],
            )

    def under_treatment(self, person_id: str, facility_code: str, day: str) -> bool:
        """Whether the person is in that facility's queue that day, waiting or with the doctor."""
        return self.one(
            "SELECT 1 FROM check_ins WHERE person_id = ? AND facility_code = ? AND day = ? "
            "AND queue_status IN ('waiting', 'with_doctor') LIMIT 1",
            [person_id, facility_code, day],
        ) is not None

    def queue_entry(self, check_in_id: str) -> dict[str, Any] | None:
        rows = self.all(f"{_QUEUE_SQL} WHERE c.id = ? AND c.queue_number IS NOT NULL", [check_in_id])
        return next(map(_queue_entry, rows), None)

    def queue(self, facility_code: str, day: str) -> list[dict[str, Any]]:
        rows = self.all(
            f"{_QUEUE_SQL} WHERE c.facility_code = ? AND c.day = ? AND c.queue_number IS NOT NULL "
            "ORDER BY c.queue_number",
            [facility_code, day],
        )
        return [_queue_entry(row) for row in rows]

    # ------------------------------------------------------------ the access log

    def log_read(self, person_id: str, now: float, actor: dict[str, Any], *, what: str, purpose: str,
                 method: CheckInMethod | None) -> None:
        with self.transaction() as db:
            _log_read(db, person_id, datetime.fromtimestamp(now, UTC), actor, what, purpose, method, None)

    def access_log(self, person_id: str, limit: int = 200) -> list[dict[str, Any]]:
        rows = self.all(
            "SELECT a.at, a.actor_name, a.actor_role, a.facility_code, f.name, a.what, a.purpose, a.method "
            "FROM access_log a LEFT JOIN facilities f ON f.code = a.facility_code WHERE a.person_id = ? "
            "ORDER BY a.at DESC, a.id DESC LIMIT ?",
            [person_id, limit],
        )
        return [
            {"at": at, "actor_name": name, "actor_role": role, "facility_code": code, "facility_name": facility,
             "what": what, "purpose": purpose, "method": method, "via_code": method == "book_qr"}
            for at, name, role, code, facility, what, purpose, method in rows
        ]


def _insert_check_in(db: Connection, person_id: str, moment: datetime, check_in: dict[str, Any],
                     method: CheckInMethod, code_id: str | None) -> None:
    count(db, moment, "check_in", method, facility_code=check_in["facility_code"])
    db.execute(
        "INSERT INTO check_ins (id, person_id, facility_code, staff_personal_id, code_id, checked_at, day, "
        "status, queue_number, admitted_at, method, queue_status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, NULL)",
        [check_in["id"], person_id, check_in["facility_code"], check_in["staff_personal_id"], code_id,
         moment.isoformat(timespec="seconds"), moment.astimezone(VIETNAM_TZ).date().isoformat(),
         CheckInStatus.SCANNED, method],
    )


def _log_read(db: Connection, person_id: str, moment: datetime, actor: dict[str, Any], what: str, purpose: str,
              method: CheckInMethod | None, code_id: str | None) -> None:
    count(db, moment, "read", purpose, facility_code=actor["facility_code"])
    db.execute(
        "INSERT INTO access_log (person_id, at, actor_name, actor_role, facility_code, what, code_id, purpose, "
        "method) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [person_id, moment.isoformat(timespec="seconds"), actor["name"], actor["role"], actor["facility_code"],
         what, code_id, purpose, method],
    )


# The same writes as `redeem`'s three statements; data-modifying CTEs are PostgreSQL's own.
_REDEEM_SQL = """
WITH claimed AS (
    UPDATE check_in_codes SET used_at = %(now)s, check_in_id = %(check_in_id)s
    WHERE code_hash = %(hash)s AND used_at IS NULL AND revoked_at IS NULL AND expires_at > %(now)s
    RETURNING id, person_id
), checked_in AS (
    INSERT INTO check_ins (id, person_id, facility_code, staff_personal_id, code_id, checked_at, day, status,
                           method)
    SELECT %(check_in_id)s, person_id, %(facility_code)s, %(staff)s, id, %(at)s, %(day)s, %(scanned)s, 'book_qr'
    FROM claimed
), logged AS (
    INSERT INTO access_log (person_id, at, actor_name, actor_role, facility_code, what, code_id, purpose, method)
    SELECT person_id, %(at)s, %(actor_name)s, %(actor_role)s, %(actor_facility)s, 'patient_summary', id,
           'check_in', 'book_qr'
    FROM claimed
), counted AS (  -- the report's counts, as report_counts.count writes them
    INSERT INTO report_counts (month, commune_code, facility_code, indicator, key, value)
    SELECT %(month)s, coalesce((SELECT commune_code FROM facilities WHERE code = %(facility_code)s), ''),
           %(facility_code)s, indicator, key, 1
    FROM claimed, (VALUES ('check_in', 'book_qr'), ('read', 'check_in')) AS counted (indicator, key)
    ON CONFLICT (month, commune_code, facility_code, indicator, key)
    DO UPDATE SET value = report_counts.value + excluded.value
)
SELECT person_id FROM claimed
"""

_QUEUE_SQL = (
    "SELECT c.id, c.person_id, c.queue_number, p.full_name, p.birth_date, p.sex, c.admitted_at, c.queue_status "
    "FROM check_ins c JOIN people p ON p.id = c.person_id"
)


def _queue_entry(row: tuple) -> dict[str, Any]:
    check_in_id, person_id, number, name, birth, sex, admitted_at, status = row
    return {"check_in_id": check_in_id, "person_id": person_id, "queue_number": number, "full_name": name,
            "birth_year": int(birth[:4]), "sex": sex, "admitted_at": admitted_at, "status": status}


# What anyone holding a chip ID card or a number may learn: who the patient is and what they must not be
# given. Guardians are other people's data (their ID number, their phone): left out too.
_IDENTITY_SUMMARY_SQL: dict[Dialect, str] = {
    "sqlite": """
SELECT json_object(
""" + IDENTITY_AND_ALLERGIES_SQL["sqlite"] + """    'conditions', json('[]'), 'current_medicines', json('[]'), 'last_visits', json('[]'),
    'vaccinations', json('[]'), 'guardians', json('[]')
) FROM people p WHERE p.id = ?
""",
    "postgresql": """
SELECT json_build_object(
""" + IDENTITY_AND_ALLERGIES_SQL["postgresql"] + """    'conditions', '[]'::json, 'current_medicines', '[]'::json, 'last_visits', '[]'::json,
    'vaccinations', '[]'::json, 'guardians', '[]'::json
) FROM people p WHERE p.id = ?
""",
}
# The card number inside a book's insurance JSON (indexed as people_insurance_code on both engines).
_INSURANCE_CODE: dict[Dialect, str] = {"sqlite": "json_extract(insurance, '$.code')",
                                       "postgresql": "(insurance ->> 'code')"}


def _status(expires_at: float, used_at: float | None, revoked_at: float | None, now: float) -> CheckInCodeStatus:
    if used_at:
        return CheckInCodeStatus.USED
    if revoked_at:
        return CheckInCodeStatus.REVOKED
    if expires_at <= now:
        return CheckInCodeStatus.EXPIRED
    return CheckInCodeStatus.ACTIVE
