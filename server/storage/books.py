"""The health book repository: every SQL statement about people, visits and staff lives here.

Writes take validated wire models (`api_client.models`), so nothing half-valid is stored; reads
return the wire shape as plain dicts, ready to serialise, because the book is read far more
often than written.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from api_client.models import (
    Administrative,
    DependentRef,
    History,
    InsuranceCard,
    Practitioner,
    Representative,
    RepresentativeRole,
    StaffAssignment,
    Vaccination,
    Visit,
)

from .db import Connection, Database, Dialect, Store, bulk_insert, insert, insert_all, upsert

CURRENT_MEDICINE_DAYS = 90
STAFF_CACHE_SECONDS = 30  # an entry is kept at most this long, changed or not
STAFF_CHANGES_CHECK_SECONDS = 2  # how stale a process may be after staff change in another one
HISTORY_KINDS = ("conditions", "allergies", "risk_factors", "family_history", "surgeries", "disabilities")
_PERSON_COLUMNS = (
    "id", "personal_id", "full_name", "birth_date", "birth_date_precision", "sex", "ethnicity",
    "nationality", "occupation", "phone", "address", "blood_group", "insurance", "updated_at",
)


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _utc_key(moment: datetime) -> str:
    """Sortable text for ORDER BY, whatever offset the source used."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


