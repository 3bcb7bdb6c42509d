"""The gateway through HTTP, in process: signed envelopes in, receipts out, the book updated at once."""

from __future__ import annotations

import base64
import copy
import random
import re
import sqlite3
from datetime import date, datetime, timedelta

import httpx
import pytest
from lxml import etree

from api_client.models import VIETNAM_TZ, HealthBook, SubmissionReceipt
from main import StackConfig, create_stack
from server.demo import nguyen_van_hung, synthetic_book
from server.gateway import service
from server.gateway.__main__ import main as gateway_cli
from server.gateway.records import read_record
from server.gateway.signing import sign_envelope
from server.gateway.xml130 import Hoso, build_envelope, parse_safely, read_envelope, records_of, tables_for

from ..conftest import bearer
from ..support import BASE_URL, book_rows

TODAY = date.today()


def hung_visit(facility_code: str = "01902", **changes):
    book = nguyen_van_hung(TODAY)
    start = datetime.now(VIETNAM_TZ).replace(second=0, microsecond=0) - timedelta(hours=3)
    # vital_signs: the demo's, read from its notes; the gateway reads them again from what is sent
    visit = book.visits[1].model_copy(update={"facility_code": facility_code, "started_at": start,
                                              "admitted_at": None, "ended_at": start + timedelta(hours=1),
                                              "vital_signs": None, **changes})
    return book.person, visit


def stranger(seed: int = 5):
    book = synthetic_book(random.Random(seed), 900_000 + seed, TODAY)
    _, template = hung_visit()
    return book.person, template.model_copy(update={"diagnoses": template.diagnoses[:1]})


def envelope(records, facility_code: str = "01902") -> bytes:
    return build_envelope(facility_code, [tables_for(person, visit, ma_lk) for person, visit, ma_lk in records], TODAY)


async def send(http, body: bytes, api_key: str, language: str = "vi") -> httpx.Response:
    return await http.post("/api/v1/gateway/submissions", content=body, headers={
        "Authorization": f"Bearer {api_key}", "Content-Type": "application/xml", "Accept-Language": language})


async def signed_send(http, credentials, records, facility_code: str = "01902", **kwargs) -> httpx.Response:
    own = credentials[facility_code]
    return await send(http, sign_envelope(envelope(records, facility_code), own.key_pem, own.cert_pem),
                      own.api_key, **kwargs)


async def hung_book(http, login) -> HealthBook:
    return HealthBook.model_validate((await http.get("/api/v1/me/book", headers=bearer(await login("001055001234")))).json())


def visits_in(data_dir) -> int:
    return book_rows(data_dir, "SELECT count(*) FROM visits").fetchone()[0]


async def test_a_signed_envelope_shows_up_in_the_book_at_once(http, login, credentials):
    person, visit = hung_visit()
    response = await signed_send(http, credentials, [(person, visit, "01902-A-1")])
    assert response.status_code == 200
    receipt = SubmissionReceipt.model_validate(response.json())
    assert (receipt.accepted, receipt.rejected) == (1, 0)
    book = await hung_book(http, login)
    stored = next(v for v in book.visits if v.id == receipt.records[0].visit_id)
    assert stored.facility_code == "01902" and stored.facility_name == "Bệnh viện Đa khoa Ba Đình"
    assert stored.signed_at is not None
    assert stored.diagnoses[0].icd10 == "J18.9" and stored.prescriptions[0].name == "Levofloxacin"
    assert stored.lab_results[0].unit == "G/L"


async def test_a_visit_of_someone_new_creates_their_book(http, credentials, data_dir):
    person, visit = stranger()
    receipt = (await signed_send(http, credentials, [(person, visit, "01902-N-1")])).json()
    assert receipt["records"][0]["person_created"] is True
    [(name, birth)] = book_rows(data_dir,
        "SELECT full_name, birth_date FROM people WHERE personal_id = ?", [person.personal_id]).fetchall()
    assert (name, birth) == (person.full_name, person.birth_date.isoformat())


async def test_one_bad_field_rejects_that_record_only_and_names_the_field(http, credentials, data_dir):
    person, visit = hung_visit()
    other_person, other_visit = stranger(6)
    bad_card = person.model_copy(update={"insurance": None})
    good = envelope([(person, visit, "01902-B-1"), (bad_card, visit, "01902-B-2"), (other_person, other_visit, "01902-B-3")])
    broken = good.replace(
        base64.b64encode(tables_for(bad_card, visit, "01902-B-2")["XML1"]),
        base64.b64encode(tables_for(bad_card, visit, "01902-B-2")["XML1"].replace(
            b"<MA_CSKCB>", b"<MA_THE_BHYT>HT30101234</MA_THE_BHYT><MA_CSKCB>")),
    )
    own = credentials["01902"]
    before = visits_in(data_dir)
    response = await send(http, sign_envelope(broken, own.key_pem, own.cert_pem), own.api_key)
    receipt = response.json()
    assert (receipt["accepted"], receipt["rejected"]) == (2, 1)
    rejected = next(r for r in receipt["records"] if r["status"] == "rejected")
    assert rejected["ma_lk"] == "01902-B-2"
    assert rejected["errors"][0]["field"] == "XML1.MA_THE_BHYT"
    assert "Mã thẻ BHYT phải có 15 ký tự" in rejected["errors"][0]["message"]
    assert visits_in(data_dir) == before + 2


