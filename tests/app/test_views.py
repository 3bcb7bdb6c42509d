"""Screens rendered headless (real Flet session and renderer, fake client) against the real server."""

from __future__ import annotations

import flet as ft
import httpx
import pytest

from .harness import walk


async def test_signed_out_visitor_is_sent_to_sign_in(open_app):
    app = await open_app(route="/visits")
    assert app.page.route == "/sign-in"
    assert app.button("Đăng nhập bằng VNeID")
    assert "Cần tài khoản" not in app.text_content()


async def test_web_sign_in_goes_to_the_provider_in_the_same_tab(open_app):
    app = await open_app(route="/sign-in")
    await app.click(app.button("Đăng nhập bằng VNeID"))
    _name, args = next(call for call in app.connection.invoked if call[0] == "launch_url")
    assert args["url"].startswith("http://127.0.0.1:8000/idp/authorize?")
    assert "code_challenge_method=S256" in args["url"] and "ui_locales=vi" in args["url"]
    assert args["web_only_window_name"] == "_self"


async def test_home_opens_with_the_allergy_banner_before_anything_else(open_app):
    app = await open_app("001055001234")
    assert app.page.route == "/"
    texts = app.texts()
    assert texts.index("DỊ ỨNG") < texts.index("Nguyễn Văn Hùng", 2) < texts.index("Lịch tái khám")
    assert "Penicillin (kháng sinh nhóm beta-lactam)" in texts
    banner = app.by_identifier("allergy-banner")
    assert banner.label == "Cảnh báo dị ứng: Penicillin (kháng sinh nhóm beta-lactam)"


async def test_personal_id_is_masked_until_the_citizen_taps_show(open_app):
    app = await open_app("001055001234")
    assert "001******234" in app.texts() and "001055001234" not in app.texts()
    await app.click(app.button("Hiện"))
    assert "001055001234" in app.texts()
    await app.click(app.button("Ẩn"))
    assert "001055001234" not in app.texts()


async def test_visits_search_narrows_the_list_and_says_when_nothing_matches(open_app):
    app = await open_app("001055001234", route="/")
    await app.navigate("/visits")
    assert len([t for t in app.texts() if t.endswith("(I10)")]) == 7
    search = app.controls(ft.TextField)[0]
    await app.type_into(search, "levofloxacin")
    assert [t for t in app.texts() if "(J18.9)" in t] == ["Viêm phổi, không đặc hiệu (J18.9)"]
    assert not [t for t in app.texts() if t.endswith("(I10)")]
    await app.type_into(search, "aspirin")
    assert "Không tìm thấy lần khám phù hợp với “aspirin”." in app.texts()


async def test_a_visit_opens_with_its_discharge_paper(open_app):
    app = await open_app("001055001234")
    book = app.state.book
    inpatient = next(v for v in book.visits if v.visit_type == "03")
    await app.navigate(f"/visits/{inpatient.id}")
    assert app.by_identifier("paper-discharge") is not None
    text = app.text_content()
    assert "GIẤY RA VIỆN" in text and "Viêm phổi (J18.9); Tăng huyết áp (I10); Đái tháo đường type 2 (E11.9)" in text
    assert "Cao" in app.texts() and "Giá trị bình thường: 4–10 G/L" in app.texts()
    await app.click(app.button("Quay lại danh sách lần khám"))
    assert app.page.route == "/visits"


async def test_unknown_visit_says_so(open_app):
    app = await open_app("001055001234")
    await app.navigate("/visits/does-not-exist")
    assert "Lần khám này không có trong sổ." in app.texts()


async def test_history_shows_every_group(open_app):
    app = await open_app("001055001234")
    await app.navigate("/history")
    for title in ("Dị ứng", "Bệnh tật", "Yếu tố nguy cơ", "Tiền sử gia đình", "Phẫu thuật", "Khuyết tật"):
        assert title in app.texts()
    assert "Phẫu thuật đục thủy tinh thể mắt phải (Phaco)" in app.texts()


async def test_switching_to_english_changes_labels_dates_and_server_messages(open_app):
    app = await open_app("001055001234")
    await app.navigate("/settings")
    await app.change(app.controls(ft.SegmentedButton)[0], selected=["en"])
    assert "Language" in app.texts() and app.button("Sign out")
    await app.navigate("/")
    assert "ALLERGIES" in app.texts() and "Born 12 Mar 1955 · Male" in app.texts()
    assert app.session_service.books.client.language == "en"


async def test_large_text_mode_makes_text_bigger(open_app):
    app = await open_app("001055001234")
    before = max(t.size or 0 for t in app.controls(ft.Text) if t.value == "Nguyễn Văn Hùng")
    await app.navigate("/settings")
    await app.change(app.controls(ft.Switch)[0], value=True)
    await app.navigate("/")
    after = max(t.size or 0 for t in app.controls(ft.Text) if t.value == "Nguyễn Văn Hùng")
    assert after >= before * 1.3


async def test_guardian_switches_to_the_childs_book_and_back(open_app):
    app = await open_app("001190004567")
    await app.navigate("/family")
    child = app.by_identifier("person-1").content
    await app.click(child)
    assert app.page.route == "/"
    assert "Sổ của Lê Minh An" in app.texts()
    assert "Viêm não Nhật Bản, mũi 3 — Quá hạn" in app.texts()
    await app.navigate("/family")
    await app.click(app.by_identifier("person-0").content)
    assert "Sổ của Trần Thị Mai" in app.texts()