class BookStore(Store):
    def __init__(self, database: Database) -> None:
        super().__init__(database)
        # Per process on purpose (asked on every scan at a desk, changed rarely); `change_counters`
        # tells every process when staff changed anywhere.
        self._staff_cache: dict[str, tuple[float, list[StaffAssignment]]] = {}
        self._staff_generation: tuple[float, int | None] = (0.0, None)

    # ------------------------------------------------------------ writes

    def save_facility(self, code: str, name: str, kind: str, address: str | None = None) -> None:
        with self.transaction() as db:
            upsert(db, "facilities", {"code": code, "name": name, "kind": kind, "province_code": code[:2],
                                      "address": address}, ("code",))

    def facility_name(self, code: str) -> str | None:
        return self.value("SELECT name FROM facilities WHERE code = ?", [code])

    def save_person(self, person: Administrative) -> str:
        """Insert or update by personal ID; returns the book's person id (kept on update)."""
        with self.transaction() as db:
            db.lock(f"person:{person.personal_id}")  # two envelopes naming a new person at once
            existing = db.execute("SELECT id FROM people WHERE personal_id = ?", [person.personal_id]).fetchone()
            person_id = existing[0] if existing else person.person_id
            row = _person_row(person, person_id)
            if existing:
                del row["created_at"], row["id"]
                db.execute(f"UPDATE people SET {', '.join(f'{column} = ?' for column in row)} WHERE id = ?",
                           [*row.values(), person_id])
            else:
                insert(db, "people", row)
            db.execute("DELETE FROM representatives WHERE person_id = ?", [person_id])
            insert_all(db, "representatives", [
                self._representative_row(person_id, representative) for representative in person.representatives
            ])
        return person_id

    def _representative_row(self, person_id: str, representative: Representative) -> dict[str, Any]:
        """Links a guardian who has a book, so they can open the dependent's book."""
        guardian_person_id = self.person_id_for(representative.personal_id) if representative.personal_id else None
        return {**representative.model_dump(mode="json"), "person_id": person_id, "guardian_person_id": guardian_person_id}

    def set_representative(self, person_id: str, representative: Representative) -> None:
        """Replace the person's representative of that role (a person states their own caregiver)."""
        with self.transaction() as db:
            db.execute(
                "DELETE FROM representatives WHERE person_id = ? AND role = ?", [person_id, representative.role]
            )
            insert(db, "representatives", self._representative_row(person_id, representative))
            _touch(db, person_id)

    def remove_representative(self, person_id: str, role: RepresentativeRole) -> bool:
        """The person no longer names a representative of that role; False if they named none."""
        with self.transaction() as db:
            removed = db.execute("DELETE FROM representatives WHERE person_id = ? AND role = ?",
                                 [person_id, role]).rowcount
            if removed:
                _touch(db, person_id)
        return bool(removed)

    def save_history(self, person_id: str, history: History) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM history_entries WHERE person_id = ?", [person_id])
            insert_all(db, "history_entries", _history_rows(person_id, history))
            _touch(db, person_id)

    def save_visit(self, person_id: str, visit: Visit, source_key: str | None = None,
                   source_version: str | None = None) -> str:
        """Insert, or replace the visit a facility sent before under the same key (MA_LK), unless what is
        stored comes from a newer version of the record (`source_version` compares as text)."""
        with self.transaction() as db:
            existing = None
            if source_key is not None:
                db.lock(f"visit:{visit.facility_code}:{source_key}")  # the same record sent twice at once
                existing = db.execute(
                    "SELECT id, source_version FROM visits WHERE facility_code = ? AND source_key = ?",
                    [visit.facility_code, source_key],
                ).fetchone()
            if existing:
                if source_version and existing[1] and existing[1] > source_version:
                    raise NewerVersionStored(existing[1])
                visit = visit.model_copy(update={"id": existing[0]})
            row = {**_visit_row(person_id, visit, source_key), "source_version": source_version}
            if existing:
                # A resend may name another person (a corrected ID): the visit moves with it. Found again by
                # its unique key (the id alone is not indexed where the person leads the primary key).
                changed = {column: value for column, value in row.items() if column != "id"}
                db.execute(f"UPDATE visits SET {', '.join(f'{column} = ?' for column in changed)} "
                           "WHERE facility_code = ? AND source_key = ?",
                           [*changed.values(), visit.facility_code, source_key])
            else:
                insert(db, "visits", row)
            _touch(db, person_id)
        return row["id"]

    def follow_card(self, person_id: str, card: InsuranceCard, *, facility_code: str, source_key: str,
                    visit_started_at: datetime) -> bool:
        """A clinic's XML1 names the person's card: the card on file follows it, and the change is
        recorded, unless the record is older than the one that last set the card or names a card that
        ends before the one on file (a late resend of an old visit must not bring back an old card)."""
        with self.transaction() as db:
            row = db.execute("SELECT insurance FROM people WHERE id = ?", [person_id]).fetchone()
            on_file = InsuranceCard.model_validate_json(row[0]) if row and row[0] else None
            if on_file == card:
                return False
            started = _utc_key(visit_started_at)
            last = db.execute("SELECT max(visit_started_at) FROM card_changes WHERE person_id = ?",
                              [person_id]).fetchone()[0]
            if last and last > started:
                return False
            if on_file and on_file.valid_to and card.valid_to and card.valid_to < on_file.valid_to:
                return False
            insert(db, "card_changes", {
                "person_id": person_id, "changed_at": now_utc(), "facility_code": facility_code,
                "source_key": source_key, "visit_started_at": started,
                "previous": on_file.model_dump_json() if on_file else None, "card": card.model_dump_json(),
            })
            db.execute("UPDATE people SET insurance = ? WHERE id = ?", [card.model_dump_json(), person_id])
            _touch(db, person_id)
        return True

    def card_changes(self, person_id: str) -> list[dict[str, Any]]:
        return [
            {"changed_at": at, "facility_code": facility, "previous": json.loads(previous) if previous else None,
             "card": json.loads(card)}
            for at, facility, previous, card in self.all(
                "SELECT changed_at, facility_code, previous, card FROM card_changes WHERE person_id = ? ORDER BY id",
                [person_id])
        ]

    def save_practitioners(self, facility_code: str, practitioners: Iterable[Practitioner]) -> int:
        """The facility's whole list, replacing the one before (people leave, too)."""
        stamp = now_utc()
        rows = [{"facility_code": facility_code, **p.model_dump(), "updated_at": stamp} for p in practitioners]
        with self.transaction() as db:
            db.execute("DELETE FROM practitioners WHERE facility_code = ?", [facility_code])
            insert_all(db, "practitioners", rows)
        return len(rows)

    def practitioner_name(self, facility_code: str, code: str | None) -> str | None:
        """"BS. Trần Thị Bình" for the practising-certificate number a record names, if the facility listed it."""
        if not code:
            return None
        row = self.one("SELECT title, full_name FROM practitioners WHERE facility_code = ? AND code = ?",
                       [facility_code, code])
        return " ".join(part for part in row if part) if row else None

    def practitioners(self, facility_code: str) -> list[dict[str, Any]]:
        return [{"code": code, "full_name": name, "title": title} for code, name, title in self.all(
            "SELECT code, full_name, title FROM practitioners WHERE facility_code = ? ORDER BY code", [facility_code])]

    def add_vaccination(self, person_id: str, vaccination: Vaccination) -> None:
        with self.transaction() as db:
            insert(db, "vaccinations", _vaccination_row(person_id, vaccination))
            _touch(db, person_id)

    def import_books(self, books: Iterable[BookParts]) -> None:
        """New people with everything they have, in one transaction (the scale generator's path)."""
        people: list[dict[str, Any]] = []
        histories: list[dict[str, Any]] = []
        visits: list[dict[str, Any]] = []
        vaccinations: list[dict[str, Any]] = []
        for book in books:
            person_id = book.person.person_id
            people.append(_person_row(book.person, person_id))
            histories.extend(_history_rows(person_id, book.history))
            visits.extend(_visit_row(person_id, visit) for visit in book.visits)
            vaccinations.extend(_vaccination_row(person_id, vaccination) for vaccination in book.vaccinations)
        with self.transaction() as db:
            for table, rows in (("people", people), ("history_entries", histories), ("visits", visits),
                                ("vaccinations", vaccinations)):
                bulk_insert(db, table, rows)

    def add_staff(self, personal_id: str, role: str, facility_code: str | None = None, area: str | None = None) -> None:
        with self.transaction() as db:
            insert(db, "staff", {"personal_id": personal_id, "role": role, "facility_code": facility_code,
                                 "area": area})
            staff_changed(db)
        self.forget_staff(personal_id)

    def forget_staff(self, personal_id: str) -> None:
        """This process honours a change of this person's roles at once (others within seconds)."""
        self._staff_cache.pop(personal_id, None)

    # ------------------------------------------------------------ reads

    def person_id_for(self, personal_id: str) -> str | None:
        return self.value("SELECT id FROM people WHERE personal_id = ?", [personal_id])

    def administrative_for(self, personal_id: str) -> Administrative | None:
        person_id = self.person_id_for(personal_id)
        if person_id is None:
            return None
        person = self.person(person_id)
        if person is None:  # removed between the two reads
            return None
        person.pop("updated_at", None)
        return Administrative.model_validate(person)

    def count_people(self) -> int:
        return self.value("SELECT count(*) FROM people")

    def person(self, person_id: str) -> dict[str, Any] | None:
        with self.read() as db:
            return _person(db, person_id)

    def book(self, person_id: str) -> dict[str, Any] | None:
        with self.read() as db:
            return self._book(db, person_id)

    def _book(self, db: Connection, person_id: str) -> dict[str, Any] | None:
        person = _person(db, person_id)
        if person is None:
            return None
        history: dict[str, list] = {kind: [] for kind in HISTORY_KINDS}
        for kind, data in db.execute(
            "SELECT kind, data FROM history_entries WHERE person_id = ? ORDER BY id", [person_id]
        ):
            history[kind].append(json.loads(data))
        visits = [
            json.loads(data)
            for (data,) in db.execute(
                "SELECT data FROM visits WHERE person_id = ? ORDER BY started_at DESC", [person_id]
            )
        ]
        vaccinations = [
            json.loads(data)
            for (data,) in db.execute(
                "SELECT data FROM vaccinations WHERE person_id = ? ORDER BY given_on, id", [person_id]
            )
        ]
        updated_at = person.pop("updated_at")
        return {
            "person": person, "history": history, "visits": visits,
            "vaccinations": vaccinations, "updated_at": updated_at,
        }

    def patient_summary_json(self, person_id: str, now: datetime,
                             medicine_days: int = CURRENT_MEDICINE_DAYS) -> str | None:
        """The counter's view as JSON text, assembled by the database in one statement (the check-in's
        hot path): allergies, chronic conditions, medicines of the last 90 days (newest
        prescription of each), the last three visits, vaccinations, guardians."""
        return self.value(PATIENT_SUMMARY_SQL[self.dialect], {
            "person_id": person_id, "since": _utc_key(now - timedelta(days=medicine_days)),
        })

    def visits_page(self, person_id: str, limit: int, offset: int) -> dict[str, Any]:
        with self.read() as db:
            total = db.execute("SELECT count(*) FROM visits WHERE person_id = ?", [person_id]).fetchone()[0]
            rows = db.execute(
                "SELECT summary FROM visits WHERE person_id = ? ORDER BY started_at DESC LIMIT ? OFFSET ?",
                [person_id, limit, offset],
            ).fetchall()
        items = [json.loads(summary) for (summary,) in rows]
        return {"items": items, "total": total, "limit": limit, "offset": offset}

    def visit(self, person_id: str, visit_id: str) -> dict[str, Any] | None:
        data = self.value("SELECT data FROM visits WHERE id = ? AND person_id = ?", [visit_id, person_id])
        return json.loads(data) if data else None

    def dependents_of(self, guardian_person_id: str) -> list[DependentRef]:
        rows = self.all(
            "SELECT p.id, p.full_name, p.birth_date, r.relationship FROM representatives r "
            "JOIN people p ON p.id = r.person_id "
            "WHERE r.guardian_person_id = ? AND r.role = ? ORDER BY p.birth_date",
            [guardian_person_id, RepresentativeRole.GUARDIAN],
        )
        return [
            DependentRef(person_id=pid, full_name=name, birth_date=birth, relationship=relationship)
            for pid, name, birth, relationship in rows
        ]

    def is_guardian(self, guardian_person_id: str, person_id: str) -> bool:
        return self.one(
            "SELECT 1 FROM representatives WHERE guardian_person_id = ? AND person_id = ? AND role = ?",
            [guardian_person_id, person_id, RepresentativeRole.GUARDIAN],
        ) is not None

    def staff_assignments(self, personal_id: str) -> list[StaffAssignment]:
        """Cached: asked on every scan at a desk. A change of staff in any process reaches this one
        within STAFF_CHANGES_CHECK_SECONDS."""
        now = time.monotonic()
        checked_at, generation = self._staff_generation
        if now - checked_at >= STAFF_CHANGES_CHECK_SECONDS:
            current = self.value("SELECT value FROM change_counters WHERE name = 'staff'")
            if current != generation:
                self._staff_cache.clear()
            self._staff_generation = (now, current)
        cached = self._staff_cache.get(personal_id)
        if cached and cached[0] > now:
            return cached[1]
        rows = self.all(
            "SELECT s.role, s.facility_code, f.name, s.area, a.name FROM staff s "
            "LEFT JOIN facilities f ON f.code = s.facility_code LEFT JOIN areas a ON a.code = s.area "
            "WHERE s.personal_id = ? AND s.ended_at IS NULL ORDER BY s.id",
            [personal_id],
        )
        assignments = [
            StaffAssignment(role=role, facility_code=code, facility_name=name, area=area, area_name=area_name)
            for role, code, name, area, area_name in rows
        ]
        self._staff_cache[personal_id] = (now + STAFF_CACHE_SECONDS, assignments)
        return assignments