async def test_resending_the_same_ma_lk_replaces_the_visit(http, login, credentials, data_dir):
    person, visit = hung_visit()
    await signed_send(http, credentials, [(person, visit, "01902-R-1")])
    count = visits_in(data_dir)
    corrected = visit.model_copy(update={"doctor_advice": "Tái khám sau 1 tuần"})
    again = (await signed_send(http, credentials, [(person, corrected, "01902-R-1")])).json()
    assert visits_in(data_dir) == count
    book = await hung_book(http, login)
    assert next(v for v in book.visits if v.id == again["records"][0]["visit_id"]).doctor_advice == "Tái khám sau 1 tuần"


async def test_a_tampered_envelope_fails_its_signature_and_stores_nothing(http, credentials, data_dir):
    person, visit = hung_visit()
    own = credentials["01902"]
    signed = sign_envelope(envelope([(person, visit, "01902-T-1")]), own.key_pem, own.cert_pem)
    before = visits_in(data_dir)
    response = await send(http, signed.replace(b"<NGAYLAP>", b"<NGAYLAP>1"), own.api_key)
    assert response.status_code == 422 and response.json()["error"]["code"] == "signature_invalid"
    assert "chữ ký số" in response.json()["error"]["message"].lower()
    unsigned = await send(http, envelope([(person, visit, "01902-T-1")]), own.api_key)
    assert unsigned.status_code == 422
    assert visits_in(data_dir) == before


async def test_an_unknown_key_is_refused(http, credentials):
    person, visit = hung_visit()
    own = credentials["01902"]
    response = await send(http, sign_envelope(envelope([(person, visit, "x")]), own.key_pem, own.cert_pem), "sskdt_guess")
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_api_key"


async def test_a_key_of_another_facility_cannot_send_for_this_one(http, credentials):
    person, visit = hung_visit()
    theirs, mine = credentials["01902"], credentials["01901"]
    signed_by_them = sign_envelope(envelope([(person, visit, "x")]), theirs.key_pem, theirs.cert_pem)
    assert (await send(http, signed_by_them, mine.api_key)).json()["error"]["code"] == "signature_invalid"
    signed_by_me = sign_envelope(envelope([(person, visit, "x")]), mine.key_pem, mine.cert_pem)
    response = await send(http, signed_by_me, mine.api_key)
    assert response.status_code == 403 and response.json()["error"]["code"] == "facility_mismatch"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"<GIAMDINHHS><THONGTINDONVI>", 400, "invalid_xml"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><GIAMDINHHS>&e;</GIAMDINHHS>',
         400, "xml_dtd_forbidden"),
        ((b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
         b"<GIAMDINHHS>&lol2;</GIAMDINHHS>"), 400, "xml_dtd_forbidden"),
        (b"<GIAMDINHHS>" + b" " * (21 * 1024 * 1024) + b"</GIAMDINHHS>", 413, "payload_too_large"),
    ],
    ids=["malformed", "xxe", "entity-expansion", "oversized"],
)
async def test_hostile_or_broken_xml_gets_a_clear_4xx(http, credentials, body, status, code):
    response = await send(http, body, credentials["01902"].api_key)
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


async def test_an_entity_hidden_in_an_inner_table_is_not_read(http, credentials):
    person, visit = hung_visit()
    tables = tables_for(person, visit, "01902-X-1")
    tables["XML2"] = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CHI_TIET_THUOC><MA_LK>&e;</MA_LK></CHI_TIET_THUOC>'
    own = credentials["01902"]
    body = sign_envelope(build_envelope("01902", [tables], TODAY), own.key_pem, own.cert_pem)
    record = (await send(http, body, own.api_key)).json()["records"][0]
    assert record["status"] == "rejected" and record["errors"][0]["field"] == "XML2"


async def test_one_bad_prescription_row_leaves_it_out_and_the_visit_is_stored_incomplete(http, login, credentials):
    person, visit = hung_visit()
    tables = tables_for(person, visit, "01902-N-1")
    good = envelope([(person, visit, "01902-N-1")])
    broken = good.replace(base64.b64encode(tables["XML2"]),
                          base64.b64encode(tables["XML2"].replace(b"<SO_LUONG>5</SO_LUONG>", b"<SO_LUONG>NaN</SO_LUONG>")))
    assert broken != good
    own = credentials["01902"]
    receipt = (await send(http, sign_envelope(broken, own.key_pem, own.cert_pem), own.api_key)).json()
    [record] = receipt["records"]
    assert (receipt["accepted"], record["incomplete"]) == (1, True)
    assert record["errors"][0]["field"] == "XML2.SO_LUONG"
    stored = next(v for v in (await hung_book(http, login)).visits if v.id == record["visit_id"])
    assert stored.incomplete and len(stored.prescriptions) == len(visit.prescriptions) - 1
    assert stored.diagnoses == visit.diagnoses, "the valid tables are all there"

    resent = (await send(http, sign_envelope(good, own.key_pem, own.cert_pem), own.api_key)).json()
    assert resent["records"][0]["visit_id"] == record["visit_id"] and not resent["records"][0]["incomplete"]
    stored = next(v for v in (await hung_book(http, login)).visits if v.id == record["visit_id"])
    assert not stored.incomplete and len(stored.prescriptions) == len(visit.prescriptions)