async def test_level1_account_lands_on_the_upgrade_guidance(open_app):
    app = await open_app("001048002345")
    assert app.page.route == "/level-2"
    assert "Tài khoản của bạn đang ở mức độ 1" in app.texts()
    assert app.state.book is None


class Unreachable(httpx.AsyncBaseTransport):
    """The server is down: the IdP still signs in (the test does that in process), the API does not answer."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down and request.url.path.startswith("/api/"):
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


async def test_an_unreachable_server_gives_a_plain_message_and_a_retry(open_app, stack):
    transport = Unreachable(httpx.ASGITransport(app=stack))
    app = await open_app("001055001234", transport=transport)
    transport.down = True
    app.state.book = None  # as on a first load
    await app.session_service.load_book()
    await app.settle()
    assert "Không kết nối được máy chủ Sổ sức khỏe. Hãy kiểm tra kết nối mạng rồi thử lại." in app.texts()
    transport.down = False
    await app.click(app.button("Thử lại"))
    assert "DỊ ỨNG" in app.texts()


async def test_on_a_phone_the_last_book_opens_offline_with_a_banner(open_app, stack, app_data_dir):
    transport = Unreachable(httpx.ASGITransport(app=stack))
    app = await open_app("001055001234", transport=transport, web=False)
    assert "DỊ ỨNG" in app.texts()
    assert (app_data_dir / "book-cache.db").exists()
    assert b"Penicillin" not in (app_data_dir / "book-cache.db").read_bytes(), "the cache is encrypted"
    transport.down = True
    await app.click(app.controls(ft.IconButton, lambda b: b.tooltip == "Làm mới")[0])
    assert any(t.startswith("Đang ngoại tuyến. Đây là dữ liệu cập nhật lúc") for t in app.texts())
    assert "Penicillin (kháng sinh nhóm beta-lactam)" in app.texts()
    await app.navigate("/settings")
    await app.click(app.button("Đăng xuất"))
    assert not (app_data_dir / "book-cache.db").exists(), "signing out erases the cache"
    assert app.page.route == "/sign-in"


async def test_touch_targets_are_at_least_48_px(open_app):
    app = await open_app("001055001234")
    for route in ("/", "/settings"):
        await app.navigate(route)
        for control in walk(app.page):
            if isinstance(control, (ft.FilledButton, ft.OutlinedButton, ft.TextButton)):
                assert at_least_48_px_high(control), control


def at_least_48_px_high(button: ft.Control) -> bool:
    """A fixed height of 48, or (for labels that may wrap in large text) padding that, around one line of
    20 px of text, makes 48."""
    if (button.height or 0) >= 48:
        return True
    padding = button.style.padding if button.style else None
    return isinstance(padding, ft.Padding) and padding.top + padding.bottom + 20 >= 48


class MemoryPreferences:
    def __init__(self) -> None:
        self.values = {}

    async def get(self, key):
        return self.values.get(key)

    async def set(self, key, value):
        self.values[key] = value
        return True


async def test_language_and_text_size_are_remembered_for_the_next_session(open_app):
    from app.services import preferences
    from app.state import AppState

    app = await open_app("001055001234")
    store = MemoryPreferences()
    app.session_service.preferences = store
    await app.navigate("/settings")
    await app.change(app.controls(ft.SegmentedButton)[0], selected=["en"])
    await app.change(app.controls(ft.Switch)[0], value=True)
    next_session = AppState()
    await preferences.restore(store, next_session)
    assert (next_session.language, next_session.large_text) == ("en", True)
    assert store.values == {"sskdt.language": "en", "sskdt.large_text": True}


@pytest.mark.parametrize("route", ["/", "/visits", "/history", "/vaccinations", "/family", "/settings"])
async def test_signing_out_from_any_screen_shows_sign_in_and_keeps_nothing(open_app, route):
    app = await open_app("001190004567")
    await app.navigate(route)
    await app.session_service.sign_out()
    await app.settle()
    assert app.page.route == "/sign-in"
    assert app.button("Đăng nhập bằng VNeID")
    assert "Trần Thị Mai" not in app.text_content()
    assert app.state.book is None and app.session_service.auth.tokens is None


async def test_a_visit_stored_without_a_refused_row_says_something_may_be_missing(open_app, http, data_dir):
    import base64

    from server.gateway.signing import load_credentials, sign_envelope

    from ..server.test_gateway import envelope, hung_visit, send, tables_for

    own = load_credentials(data_dir / "demo" / "facilities" / "01902")
    person, visit = hung_visit()
    tables = tables_for(person, visit, "01902-I-1")
    good = envelope([(person, visit, "01902-I-1")])
    broken = good.replace(base64.b64encode(tables["XML2"]), base64.b64encode(
        tables["XML2"].replace(b"<SO_LUONG>5</SO_LUONG>", b"<SO_LUONG>many</SO_LUONG>")))
    [record] = (await send(http, sign_envelope(broken, own.key_pem, own.cert_pem), own.api_key)).json()["records"]
    assert record["incomplete"]
    app = await open_app("001055001234")
    await app.navigate(f"/visits/{record['visit_id']}")
    await app.settle()
    assert any(text.startswith("Một phần dữ liệu Bệnh viện Đa khoa Ba Đình gửi") for text in app.texts()), app.texts()
