"""The record-visit form ("Ghi nhận lần khám") a doctor at a commune station uses: the view-model as plain
functions (what to correct, what will be signed, the receipt in words), then the screen headless against
the real server in process: two medicines, vital signs and a re-exam date go out, signed, and nothing
typed is lost however fast it is typed.

Labels are looked up through the Vietnamese catalog (`VI(msgid)`), as the screen shows them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import flet as ft
import pytest
from flet.messaging.protocol import MessageAction

from api_client.models import VIETNAM_TZ, RecordVisitResult, SubmissionReceipt, VitalSigns
from app.i18n import Translator
from app.viewmodels.record_visit import (
    RecordVisitForm,
    build_request,
    build_review,
    field_errors,
    field_name,
    picked_day,
    receipt_in_words,
    refusal_in_words,
    vital_error,
)
from app.viewmodels.visits import build_visit_detail
from server.demo import nguyen_van_hung

from ..conftest import bearer
from .harness import walk
from .test_check_in_views import DOCTOR, check_in_by

TODAY = date(2026, 11, 22)
VI, EN = Translator("vi"), Translator("en")
HUNG = "001055001234"


def filled_form() -> RecordVisitForm:
    form = RecordVisitForm(personal_id=HUNG, patient_name="Nguyễn Văn Hùng", reason="Ho, sốt nhẹ 2 ngày")
    form.add_diagnosis("J02.9", "Viêm họng cấp, không đặc hiệu")
    form.add_diagnosis("I10", "Tăng huyết áp vô căn")
    first = form.medicines[0]
    for name, value in (("name", "Paracetamol"), ("strength", "500 mg"), ("quantity", "10"), ("unit", "viên"),
                        ("dosage", "1 viên/lần, 3 lần/ngày"), ("usage", "Uống sau ăn khi sốt")):
        form.set_medicine(first.key, name, value)
    second = form.add_medicine()
    for name, value in (("name", "Amlodipin"), ("strength", "5 mg"), ("quantity", "30"), ("unit", "viên"),
                        ("usage", "Uống buổi sáng")):
        form.set_medicine(second.key, name, value)
    for name, value in (("pulse", "80"), ("systolic", "120"), ("diastolic", "80"), ("temperature", "37,2"),
                        ("weight_kg", "55"), ("height_cm", "160"), ("spo2", "98"), ("glucose", "6.1")):
        form.set_vital(name, value)
    form.re_exam = "29/11/2026"
    form.advice = "Uống nhiều nước"
    return form


# ---------------------------------------------------------------- the view-model


def test_a_complete_form_becomes_the_request_that_is_signed():
    request = build_request(filled_form(), TODAY)
    assert [(m.name, m.strength, m.quantity, m.unit) for m in request.prescriptions] == [
        ("Paracetamol", "500 mg", 10, "viên"), ("Amlodipin", "5 mg", 30, "viên")]
    assert request.vital_signs.model_dump(exclude_none=True) == {
        "pulse": 80, "systolic": 120, "diastolic": 80, "temperature": 37.2, "weight_kg": 55, "height_cm": 160,
        "spo2": 98, "glucose": 6.1}
    assert request.re_exam_on == date(2026, 11, 29) and request.diagnoses[0].icd10 == "J02.9"


@pytest.mark.parametrize(("name", "typed", "expected"), [
    ("pulse", "300", "Pulse must be between 20 and 250 beats/min. Check the number."),
    ("temperature", "3,72", "Temperature must be between 30 and 45 °C. Check the number."),
    ("spo2", "97.5", "SpO2: write a whole number, for example 98."),
    ("glucose", "sáu", "Blood glucose: write a number, for example 6.1."),
    ("weight_kg", "0", "Weight must be between 0.3 and 350 kg. Check the number."),
])
def test_each_vital_sign_is_range_checked_with_a_message_that_says_the_range(name, typed, expected):
    assert vital_error(name, typed, EN) == expected


def test_vital_sign_messages_are_vietnamese_first_with_the_decimal_comma():
    message = vital_error("temperature", "50", VI)
    assert message.startswith(VI("Temperature")) and "30" in message and "45" in message and "°C" in message
    assert "0,3" in vital_error("weight_kg", "0,1", VI), "Vietnamese numbers: a decimal comma"
    assert vital_error("temperature", "", VI) is None and vital_error("temperature", "37,2", VI) is None


def test_the_form_says_what_to_correct_field_by_field():
    form = filled_form()
    second = form.medicines[1].key
    form.set_medicine(second, "quantity", "")
    form.set_vital("diastolic", "")
    form.set_vital("pulse", "8o")
    form.re_exam = "22/11/2026"
    errors = field_errors(form, TODAY, VI)
    assert errors == {
        f"medicine.{second}.quantity": "Mỗi loại thuốc cần có số lượng, ví dụ 10.",
        "vital.pulse": VI("{name}: write a number, for example {example}.", name=VI("Pulse"), example="80"),
        "vital.blood_pressure": VI("Write both blood pressure numbers, for example 120/80."),
        "re_exam": "Ngày tái khám phải sau ngày hôm nay.",
    }
    assert build_request(form, TODAY) is None, "nothing is sent while anything is wrong"


def test_a_blank_medicine_row_is_left_out_and_a_row_without_a_name_is_not():
    form = filled_form()
    blank = form.add_medicine()
    assert len(build_request(form, TODAY).prescriptions) == 2
    form.set_medicine(blank.key, "quantity", "5")
    assert field_errors(form, TODAY, EN) == {
        f"medicine.{blank.key}.name": "Write the medicine's name, or remove this row."}
    form.remove_medicine(blank.key)
    assert build_request(form, TODAY) is not None


def test_the_reexam_date_is_typed_as_on_paper_and_must_be_in_the_future():
    form = filled_form()
    for typed, problem in (("29/11/2026", None), ("3/12/2026", None), ("29-11-2026", None),
                           ("2026-11-29", "Write the re-examination date as dd/mm/yyyy, for example 29/11/2026."),
                           ("31/02/2027", "Write the re-examination date as dd/mm/yyyy, for example 29/11/2026."),
                           ("21/11/2026", "The re-examination date must be after today."),
                           ("01/01/2030", "The re-examination date must be within two years from today.")):
        form.re_exam = typed
        assert field_errors(form, TODAY, EN).get("re_exam") == problem, typed


def test_a_day_from_the_date_picker_is_that_day_in_any_time_zone():
    assert picked_day(datetime(2026, 11, 29)) == date(2026, 11, 29)  # local midnight, as Flutter sends it
    assert picked_day(datetime(2026, 11, 28, 17, 0, tzinfo=UTC)) == date(2026, 11, 29)  # midnight in Hà Nội
    assert picked_day(datetime(2026, 11, 29, 5, 0, tzinfo=UTC)) == date(2026, 11, 29)  # midnight in New York
    form = RecordVisitForm()
    form.pick_re_exam(date(2026, 12, 3))
    assert form.re_exam == "03/12/2026"


def test_the_review_shows_exactly_what_will_be_signed():
    review = build_review(build_request(filled_form(), TODAY), "Nguyễn Văn Hùng", VI)
    assert review.patient == "Nguyễn Văn Hùng · 001055001234"
    assert review.diagnoses == ["J02.9 · Viêm họng cấp, không đặc hiệu (Bệnh chính)", "I10 · Tăng huyết áp vô căn"]
    assert [(m.title, m.quantity, m.how) for m in review.medicines] == [
        ("Paracetamol 500 mg", "10 viên", "1 viên/lần, 3 lần/ngày · Uống sau ăn khi sốt"),
        ("Amlodipin 5 mg", "30 viên", "Uống buổi sáng")]
    assert review.vitals == [
        (VI("Pulse"), "80 " + VI("beats/min")), (VI("Blood pressure"), "120/80 mmHg"),
        (VI("Temperature"), "37,2 °C"), ("Cân nặng", "55 kg"), (VI("Height"), "160 cm"), ("SpO2", "98 %"),
        (VI("Blood glucose"), "6,1 mmol/L")]
    assert review.re_exam == "7:30, 29 tháng 11, 2026"
    assert review.advice == "Uống nhiều nước" and review.reason == "Ho, sốt nhẹ 2 ngày"


def receipt(errors=(), notes=()) -> SubmissionReceipt:
    return SubmissionReceipt.model_validate({
        "submission_id": "3f2a9c7e1b5d4a8c9e0f", "facility_code": "01902", "received_at": "2026-11-22T09:00:00+07:00",
        "accepted": 1, "rejected": 0, "records": [{"ma_lk": "01902-X", "status": "accepted", "visit_id": "v1",
                                                    "incomplete": bool(errors), "errors": list(errors),
                                                    "notes": list(notes)}]})


def test_the_receipt_says_whose_book_the_visit_is_in():
    result = RecordVisitResult(visit_id="v1", person_id="p1", full_name="Nguyễn Văn Hùng", receipt=receipt())
    words = receipt_in_words(result, "", EN)
    assert words.accepted and words.title == "Saved in the health book of Nguyễn Văn Hùng."
    assert words.lines == [] and words.reference == "Receipt number: 3f2a9c7e1b5d"
    assert "{" not in words.title and "submission_id" not in " ".join(words.lines), "words, not JSON"


def test_a_row_left_out_by_the_gateway_is_named_as_the_doctor_knows_it():
    result = RecordVisitResult(visit_id="v1", person_id="p1", full_name="Nguyễn Văn Hùng", receipt=receipt(
        errors=[{"field": "XML2.SO_LUONG", "message": "Hãy ghi một số không âm, dùng dấu chấm cho phần thập phân."}]))
    words = receipt_in_words(result, "", VI)
    assert words.lines[1] == "Số lượng: Hãy ghi một số không âm, dùng dấu chấm cho phần thập phân."


def test_a_refusal_names_each_refused_field_in_vietnamese():
    words = refusal_in_words("Lần khám chưa được chấp nhận. Hãy sửa các trường được liệt kê.", [
        {"field": "prescriptions.1.quantity", "message": "Giá trị quá lớn."},
        {"field": "XML1.MA_BENH_CHINH", "message": "Mã ICD-10 phải gồm một chữ cái và hai chữ số."},
        {"field": "vital_signs.pulse", "message": "Giá trị quá lớn."},
    ], VI)
    assert not words.accepted and words.title.startswith("Lần khám chưa được chấp nhận")
    assert words.lines == [
        f"{VI('Medicine {number}', number=2)}: Số lượng: Giá trị quá lớn.",
        f"{VI('Main diagnosis')}: Mã ICD-10 phải gồm một chữ cái và hai chữ số.",
        f"{VI('Pulse')}: Giá trị quá lớn.",
    ]
    assert field_name("XML9.UNKNOWN", VI) == "XML9.UNKNOWN", "a field we cannot name keeps its own name"


def test_the_citizen_reads_the_vital_signs_in_their_own_number_format():
    measured = datetime(2026, 11, 22, 9, 15, tzinfo=VIETNAM_TZ)
    visit = nguyen_van_hung(TODAY).visits[0].model_copy(update={"weight_kg": 55.5, "vital_signs": VitalSigns(
        pulse=80, systolic=120, diastolic=80, temperature=37.2, weight_kg=55.5, spo2=98, glucose=6.1,
        measured_at=measured)})
    detail = build_visit_detail(visit, VI)
    assert detail.vitals == [
        (VI("Pulse"), "80 " + VI("beats/min")), (VI("Blood pressure"), "120/80 mmHg"), (VI("Temperature"), "37,2 °C"),
        ("Cân nặng", "55,5 kg"), ("SpO2", "98 %"), (VI("Blood glucose"), "6,1 mmol/L")]
    assert detail.vitals_measured == VI("Measured at {time}", time="9:15, 22/11/2026")
    assert "Cân nặng" not in [label for label, _ in detail.facts], "the weight is said once, with the vital signs"
    assert ("Temperature", "37.2 °C") in build_visit_detail(visit, EN).vitals
    assert build_visit_detail(visit.model_copy(update={"vital_signs": None}), VI).vitals == []


# ---------------------------------------------------------------- the screen, headless


def text_fields(app, identifier: str | None = None) -> dict[str, ft.TextField]:
    root = app.by_identifier(identifier) if identifier else app.page
    return {f.label: f for f in walk(root) if isinstance(f, ft.TextField)}


async def open_form(open_app, http, login, *, width: float = 412):
    await check_in_by(http, login, DOCTOR, HUNG)
    app = await open_app(DOCTOR, width=width)
    app.state.recording_for = (HUNG, "Nguyễn Văn Hùng")
    await app.navigate("/record-visit")
    return app


async def fill(app, identifier: str, values: dict[str, str]) -> None:
    for label, value in values.items():
        field = text_fields(app, identifier)[VI(label)]
        await app.change(field, value=value)
        await app.click(field, "blur")


def sent_strings(app, since: int) -> list[str]:
    """Every text the server pushed to the client's controls after message `since`."""
    found: list[str] = []

    def collect(value) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, ft.BaseControl):
            collect(getattr(value, "value", None))

    for message in app.connection.messages[since:]:
        if message.action == MessageAction.PATCH_CONTROL:
            collect(message.body.patch)
    return found


