"""Schema of the health book, applied with sqlite-utils' Migrations (never edit an applied one)."""

from __future__ import annotations

import json

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("healthbook")


@migrations()
def m001_book(db: Database) -> None:
    db["facilities"].create(
        {"code": str, "name": str, "kind": str, "province_code": str, "address": str}, pk="code"
    )
    db["people"].create(
        {
            "id": str, "personal_id": str, "full_name": str, "birth_date": str, "birth_date_precision": str,
            "sex": str, "ethnicity": str, "nationality": str, "occupation": str, "phone": str,
            "address": str, "blood_group": str, "insurance": str, "created_at": str, "updated_at": str,
        },
        pk="id",
    )
    db["people"].create_index(["personal_id"], unique=True)
    db["representatives"].create(
        {
            "id": int, "person_id": str, "role": str, "full_name": str, "relationship": str,
            "personal_id": str, "phone": str, "guardian_person_id": str,
        },
        pk="id",
        foreign_keys=[("person_id", "people", "id")],
    )
    db["representatives"].create_index(["person_id"])
    db["representatives"].create_index(["guardian_person_id"])
    db["history_entries"].create(
        {"id": int, "person_id": str, "kind": str, "data": str},
        pk="id",
        foreign_keys=[("person_id", "people", "id")],
    )
    db["history_entries"].create_index(["person_id"])
    db["visits"].create(
        {
            "id": str, "person_id": str, "facility_code": str, "source_key": str, "started_at": str,
            "data": str, "received_at": str,
        },
        pk="id",
        foreign_keys=[("person_id", "people", "id")],
    )
    db["visits"].create_index(["person_id", "started_at"])
    db["visits"].create_index(["facility_code", "source_key"], unique=True)
    db["vaccinations"].create(
        {"id": int, "person_id": str, "given_on": str, "data": str},
        pk="id",
        foreign_keys=[("person_id", "people", "id")],
    )
    db["vaccinations"].create_index(["person_id", "given_on"])
    db["staff"].create(
        {"id": int, "personal_id": str, "role": str, "facility_code": str, "area": str}, pk="id"
    )
    db["staff"].create_index(["personal_id"])


def apply(db: Database) -> None:
    migrations.apply(db)


@migrations()
def m002_check_in(db: Database) -> None:
    db["check_in_codes"].create(
        {
            "id": str, "code_hash": str, "person_id": str, "requested_by": str, "created_at": float,
            "expires_at": float, "used_at": float, "revoked_at": float, "check_in_id": str,
        },
        pk="id",
        foreign_keys=[("person_id", "people", "id")],
    )
    db["check_in_codes"].create_index(["code_hash"], unique=True)
    db["check_ins"].create(
        {
            "id": str, "person_id": str, "facility_code": str, "staff_personal_id": str, "code_id": str,
            "checked_at": str, "day": str, "status": str, "queue_number": int, "admitted_at": str,
        },
        pk="id",
        foreign_keys=[("person_id", "people", "id")],
    )
    db["check_ins"].create_index(["facility_code", "day", "queue_number"])
    db["access_log"].create(
        {
            "id": int, "person_id": str, "at": str, "actor_name": str, "actor_role": str,
            "facility_code": str, "what": str, "code_id": str,
        },
        pk="id",
        foreign_keys=[("person_id", "people", "id")],
    )
    db["access_log"].create_index(["person_id", "at"])


@migrations()
def m003_visit_summaries(db: Database) -> None:
    """Each visit's list entry and prescription lines kept beside it, so lists and the check-in
    summary need not parse whole visits."""
    from .books import prescription_lines, visit_summary

    db["visits"].add_column("summary", str)
    db["visits"].add_column("prescriptions", str)
    for visit_id, data in db.execute("SELECT id, data FROM visits").fetchall():
        visit = json.loads(data)
        db.execute(
            "UPDATE visits SET summary = ?, prescriptions = ? WHERE id = ?",
            [json.dumps(visit_summary(visit), ensure_ascii=False),
             json.dumps(prescription_lines(visit), ensure_ascii=False), visit_id],
        )


@migrations()
def m004_gateway(db: Database) -> None:
    db["facility_credentials"].create(
        {"facility_code": str, "api_key_hash": str, "certificate_pem": str, "created_at": str}, pk="facility_code"
    )
    db["facility_credentials"].create_index(["api_key_hash"], unique=True)
    db["submissions"].create(
        {
            "id": str, "facility_code": str, "received_at": str, "body": bytes, "status": str,
            "receipt": str, "processed_at": str,
        },
        pk="id",
    )
    db["submissions"].create_index(["status"])


@migrations()
def m005_check_ins_by_person(db: Database) -> None:
    """Recording a visit asks whether that person was checked in there today."""
    db["check_ins"].create_index(["person_id", "facility_code", "day"])


@migrations()
def m006_replay_and_order(db: Database) -> None:
    """An exact resend is recognised by its digest; a visit remembers which version of its record it is."""
    db["submissions"].add_column("body_sha256", str)
    db["submissions"].create_index(["facility_code", "body_sha256"])
    db["visits"].add_column("source_version", str)


@migrations()
def m007_unidentified_visits(db: Database) -> None:
    """Visits whose person has no personal ID yet: kept, listed for the facility, joined when identified."""
    db["unidentified_visits"].create(
        {"facility_code": str, "source_key": str, "received_at": str, "identity": str, "visit": str},
        pk=("facility_code", "source_key"),
    )


@migrations()
def m008_practitioners_and_card_changes(db: Database) -> None:
    """Each facility's practitioners, so MA_BAC_SI shows a name; and every change a clinic's XML1 made
    to a person's insurance card, so the book can say where the card on file came from."""
    db["practitioners"].create(
        {"facility_code": str, "code": str, "full_name": str, "title": str, "updated_at": str},
        pk=("facility_code", "code"),
    )
    db["card_changes"].create(
        {"id": int, "person_id": str, "changed_at": str, "facility_code": str, "source_key": str,
         "visit_started_at": str, "previous": str, "card": str},
        pk="id",
    )
    db["card_changes"].create_index(["person_id", "visit_started_at"])


@migrations()
def m009_queue_status_and_read_purpose(db: Database) -> None:
    """A check-in remembers how the patient was identified and where they are in the queue; a line of
    the access log says why the book was read. Rows from before all came through the book's QR."""
    db["check_ins"].add_column("method", str)
    db["check_ins"].add_column("queue_status", str)
    db.execute("UPDATE check_ins SET method = 'book_qr'")
    db.execute("UPDATE check_ins SET queue_status = 'waiting' WHERE queue_number IS NOT NULL")
    db["access_log"].add_column("purpose", str)
    db["access_log"].add_column("method", str)
    db.execute("UPDATE access_log SET purpose = 'check_in', method = 'book_qr'")
    # Identification by BHYT card number looks the card up among every book.
    db.execute("CREATE INDEX people_insurance_code ON people (json_extract(insurance, '$.code'))")