async def test_a_future_visit_and_a_borrowed_id_are_refused_by_field(http, credentials):
    person, visit = hung_visit()
    future = visit.model_copy(update={"started_at": visit.started_at + timedelta(days=2), "ended_at": None})
    impostor = person.model_copy(update={"full_name": "Nguyễn Văn Khác"})
    receipt = (await signed_send(http, credentials, [(person, future, "01902-F-1"), (impostor, visit, "01902-F-2")],
                                 language="en")).json()
    fields = {r["ma_lk"]: r["errors"][0] for r in receipt["records"]}
    assert fields["01902-F-1"]["field"] == "XML1.NGAY_VAO" and "future" in fields["01902-F-1"]["message"]
    assert fields["01902-F-2"]["field"] == "XML1.SO_CCCD" and "someone else" in fields["01902-F-2"]["message"]


async def test_other_tables_are_ignored_with_a_note(http, credentials):
    person, visit = hung_visit()
    tables = tables_for(person, visit, "01902-I-1")
    tables["XML9"] = b"<CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH><MA_LK>01902-I-1</MA_LK></CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH>"
    own = credentials["01902"]
    record = (await send(http, sign_envelope(build_envelope("01902", [tables], TODAY), own.key_pem, own.cert_pem),
                         own.api_key)).json()["records"][0]
    assert record["status"] == "accepted"
    assert record["notes"] == ["Bảng XML9 không thuộc sổ sức khỏe điện tử và không được lưu."]


HOSTILE_VALUES = ["", "nan", "-inf", "1e400", "-1", "0", "99999999999999999999", "202613450000", "x" * 5000, "Z99.9;"]


def test_no_field_value_makes_reading_a_record_fail_instead_of_refusing_it():
    """Whatever a clinic writes in any field, the answer is a record accepted or refused by field, never a crash."""
    person, visit = hung_visit()
    root = parse_safely(build_envelope("01902", [tables_for(person, visit, "01902-H")], TODAY))
    [hoso] = read_envelope(root).records
    for table, rows in hoso.tables.items():
        for name in rows[0]:
            for value in HOSTILE_VALUES:
                changed = copy.deepcopy(hoso)
                changed.tables[table][0][name] = value
                outcome = read_record(changed, sender="01902", facility_name=None, now=datetime.now(VIETNAM_TZ),
                                      received_at=datetime.now(VIETNAM_TZ), person_with=lambda _: None)
                assert outcome.problems or outcome.visit is not None, (table, name, value)
                if outcome.problems:
                    assert outcome.visit is None and outcome.person is None, "never half a record"
                    assert all(p["field"].startswith("XML") for p in outcome.problems.items)


def test_tables_are_read_with_or_without_the_chitieu_wrapper():
    wrapped = parse_safely(b"<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC><CHI_TIET_THUOC><MA_LK>A</MA_LK>"
                           b"<TEN_THUOC>X</TEN_THUOC></CHI_TIET_THUOC></DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>")
    bare = parse_safely(b"<DSACH_CHI_TIET_THUOC><CHI_TIET_THUOC><MA_LK>A</MA_LK><TEN_THUOC>X</TEN_THUOC>"
                        b"</CHI_TIET_THUOC></DSACH_CHI_TIET_THUOC>")
    assert records_of(wrapped) == records_of(bare) == [{"MA_LK": "A", "TEN_THUOC": "X"}]


def test_a_visit_survives_the_round_trip_through_the_xml():
    person, visit = nguyen_van_hung(TODAY).person, nguyen_van_hung(TODAY).visits[1]
    root = parse_safely(build_envelope("01902", [tables_for(person, visit.model_copy(update={"facility_code": "01902"}),
                                                             "01902-RT")], TODAY))
    [hoso] = read_envelope(root).records
    outcome = read_record(hoso, sender="01902", facility_name="Bệnh viện Đa khoa Ba Đình",
                          now=datetime.now(VIETNAM_TZ), received_at=datetime.now(VIETNAM_TZ), person_with=lambda _: None)
    assert not outcome.problems, outcome.problems.items
    back = outcome.visit
    for name in ("visit_type", "started_at", "admitted_at", "ended_at", "reason", "outcome", "discharge_type",
                 "doctor_advice", "discharge_paper", "record_summary", "clinical_notes", "procedures"):
        assert getattr(back, name) == getattr(visit, name), name
    assert [(d.icd10, d.name, d.main) for d in back.diagnoses] == [(d.icd10, d.name, d.main) for d in visit.diagnoses]
    assert [(p.name, p.strength, p.dosage, p.quantity) for p in back.prescriptions] == [
        (p.name, p.strength, p.dosage, p.quantity) for p in visit.prescriptions]
    assert [(lab.name, lab.value, lab.unit) for lab in back.lab_results] == [
        (lab.name, lab.value, lab.unit) for lab in visit.lab_results]
    assert outcome.person.personal_id == person.personal_id and outcome.person.insurance.code == "HT3010123456789"


