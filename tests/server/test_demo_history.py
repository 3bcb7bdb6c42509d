"""The demo's year of history (issue 13, point 6): the same every time for a register and a date, seeded
once, consistent with the register, the facilities and the events' own counting, with no personal data in
the counts, and fast enough for every start of a new data dir. On both engines."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from api_client.models import VIETNAM_TZ, ActivationStep, Administrative, HealthBook
from server.demo import FACILITIES, STAFF, pilot_books, seed_pilot
from server.demo_history import (
    COUNT_COLUMNS,
    DEMO_FACILITY_PROFILES,
    PERSON_COLUMNS,
    REFUSAL_FIELDS,
    book_id,
    history_window,
    seed_demo_history,
)
from server.population import DEMO_RESIDENTS, DEMO_WARDS, seed_demo_population
from server.storage import BookStore, open_database
from server.storage.books import _person_row
from server.storage.population import PopulationStore
from server.storage.report_counts import LATENCY_BUCKETS, latency_bucket

TODAY = date(2026, 6, 15)
ACCOUNTS = {resident.personal_id for resident in DEMO_RESIDENTS} | {staff[0] for staff in STAFF} | {
    book.person.personal_id for book in pilot_books(TODAY)}
TABLES = {
    "people": "SELECT " + ", ".join(PERSON_COLUMNS) + " FROM people ORDER BY personal_id",
    "activation_steps": "SELECT * FROM activation_steps ORDER BY personal_id, step",
    "report_counts": "SELECT " + ", ".join(COUNT_COLUMNS) + " FROM report_counts ORDER BY month, commune_code, "
                     "facility_code, indicator, key",
    "facilities": "SELECT code, public, commune_code FROM facilities ORDER BY code",
}
LATENCY_KEYS = {latency_bucket(bound) for bound in LATENCY_BUCKETS} | {"inf"}
KEYS = {
    "check_in": {"book_qr", "printed_card", "cccd_qr", "personal_id", "bhyt"},
    "read": {"check_in", "identification", "treatment", "activation_help", "assisted_session"},
    "record": {"accepted", "rejected", "waiting_identification"},
    "refusal": set(REFUSAL_FIELDS),
    "end_to_receipt": LATENCY_KEYS,
    "receipt_to_visible": LATENCY_KEYS,
    "book_opened": {""},
}


def vietnam_today() -> date:
    return datetime.now(VIETNAM_TZ).date()


@pytest.fixture
def fresh(tmp_path, empty_database_url):
    """A new database with the pilot's books and facilities, the areas and the demo register; no history yet."""
    database = open_database(tmp_path / "book.db", empty_database_url)
    seed_pilot(BookStore(database), TODAY)
    seed_demo_population(PopulationStore(database), TODAY)
    yield database
    database.close()


@pytest.fixture
def seeded(data_dir, database_url):
    """The data dir as a first start leaves it (create_stack seeded the history)."""
    database = open_database(data_dir / "book.db", database_url)
    yield database
    database.close()


def dump(database) -> dict[str, list[tuple]]:
    with database.connection() as db:
        return {table: [tuple(int(v) if isinstance(v, Decimal) else v for v in row) for row in db.execute(sql)]
                for table, sql in TABLES.items()}


def rows(database, sql: str, params=()) -> list[tuple]:
    with database.connection() as db:
        return db.execute(sql, params).fetchall()


def forget_history(database) -> None:
    with database.transaction() as db:
        for statement in ("DELETE FROM activation_steps", "DELETE FROM report_counts",
                          "UPDATE facilities SET public = NULL"):
            db.execute(statement)
        db.execute(f"DELETE FROM people WHERE personal_id NOT IN ({', '.join('?' * len(ACCOUNTS))})", sorted(ACCOUNTS))


# ------------------------------------------------------------------ the same, once, fast


def test_the_history_is_the_same_for_the_same_register_and_date_and_quick(fresh):
    started = time.perf_counter()
    summary = seed_demo_history(fresh, TODAY)
    elapsed = time.perf_counter() - started
    assert elapsed < 3, f"seeding the demo history took {elapsed:.2f} s"
    assert summary.books > 1800 and summary.steps > 3000 and summary.counts > 1000
    first = dump(fresh)
    assert len(first["people"]) == summary.books + len(pilot_books(TODAY))
    forget_history(fresh)
    assert seed_demo_history(fresh, TODAY) == summary
    assert dump(fresh) == first
    assert {row[0] for row in first["report_counts"]} == {
        *(f"2025-{m:02d}" for m in range(7, 13)), *(f"2026-{m:02d}" for m in range(1, 7))}


def test_seeding_again_changes_nothing(seeded):
    before = dump(seeded)
    assert len(before["people"]) > 1800 and before["report_counts"], "the first start seeded the history"
    for today in (vietnam_today(), TODAY):
        assert not seed_demo_history(seeded, today).seeded
        assert dump(seeded) == before