def staff_changed(db: Connection) -> None:
    """Every process's staff cache is stale from now on."""
    db.execute("INSERT INTO change_counters (name, value) VALUES ('staff', 1) "
               "ON CONFLICT (name) DO UPDATE SET value = change_counters.value + 1")


def _touch(db: Connection, person_id: str) -> None:
    db.execute("UPDATE people SET updated_at = ? WHERE id = ?", [now_utc(), person_id])


def _person(db: Connection, person_id: str) -> dict[str, Any] | None:
    row = db.execute(f"SELECT {', '.join(_PERSON_COLUMNS)} FROM people WHERE id = ?", [person_id]).fetchone()
    if row is None:
        return None
    person = dict(zip(_PERSON_COLUMNS, row, strict=True))
    person["person_id"] = person.pop("id")
    person["insurance"] = json.loads(person["insurance"]) if person["insurance"] else None
    person["representatives"] = [
        {"role": role, "full_name": name, "relationship": relationship, "personal_id": pid, "phone": phone}
        for role, name, relationship, pid, phone in db.execute(
            "SELECT role, full_name, relationship, personal_id, phone FROM representatives "
            "WHERE person_id = ? ORDER BY id",
            [person_id],
        )
    ]
    return {key: value for key, value in person.items() if value is not None}