async def test_an_envelope_archived_by_a_process_that_died_is_stored_on_restart(data_dir, clock, credentials,
                                                                                 monkeypatch, login):
    crashed = create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, clock=clock), web=False)
    person, visit = hung_visit()
    own = credentials["01902"]

    def die(self, *args, **kwargs):
        raise SystemExit("killed between archive and store")

    monkeypatch.setattr(service.Gateway, "_store_all", die)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=crashed), base_url=BASE_URL) as http:
        with pytest.raises(SystemExit):
            await send(http, sign_envelope(envelope([(person, visit, "01902-K-1")]), own.key_pem, own.cert_pem),
                       own.api_key)
    before = visits_in(data_dir)
    monkeypatch.undo()
    restarted = create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, clock=clock), web=False)
    assert visits_in(data_dir) == before + 1
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=restarted), base_url=BASE_URL) as http:
        tokens = await login("001055001234")
        book = (await http.get("/api/v1/me/book", headers=bearer(tokens))).json()
    assert any(v["started_at"] == visit.started_at.isoformat() for v in book["visits"])


def test_the_sample_command_writes_a_plausible_envelope(capsysbinary):
    assert gateway_cli(["sample", "--people", "4", "--facility", "01902"]) == 0
    written = read_envelope(parse_safely(capsysbinary.readouterr().out))
    assert written.facility_code == "01902" and len(written.records) == 4
    assert all(isinstance(hoso, Hoso) and hoso.tables["XML1"][0]["SO_CCCD"] for hoso in written.records)
    assert written.records[0].tables["XML1"][0]["SO_CCCD"] == "001055001234"


async def checked_in_by_the_doctor(http, login) -> dict[str, str]:
    """Nguyễn Văn Hùng shows his QR to the doctor of district hospital 01902."""
    code = (await http.post("/api/v1/me/check-in-codes", headers=bearer(await login("001055001234")))).json()["code"]
    doctor = bearer(await login("001085007890"))
    assert (await http.post("/api/v1/clinic/check-ins", json={"code": code}, headers=doctor)).status_code == 201
    return doctor


async def test_a_station_records_a_visit_that_arrives_signed_like_a_hospitals(http, login, data_dir):
    staff = await checked_in_by_the_doctor(http, login)
    body = {
        "personal_id": "001055001234", "reason": "Ho, sốt nhẹ 2 ngày",
        "diagnoses": [{"icd10": "J06.9", "name": "Viêm đường hô hấp trên cấp"}, {"icd10": "I10", "name": "Tăng huyết áp"}],
        "prescriptions": [{"name": "Paracetamol", "strength": "500mg", "unit": "Viên", "quantity": 10,
                           "dosage": "1 viên/lần * 3 lần/ngày", "usage": "Uống sau ăn khi sốt"}],
        "advice": "Uống nhiều nước", "re_exam_on": (TODAY + timedelta(days=7)).isoformat(),
    }
    response = await http.post("/api/v1/clinic/visits", json=body, headers=staff)
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["receipt"]["accepted"] == 1
    [(status, raw)] = book_rows(data_dir,
        "SELECT status, body FROM submissions ORDER BY received_at DESC LIMIT 1").fetchall()
    assert status == "processed" and b"<CHUKYDONVI><ds:Signature" in raw, "archived as a signed QĐ 130 envelope"
    book = await hung_book(http, login)
    visit = next(v for v in book.visits if v.id == result["visit_id"])
    assert (visit.facility_code, visit.diagnoses[0].icd10, visit.prescriptions[0].name) == ("01902", "J06.9", "Paracetamol")
    assert visit.re_exam.appointment_at.date() == TODAY + timedelta(days=7)


async def test_the_record_visit_form_checks_each_field(http, login):
    doctor = await checked_in_by_the_doctor(http, login)
    body = {"personal_id": "001055001234", "diagnoses": [{"icd10": "X", "name": "?"}]}
    bad_code = await http.post("/api/v1/clinic/visits", json=body, headers=doctor)
    assert bad_code.status_code == 422 and bad_code.json()["error"]["details"][0]["field"] == "diagnoses.0.icd10"


@pytest.mark.parametrize(("field", "value"), [("NGAY_VAO", "000101010000"), ("NGAY_RA", "189912312359"),
                                              ("NGAY_SINH", "000101010000"), ("NGAY_SINH", "209901010000"),
                                              ("GT_THE_TU", "00010101"), ("NGAY_VAO", "999912312359")])