async def test_the_doctor_records_two_medicines_vitals_and_a_reexam_and_the_book_has_them(open_app, http, login):
    app = await open_form(open_app, http, login)
    assert not app.errors
    search = text_fields(app, "record-diagnoses")[VI("Search ICD-10 by code or name")]
    await app.change(search, value="viem hong")
    await app.click(app.button("J02.9 · Viêm họng cấp, không đặc hiệu"))
    assert text_fields(app, "record-diagnoses")[VI("Search ICD-10 by code or name")].value == "", "cleared after a pick"
    await fill(app, "medicine-1", {"Medicine name": "Paracetamol", "Strength": "500 mg", "Quantity": "10",
                                   "Unit": "viên", "Dose": "1 viên/lần, 3 lần/ngày", "How to take": "Uống sau ăn"})
    await app.click(app.button(VI("Add a medicine")))
    await fill(app, "medicine-2", {"Medicine name": "Amlodipin", "Strength": "5 mg", "Quantity": "30",
                                   "Unit": "viên", "How to take": "Uống buổi sáng"})
    assert text_fields(app, "medicine-1")[VI("Medicine name")].value == "Paracetamol", "row 1 kept its values"
    await fill(app, "record-vitals", {"Pulse": "300"})
    assert text_fields(app, "record-vitals")[VI("Pulse")].error == vital_error("pulse", "300", VI)
    await fill(app, "record-vitals", {"Pulse": "80", "Systolic": "120", "Diastolic": "80",
                                      "Temperature": "37,2", "Weight": "55", "Height": "160", "SpO2": "98",
                                      "Blood glucose": "6,1"})
    assert text_fields(app, "record-vitals")[VI("Pulse")].error is None
    re_exam_day = datetime.now(VIETNAM_TZ).date() + timedelta(days=7)
    await fill(app, "record-follow-up", {"Re-examination date": f"{re_exam_day:%d/%m/%Y}",
                                         "Doctor's advice": "Uống nhiều nước"})

    await app.click(app.button(VI("Review before signing")))
    review = "\n".join(app.texts())
    assert app.by_identifier("record-review") is not None, review
    for expected in ("Paracetamol 500 mg", "Amlodipin 5 mg", VI("Quantity: {quantity}", quantity="10 viên"),
                     "120/80 mmHg", "37,2 °C", "6,1 mmol/L", f"7:30, {VI.long_date(re_exam_day)}",
                     "Uống nhiều nước", "Nguyễn Văn Hùng · 001055001234"):
        assert expected in review, expected
    await app.click(app.button(VI("Back to edit")))
    assert text_fields(app, "medicine-2")[VI("Medicine name")].value == "Amlodipin", "back to edit keeps everything"
    assert text_fields(app, "record-vitals")[VI("Temperature")].value == "37,2"
    await app.click(app.button(VI("Review before signing")))
    await app.click(app.button(VI("Sign and send")))
    await app.settle(30)
    assert VI("Saved in the health book of {name}.", name="Nguyễn Văn Hùng") in app.texts()
    assert not any(text.lstrip().startswith("{") for text in app.texts()), "the receipt is words, not JSON"

    book = (await http.get("/api/v1/me/book", headers=bearer(await login(HUNG)))).json()
    newest = book["visits"][0]
    assert [(p["name"], p["strength"], p["quantity"], p["unit"]) for p in newest["prescriptions"]] == [
        ("Paracetamol", "500 mg", 10, "viên"), ("Amlodipin", "5 mg", 30, "viên")]
    assert newest["vital_signs"]["temperature"] == 37.2 and newest["vital_signs"]["systolic"] == 120
    assert newest["weight_kg"] == 55, "the weight went into XML1 CAN_NANG"
    assert newest["re_exam"]["appointment_at"].startswith(re_exam_day.isoformat())
    assert any("Mạch: 80 lần/phút; Huyết áp: 120/80 mmHg; Nhiệt độ: 37,2 °C" in (n.get("note") or "")
               for n in newest["clinical_notes"]), "the vitals line of XML5 DIEN_BIEN_LS"


