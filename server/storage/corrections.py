"""Correction requests ("Báo thông tin sai"): a citizen's note on one item of their book, sent to the
facility that signed it, and that facility's answer. A request is never deleted: a withdrawn or
answered one stays, so both sides can look back on what was asked and said."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api_client.models import CorrectionStatus

from .books import new_id
from .check_ins import _log_read
from .db import Connection, Store, insert

OPEN_REQUESTS_PER_PERSON = 20  # enough for a book full of mistakes, not for flooding a facility


class DuplicateCorrection(Exception):
    """An open request on the same item already waits."""


class TooManyOpenCorrections(Exception):
    """The person already has `OPEN_REQUESTS_PER_PERSON` open requests."""


def _moment(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


_COLUMNS = ("c.id, c.person_id, c.facility_code, f.name, c.target_kind, c.visit_id, v.started_at, c.target_ref, "
            "c.target_label, c.note, c.status, c.created_at, c.answered_at, c.answer_note")
_NAMES = ("id", "person_id", "facility_code", "facility_name", "target_kind", "visit_id", "visit_started_at",
          "target_ref", "target_label", "note", "status", "created_at", "answered_at", "answer_note")
_FROM = ("FROM correction_requests c LEFT JOIN facilities f ON f.code = c.facility_code "
         "LEFT JOIN visits v ON v.person_id = c.person_id AND v.id = c.visit_id")


def _request(row: tuple) -> dict[str, Any]:
    found = dict(zip(_NAMES, row[:len(_NAMES)], strict=True))
    started = found["visit_started_at"]
    if started and len(started) <= 19:  # the visits table keeps its start as a UTC key, without the zone
        found["visit_started_at"] = started + "+00:00"
    return found


class CorrectionStore(Store):
    def open_request(self, person_id: str, *, facility_code: str, target_kind: str, visit_id: str | None,
                     target_ref: str, target_label: str, note: str, created_by: str, now: datetime) -> dict[str, Any]:
        """The new request; refused while the same item has an open one, or the person too many."""
        request_id = new_id()
        with self.transaction() as db:
            db.lock(f"corrections:{person_id}")  # two taps on Send at once make one request
            open_ones = db.execute(
                "SELECT target_kind, visit_id, target_ref FROM correction_requests WHERE person_id = ? AND status = ?",
                [person_id, CorrectionStatus.OPEN.value]).fetchall()
            if any((kind, visit, ref) == (target_kind, visit_id, target_ref) for kind, visit, ref in open_ones):
                raise DuplicateCorrection()
            if len(open_ones) >= OPEN_REQUESTS_PER_PERSON:
                raise TooManyOpenCorrections()
            insert(db, "correction_requests", {
                "person_id": person_id, "id": request_id, "facility_code": facility_code, "target_kind": target_kind,
                "visit_id": visit_id, "target_ref": target_ref, "target_label": target_label, "note": note,
                "status": CorrectionStatus.OPEN.value, "created_at": _moment(now), "created_by": created_by,
                "answered_at": None, "answered_by": None, "answer_note": None})
        found = self.request_of(person_id, request_id)
        assert found is not None, "just written"
        return found

    def request_of(self, person_id: str, request_id: str) -> dict[str, Any] | None:
        row = self.one(f"SELECT {_COLUMNS} {_FROM} WHERE c.person_id = ? AND c.id = ?", [person_id, request_id])
        return _request(row) if row else None

    def of_person(self, person_id: str) -> list[dict[str, Any]]:
        """Newest first, answered and withdrawn ones too."""
        rows = self.all(f"SELECT {_COLUMNS} {_FROM} WHERE c.person_id = ? ORDER BY c.created_at DESC, c.id",
                        [person_id])
        return [_request(row) for row in rows]

    def withdraw(self, person_id: str, request_id: str, now: datetime) -> bool:
        with self.transaction() as db:
            return bool(db.execute(
                "UPDATE correction_requests SET status = ?, answered_at = ? WHERE person_id = ? AND id = ? "
                "AND status = ?",
                [CorrectionStatus.WITHDRAWN.value, _moment(now), person_id, request_id,
                 CorrectionStatus.OPEN.value]).rowcount)

    def open_at(self, facility_code: str, actor: dict[str, Any], now: datetime,
                limit: int = 200) -> list[dict[str, Any]]:
        """The facility's open requests, oldest first, with what finds the record (the patient's name and
        birth year, the visit's MA_LK); each patient's book notes this read ("correction")."""
        with self.transaction() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS}, p.full_name, p.birth_date, v.source_key {_FROM} "
                "JOIN people p ON p.id = c.person_id WHERE c.facility_code = ? AND c.status = ? "
                "ORDER BY c.created_at, c.id LIMIT ?",
                [facility_code, CorrectionStatus.OPEN.value, limit]).fetchall()
            for person_id in dict.fromkeys(row[1] for row in rows):
                _log_read(db, person_id, now, actor, "corrections", "correction", None, None)
        return [
            {**_request(row), "patient_name": row[-3] or "",
             "birth_year": int(row[-2][:4]) if row[-2] and row[-2][:4].isdigit() else None, "ma_lk": row[-1]}
            for row in rows
        ]

    def answer(self, facility_code: str, person_id: str, request_id: str, *, status: CorrectionStatus,
               note: str | None, answered_by: str, now: datetime) -> bool:
        """False when no open request of this facility has that id (answered, withdrawn, another's)."""
        with self.transaction() as db:
            return bool(db.execute(
                "UPDATE correction_requests SET status = ?, answered_at = ?, answered_by = ?, answer_note = ? "
                "WHERE person_id = ? AND id = ? AND facility_code = ? AND status = ?",
                [status.value, _moment(now), answered_by, note, person_id, request_id, facility_code,
                 CorrectionStatus.OPEN.value]).rowcount)

    def facility_named(self, name: str) -> str | None:
        """The code of the one facility of that name (a vaccination keeps only the place's name)."""
        rows = self.all("SELECT code FROM facilities WHERE name = ? LIMIT 2", [name])
        return rows[0][0] if len(rows) == 1 else None

    def commune_station_of(self, personal_id: str | None) -> str | None:
        """The health station of the commune where the population register says the person lives."""
        if not personal_id:
            return None
        rows = self.all(
            "SELECT f.code FROM residents r JOIN facilities f ON f.commune_code = r.commune_code "
            "WHERE r.personal_id = ? AND f.kind = 'health_station' ORDER BY f.code LIMIT 2", [personal_id])
        return rows[0][0] if len(rows) == 1 else None


def resolve_on_resend(db: Connection, facility_code: str, visit_id: str, now: datetime) -> int:
    """The facility resent the record (same MA_LK): its open requests on that visit are corrected.
    Called inside the transaction that replaces the visit, so both happen or neither."""
    return db.execute(
        "UPDATE correction_requests SET status = ?, answered_at = ?, answered_by = ? "
        "WHERE facility_code = ? AND visit_id = ? AND status = ?",
        [CorrectionStatus.CORRECTED.value, _moment(now), f"gateway:{facility_code}", facility_code, visit_id,
         CorrectionStatus.OPEN.value]).rowcount
