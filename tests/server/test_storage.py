"""The repository: migrations, atomic writes, resends that replace, and the scale generator."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date, timedelta

import psycopg
import pytest
from pydantic import ValidationError

from api_client.identifiers import personal_id_matches
from api_client.models import Administrative, HealthBook
from server.demo import generate, le_minh_an, nguyen_van_hung, seed_pilot
from server.demo import main as demo_main
from server.storage import open_store
from server.storage.db import insert
from server.storage.migrations import migrations


@pytest.fixture
def store(tmp_path, empty_database_url):
    store = open_store(tmp_path / "book.db", empty_database_url)
    yield store
    store.database.close()


def test_migrations_apply_once_and_are_recorded(tmp_path, empty_database_url):
    for _ in range(2):
        open_store(tmp_path / "book.db", empty_database_url).database.close()
    if empty_database_url:
        with psycopg.connect(empty_database_url) as conn:
            applied = [name for (name,) in conn.execute(
                "SELECT name FROM schema_migrations WHERE migration_set = 'healthbook' ORDER BY applied_at, name")]
    else:
        with sqlite3.connect(tmp_path / "book.db") as conn:
            applied = [name for (name,) in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = 'healthbook' ORDER BY rowid")]
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert applied == [migration.name for migration in migrations.migrations]
    assert applied[0] == "m001_book"


def test_migrations_never_import_live_code():
    """A migration that imported the stores would change meaning whenever they do."""
    import ast
    import inspect

    from server.storage import migrations as module

    imported = [node for node in ast.walk(ast.parse(inspect.getsource(module)))
                if isinstance(node, ast.ImportFrom) and node.level and node.module not in (
                    "db", "migrating")]
    assert imported == []


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
    # no such person: the foreign key refuses it
    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)), store.transaction() as db:
        insert(db, "vaccinations", {"person_id": person_id, "given_on": "2026-01-01", "data": "{}"})
        insert(db, "vaccinations", {"person_id": "no-such-person", "given_on": "2026-01-01", "data": "{}"})
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
    for (person_id,) in store.all("SELECT id FROM people LIMIT 50"):
        book = HealthBook.model_validate(store.book(person_id))  # every row still passes the wire model
        person = book.person
        assert personal_id_matches(person.personal_id, person.birth_date.year, person.sex)
        assert len(person.full_name.split()) == 3
        if (date(2026, 11, 22) - person.birth_date) < timedelta(days=60):
            assert book.vaccinations


def test_generator_command_line(tmp_path, capsys, empty_database_url):
    database = ["--database", empty_database_url] if empty_database_url else []
    assert demo_main(["--people", "50", "--data-dir", str(tmp_path), *database]) == 0
    assert "added people=50" in capsys.readouterr().out
    store = open_store(tmp_path / "book.db", empty_database_url)
    assert store.count_people() == 50 + 8  # the pilot accounts come first in a new data dir
    store.database.close()


def test_person_model_refuses_inconsistent_people():
    with pytest.raises(ValidationError):
        Administrative(person_id="x", full_name="A", birth_date=date(1990, 1, 1), sex="male", personal_id="001055001234")


def test_the_register_keeps_each_resident_s_book_level_2_and_bhyt_dates_whatever_comes_first(store):
    """The pilot report counts from dates on the register's rows (m015); triggers keep them when the
    book, the steps or the register is written, in either order, and when a book or step goes."""
    from api_client.models import ActivationStep, Area, AreaLevel, Residence, ResidentStatus, Sex
    from server.storage import new_id
    from server.storage.activation import ActivationStore
    from server.storage.population import PopulationStore, ResidentRow

    population, steps = PopulationStore(store.database), ActivationStore(store.database)
    population.save_areas([Area(code="91", name="Tỉnh Kiên Giang", level=AreaLevel.PROVINCE),
                           Area(code="899", name="Thành phố Rạch Giá", level=AreaLevel.DISTRICT, parent_code="91"),
                           Area(code="30730", name="Phường Vĩnh Thanh Vân", level=AreaLevel.COMMUNE,
                                parent_code="899")])
    first, second = "091080000001", "091080000002"

    def dates(personal_id: str) -> tuple[str | None, str | None, str | None]:
        with store.database.connection() as db:
            return tuple(db.execute("SELECT book_at, level2_at, bhyt_at FROM residents WHERE personal_id = ?",
                                    [personal_id]).fetchone())

    def resident(personal_id: str) -> ResidentRow:
        return ResidentRow(personal_id=personal_id, full_name="Cư dân", birth_date=date(1980, 1, 1), sex=Sex.MALE,
                           commune_code="30730", residence=Residence.PERMANENT, status=ResidentStatus.LIVING)

    # The book and a step before the register knows the person, then the register.
    store.save_person(Administrative(person_id=new_id(), full_name="Cư dân", birth_date=date(1980, 1, 1),
                                     sex="male", personal_id=first))
    steps.record_steps(first, [ActivationStep.LEVEL2], 1_780_000_000, observed=True)
    population.import_residents([resident(first), resident(second)])
    book_at, level2_at, bhyt_at = dates(first)
    assert book_at and level2_at == "2026-05-28T20:26:40+00:00" and bhyt_at is None
    assert dates(second) == (None, None, None)

    # The register first, then the book and the steps.
    store.save_person(Administrative(person_id=new_id(), full_name="Cư dân", birth_date=date(1980, 1, 1),
                                     sex="male", personal_id=second))
    steps.record_steps(second, [ActivationStep.BHYT_LINKED, ActivationStep.OWN_PHONE], 1_790_000_000, observed=False)
    assert dates(second)[0] and dates(second)[1:] == (None, "2026-09-21T14:13:20+00:00")

    # A re-import keeps them; a step or a book that goes takes its date with it.
    population.import_residents([dataclasses.replace(resident(first), hamlet="Khu phố 2")])
    assert dates(first) == (book_at, level2_at, None)
    with store.database.transaction() as db:
        db.execute("DELETE FROM activation_steps WHERE personal_id = ? AND step = 'level2'", [first])
        db.execute("DELETE FROM people WHERE personal_id = ?", [second])
    assert dates(first) == (book_at, None, None)
    assert dates(second) == (None, None, "2026-09-21T14:13:20+00:00")
