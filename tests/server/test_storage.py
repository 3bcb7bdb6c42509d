"""The repository: migrations, atomic writes, resends that replace, and the scale generator."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from api_client.identifiers import personal_id_matches
from api_client.models import Administrative, HealthBook
from server.demo import generate, le_minh_an, nguyen_van_hung, seed_pilot
from server.demo import main as demo_main
from server.storage import open_store
from server.storage.db import connect
from server.storage.migrations import migrations


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path / "book.db")


def test_migrations_apply_once_and_are_recorded(tmp_path):
    open_store(tmp_path / "book.db")
    open_store(tmp_path / "book.db")
    db = connect(tmp_path / "book.db")
    applied = [m.name for m in migrations.applied(db)]
    assert applied[0] == "m001_book" and len(applied) == len(set(applied))
    assert migrations.pending(db) == []
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_visit_resent_under_the_same_key_replaces_the_old_one(store):
    today = date.today()
    book = nguyen_van_hung(today)
    person_id = store.save_person(book.person)
    first = store.save_visit(person_id, book.visits[0], source_key="01901-A1")
    changed = book.visits[0].model_copy(update={"id": "other-id", "doctor_advice": "Tái khám sau 2 tuần"})
    second = store.save_visit(person_id, changed, source_key="01901-A1")
    assert first == second
    assert store.visits_page(person_id, 10, 0)["total"] == 1
    assert store.visit(person_id, first)["doctor_advice"] == "Tái khám sau 2 tuần"


def test_saving_a_person_again_keeps_their_id(store):
    book = nguyen_van_hung(date.today())
    first = store.save_person(book.person)
    again = store.save_person(book.person.model_copy(update={"person_id": "new", "phone": "0120009999"}))
    assert first == again and store.person(first)["phone"] == "0120009999"


def test_a_failed_write_leaves_nothing_behind(store):
    book = nguyen_van_hung(date.today())
    person_id = store.save_person(book.person)
    with pytest.raises(sqlite3.IntegrityError):  # no such person: the foreign key refuses it
        with store.db.atomic():
            store.db["vaccinations"].insert({"person_id": person_id, "given_on": "2026-01-01", "data": "{}"})
            store.db["vaccinations"].insert({"person_id": "no-such-person", "given_on": "2026-01-01", "data": "{}"})
    assert store.book(person_id)["vaccinations"] == []


def test_guardian_link_is_made_when_the_guardian_has_a_book(store):
    today = date.today()
    seed_pilot(store, today)
    mai = store.person_id_for("001190004567")
    [child] = store.dependents_of(mai)
    assert child.full_name == "Lê Minh An" and store.is_guardian(mai, child.person_id)
    assert HealthBook.model_validate(store.book(child.person_id)).vaccinations


def test_the_child_has_an_overdue_dose_for_the_schedule_to_show(store):
    codes = [(v.vaccine_code, v.dose_number) for v in le_minh_an(date.today()).vaccinations]
    assert ("JE", 2) in codes and ("JE", 3) not in codes


def test_generator_writes_plausible_valid_citizens(store):
    visits = generate(store, 300, seed=7, today=date(2026, 11, 22))
    assert store.count_people() == 300 and visits > 300
    for (person_id,) in store.db.execute("SELECT id FROM people LIMIT 50"):
        book = HealthBook.model_validate(store.book(person_id))  # every row still passes the wire model
        person = book.person
        assert personal_id_matches(person.personal_id, person.birth_date.year, person.sex)
        assert len(person.full_name.split()) == 3
        if (date(2026, 11, 22) - person.birth_date) < timedelta(days=60):
            assert book.vaccinations


def test_generator_command_line(tmp_path, capsys):
    assert demo_main(["--people", "50", "--data-dir", str(tmp_path)]) == 0
    assert "added people=50" in capsys.readouterr().out
    store = open_store(tmp_path / "book.db")
    assert store.count_people() == 50 + 8  # the pilot accounts come first in a new data dir


def test_person_model_refuses_inconsistent_people():
    with pytest.raises(ValidationError):
        Administrative(person_id="x", full_name="A", birth_date=date(1990, 1, 1), sex="male", personal_id="001055001234")