async def test_typing_fast_loses_nothing_even_when_the_screen_redraws_meanwhile(open_app, http, login):
    """The client sends each keystroke (the new value, then a change event); events are handled later.
    A redraw between them must not send an older value back over what was typed."""
    app = await open_form(open_app, http, login)
    await app.change(text_fields(app)[VI("Search ICD-10 by code or name")], value="J02.9")
    await app.click(app.button("J02.9 · Viêm họng cấp, không đặc hiệu"))
    name = text_fields(app, "medicine-1")[VI("Medicine name")]
    quantity = text_fields(app, "medicine-1")[VI("Quantity")]
    since = len(app.connection.messages)
    typed = ""
    for character in "Paracetamol":
        typed += character
        app.session.apply_patch(name._i, {"value": typed})  # arrives before its change event is handled
        if typed == "Par":
            await app.click(app.button(VI("Add a medicine")))  # a redraw while keystrokes are in flight
            shown = text_fields(app, "medicine-1")[VI("Medicine name")]
            assert shown.value == "Par", "the redraw shows what the client has, not the form's older value"
    for end in range(1, len(typed) + 1):  # the change events, handled late
        await app.session.dispatch_event(name._i, "change", typed[:end])
    await app.change(quantity, value="10")
    await app.click(quantity, "blur")  # another redraw
    await app.settle()
    field = text_fields(app, "medicine-1")[VI("Medicine name")]
    assert field.value == "Paracetamol"
    assert not {"P", "Pa", "Par", "Para"} & set(sent_strings(app, since)), "no older value was sent back"
    await app.click(app.button(VI("Review before signing")))
    assert "Paracetamol" in app.texts(), "what the review will sign is what was typed"


