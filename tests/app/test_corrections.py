"""Báo thông tin sai in the app: the view-models as plain functions, then the citizen's form, list and
the facility's desk headless against the real server."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from api_client.models import CorrectionRequest, DeskCorrectionRequest
from app.i18n import Translator
from app.viewmodels.corrections import build_corrections, build_desk, decline_reason_error

from .harness import walk

VI = Translator("vi")


def request(**changes) -> CorrectionRequest:
    base = {"id": "r1", "person_id": "p1", "facility_code": "01902", "facility_name": "Bệnh viện Đa khoa Ba Đình",
            "target_kind": "lab_result", "visit_id": "v1", "visit_started_at": datetime(2026, 3, 9, 1, tzinfo=UTC),
            "target_ref": "0", "target_label": "Glucose", "note": "Tôi không làm xét nghiệm này.", "status": "open",
            "created_at": datetime(2026, 3, 10, 2, 30, tzinfo=UTC)}
    return CorrectionRequest.model_validate({**base, **changes})


def test_the_citizens_list_says_each_status_in_plain_words_open_ones_first():
    rows = build_corrections([
        request(id="old", status="declined", answer_note="Kết quả đúng.", answered_at=datetime(2026, 3, 12, tzinfo=UTC)),
        request(id="new", created_at=datetime(2026, 3, 1, tzinfo=UTC)),
        request(id="fixed", status="corrected", target_kind="prescription", target_label="Amlodipin 5mg",
                answered_at=datetime(2026, 3, 11, tzinfo=UTC)),
        request(id="vaccine", status="withdrawn", target_kind="vaccination", visit_id=None, visit_started_at=None,
                target_label="COVID-19 (Pfizer) (2)"),
    ], VI)
    assert [row.id for row in rows] == ["new", "old", "fixed", "vaccine"]
    new, old, fixed, vaccine = rows
    assert (new.status, new.tone, new.can_withdraw) == ("Đang chờ cơ sở trả lời", "warning", True)
    assert new.item == "Kết quả xét nghiệm: Glucose" and new.visit == "Lần khám ngày 09/03/2026"
    assert (old.status, old.can_withdraw) == ("Không sửa: Kết quả đúng.", False) and old.answered
    assert (fixed.status, fixed.item) == ("Đã sửa", "Thuốc: Amlodipin 5mg")
    assert (vaccine.status, vaccine.visit, vaccine.answered) == ("Đã rút lại", "", "")
    assert vaccine.item == "Tiêm chủng: COVID-19 (Pfizer) (2)"


def test_the_desk_shows_what_finds_the_record_and_asks_for_a_reason():
    desk = DeskCorrectionRequest.model_validate({**request().model_dump(), "patient_name": "Nguyễn Văn Hùng",
                                                 "birth_year": 1955, "ma_lk": "01902-A-1"})
    [row] = build_desk([desk], VI)
    assert row.patient == "Nguyễn Văn Hùng (1955)"
    assert "MA_LK 01902-A-1" in row.record and row.record.startswith("Lần khám ngày 09/03/2026")
    assert decline_reason_error("   ", VI) == "Hãy ghi lý do: người dân sẽ đọc lý do này."
    assert decline_reason_error("Đúng theo sổ khoa", VI) is None


def dialog_controls(app) -> list:
    return [c for dialog in app.page._dialogs.controls if dialog.open for c in walk(dialog)]


def dialog_button(app, label: str):
    return next(c for c in dialog_controls(app) if isinstance(c, ft.FilledButton | ft.TextButton) and c.content == label)


async def test_the_citizen_reports_a_wrong_result_and_follows_it(open_app):
    app = await open_app("001055001234")
    visit = next(v for v in app.state.book.visits if v.facility_code == "01902" and v.lab_results)
    await app.navigate(f"/visits/{visit.id}")
    buttons = [c for c in app.controls(ft.OutlinedButton) if c.content == "Báo thông tin sai"]
    assert len(buttons) == 1 + len(visit.lab_results) + len(visit.prescriptions)  # the visit, each result, each medicine
    assert all(b.height == 48 for b in buttons)
    await app.click(buttons[1])  # the first result
    [field] = [c for c in dialog_controls(app) if isinstance(c, ft.TextField)]
    assert field.label == "Thông tin nào sai, và đúng phải là gì?" and field.multiline
    assert visit.lab_results[0].name in [c.value for c in dialog_controls(app) if isinstance(c, ft.Text)]

    await app.click(dialog_button(app, "Gửi"))  # nothing written: the server's words say what to do
    assert "Trường này không được để trống." in [c.value for c in dialog_controls(app) if isinstance(c, ft.Text)]
    await app.type_into(field, "Hôm đó tôi không làm xét nghiệm này.")
    await app.click(dialog_button(app, "Gửi"))
    assert not dialog_controls(app)
    assert app.by_identifier("report-wrong-sent") is not None

    await app.navigate("/corrections")
    cards = [c for c in walk(app.page) if getattr(c, "identifier", None) == "correction-request"]
    assert len(cards) == 1
    texts = app.texts()
    assert "Đang chờ cơ sở trả lời" in texts and f"Kết quả xét nghiệm: {visit.lab_results[0].name}" in texts
    assert "Hôm đó tôi không làm xét nghiệm này." in texts and "Bệnh viện Đa khoa Ba Đình" in texts
    await app.click(app.button("Rút lại yêu cầu"))
    assert "Đã rút lại" in app.texts()
    with_button = [c for c in app.controls(ft.OutlinedButton) if c.content == "Rút lại yêu cầu"]
    assert with_button == []


async def test_cancel_closes_the_form_without_sending(open_app, http):
    app = await open_app("001055001234")
    await app.navigate("/vaccinations")
    buttons = [c for c in app.controls(ft.OutlinedButton) if c.content == "Báo thông tin sai"]
    assert len(buttons) == len(app.state.book.vaccinations)
    await app.click(buttons[0])
    await app.click(dialog_button(app, "Hủy"))
    assert not dialog_controls(app)
    await app.navigate("/corrections")
    assert "Bạn chưa báo thông tin sai nào." in app.texts()


async def test_the_doctor_declines_on_the_desk_with_a_reason(open_app, stack, clock):
    citizen = await open_app("001055001234")
    visit = next(v for v in citizen.state.book.visits if v.facility_code == "01902")
    await citizen.navigate(f"/visits/{visit.id}")
    await citizen.click(next(c for c in citizen.controls(ft.OutlinedButton) if c.content == "Báo thông tin sai"))
    [field] = [c for c in dialog_controls(citizen) if isinstance(c, ft.TextField)]
    await citizen.type_into(field, "Tôi không khám ở đây hôm đó.")
    await citizen.click(dialog_button(citizen, "Gửi"))

    doctor = await open_app("001085007890", route="/reception")
    await doctor.click(doctor.button("Yêu cầu sửa thông tin"))
    assert doctor.page.route == "/clinic/corrections"
    assert "Nguyễn Văn Hùng (1955)" in doctor.texts() and "Tôi không khám ở đây hôm đó." in doctor.texts()
    await doctor.click(next(c for c in doctor.controls(ft.OutlinedButton) if c.content == "Từ chối"))
    await doctor.click(next(c for c in doctor.controls(ft.FilledButton) if c.content == "Từ chối"))
    [reason] = [c for c in doctor.controls(ft.TextField) if c.label == "Vì sao không sửa?"]
    assert reason.error == "Hãy ghi lý do: người dân sẽ đọc lý do này."
    await doctor.type_into(reason, "Hồ sơ khám ngày đó có chữ ký của ông.")
    await doctor.click(next(c for c in doctor.controls(ft.FilledButton) if c.content == "Từ chối"))
    assert "Không có yêu cầu sửa thông tin nào đang chờ." in doctor.texts()

    await citizen.navigate("/corrections")
    assert "Không sửa: Hồ sơ khám ngày đó có chữ ký của ông." in citizen.texts()


async def test_the_reception_desk_alone_has_no_corrections_button(open_app):
    app = await open_app("001192006789", route="/reception")
    assert "Yêu cầu sửa thông tin" not in [getattr(c, "content", None) for c in app.controls(ft.TextButton)]