# Who the patient is and what they must not be given: the head of every summary the counter sees.
IDENTITY_AND_ALLERGIES_SQL: dict[Dialect, str] = {
    "sqlite": """
    'person_id', p.id, 'full_name', p.full_name, 'birth_date', p.birth_date,
    'birth_date_precision', p.birth_date_precision, 'sex', p.sex, 'personal_id', p.personal_id,
    'insurance', json(p.insurance),
    'allergies', (SELECT json_group_array(json(data)) FROM (
        SELECT data FROM history_entries WHERE person_id = p.id AND kind = 'allergies' ORDER BY id)),
""",
    "postgresql": """
    'person_id', p.id, 'full_name', p.full_name, 'birth_date', p.birth_date,
    'birth_date_precision', p.birth_date_precision, 'sex', p.sex, 'personal_id', p.personal_id,
    'insurance', p.insurance,
    'allergies', coalesce((SELECT json_agg(data ORDER BY id) FROM history_entries
        WHERE person_id = p.id AND kind = 'allergies'), '[]'),
""",
}
PATIENT_SUMMARY_SQL: dict[Dialect, str] = {
    "sqlite": """
SELECT json_object(
""" + IDENTITY_AND_ALLERGIES_SQL["sqlite"] + """    'conditions', (SELECT json_group_array(json(data)) FROM (
        SELECT data FROM history_entries WHERE person_id = p.id AND kind = 'conditions'
        AND json_extract(data, '$.chronic') ORDER BY id)),
    'current_medicines', (SELECT json_group_array(json(line)) FROM (SELECT line FROM (
        SELECT m.value AS line, v.started_at AS visit_start, m.key AS position,
               row_number() OVER (PARTITION BY lower(json_extract(m.value, '$.name')),
                                  json_extract(m.value, '$.strength') ORDER BY v.started_at DESC) AS newest
        FROM visits v, json_each(v.prescriptions) m
        WHERE v.person_id = p.id AND v.started_at >= :since)
        WHERE newest = 1 ORDER BY visit_start DESC, position)),
    'last_visits', (SELECT json_group_array(json(summary)) FROM (
        SELECT summary FROM visits WHERE person_id = p.id ORDER BY started_at DESC LIMIT 3)),
    'vaccinations', (SELECT json_group_array(json(data)) FROM (
        SELECT data FROM vaccinations WHERE person_id = p.id ORDER BY given_on, id)),
    'guardians', (SELECT json_group_array(json_object(
            'role', role, 'full_name', full_name, 'relationship', relationship,
            'personal_id', personal_id, 'phone', phone)) FROM (
        SELECT * FROM representatives WHERE person_id = p.id AND role = 'guardian' ORDER BY id))
) FROM people p WHERE p.id = :person_id
""",
    "postgresql": """
SELECT json_build_object(
""" + IDENTITY_AND_ALLERGIES_SQL["postgresql"] + """    'conditions', coalesce((SELECT json_agg(data ORDER BY id) FROM history_entries
        WHERE person_id = p.id AND kind = 'conditions' AND (data ->> 'chronic')::boolean), '[]'),
    'current_medicines', coalesce((SELECT json_agg(line ORDER BY visit_start DESC, position) FROM (
        SELECT m.line, v.started_at AS visit_start, m.position,
               row_number() OVER (PARTITION BY lower(m.line ->> 'name'), m.line ->> 'strength'
                                  ORDER BY v.started_at DESC) AS newest
        FROM visits v, json_array_elements(v.prescriptions) WITH ORDINALITY AS m (line, position)
        WHERE v.person_id = p.id AND v.started_at >= %(since)s) lines WHERE newest = 1), '[]'),
    'last_visits', coalesce((SELECT json_agg(summary ORDER BY started_at DESC) FROM (
        SELECT summary, started_at FROM visits WHERE person_id = p.id ORDER BY started_at DESC LIMIT 3) last), '[]'),
    'vaccinations', coalesce((SELECT json_agg(data ORDER BY given_on, id) FROM vaccinations
        WHERE person_id = p.id), '[]'),
    'guardians', coalesce((SELECT json_agg(json_build_object(
            'role', role, 'full_name', full_name, 'relationship', relationship,
            'personal_id', personal_id, 'phone', phone) ORDER BY id) FROM representatives
        WHERE person_id = p.id AND role = 'guardian'), '[]')
) FROM people p WHERE p.id = %(person_id)s
""",
}