async def test_the_date_picker_fills_the_reexam_date(open_app, http, login):
    app = await open_form(open_app, http, login)
    await app.click(app.button(VI("Choose the re-examination date")))
    [picker] = [d for d in app.page._dialogs.controls if isinstance(d, ft.DatePicker)]
    tomorrow = datetime.now(VIETNAM_TZ).date() + timedelta(days=1)
    assert picker.first_date == tomorrow, "only future days can be picked"
    chosen = tomorrow + timedelta(days=13)
    app.session.apply_patch(picker._i, {"value": datetime(chosen.year, chosen.month, chosen.day)})
    await app.click(picker, "change")
    field = text_fields(app, "record-follow-up")[VI("Re-examination date")]
    assert field.value == f"{chosen:%d/%m/%Y}" and field.error is None
    assert field.helper == VI.long_date(chosen)


async def test_review_is_refused_until_the_form_is_right(open_app, http, login):
    app = await open_form(open_app, http, login)
    await app.click(app.button(VI("Review before signing")))
    assert app.by_identifier("record-review") is None
    assert app.by_identifier("record-problem") is not None
    errors = [f.error for f in text_fields(app).values() if f.error]
    assert "Hãy thêm ít nhất một chẩn đoán: tìm trong danh mục ICD-10 và chọn." in errors


