"""The counter as a morning's work, headless against the real server in process: the citizen's phone
follows the desk, a patient without a phone is found by card or number, a second admission asks
first, the queue says where each patient is, and a doctor reads the admitted patient's book."""

from __future__ import annotations

import flet as ft
import pytest

from app.views import check_in_qr, reception

from ..conftest import bearer
from .test_check_in_views import DOCTOR, RECEPTIONIST, redeem, shown_code

HUNG_CCCD_QR = "001055001234||Nguyễn Văn Hùng|12031955|Nam|Số 12 phố Đội Cấn, Ba Đình, Hà Nội|10052021"
HUNG_BHYT = "HT3010123456789"


@pytest.fixture(autouse=True)
def fast_ticks(monkeypatch):
    monkeypatch.setattr(check_in_qr, "TICK_SECONDS", 0.02)
    monkeypatch.setattr(reception, "QUEUE_REFRESH_SECONDS", 0.05)


async def citizen_code(http, login) -> str:
    citizen = bearer(await login("001055001234"))
    return (await http.post("/api/v1/me/check-in-codes", headers=citizen)).json()["code"]


async def test_the_citizens_phone_tells_scanned_from_admitted_and_shows_the_queue_number(open_app, http, login):
    app = await open_app("001055001234")
    await app.navigate("/qr")
    check_in = (await redeem(http, login, shown_code(app))).json()
    await app.settle(20)
    assert any(text.startswith("Đã quét mã lúc") and "Trạm Y tế phường Ba Đình" in text
               for text in app.texts()), app.texts()
    assert not any(text.startswith("Số thứ tự") for text in app.texts()), "scanned is not yet admitted"
    await http.post(f"/api/v1/clinic/check-ins/{check_in['id']}/admit", headers=bearer(await login(RECEPTIONIST)))
    await app.settle(30)
    assert "Số thứ tự 1 — Trạm Y tế phường Ba Đình" in app.texts()


async def test_a_chip_id_card_finds_the_patient_with_allergies_only(open_app):
    app = await open_app(RECEPTIONIST)
    await app.submit(app.controls(ft.TextField)[0], HUNG_CCCD_QR + "\n")
    texts = app.texts()
    assert "Nguyễn Văn Hùng" in texts and "Penicillin (kháng sinh nhóm beta-lactam)" in texts
    assert any(text.startswith("Đã nhận diện bằng thẻ CCCD") for text in texts)
    assert "Amlodipin 5mg" not in texts, "a card anyone can photograph does not open the medicines"
    await app.click(app.button("Tiếp nhận"))
    assert "Đã tiếp nhận. Số thứ tự 1." in app.texts()


async def test_a_typed_bhyt_number_finds_the_patient_and_a_wrong_name_on_a_card_is_refused(open_app):
    app = await open_app(RECEPTIONIST)
    await app.submit(app.controls(ft.TextField)[0], HUNG_BHYT)
    assert any(text.startswith("Đã nhận diện bằng số BHYT") for text in app.texts())
    await app.submit(app.controls(ft.TextField)[0], HUNG_CCCD_QR.replace("Nguyễn Văn Hùng", "Trần Văn Hùng"))
    assert "Nguyễn Văn Hùng" not in app.texts()
    assert app.by_identifier("scan-error") is not None


async def test_a_second_admission_the_same_day_asks_first(open_app, http, login):
    app = await open_app(RECEPTIONIST)
    await app.submit(app.controls(ft.TextField)[0], await citizen_code(http, login))
    await app.click(app.button("Tiếp nhận"))
    await app.submit(app.controls(ft.TextField)[0], await citizen_code(http, login))
    await app.click(app.button("Tiếp nhận"))
    assert app.by_identifier("admit-again") is not None
    assert not any(text == "Đã tiếp nhận. Số thứ tự 2." for text in app.texts())
    await app.click(app.button("Cấp thêm số thứ tự"))
    assert "Đã tiếp nhận. Số thứ tự 2." in app.texts()


async def test_the_queue_shows_each_patients_status_and_follows_other_desks(open_app, http, login):
    app = await open_app(RECEPTIONIST)
    await app.submit(app.controls(ft.TextField)[0], await citizen_code(http, login))
    await app.click(app.button("Tiếp nhận"))
    await app.settle()
    assert "Đang chờ" in app.texts()
    await app.click(app.button("Gọi vào khám"))
    await app.settle()
    assert "Đang khám" in app.texts()
    [entry] = (await http.get("/api/v1/clinic/queue", headers=bearer(await login(RECEPTIONIST)))).json()
    await http.post(f"/api/v1/clinic/check-ins/{entry['check_in_id']}/status", json={"status": "left"},
                    headers=bearer(await login(RECEPTIONIST)))  # another desk says the patient left
    await app.settle(20)
    assert "Đã về" in app.texts()


async def test_a_doctor_reads_the_admitted_patients_book_that_day_only(open_app, http, login, clock):
    app = await open_app(DOCTOR)
    await app.submit(app.controls(ft.TextField)[0], await citizen_code(http, login))
    await app.click(app.button("Tiếp nhận"))
    await app.click(app.button("Mở sổ sức khỏe"))
    await app.settle()
    assert app.page.route.startswith("/patients/")
    assert app.by_identifier("patient-visits") is not None
    book_route = app.page.route
    [tile] = [c for c in app.controls(ft.Semantics) if (c.identifier or "").startswith("visit-")][:1]
    await app.click(tile.content)
    await app.settle()
    assert app.by_identifier("diagnoses") is not None, "the doctor reads a past visit in full"
    log = (await http.get("/api/v1/me/access-log", headers=bearer(await login("001055001234")))).json()
    assert {"book", "visit"} <= {entry["what"] for entry in log if entry["purpose"] == "treatment"}

    clock.advance(24 * 3600)
    await app.navigate(book_route)
    await app.settle()
    assert app.by_identifier("patient-book-closed") is not None


async def test_a_receptionist_is_not_offered_the_book_or_the_visit_form(open_app, http, login):
    app = await open_app(RECEPTIONIST)
    await app.submit(app.controls(ft.TextField)[0], await citizen_code(http, login))
    await app.click(app.button("Tiếp nhận"))
    labels = " ".join(app.texts())
    assert "Mở sổ sức khỏe" not in labels and "Ghi nhận lần khám" not in labels