class BookParts(Protocol):
    person: Administrative
    history: History
    visits: list[Visit]
    vaccinations: list[Vaccination]


def _person_row(person: Administrative, person_id: str) -> dict[str, Any]:
    row = person.model_dump(mode="json", exclude={"representatives", "person_id"})
    stamp = now_utc()
    row.update(
        id=person_id,
        insurance=json.dumps(row["insurance"], ensure_ascii=False) if row["insurance"] else None,
        created_at=stamp,
        updated_at=stamp,
    )
    return row


def _history_rows(person_id: str, history: History) -> list[dict[str, Any]]:
    dumped = history.model_dump(mode="json")
    return [
        {"person_id": person_id, "kind": kind, "data": json.dumps(item, ensure_ascii=False)}
        for kind in HISTORY_KINDS
        for item in dumped[kind]
    ]


class NewerVersionStored(Exception):
    """An older version of a record arrived after a newer one; the newer stays."""

    def __init__(self, stored_version: str) -> None:
        super().__init__(stored_version)
        self.stored_version = stored_version


def _visit_row(person_id: str, visit: Visit, source_key: str | None = None) -> dict[str, Any]:
    data = visit.model_dump(mode="json", exclude_none=True)
    return {
        "id": visit.id, "person_id": person_id, "facility_code": visit.facility_code, "source_key": source_key,
        "started_at": _utc_key(visit.started_at), "data": json.dumps(data, ensure_ascii=False),
        "summary": json.dumps(visit_summary(data), ensure_ascii=False),
        "prescriptions": json.dumps(prescription_lines(data), ensure_ascii=False),
        "received_at": now_utc(),
    }