async def test_an_impossible_date_is_a_field_error_and_the_server_keeps_working(http, login, credentials, field, value):
    person, visit = hung_visit()
    body = with_field(envelope([(person, visit, "01902-D-1")]), field, value)
    own = credentials["01902"]
    answer = await send(http, sign_envelope(body, own.key_pem, own.cert_pem), own.api_key)
    assert answer.status_code == 200, answer.text
    [record] = answer.json()["records"]
    assert record["status"] == "rejected" and record["errors"][0]["field"] == f"XML1.{field}"
    assert (await http.get("/api/v1/me/book", headers=bearer(await login("001055001234")))).status_code == 200


def with_field(body: bytes, field: str, value: str, table: str = "XML1") -> bytes:
    """The envelope with one field of one table set (added after MA_LK when the table lacks it)."""
    tree = parse_safely(body)
    for holder in tree.iter("FILEHOSO"):
        if holder.findtext("LOAIHOSO") == table:
            content = base64.b64decode(holder.findtext("NOIDUNGFILE"))
            if f"<{field}>".encode() in content:
                content = re.sub(rf"<{field}>[^<]*</{field}>".encode(), f"<{field}>{value}</{field}>".encode(), content)
            else:
                content = content.replace(b"</MA_LK>", f"</MA_LK><{field}>{value}</{field}>".encode(), 1)
            holder.find("NOIDUNGFILE").text = base64.b64encode(content).decode()
    return etree.tostring(tree)


async def test_a_decimal_comma_is_read_with_a_warning_not_a_rejection(http, login, credentials):
    person, visit = hung_visit()
    own = credentials["01902"]
    body = with_field(envelope([(person, visit, "01902-W-1")]), "CAN_NANG", "67,5")
    answer = await send(http, sign_envelope(body, own.key_pem, own.cert_pem), own.api_key, language="en")
    [record] = answer.json()["records"]
    assert record["status"] == "accepted"
    assert any("67,5" in note and "XML1.CAN_NANG" in note for note in record["notes"]), record["notes"]


async def test_a_record_that_crashes_storage_is_refused_by_name_and_the_rest_is_stored(http, credentials,
                                                                                      monkeypatch, data_dir):
    from server.storage.books import BookStore

    save_visit = BookStore.save_visit

    def crash_on_one(self, person_id, visit, source_key=None, source_version=None):
        if source_key == "01902-P-1":
            raise sqlite3.OperationalError("disk I/O error")
        return save_visit(self, person_id, visit, source_key=source_key, source_version=source_version)

    monkeypatch.setattr(BookStore, "save_visit", crash_on_one)
    person, visit = hung_visit()
    other, theirs = stranger(21)
    before = visits_in(data_dir)
    answer = await signed_send(http, credentials, [(person, visit, "01902-P-1"), (other, theirs, "01902-P-2")])
    assert answer.status_code == 200
    records = {r["ma_lk"]: r for r in answer.json()["records"]}
    assert records["01902-P-1"]["status"] == "rejected" and records["01902-P-1"]["errors"][-1]["field"] == "HOSO"
    assert "gửi lại" in records["01902-P-1"]["errors"][-1]["message"]
    assert records["01902-P-2"]["status"] == "accepted"
    assert visits_in(data_dir) == before + 1


async def test_a_poison_envelope_archived_before_a_crash_never_stops_the_server(data_dir, clock, credentials,
                                                                               monkeypatch):
    crashed = create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, clock=clock), web=False)
    own = credentials["01902"]
    person, visit = hung_visit()

    def die(self, *args, **kwargs):
        raise SystemExit("killed between archive and store")

    monkeypatch.setattr(service.Gateway, "_store_all", die)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=crashed), base_url=BASE_URL) as http:
        with pytest.raises(SystemExit):
            await send(http, sign_envelope(envelope([(person, visit, "01902-Q-1")]), own.key_pem, own.cert_pem),
                       own.api_key)
    monkeypatch.undo()

    def poison(self, *args, **kwargs):
        raise RecursionError("a record nobody foresaw")

    monkeypatch.setattr(service.Gateway, "_store_all", poison)
    restarted = create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, clock=clock), web=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=restarted), base_url=BASE_URL) as http:
        assert (await http.get("/api/v1/health")).status_code == 200, "the server started"
    [(status, receipt)] = book_rows(data_dir,
        "SELECT status, receipt FROM submissions WHERE status != 'processed'").fetchall()
    assert status == "quarantined" and "RecursionError" in receipt
    monkeypatch.undo()
    create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, clock=clock), web=False)
    assert book_rows(data_dir,
        "SELECT status FROM submissions WHERE status != 'processed'").fetchall() == [("quarantined",)], \
        "not tried again: quarantine is for a person to look at"