def test_the_current_month_holds_only_the_days_gone(fresh):
    seed_demo_history(fresh, date(2026, 7, 1))  # the first of the month: July has nothing yet
    assert {month for (month,) in rows(fresh, "SELECT DISTINCT month FROM report_counts")} == {
        *(f"2025-{m:02d}" for m in range(8, 13)), *(f"2026-{m:02d}" for m in range(1, 7))}
    assert rows(fresh, "SELECT max(created_at) FROM people WHERE personal_id NOT IN "
                       f"({', '.join('?' * len(ACCOUNTS))})", sorted(ACCOUNTS))[0][0] < "2026-07-01"
    assert rows(fresh, "SELECT max(done_at) FROM activation_steps")[0][0] < "2026-07-01"


# ------------------------------------------------------------------ consistent with the register


def test_books_only_for_living_residents_of_the_demo_wards_and_the_accounts_untouched(seeded):
    books = rows(seeded, "SELECT p.id, p.personal_id, r.commune_code, r.status, p.created_at, p.book_opened_month "
                         "FROM people p LEFT JOIN residents r ON r.personal_id = p.personal_id")
    history = [book for book in books if book[1] not in ACCOUNTS]
    assert all(commune is not None for _, _, commune, *_ in history), "no book for someone not in the register"
    assert {book[3] for book in history} == {"living"}
    assert {commune for _, _, commune, *_ in history} == set(DEMO_WARDS)
    assert all(person_id == book_id(personal_id) for person_id, personal_id, *_ in history)
    now = datetime.now(UTC).isoformat()
    assert all(created < now for *_, created, _ in history)
    accounts = [book for book in books if book[1] in ACCOUNTS]
    assert len(accounts) == len(pilot_books(TODAY))
    assert all(person_id != book_id(personal_id) and opened is None for person_id, personal_id, *_, opened in accounts)
    marks = ", ".join("?" * len(ACCOUNTS))
    assert rows(seeded, f"SELECT count(*) FROM activation_steps WHERE personal_id IN ({marks})", sorted(ACCOUNTS)) \
        == [(0,)]


def test_the_books_are_what_the_store_writes_and_read_as_books(seeded):
    sample = Administrative(person_id="x", full_name="Lê Văn A", birth_date=date(1990, 1, 1), sex="male",
                            personal_id="001090000001")
    assert set(PERSON_COLUMNS) == {*_person_row(sample, "x"), "book_opened_month"}
    store = BookStore(seeded)
    for (person_id,) in rows(seeded, "SELECT id FROM people ORDER BY id LIMIT 40"):
        book = HealthBook.model_validate(store.book(person_id))
        assert book.visits == [] or book.person.personal_id in ACCOUNTS


def test_coverage_varies_by_ward_and_grows_month_by_month(seeded):
    window = history_window(vietnam_today())
    coverage = {}
    for ward in DEMO_WARDS:
        permanent = rows(seeded, "SELECT count(*) FROM residents WHERE commune_code = ? AND status = 'living' "
                                 "AND residence = 'permanent'", [ward])[0][0]
        created = [at for (at,) in rows(
            seeded, "SELECT p.created_at FROM people p JOIN residents r ON r.personal_id = p.personal_id "
                    "WHERE r.commune_code = ? AND r.status = 'living' AND r.residence = 'permanent'", [ward])]
        coverage[ward] = len(created) / permanent
        by_month = [sum(at[:7] <= month.key for at in created) for month in window.months]
        assert by_month == sorted(by_month) and by_month[0] < 0.6 * by_month[-1], ward
    assert 0.55 <= min(coverage.values()) <= 0.7 and 0.92 <= max(coverage.values()) <= 1, coverage


def test_activation_steps_follow_each_other_and_volunteers_are_of_the_ward(seeded):
    residents = {pid: (commune, status) for pid, commune, status in rows(
        seeded, "SELECT personal_id, commune_code, status FROM residents")}
    books = dict(rows(seeded, "SELECT personal_id, created_at FROM people"))
    volunteers = {pid for pid, role, _, _ in STAFF if role == "volunteer"}
    steps: dict[str, dict[str, tuple]] = defaultdict(dict)
    for pid, step, done_at, observed, helper, helper_name, commune in rows(
            seeded, "SELECT personal_id, step, done_at, observed, helper_personal_id, helper_name, commune_code "
                    "FROM activation_steps"):
        steps[pid][step] = (datetime.fromisoformat(done_at), observed, helper, commune)
        assert residents[pid][1] == "living" and ActivationStep(step) and observed in (0, 1)
        if helper is None:
            assert helper_name is None and commune is None and observed == 1
        else:
            assert helper_name and commune == residents[pid][0]
            assert helper in volunteers or residents[helper][0] == commune, "a volunteer of the resident's own ward"
    assert len({pid for pid, done in steps.items() if any(step[2] for step in done.values())}) > 300
    for pid, done in steps.items():
        assert "account" in done
        assert "level2" not in done or done["level2"][0] >= done["account"][0]
        if "book_opened" in done:
            assert pid in books and "level2" in done
            assert done["book_opened"][0] >= max(done["level2"][0], datetime.fromisoformat(books[pid]))
        for later in ("own_phone", "card_printed"):
            assert later not in done or ("book_opened" in done and done[later][0] >= done["book_opened"][0])
    follow_up = PopulationStore(seeded).follow_up("00013")
    assert follow_up.total > 500, "the volunteer's ward still has most of its work ahead"