@pytest.mark.parametrize("width", [360, 1366])
async def test_the_form_renders_at_phone_and_desktop_width_in_large_text(open_app, http, login, width):
    app = await open_form(open_app, http, login, width=width)
    app.state.large_text = True
    await app.settle()
    assert text_fields(app, "medicine-1")[VI("Quantity")] is not None
    rows = [c for c in walk(app.by_identifier("record-form")) if isinstance(c, ft.Row) and c.wrap]
    assert not [r for r in rows if any(getattr(child, "expand", None) for child in r.controls)], \
        "no expanded control inside a wrapping row (Flutter's grey error box)"


async def test_a_refusal_is_said_in_words_and_back_to_edit_keeps_the_form(open_app, http, login):
    app = await open_app(DOCTOR)  # nobody checked in at 01902 today
    app.state.recording_for = (HUNG, "Nguyễn Văn Hùng")
    await app.navigate("/record-visit")
    await app.change(text_fields(app)[VI("Search ICD-10 by code or name")], value="J02.9")
    await app.click(app.button("J02.9 · Viêm họng cấp, không đặc hiệu"))
    await fill(app, "medicine-1", {"Medicine name": "Paracetamol", "Quantity": "10"})
    await app.click(app.button(VI("Review before signing")))
    await app.click(app.button(VI("Sign and send")))
    await app.settle(20)
    assert app.by_identifier("visit-refused") is not None
    assert ("Người bệnh này chưa được tiếp đón tại cơ sở của bạn hôm nay. Hãy quét mã QR của người bệnh tại quầy "
            "tiếp đón trước, rồi ghi nhận lần khám.") in app.texts()
    await app.click(app.button(VI("Back to edit")))
    assert text_fields(app, "medicine-1")[VI("Medicine name")].value == "Paracetamol"