@pytest.mark.parametrize("interrupted", ["accounts", "books", "facility keys"])
async def test_a_first_start_killed_while_seeding_is_completed_by_the_next(tmp_path, clock, monkeypatch, interrupted):
    from idp_mock.store import IdpStore
    from server import demo
    from server.gateway import signing

    owner, attribute = {"accounts": (IdpStore, "add_account"), "books": (demo, "save_book"),
                        "facility keys": (signing, "write_private")}[interrupted]
    real = getattr(owner, attribute)
    calls = []

    def killed_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise SystemExit("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, attribute, killed_on_the_third)
    data_dir = tmp_path / "data"
    with pytest.raises(SystemExit):
        create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, clock=clock), web=False)
    monkeypatch.undo()
    stack = create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, clock=clock), web=False)
    from ..support import sign_in

    for personal_id in ("001055001234", "001190004567", "001085007890", "001192006789"):
        tokens = await sign_in(stack, personal_id, clock=clock)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack), base_url=BASE_URL) as http:
            me = await http.get("/api/v1/me", headers=bearer(tokens))
            assert me.status_code == 200
    for code in ("01901", "01902"):
        assert (data_dir / "demo" / "facilities" / code / "api_key").exists()
    book = book_rows(data_dir, "SELECT count(*) FROM people").fetchone()[0]
    assert book >= 3


async def test_an_exact_resend_is_acknowledged_without_storing_it_again(http, credentials, data_dir):
    own = credentials["01902"]
    person, visit = stranger(31)
    signed = sign_envelope(envelope([(person, visit, "01902-R-1")]), own.key_pem, own.cert_pem)
    first = (await send(http, signed, own.api_key)).json()
    submissions = book_rows(data_dir, "SELECT count(*) FROM submissions").fetchone()[0]
    again = await send(http, signed, own.api_key)
    assert again.status_code == 200
    assert again.json()["duplicate_of"] == first["submission_id"]
    assert again.json()["records"][0]["visit_id"] == first["records"][0]["visit_id"]
    assert book_rows(data_dir, "SELECT count(*) FROM submissions").fetchone()[0] \
        == submissions


async def test_an_older_envelope_does_not_overwrite_a_newer_one(http, login, credentials):
    own = credentials["01902"]
    person, visit = hung_visit()
    newer = build_envelope("01902", [tables_for(person, visit.model_copy(update={"doctor_advice": "bản mới"}),
                                                "01902-O-1")], TODAY)
    older = build_envelope("01902", [tables_for(person, visit.model_copy(update={"doctor_advice": "bản cũ"}),
                                                "01902-O-1")], TODAY - timedelta(days=3))
    assert (await send(http, sign_envelope(newer, own.key_pem, own.cert_pem), own.api_key)).status_code == 200
    late = (await send(http, sign_envelope(older, own.key_pem, own.cert_pem), own.api_key)).json()
    [record] = late["records"]
    assert record["status"] == "rejected" and record["errors"][-1]["field"] == "THONGTINHOSO.NGAYLAP"
    book = await hung_book(http, login)
    assert any(v.doctor_advice == "bản mới" for v in book.visits)
    assert not any(v.doctor_advice == "bản cũ" for v in book.visits)


async def test_a_facility_looks_back_on_its_receipts_and_only_its_own(http, credentials):
    own, other = credentials["01902"], credentials["01901"]
    person, visit = hung_visit()
    good = sign_envelope(envelope([(person, visit, "01902-L-1")]), own.key_pem, own.cert_pem)
    sent = (await send(http, good, own.api_key)).json()
    await send(http, one_changed(good), own.api_key)
    listed = (await http.get("/api/v1/gateway/submissions?limit=2",
                             headers={"Authorization": f"Bearer {own.api_key}"})).json()
    assert listed["total"] >= 2 and [item["status"] for item in listed["items"]] == ["refused", "processed"]
    detail = (await http.get(f"/api/v1/gateway/submissions/{sent['submission_id']}",
                             headers={"Authorization": f"Bearer {own.api_key}"})).json()
    assert detail["receipt"]["records"][0]["ma_lk"] == "01902-L-1" and detail["accepted"] == 1
    refused = (await http.get(f"/api/v1/gateway/submissions/{listed['items'][0]['submission_id']}",
                              headers={"Authorization": f"Bearer {own.api_key}"})).json()
    assert refused["refusal"]["code"] == "signature_invalid" and "chữ ký" in refused["refusal"]["message"].lower()
    foreign = await http.get(f"/api/v1/gateway/submissions/{sent['submission_id']}",
                             headers={"Authorization": f"Bearer {other.api_key}"})
    assert foreign.status_code == 404
    assert (await http.get("/api/v1/gateway/submissions")).status_code == 401


def one_changed(signed: bytes) -> bytes:
    """A character of the first record's content, inside the signed part, turned into another."""
    start = signed.index(b"<NOIDUNGFILE>") + len(b"<NOIDUNGFILE>") + 40
    return signed[:start] + (b"B" if signed[start:start + 1] != b"B" else b"C") + signed[start + 1:]