def _vaccination_row(person_id: str, vaccination: Vaccination) -> dict[str, Any]:
    return {
        "person_id": person_id, "given_on": vaccination.given_on.isoformat(),
        "data": vaccination.model_dump_json(exclude_none=True),
    }


def prescription_lines(visit: dict[str, Any]) -> list[dict[str, Any]]:
    """What the counter shows of a visit's prescription: the medicine, how to take it, when, where."""
    return [
        {"name": item["name"], "strength": item.get("strength"), "dosage": item.get("dosage"),
         "usage": item.get("usage"), "prescribed_on": visit["started_at"][:10], "facility_name": visit["facility_name"]}
        for item in visit.get("prescriptions", [])
    ]


def visit_summary(visit: dict[str, Any]) -> dict[str, Any]:
    diagnoses = visit.get("diagnoses") or []
    summary: dict[str, Any] = {
        key: visit[key]
        for key in ("id", "facility_code", "facility_name", "visit_type", "started_at", "ended_at")
        if key in visit
    }
    if diagnoses and diagnoses[0].get("main"):
        summary["main_diagnosis"] = diagnoses[0]
    summary["has_documents"] = any(
        key in visit for key in ("discharge_paper", "referral", "re_exam", "record_summary")
    )
    return summary


def new_id() -> str:
    return uuid.uuid4().hex
