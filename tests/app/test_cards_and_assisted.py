"""Printed check-in cards and the assisted session, headless against the real server in process: the
citizen makes and locks a card, the counter asks for the card's second factor before the summary shows,
and a citizen's session on a volunteer's device says so on every screen and ends leaving nothing."""

from __future__ import annotations

import flet as ft

from ..conftest import bearer
from ..support import sign_in

HUNG, RECEPTIONIST, VOLUNTEER = "001055001234", "001192006789", "001098003456"


async def test_a_citizen_makes_a_card_then_locks_it_when_lost(open_app):
    app = await open_app(HUNG)
    await app.click(app.button("Không có điện thoại thông minh? In thẻ khám bệnh"))
    assert "Chưa làm thẻ nào." in app.texts()
    await app.click(app.button("Làm thẻ"))
    await app.settle(20)
    texts = app.texts()
    assert "In thẻ mới" in texts and "Thẻ của Hùng" in texts and "Đang dùng được" in texts
    assert app.button("Tải thẻ (cỡ thẻ căn cước)") and app.button("Tải bản in khổ A6")
    await app.click(app.button("Khóa thẻ này (báo mất)"))
    await app.settle(20)
    texts = app.texts()
    assert any(text.startswith("Đã khóa lúc") for text in texts)
    assert "In thẻ mới" not in texts, "a locked card is not offered for printing"


async def test_a_pin_has_four_digits_and_is_not_an_obvious_one(open_app):
    app = await open_app(HUNG)
    await app.navigate("/card")
    await app.change(app.controls(ft.RadioGroup)[0], value="pin")
    pin_field = next(field for field in app.controls(ft.TextField) if field.label == "Mã PIN (4 số)")
    await app.change(pin_field, value="1234")
    await app.click(app.button("Làm thẻ"))
    assert "Hãy chọn mã PIN khó đoán hơn 1234." in app.texts()
    assert "Chưa làm thẻ nào." in app.texts()


async def test_the_counter_asks_the_cards_second_factor_before_the_summary(open_app, http, login):
    card = (await http.post("/api/v1/me/check-in-cards", headers=bearer(await login(HUNG)))).json()
    app = await open_app(RECEPTIONIST)
    await app.submit(app.controls(ft.TextField)[0], card["code"] + "\n")
    assert "Hãy hỏi năm sinh của Hùng." in app.texts()
    assert "Nguyễn Văn Hùng" not in app.texts(), "nothing of the book before the answer"
    answer = app.by_identifier("card-second-factor")
    field = next(f for f in app.controls(ft.TextField) if f.label == "Năm sinh")
    await app.submit(field, "1950")
    await app.settle(10)
    assert app.by_identifier("scan-error") is not None and "Hãy hỏi năm sinh của Hùng." in app.texts()
    field = next(f for f in app.controls(ft.TextField) if f.label == "Năm sinh")
    await app.submit(field, "1955")
    await app.settle(20)
    texts = app.texts()
    assert "Nguyễn Văn Hùng" in texts and "Amlodipin 5mg" in texts  # a card and its answer open the full summary
    assert answer is not None and app.by_identifier("card-second-factor") is None


async def test_an_assisted_session_is_marked_everywhere_and_hand_back_erases_it(open_app, http, stack, login, clock):
    app = await open_app(VOLUNTEER, route="/volunteer")
    session = app.session_service
    assert app.page.route == "/volunteer"
    ticket = (await http.post("/api/v1/volunteer/assist-tickets", headers=bearer(await login(VOLUNTEER)))).json()
    tokens = await sign_in(stack, HUNG, clock=clock, assist_ticket=ticket["ticket"])
    session.assist_pending = True  # what start_assisted leaves for the provider's answer
    await session.signed_in(tokens)
    await app.settle(30)
    assert app.state.me.full_name == "Nguyễn Văn Hùng" and app.state.assisted is not None
    assert "Đang hỗ trợ: Nguyễn Văn Hùng" in app.texts() and app.page.route == "/"
    await app.navigate("/visits")
    assert "Đang hỗ trợ: Nguyễn Văn Hùng" in app.texts()
    assert session.auth.tokens.refresh_token is None and session.books.cache is None
    await app.click(app.button("Kết thúc và trả lại máy"))
    await app.settle(30)
    assert app.state.me.full_name == "Đỗ Minh Quân" and app.state.assisted is None
    assert app.state.book is None or app.state.book.person.full_name == "Đỗ Minh Quân"
    assert app.page.route == "/volunteer"
    assert "Nguyễn Văn Hùng" not in app.text_content()
    clock.advance(6)  # the API trusts a provider's "alive" for 5 s
    assert (await http.get("/api/v1/me", headers=bearer(tokens))).status_code == 401, "revoked at the provider"
    assert (await http.get("/api/v1/volunteer/follow-up", headers=await_headers(session))).status_code == 200


def await_headers(session) -> dict[str, str]:
    return {"Authorization": f"Bearer {session.auth.tokens.access_token}"}