async def test_a_card_changed_during_the_episode_is_read_in_every_card_field(http, login, credentials):
    own = credentials["01902"]
    person, visit = hung_visit()
    body = envelope([(person, visit, "01902-C-1")])
    for field, value in [("MA_THE_BHYT", "HT3010123456780;HT3010123456789"), ("MA_DKBD", "01901;01902"),
                         ("GT_THE_TU", "20250101;20260101"), ("GT_THE_DEN", "20251231;20261231")]:
        body = with_field(body, field, value)
    answer = await send(http, sign_envelope(body, own.key_pem, own.cert_pem), own.api_key)
    [record] = answer.json()["records"]
    assert record["status"] == "accepted", record["errors"]


async def test_a_referral_with_the_field_names_of_qd_3176_is_read(http, login, credentials):
    own = credentials["01902"]
    person, _ = hung_visit()
    visit = hung_visit()[1].model_copy(update={"referral": nguyen_van_hung(TODAY).visits[2].referral})
    assert visit.referral is not None
    body = envelope([(person, visit, "01902-T-1")])
    tree = parse_safely(body)
    for holder in tree.iter("FILEHOSO"):
        if holder.findtext("LOAIHOSO") == "XML13":
            content = base64.b64decode(holder.findtext("NOIDUNGFILE"))
            content = content.replace(b"MA_NOI_DEN>", b"MA_CSKCB_DEN>").replace(b"MA_NOI_DI>", b"MA_CSKCB_DI>")
            assert b"MA_CSKCB_DEN" in content
            holder.find("NOIDUNGFILE").text = base64.b64encode(content).decode()
    answer = await send(http, sign_envelope(etree.tostring(tree), own.key_pem, own.cert_pem), own.api_key)
    [record] = answer.json()["records"]
    assert record["status"] == "accepted", record["errors"]
    book = await hung_book(http, login)
    stored = next(v for v in book.visits if v.id == record["visit_id"])
    assert stored.referral.to_facility_code == visit.referral.to_facility_code


@pytest.mark.parametrize("document", ["", "012345678", "B1234567"])
async def test_a_visit_without_a_personal_id_waits_for_identification_then_joins_the_book(http, credentials,
                                                                                          data_dir, document):
    own = credentials["01902"]
    key = {"Authorization": f"Bearer {own.api_key}"}
    person, visit = stranger(41)
    identified = envelope([(person, visit, "01902-U-1")])
    before = visits_in(data_dir)
    waiting = await send(http, sign_envelope(with_field(identified, "SO_CCCD", document), own.key_pem,
                                             own.cert_pem), own.api_key)
    receipt = waiting.json()
    assert waiting.status_code == 200 and receipt["waiting_identification"] == 1 and receipt["rejected"] == 0
    assert receipt["records"][0]["status"] == "waiting_identification"
    assert any("chờ định danh" in note for note in receipt["records"][0]["notes"])
    [listed] = (await http.get("/api/v1/gateway/unidentified", headers=key)).json()
    assert (listed["ma_lk"], listed["full_name"], listed["document"]) == ("01902-U-1", person.full_name, document or None)
    assert visits_in(data_dir) == before, "not in anybody's book yet"

    joined = (await send(http, sign_envelope(identified, own.key_pem, own.cert_pem), own.api_key)).json()
    assert joined["records"][0]["status"] == "accepted"
    assert (await http.get("/api/v1/gateway/unidentified", headers=key)).json() == []
    assert visits_in(data_dir) == before + 1


async def test_a_malformed_personal_id_is_still_a_field_error(http, credentials):
    own = credentials["01902"]
    person, visit = stranger(42)
    body = with_field(envelope([(person, visit, "01902-U-2")]), "SO_CCCD", "00123")
    [record] = (await send(http, sign_envelope(body, own.key_pem, own.cert_pem), own.api_key)).json()["records"]
    assert record["status"] == "rejected" and record["errors"][0]["field"] == "XML1.SO_CCCD"


async def test_a_re_exam_date_in_xml1_alone_is_shown_when_no_slip_comes(http, login, credentials):
    own = credentials["01902"]
    person, visit = hung_visit()
    come_back = (TODAY + timedelta(days=14)).strftime("%Y%m%d")
    tables = tables_for(person, visit, "01902-K-1")
    assert "XML14" not in tables
    body = with_field(build_envelope("01902", [tables], TODAY), "NGAY_TAI_KHAM", f"{come_back};20991231")
    [record] = (await send(http, sign_envelope(body, own.key_pem, own.cert_pem), own.api_key)).json()["records"]
    assert record["status"] == "accepted", record["errors"]
    stored = next(v for v in (await hung_book(http, login)).visits if v.id == record["visit_id"])
    assert stored.re_exam is not None and stored.re_exam.appointment_at.date() == TODAY + timedelta(days=14)


async def test_a_page_far_beyond_the_end_is_a_clear_422(http, credentials):
    key = {"Authorization": f"Bearer {credentials['01902'].api_key}"}
    answer = await http.get("/api/v1/gateway/submissions?offset=99999999999999999999", headers=key)
    assert answer.status_code == 422 and answer.json()["error"]["details"][0]["field"] == "offset"