# ------------------------------------------------------------------ the counts


def test_report_counts_name_only_known_places_indicators_and_buckets(seeded):
    facilities = dict(rows(seeded, "SELECT code, commune_code FROM facilities"))
    areas = {code for (code,) in rows(seeded, "SELECT code FROM areas WHERE level = 'commune'")}
    months = {month.key for month in history_window(vietnam_today()).months}
    counted = rows(seeded, "SELECT month, commune_code, facility_code, indicator, key, value FROM report_counts")
    assert {facility for _, _, facility, *_ in counted} == set(DEMO_FACILITY_PROFILES) | {""}
    for month, commune, facility, indicator, key, value in counted:
        assert month in months and int(value) > 0
        assert key in KEYS[indicator], (indicator, key)
        assert commune == "" or commune in areas
        if facility:
            assert commune == facilities[facility]
        elif indicator == "book_opened":
            assert commune in DEMO_WARDS
        else:
            assert commune == "" and indicator == "read" and key in ("activation_help", "assisted_session")
    # nobody's data: every text is a month, a place, an indicator or a key of its list (asserted above)
    people = {value for row in rows(seeded, "SELECT personal_id, full_name FROM residents") for value in row}
    assert not people & {text for row in counted for text in row[:5]}


def test_the_counts_add_up_as_the_events_count_them(seeded):
    counts: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    for month, facility, indicator, key, value in rows(
            seeded, "SELECT month, facility_code, indicator, key, value FROM report_counts WHERE facility_code <> ''"):
        counts[month, facility, indicator][key] = int(value)
    counts = dict(counts)
    for (month, facility, indicator), values in counts.items():
        if indicator == "check_in":
            reads = counts[month, facility, "read"]
            assert reads["check_in"] == values.get("book_qr", 0) + values.get("printed_card", 0)
            assert reads["identification"] == sum(values.get(m, 0) for m in ("cccd_qr", "personal_id", "bhyt"))
        if indicator == "record" and "accepted" in values:
            assert sum(counts[month, facility, "receipt_to_visible"].values()) == values["accepted"]
            assert sum(counts[month, facility, "end_to_receipt"].values()) == values["accepted"]
            assert sum(counts.get((month, facility, "refusal"), {}).values()) >= values.get("rejected", 0)
    window = history_window(vietnam_today())
    first, last = window.months[0].key, window.months[-2].key  # the current month may be a day old
    qr = {month: counts[month, "01901", "check_in"]["book_qr"] / sum(counts[month, "01901", "check_in"].values())
          for month in (first, last)}
    assert qr[first] < 0.25 < 0.4 < qr[last], "the book's QR takes over at the counter"
    assert (first, "01904", "record") not in counts, "the obstetric hospital joined later"
    assert sum(1 for month in {m for m, _, _ in counts} if (month, "01904", "record") not in counts) >= 3
    assert dict(rows(seeded, "SELECT code, public FROM facilities")) == {
        code: int(profile.public) for code, profile in DEMO_FACILITY_PROFILES.items()} | {
        code: None for code in FACILITIES if code not in DEMO_FACILITY_PROFILES}


def test_books_opened_count_each_owner_once_a_month(seeded):
    window = history_window(vietnam_today())
    last = window.months[-1].key
    opened = {(month, commune): int(value) for month, commune, value in rows(
        seeded, "SELECT month, commune_code, value FROM report_counts WHERE indicator = 'book_opened'")}
    owners = dict(rows(seeded, "SELECT r.commune_code, count(*) FROM people p JOIN residents r "
                               "ON r.personal_id = p.personal_id WHERE p.book_opened_month = ? GROUP BY r.commune_code",
                       [last]))
    assert {commune: value for (month, commune), value in opened.items() if month == last} == owners
    steps = dict(rows(seeded, "SELECT r.commune_code, count(*) FROM activation_steps a JOIN residents r "
                              "ON r.personal_id = a.personal_id WHERE a.step = 'book_opened' GROUP BY r.commune_code"))
    for commune in DEMO_WARDS:
        monthly = [opened.get((month.key, commune), 0) for month in window.months]
        assert max(monthly) <= steps[commune] <= sum(monthly)
