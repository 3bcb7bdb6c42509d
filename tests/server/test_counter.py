"""The clinic counter without the citizen's phone: identification by chip ID card or number, the queue's
statuses, the treating staff's read of the whole book, and what the citizen sees of all of it."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from main import StackConfig, create_stack

from ..conftest import bearer
from ..support import BASE_URL, book_rows, sign_in
from .test_check_in import DOCTOR, RECEPTIONIST, new_code, redeem

HUNG = "001055001234"  # born 12/3/1955, BHYT HT3010123456789, allergic to penicillin, several visits
MAI = "001190004567"
NURSE = "001191006543"  # district hospital 01902, like the doctor; the receptionist works at ward station 01901
ENGLISH = {"Accept-Language": "en"}
VISIT = {"personal_id": HUNG, "diagnoses": [{"icd10": "J06.9", "name": "Viêm họng"}]}


@pytest.fixture
def as_(login):
    """`headers = await as_(NURSE)`."""

    async def _headers(personal_id: str) -> dict[str, str]:
        return bearer(await login(personal_id))

    return _headers


def chip_card(personal_id: str = HUNG, name: str = "Nguyễn Văn Hùng", birth: str = "12031955") -> str:
    """The text a scanner reads from the QR on the back of a chip ID card."""
    return f"{personal_id}|012345678|{name}|{birth}|Nam|Số 12 phố Quán Thánh, phường Ba Đình, Hà Nội|15072021"


async def identify(http, headers, query: str, **extra):
    return await http.post("/api/v1/clinic/identify", json={"query": query}, headers={**headers, **extra})


async def identified(http, headers, query: str = HUNG) -> dict:
    response = await identify(http, headers, query)
    assert response.status_code == 201, response.text
    return response.json()


async def admit(http, headers, check_in_id: str, **body):
    return await http.post(f"/api/v1/clinic/check-ins/{check_in_id}/admit", json=body or None, headers=headers)


async def set_status(http, headers, check_in_id: str, status: str):
    return await http.post(f"/api/v1/clinic/check-ins/{check_in_id}/status", json={"status": status},
                           headers=headers)


async def admitted(http, headers, query: str = HUNG) -> dict:
    """Identified and admitted: the queue entry."""
    check_in = await identified(http, headers, query)
    response = await admit(http, headers, check_in["id"])
    assert response.status_code == 200, response.text
    return response.json()


async def person_id_of(http, citizen_headers) -> str:
    return (await http.get("/api/v1/me", headers=citizen_headers)).json()["person_id"]


# -------------------------------------------------------------- identification


@pytest.mark.parametrize(("query", "method"), [
    (f"  {chip_card()}\r\n", "cccd_qr"),
    ("0010 5500 1234", "personal_id"),
    ("ht3010123456789", "bhyt"),
])
async def test_a_card_or_a_number_shows_identity_and_allergies_but_no_history(http, as_, query, method):
    staff = await as_(RECEPTIONIST)
    check_in = await identified(http, staff, query)
    assert (check_in["method"], check_in["limited"], check_in["status"]) == (method, True, "scanned")
    summary = check_in["summary"]
    identity = (summary["full_name"], summary["personal_id"], summary["birth_date"])
    assert identity == ("Nguyễn Văn Hùng", HUNG, "1955-03-12")
    assert summary["insurance"]["code"] == "HT3010123456789"
    assert summary["allergies"][0]["substance"].startswith("Penicillin")
    for hidden in ("conditions", "current_medicines", "last_visits", "vaccinations", "guardians"):
        assert summary[hidden] == [], hidden
    again = (await http.get(f"/api/v1/clinic/check-ins/{check_in['id']}", headers=staff)).json()
    assert again["limited"] is True and again["summary"]["last_visits"] == [], "opening it again shows no more"


async def test_a_card_read_without_diacritics_or_in_capitals_still_matches(http, as_):
    check_in = await identified(http, await as_(RECEPTIONIST), chip_card(name="NGUYEN  VAN HUNG"))
    assert check_in["summary"]["full_name"] == "Nguyễn Văn Hùng"


@pytest.mark.parametrize(("card", "fields", "words"), [
    (chip_card(name="Nguyễn Văn Hải"), ["full_name"], "name"),
    (chip_card(birth="12031956"), ["birth_date"], "birth date"),
    (chip_card(name="Trần Văn Hùng", birth="01011960"), ["full_name", "birth_date"], "name and the birth date"),
])
async def test_a_card_that_disagrees_with_the_book_is_refused_naming_what_differs(http, as_, card, fields, words):
    response = await identify(http, await as_(RECEPTIONIST), card, **ENGLISH)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "card_mismatch" and f"The {words} on the ID card" in error["message"]
    assert [detail["field"] for detail in error["details"]] == fields


@pytest.mark.parametrize("query", [
    "hello", "12345", "0010550012345", "999055001234", "HT30101234567",
    "001055001234|012345678|Nguyễn Văn Hùng|12031955|Nam|Hà Nội",  # six fields
    chip_card(birth="31021955"), chip_card(name=""), "١٢٣٤٥٦٧٨٩٠١٢",
])
async def test_something_that_is_neither_card_nor_number_says_what_the_desk_can_use(http, as_, query):
    response = await identify(http, await as_(RECEPTIONIST), query, **ENGLISH)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "identify_query_unreadable"
    assert "chip ID card" in error["message"] and "12-digit personal ID" in error["message"]


async def test_a_number_without_a_book_is_not_found(http, as_):
    for query in ("001077009999", "GD4010000000001", chip_card(personal_id="001077009999")):
        response = await identify(http, await as_(RECEPTIONIST), query)
        assert response.status_code == 404 and response.json()["error"]["code"] == "patient_not_found"


@pytest.mark.parametrize("who", [HUNG, "001098003456", "001180005678"])  # citizen, volunteer, official
async def test_only_clinic_staff_may_identify(http, as_, who):
    response = await identify(http, await as_(who), HUNG)
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_clinic_staff"


async def test_failed_look_ups_are_throttled_with_refused_codes(http, as_, clock):
    staff = await as_(RECEPTIONIST)
    for index in range(20):
        query = "001077009999" if index % 2 else chip_card(name="Người Khác")
        assert (await identify(http, staff, query)).status_code in (404, 409)
    blocked = await identify(http, staff, HUNG)
    assert blocked.status_code == 429 and blocked.json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(blocked.headers["retry-after"]) <= 60
    code = await new_code(http, await as_(HUNG))
    assert (await redeem(http, staff, code["code"])).status_code == 429, "one limit for codes and look-ups"
    clock.advance(61)
    assert (await identify(http, await as_(RECEPTIONIST), HUNG)).status_code == 201


# -------------------------------------------------------------- the queue


async def test_an_identified_patient_joins_the_queue_waiting(http, as_):
    staff = await as_(RECEPTIONIST)
    entry = await admitted(http, staff, chip_card())
    assert (entry["queue_number"], entry["status"], entry["full_name"]) == (1, "waiting", "Nguyễn Văn Hùng")
    assert entry["person_id"] == await person_id_of(http, await as_(HUNG))
    queue = (await http.get("/api/v1/clinic/queue", headers=staff)).json()
    assert [(e["queue_number"], e["status"]) for e in queue] == [(1, "waiting")]


async def test_a_second_admission_the_same_day_needs_confirmation(http, as_):
    staff = await as_(RECEPTIONIST)
    code = await new_code(http, await as_(HUNG))
    by_qr = (await redeem(http, staff, code["code"])).json()
    assert (await admit(http, staff, by_qr["id"])).json()["queue_number"] == 1
    assert (await admitted(http, staff, MAI))["queue_number"] == 2
    by_card = await identified(http, staff, chip_card())
    refused = await admit(http, staff, by_card["id"])
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "already_admitted_today"
    english = await http.post(f"/api/v1/clinic/check-ins/{by_card['id']}/admit", headers={**staff, **ENGLISH})
    assert "number 1" in english.json()["error"]["message"]
    assert (await admit(http, staff, by_qr["id"])).json()["queue_number"] == 1, "the same check-in keeps its number"
    second = await admit(http, staff, by_card["id"], again=True)
    assert second.status_code == 200 and second.json()["queue_number"] == 3
    queue = (await http.get("/api/v1/clinic/queue", headers=staff)).json()
    assert [(e["queue_number"], e["full_name"]) for e in queue] == [
        (1, "Nguyễn Văn Hùng"), (2, "Trần Thị Mai"), (3, "Nguyễn Văn Hùng")]


async def test_someone_who_left_may_be_admitted_again_without_confirmation(http, as_):
    staff = await as_(RECEPTIONIST)
    first = await admitted(http, staff)
    assert (await set_status(http, staff, first["check_in_id"], "left")).json()["status"] == "left"
    assert (await admitted(http, staff))["queue_number"] == 2


async def test_the_queue_shows_where_each_patient_is(http, as_):
    staff = await as_(RECEPTIONIST)
    hung, mai = await admitted(http, staff, HUNG), await admitted(http, staff, MAI)
    changed = await set_status(http, staff, hung["check_in_id"], "with_doctor")
    assert changed.status_code == 200 and changed.json() == {**hung, "status": "with_doctor"}
    await set_status(http, staff, mai["check_in_id"], "left")
    queue = (await http.get("/api/v1/clinic/queue", headers=staff)).json()
    assert [(e["full_name"], e["status"]) for e in queue] == [
        ("Nguyễn Văn Hùng", "with_doctor"), ("Trần Thị Mai", "left")]
    assert (await set_status(http, staff, hung["check_in_id"], "gone")).status_code == 422


async def test_status_needs_an_admission_at_ones_own_facility(http, as_):
    staff = await as_(RECEPTIONIST)
    scanned = await identified(http, staff)
    refused = await set_status(http, staff, scanned["id"], "with_doctor")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_admitted"
    entry = await admitted(http, staff, MAI)
    foreign = await set_status(http, await as_(DOCTOR), entry["check_in_id"], "done")
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "check_in_not_found"


async def test_recording_the_visit_marks_the_patient_done(http, as_):
    nurse = await as_(NURSE)
    entry = await admitted(http, nurse, chip_card())
    await set_status(http, nurse, entry["check_in_id"], "with_doctor")
    recorded = await http.post("/api/v1/clinic/visits", json=VISIT, headers=await as_(DOCTOR))
    assert recorded.status_code == 201, recorded.text
    [after] = (await http.get("/api/v1/clinic/queue", headers=nurse)).json()
    assert after["status"] == "done"


async def test_a_receptionist_cannot_record_a_diagnosis_even_for_a_patient_admitted_here(http, as_):
    staff = await as_(RECEPTIONIST)
    await admitted(http, staff)
    response = await http.post("/api/v1/clinic/visits", json=VISIT, headers=staff)
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_medical_staff"


async def test_a_nurse_records_a_visit_too(http, as_):
    nurse = await as_(NURSE)
    await admitted(http, nurse)
    assert (await http.post("/api/v1/clinic/visits", json=VISIT, headers=nurse)).status_code == 201


# -------------------------------------------------------------- the treating staff's read of the whole book


async def test_medical_staff_read_the_whole_book_of_a_patient_admitted_here_today(http, as_):
    entry = await admitted(http, await as_(NURSE), chip_card())
    doctor = await as_(DOCTOR)
    base = f"/api/v1/clinic/patients/{entry['person_id']}"
    book = await http.get(f"{base}/book", headers=doctor)
    assert book.status_code == 200
    assert [c["icd10"] for c in book.json()["history"]["conditions"]] == ["I10", "E11"]
    assert book.json()["visits"] and book.json()["vaccinations"]
    page = (await http.get(f"{base}/visits?limit=2", headers=doctor)).json()
    assert len(page["items"]) == 2 and page["total"] == len(book.json()["visits"])
    visit = await http.get(f"{base}/visits/{page['items'][0]['id']}", headers=doctor)
    assert visit.status_code == 200 and visit.json() == book.json()["visits"][0]
    missing = await http.get(f"{base}/visits/nope", headers=doctor)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "visit_not_found"


async def unknown_person(http, headers) -> dict:
    response = await http.get("/api/v1/clinic/patients/0123456789abcdef/book", headers=headers)
    assert response.status_code == 404
    return response.json()


async def test_a_patient_only_checked_in_or_admitted_elsewhere_is_like_nobody(http, as_):
    doctor, receptionist = await as_(DOCTOR), await as_(RECEPTIONIST)
    nobody = await unknown_person(http, doctor)
    scanned = await identified(http, doctor)  # at 01902, not admitted
    refused = await http.get(f"/api/v1/clinic/patients/{scanned['summary']['person_id']}/book", headers=doctor)
    assert refused.status_code == 404 and refused.json() == nobody
    elsewhere = await admitted(http, receptionist, MAI)  # at ward station 01901
    for path in ("book", "visits", "visits/x"):
        refused = await http.get(f"/api/v1/clinic/patients/{elsewhere['person_id']}/{path}", headers=doctor)
        assert refused.status_code == 404 and refused.json() == nobody, path


async def test_a_receptionist_never_reads_the_whole_book(http, as_):
    receptionist = await as_(RECEPTIONIST)
    entry = await admitted(http, receptionist)
    refused = await http.get(f"/api/v1/clinic/patients/{entry['person_id']}/book", headers=receptionist)
    assert refused.status_code == 404 and refused.json() == await unknown_person(http, receptionist)


@pytest.mark.parametrize("status", ["done", "left"])
async def test_the_read_ends_when_the_patient_is_done_or_gone(http, as_, status):
    nurse, doctor = await as_(NURSE), await as_(DOCTOR)
    entry = await admitted(http, nurse)
    book = f"/api/v1/clinic/patients/{entry['person_id']}/book"
    await set_status(http, nurse, entry["check_in_id"], "with_doctor")
    assert (await http.get(book, headers=doctor)).status_code == 200
    await set_status(http, nurse, entry["check_in_id"], status)
    refused = await http.get(book, headers=doctor)
    assert refused.status_code == 404 and refused.json() == await unknown_person(http, doctor)


async def test_the_read_ends_with_the_day(http, as_, clock):
    entry = await admitted(http, await as_(NURSE))
    book = f"/api/v1/clinic/patients/{entry['person_id']}/book"
    assert (await http.get(book, headers=await as_(DOCTOR))).status_code == 200
    clock.advance(24 * 3600)
    doctor = await as_(DOCTOR)  # tokens live minutes
    refused = await http.get(book, headers=doctor)
    assert refused.status_code == 404 and refused.json() == await unknown_person(http, doctor)


# -------------------------------------------------------------- what the citizen sees


async def test_the_citizen_sees_why_and_how_each_staff_member_looked(http, as_):
    citizen = await as_(HUNG)
    code = await new_code(http, citizen)
    await redeem(http, await as_(RECEPTIONIST), code["code"])
    nurse = await as_(NURSE)
    entry = await admitted(http, nurse, chip_card())
    doctor = await as_(DOCTOR)
    base = f"/api/v1/clinic/patients/{entry['person_id']}"
    await http.get(f"{base}/book", headers=doctor)
    visit_id = (await http.get(f"{base}/visits", headers=doctor)).json()["items"][0]["id"]
    await http.get(f"{base}/visits/{visit_id}", headers=doctor)
    await identify(http, nurse, "HT3010123456789")
    log = (await http.get("/api/v1/me/access-log", headers=citizen)).json()
    seen = [(e["actor_name"], e["actor_role"], e["facility_code"], e["what"], e["purpose"], e["method"], e["via_code"])
            for e in reversed(log)]
    assert seen == [
        ("Hoàng Thị Lan", "receptionist", "01901", "patient_summary", "check_in", "book_qr", True),
        ("Đặng Thu Hương", "nurse", "01902", "identity", "identification", "cccd_qr", False),
        ("Ngô Thanh Bình", "doctor", "01902", "book", "treatment", None, False),
        ("Ngô Thanh Bình", "doctor", "01902", "visits", "treatment", None, False),
        ("Ngô Thanh Bình", "doctor", "01902", "visit", "treatment", None, False),
        ("Đặng Thu Hương", "nurse", "01902", "identity", "identification", "bhyt", False),
    ]


async def test_refused_reads_leave_no_line_in_the_access_log(http, as_):
    citizen = await as_(HUNG)
    await identify(http, await as_(RECEPTIONIST), chip_card(birth="01011950"))
    scanned = await identified(http, await as_(DOCTOR))
    await http.get(f"/api/v1/clinic/patients/{scanned['summary']['person_id']}/book", headers=await as_(DOCTOR))
    assert [e["purpose"] for e in (await http.get("/api/v1/me/access-log", headers=citizen)).json()] == [
        "identification"], "only the identification itself"


async def test_the_qr_screen_shows_the_queue_number_once_admitted(http, as_):
    citizen, staff = await as_(HUNG), await as_(RECEPTIONIST)
    code = await new_code(http, citizen)
    state_url = f"/api/v1/me/check-in-codes/{code['id']}"
    check_in = (await redeem(http, staff, code["code"])).json()
    scanned = (await http.get(state_url, headers=citizen)).json()
    assert scanned["status"] == "used" and scanned["queue_number"] is None and scanned["admitted_at"] is None
    await admitted(http, staff, MAI)
    await admit(http, staff, check_in["id"])
    state = (await http.get(state_url, headers=citizen)).json()
    assert (state["status"], state["queue_number"], state["facility_name"]) == ("used", 2, "Trạm Y tế phường Ba Đình")
    assert state["admitted_at"] is not None


async def test_access_log_lines_written_before_the_counter_changes_still_read(data_dir, clock, backend):
    """A database from the previous release: its log lines had neither purpose nor method."""
    if backend != "sqlite":
        pytest.skip("an upgrade of a SQLite file from before m009 (PostgreSQL started after it)")
    with sqlite3.connect(data_dir / "book.db") as db:
        db.execute("DROP INDEX people_insurance_code")
        for table, column in (("check_ins", "method"), ("check_ins", "queue_status"),
                              ("access_log", "purpose"), ("access_log", "method")):
            db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm009_queue_status_and_read_purpose'")
        person_id = db.execute("SELECT id FROM people WHERE personal_id = ?", [HUNG]).fetchone()[0]
        db.execute("INSERT INTO access_log (person_id, at, actor_name, actor_role, facility_code, what, code_id) "
                   "VALUES (?, '2026-01-05T02:00:00+00:00', 'Hoàng Thị Lan', 'receptionist', '01901', "
                   "'patient_summary', 'c0de')", [person_id])
    stack = create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, clock=clock), web=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack), base_url=BASE_URL) as http:
        citizen = bearer(await sign_in(stack, HUNG, clock=clock))
        [old] = (await http.get("/api/v1/me/access-log", headers=citizen)).json()
    assert (old["actor_name"], old["what"], old["purpose"], old["method"], old["via_code"]) == (
        "Hoàng Thị Lan", "patient_summary", "check_in", "book_qr", True)


async def test_a_data_dir_seeded_before_the_nurse_existed_gives_her_the_desk_on_the_next_start(data_dir, clock):
    book_rows(data_dir, "DELETE FROM staff WHERE role = 'nurse'")
    stack = create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, clock=clock), web=False)
    tokens = await sign_in(stack, "001191006543", clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack), base_url=BASE_URL) as http:
        queue = await http.get("/api/v1/clinic/queue", headers={"Authorization": f"Bearer {tokens.access_token}"})
    assert queue.status_code == 200
