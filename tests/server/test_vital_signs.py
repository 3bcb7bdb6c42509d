"""Vital signs through the gateway. QĐ 130 has a field for the weight only (XML1 CAN_NANG); the rest is
text in XML5 DIEN_BIEN_LS, written the way each hospital's software or doctor writes it. The gateway
reads them back from those shapes, keeps the note as it is, and never refuses a visit because of them."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest

from api_client.models import VIETNAM_TZ, ClinicalNote, VitalSigns
from server.gateway.signing import sign_envelope
from server.gateway.vital_signs import line_of, read_vitals, vital_signs_of
from server.gateway.xml130 import parse_safely, read_envelope

from ..conftest import bearer
from ..support import book_rows
from .test_gateway import checked_in_by_the_doctor, envelope, hung_book, hung_visit, send, signed_send

# What the notes of real hospital software look like (HIS exports seen in QĐ 130 files), and what is in them.
HIS_NOTES = [
    ("Mạch: 80 lần/phút; Huyết áp: 120/80 mmHg; Nhiệt độ: 37,2 °C; Cân nặng: 55 kg; Chiều cao: 160 cm; "
     "SpO2: 98 %; Đường huyết: 6,1 mmol/L",  # our own form's line
     {"pulse": 80, "systolic": 120, "diastolic": 80, "temperature": 37.2, "weight_kg": 55, "height_cm": 160,
      "spo2": 98, "glucose": 6.1}),
    ("Mạch 80 l/p, HA 120/80 mmHg, T 37°C, NĐ 37,5, SpO2 98%",
     {"pulse": 80, "systolic": 120, "diastolic": 80, "temperature": 37, "spo2": 98}),
    ("BN tỉnh, tiếp xúc tốt. Da niêm hồng. M: 88 l/ph - HA: 130/80mmHg - t°: 37.5 - NT: 20 l/ph. Tim đều, "
     "phổi không ran.",
     {"pulse": 88, "systolic": 130, "diastolic": 80, "temperature": 37.5}),
    ("Sốt 39°C, ho khạc đờm vàng, ran nổ đáy phổi phải. Mạch 96 lần/phút, huyết áp 140/85 mmHg, SpO2 94%.",
     {"pulse": 96, "systolic": 140, "diastolic": 85, "temperature": 39, "spo2": 94}),
    ("Sinh hiệu: Mạch=76, HA=110/70, T=36.8, P=48kg, CC=152cm",
     {"pulse": 76, "systolic": 110, "diastolic": 70, "temperature": 36.8, "weight_kg": 48, "height_cm": 152}),
    ("Trẻ sơ sinh: CN 3200 g, chiều cao 50 cm, nhịp tim 140 l/p, nhiệt độ 36,8 độ C",
     {"weight_kg": 3.2, "height_cm": 50, "pulse": 140, "temperature": 36.8}),
    ("Đường máu mao mạch: 110 mg/dl. Cân nặng 62,5kg; chiều cao 1m65. HA 150 / 95 mmHg",
     {"glucose": 6.1, "weight_kg": 62.5, "height_cm": 165, "systolic": 150, "diastolic": 95}),
    ("MẠCH 72 LẦN/PHÚT. HUYẾT ÁP 100/60 MMHG. NHIỆT ĐỘ 36,5. ĐH: 5,4 mmol/l. SPO2: 99%",
     {"pulse": 72, "systolic": 100, "diastolic": 60, "temperature": 36.5, "glucose": 5.4, "spo2": 99}),
    ("HA tay phải 125/75mmHg, tần số tim 68, Sp02 97%, glucose 7,8",  # a zero typed for the letter O
     {"systolic": 125, "diastolic": 75, "pulse": 68, "spo2": 97, "glucose": 7.8}),
]


@pytest.mark.parametrize(("note", "expected"), HIS_NOTES, ids=[f"his-{i}" for i in range(len(HIS_NOTES))])
def test_vital_signs_are_read_from_the_shapes_hospital_software_writes(note, expected):
    assert read_vitals(note) == pytest.approx(expected)


@pytest.mark.parametrize("note", [
    "Bệnh nhân tỉnh, tiếp xúc tốt. Tim đều, phổi không ran. Bụng mềm.",
    "Truyền NaCl 0,9% 500 cc, hạ sốt bằng Paracetamol. Nhịp thở 20 l/p.",  # millilitres, breathing rate
    "Hẹn tái khám CN 12/3. Tiêm mũi 2 ngày 20/11.",  # Sunday the 12th, not 12 kg
    "Mạch quay bắt rõ, huyết áp kẹp, nhiệt độ bình thường.",  # signs, no numbers
    "", None,
])
def test_text_without_vital_signs_gives_none(note):
    assert read_vitals(note) == {}
    assert vital_signs_of([ClinicalNote(note=note)]) is None


def test_a_value_no_person_can_have_is_left_out_and_the_rest_kept():
    assert read_vitals("Mạch 800 l/p, HA 80/120, T 73, SpO2 98%") == {"spo2": 98}
    assert read_vitals("HA 120/80, mạch 300, mạch 82") == {"systolic": 120, "diastolic": 80, "pulse": 82}


def test_our_line_reads_back_as_it_was_written():
    vitals = VitalSigns(pulse=80, systolic=120, diastolic=80, temperature=37.2, weight_kg=55.5, height_cm=160,
                        spo2=98, glucose=6.1)
    line = line_of(vitals)
    assert line == ("Mạch: 80 lần/phút; Huyết áp: 120/80 mmHg; Nhiệt độ: 37,2 °C; Cân nặng: 55,5 kg; "
                    "Chiều cao: 160 cm; SpO2: 98 %; Đường huyết: 6,1 mmol/L")
    assert VitalSigns(**read_vitals(line)) == vitals


def test_a_stay_shows_the_latest_measurements_and_the_weight_from_xml1():
    day = datetime(2026, 11, 20, 8, 0, tzinfo=VIETNAM_TZ)
    notes = [ClinicalNote(recorded_at=day + timedelta(days=1), note="Mạch 80 l/p, T 37°C"),
             ClinicalNote(recorded_at=day, note="Mạch 110 l/p, T 39,5°C, HA 90/60"),
             ClinicalNote(recorded_at=day + timedelta(days=2), note="Ăn uống được, hết sốt.")]
    vitals = vital_signs_of(notes, weight_kg=58)
    assert (vitals.pulse, vitals.temperature, vitals.systolic, vitals.weight_kg) == (80, 37, None, 58)
    assert vitals.measured_at == day + timedelta(days=1)
    assert vital_signs_of([], weight_kg=58) == VitalSigns(weight_kg=58), "a weight alone is a measurement too"
    assert vital_signs_of([], weight_kg=None) is None


def with_note(body: bytes, person, visit, ma_lk: str, note: str) -> bytes:
    from server.gateway.xml130 import tables_for

    tables = tables_for(person, visit, ma_lk)
    original = tables["XML5"]
    start = original.index(b"<DIEN_BIEN_LS>") + len(b"<DIEN_BIEN_LS>")
    end = original.index(b"</DIEN_BIEN_LS>")
    changed = original[:start] + note.encode() + original[end:]
    return body.replace(base64.b64encode(original), base64.b64encode(changed))


@pytest.mark.parametrize(("note", "expected"), [
    ("Mạch 80 l/p, HA 120/80 mmHg, T 37°C, NĐ 37,5, SpO2 98%",
     {"pulse": 80, "systolic": 120, "diastolic": 80, "temperature": 37, "spo2": 98}),
    ("BN tỉnh, không sốt, ăn uống được.", None),
    ("Mạch 900 l/p, HA 12/8", None),  # typing errors: no vitals, and the visit is still stored
])
async def test_the_gateway_puts_the_vitals_of_xml5_into_the_visit_and_keeps_the_note(http, login, credentials,
                                                                                     note, expected):
    person, visit = hung_visit(clinical_notes=[ClinicalNote(recorded_at=datetime.now(VIETNAM_TZ) - timedelta(hours=2),
                                                            note="placeholder")], weight_kg=None)
    own = credentials["01902"]
    body = with_note(envelope([(person, visit, "01902-V-1")]), person, visit, "01902-V-1", note)
    answer = (await send(http, sign_envelope(body, own.key_pem, own.cert_pem), own.api_key)).json()
    [record] = answer["records"]
    assert record["status"] == "accepted", record
    stored = next(v for v in (await hung_book(http, login)).visits if v.id == record["visit_id"])
    assert stored.clinical_notes[0].note == note, "the note is kept as the facility wrote it"
    assert (stored.vital_signs.model_dump(exclude_none=True, exclude={"measured_at"})
            if stored.vital_signs else None) == expected


async def test_the_weight_of_xml1_alone_is_a_vital_sign(http, login, credentials):
    person, visit = hung_visit(clinical_notes=[], weight_kg=61.5)
    [record] = (await signed_send(http, credentials, [(person, visit, "01902-W-1")])).json()["records"]
    stored = next(v for v in (await hung_book(http, login)).visits if v.id == record["visit_id"])
    assert stored.weight_kg == 61.5 and stored.vital_signs == VitalSigns(weight_kg=61.5)


async def test_the_form_sends_weight_in_can_nang_and_every_vital_in_dien_bien_ls(http, login, data_dir):
    doctor = await checked_in_by_the_doctor(http, login)
    vitals = {"pulse": 80, "systolic": 120, "diastolic": 80, "temperature": 37.2, "weight_kg": 55, "height_cm": 160,
              "spo2": 98, "glucose": 6.1}
    body = {"personal_id": "001055001234", "diagnoses": [{"icd10": "J02.9", "name": "Viêm họng cấp"}],
            "prescriptions": [{"name": "Paracetamol", "strength": "500 mg", "quantity": 10, "unit": "viên"}],
            "vital_signs": vitals}
    response = await http.post("/api/v1/clinic/visits", json=body, headers=doctor)
    assert response.status_code == 201, response.text
    assert response.json()["full_name"] == "Nguyễn Văn Hùng"
    [(raw,)] = book_rows(data_dir,
        "SELECT body FROM submissions ORDER BY received_at DESC LIMIT 1").fetchall()
    [hoso] = read_envelope(parse_safely(raw)).records
    assert hoso.tables["XML1"][0]["CAN_NANG"] == "55"
    assert hoso.tables["XML5"][0]["DIEN_BIEN_LS"] == (
        "Mạch: 80 lần/phút; Huyết áp: 120/80 mmHg; Nhiệt độ: 37,2 °C; Cân nặng: 55 kg; Chiều cao: 160 cm; "
        "SpO2: 98 %; Đường huyết: 6,1 mmol/L")
    book = (await http.get("/api/v1/me/book", headers=bearer(await login("001055001234")))).json()
    stored = next(v for v in book["visits"] if v["id"] == response.json()["visit_id"])
    assert {k: v for k, v in stored["vital_signs"].items() if k != "measured_at"} == vitals


@pytest.mark.parametrize(("vitals", "field"), [
    ({"pulse": 300}, "vital_signs.pulse"),
    ({"temperature": 25}, "vital_signs.temperature"),
    ({"systolic": 120}, "vital_signs"),  # half a blood pressure
    ({"systolic": 80, "diastolic": 120}, "vital_signs"),
])
async def test_the_form_endpoint_refuses_impossible_vitals_by_field(http, login, vitals, field):
    doctor = await checked_in_by_the_doctor(http, login)
    body = {"personal_id": "001055001234", "diagnoses": [{"icd10": "J02.9", "name": "Viêm họng cấp"}],
            "vital_signs": vitals}
    answer = await http.post("/api/v1/clinic/visits", json=body, headers=doctor)
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"] == field
