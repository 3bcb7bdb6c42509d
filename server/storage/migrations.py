"""Schema of the health book, applied with sqlite-utils' Migrations (never edit an applied one)."""

from __future__ import annotations

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