async def test_code_lists_name_what_a_new_persons_xml1_says(http, credentials, data_dir):
    person, visit = stranger(11)
    body = envelope([(person, visit, "01902-K-1")])
    for field, value in [("MA_DANTOC", "02"), ("MA_QUOCTICH", "704"), ("MA_NGHE_NGHIEP", "61110"),
                         ("DIEN_THOAI", "0912 345 678")]:
        body = with_field(body, field, value)
    own = credentials["01902"]
    [record] = (await send(http, sign_envelope(body, own.key_pem, own.cert_pem), own.api_key)).json()["records"]
    assert record["status"] == "accepted", record["errors"]
    row = book_rows(data_dir,
        "SELECT ethnicity, nationality, occupation, phone FROM people WHERE personal_id = ?",
        [person.personal_id]).fetchone()
    assert row == ("Tày", "Việt Nam", "Lao động có kỹ năng trong nông nghiệp, lâm nghiệp và thủy sản", "0912345678")


async def test_a_phone_nobody_can_call_is_left_out_with_a_warning_not_a_refusal(http, credentials, data_dir):
    person, visit = stranger(12)
    own = credentials["01902"]
    body = with_field(envelope([(person, visit, "01902-K-2")]), "DIEN_THOAI", "không có")
    [record] = (await send(http, sign_envelope(body, own.key_pem, own.cert_pem), own.api_key)).json()["records"]
    assert record["status"] == "accepted"
    assert any("DIEN_THOAI" in note and "không có" in note for note in record["notes"])
    assert book_rows(data_dir,
        "SELECT phone FROM people WHERE personal_id = ?", [person.personal_id]).fetchone() == (None,)


async def test_the_facilitys_practitioner_list_names_the_prescriber_and_the_reader(http, login, credentials):
    own = credentials["01902"]
    key = {"Authorization": f"Bearer {own.api_key}"}
    listed = {"practitioners": [{"code": "009999/HNO-CCHN", "full_name": "Trần Thị Bình", "title": "BS."},
                                {"code": "008888/HNO-CCHN", "full_name": "Ngô Văn Khải", "title": "BSCKI."}]}
    assert (await http.put("/api/v1/gateway/practitioners", json=listed)).status_code == 401  # the key first
    assert (await http.put("/api/v1/gateway/practitioners", json=listed, headers=key)).json() == {"saved": 2}
    assert len((await http.get("/api/v1/gateway/practitioners", headers=key)).json()["practitioners"]) == 2
    doubled = {"practitioners": listed["practitioners"] * 2}
    assert (await http.put("/api/v1/gateway/practitioners", json=doubled, headers=key)).status_code == 422

    person, visit = hung_visit()
    visit = visit.model_copy(update={
        "prescriptions": [p.model_copy(update={"prescriber": "009999/HNO-CCHN"}) for p in visit.prescriptions],
        "lab_results": [lab.model_copy(update={"reader": "008888/HNO-CCHN"}) for lab in visit.lab_results]})
    receipt = (await signed_send(http, credentials, [(person, visit, "01902-P-1")])).json()
    stored = next(v for v in (await hung_book(http, login)).visits if v.id == receipt["records"][0]["visit_id"])
    assert {p.prescriber_name for p in stored.prescriptions} == {"BS. Trần Thị Bình"}
    assert stored.lab_results[0].reader_name == "BSCKI. Ngô Văn Khải"

    other = credentials["01901"]  # another facility's codes are not this one's people
    assert (await http.get("/api/v1/gateway/practitioners",
                           headers={"Authorization": f"Bearer {other.api_key}"})).json()["practitioners"] != \
        listed["practitioners"]


async def test_a_newer_visit_updates_a_known_persons_card_and_an_older_one_does_not(http, login, credentials,
                                                                                    data_dir):
    person, visit = hung_visit()
    before = (await hung_book(http, login)).person.insurance
    renewed = person.insurance.model_copy(update={"code": "HT2010123456789", "registered_facility_code": "01902",
                                                  "valid_to": date(TODAY.year + 1, 12, 31)})
    receipt = (await signed_send(http, credentials, [(person.model_copy(update={"insurance": renewed}), visit,
                                                      "01902-CARD-1")])).json()
    assert receipt["accepted"] == 1
    card = (await hung_book(http, login)).person.insurance
    assert (card.code, card.registered_facility_code) == ("HT2010123456789", "01902")
    [(previous, new, facility)] = book_rows(data_dir,
        "SELECT previous, card, facility_code FROM card_changes").fetchall()
    assert before.code in previous and "HT2010123456789" in new and facility == "01902"

    old_visit = visit.model_copy(update={"started_at": visit.started_at - timedelta(days=400),
                                         "ended_at": visit.ended_at - timedelta(days=400)})
    late = (await signed_send(http, credentials, [(person, old_visit, "01902-CARD-0")])).json()
    assert late["accepted"] == 1  # the visit is stored...
    assert (await hung_book(http, login)).person.insurance.code == "HT2010123456789"  # ...the old card is not back
