"""The check-in screens headless, against the real server in process: the citizen's QR, the
receptionist's desk, and who looked."""

from __future__ import annotations

import io

import flet as ft
import pytest
import zxingcpp
from PIL import Image

from app.views import check_in_qr

from ..conftest import bearer

RECEPTIONIST = "001192006789"
DOCTOR = "001085007890"  # district hospital 01902


@pytest.fixture(autouse=True)
def fast_ticks(monkeypatch):
    monkeypatch.setattr(check_in_qr, "TICK_SECONDS", 0.02)


def shown_code(app) -> str:
    [image] = [i for i in app.images() if isinstance(i.src, bytes)]
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.src)))
    return decoded.text


async def redeem(http, login, code: str):
    return await http.post("/api/v1/clinic/check-ins", json={"code": code}, headers=bearer(await login(RECEPTIONIST)))


async def test_the_qr_shows_a_working_code_with_nothing_personal_in_it(open_app, http, login):
    app = await open_app("001055001234")
    await app.navigate("/qr")
    code = shown_code(app)
    assert code.startswith("SSKDT:") and "001055001234" not in code
    assert any(text.startswith("Còn hiệu lực 4:") or text == "Còn hiệu lực 5:00" for text in app.texts())
    assert "Của Nguyễn Văn Hùng" in app.texts()
    response = await redeem(http, login, code)
    assert response.json()["summary"]["full_name"] == "Nguyễn Văn Hùng"
    await app.settle(20)
    assert any(text.startswith("Đã quét mã lúc") and "Trạm Y tế phường Ba Đình" in text
               for text in app.texts())


async def test_the_code_renews_itself_before_it_expires_and_the_old_one_dies(open_app, http, login, clock):
    app = await open_app("001055001234")
    app.session_service.check_in.clock = clock
    await app.navigate("/qr")
    first = shown_code(app)
    clock.advance(280)  # 20 s left
    await app.settle(10)
    second = shown_code(app)
    assert second != first
    assert (await redeem(http, login, first)).status_code == 404, "the replaced code was revoked"
    assert (await redeem(http, login, second)).status_code == 201


async def test_cancelling_kills_the_code_and_offers_a_new_one(open_app, http, login):
    app = await open_app("001055001234")
    await app.navigate("/qr")
    code = shown_code(app)
    await app.click(app.button("Hủy mã này"))
    assert "Mã đã được hủy. Không ai dùng được mã này nữa." in app.texts()
    assert (await redeem(http, login, code)).status_code == 404
    await app.click(app.button("Tạo mã mới"))
    assert shown_code(app) != code


async def test_leaving_the_qr_screen_cancels_the_code(open_app, http, login):
    app = await open_app("001055001234")
    await app.navigate("/qr")
    code = shown_code(app)
    await app.navigate("/")
    await app.settle()
    assert (await redeem(http, login, code)).status_code == 404


async def test_a_guardian_shows_the_childs_qr(open_app, http, login):
    app = await open_app("001190004567")
    await app.navigate("/family")
    await app.click(app.by_identifier("person-1").content)
    await app.navigate("/qr")
    assert "Của Lê Minh An" in app.texts()
    summary = (await redeem(http, login, shown_code(app))).json()["summary"]
    assert summary["full_name"] == "Lê Minh An"


async def test_receptionist_scans_reads_allergies_first_and_admits(open_app, http, login):
    citizen = bearer(await login("001055001234"))
    code = (await http.post("/api/v1/me/check-in-codes", headers=citizen)).json()["code"]
    app = await open_app(RECEPTIONIST)
    assert app.page.route == "/reception", "staff land on the reception desk"
    await app.submit(app.controls(ft.TextField)[0], code + "\n")
    texts = app.texts()
    assert texts.index("DỊ ỨNG") < texts.index("Nguyễn Văn Hùng")
    assert "Penicillin (kháng sinh nhóm beta-lactam)" in texts
    assert "Amlodipin 5mg" in texts
    assert "Mức hưởng 95%" in texts, "the desk sees how much the card covers"
    await app.click(app.button("Tiếp nhận"))
    assert "Đã tiếp nhận. Số thứ tự 1." in app.texts()
    assert any("Nguyễn Văn Hùng · 1955 · Nam" in text for text in app.texts())
    assert app.controls(ft.TextField)[0].value in (None, ""), "the field is empty for the next patient"


async def test_a_reused_code_is_explained_in_vietnamese(open_app, http, login):
    citizen = bearer(await login("001055001234"))
    code = (await http.post("/api/v1/me/check-in-codes", headers=citizen)).json()["code"]
    await redeem(http, login, code)
    app = await open_app(RECEPTIONIST)
    await app.submit(app.controls(ft.TextField)[0], code)
    assert "Mã này đã được sử dụng. Hãy đề nghị người bệnh đưa mã mới." in app.texts()


async def test_without_a_camera_the_desk_says_to_use_the_scanner(open_app):
    app = await open_app(RECEPTIONIST)
    await app.click(app.button("Dùng camera"))
    assert "Không tìm thấy camera trên thiết bị này. Hãy dùng máy quét hoặc dán mã." in app.texts()


async def test_citizens_are_kept_out_of_the_reception_desk(open_app):
    app = await open_app("001055001234")
    await app.navigate("/reception")
    assert app.page.route == "/"


async def test_the_citizen_sees_who_looked(open_app, http, login):
    citizen = bearer(await login("001055001234"))
    await redeem(http, login, (await http.post("/api/v1/me/check-in-codes", headers=citizen)).json()["code"])
    app = await open_app("001055001234")
    await app.navigate("/access-log")
    assert "Hoàng Thị Lan (Tiếp đón)" in app.texts()
    assert "Trạm Y tế phường Ba Đình (01901)" in app.texts()
    assert "Xem tóm tắt bệnh án để tiếp đón bằng mã QR của sổ sức khỏe" in app.texts()


async def check_in_by(http, login, staff: str, citizen: str) -> None:
    """The citizen shows a QR; the staff member scans it."""
    code = (await http.post("/api/v1/me/check-in-codes", headers=bearer(await login(citizen)))).json()["code"]
    response = await http.post("/api/v1/clinic/check-ins", json={"code": code}, headers=bearer(await login(staff)))
    assert response.status_code == 201, response.text


async def test_signing_out_kills_the_qr_shown_before(open_app, http, login):
    app = await open_app("001055001234")
    await app.navigate("/qr")
    code = shown_code(app)
    await app.session_service.sign_out()
    await app.settle()
    response = await redeem(http, login, code)
    assert response.status_code == 404, "a code shown before signing out checks nobody in after it"


async def test_signing_out_at_a_shared_desk_leaves_no_patient_behind(open_app, http, login):
    await check_in_by(http, login, DOCTOR, "001055001234")
    app = await open_app(DOCTOR)
    app.state.recording_for = ("001055001234", "Nguyễn Văn Hùng")
    await app.navigate("/record-visit")
    assert "Nguyễn Văn Hùng" in app.text_content()
    await app.session_service.sign_out()
    await app.settle()
    assert app.state.recording_for is None and app.state.me is None
    await app.navigate("/record-visit")
    assert "Nguyễn Văn Hùng" not in app.text_content() and "001055001234" not in app.text_content()
