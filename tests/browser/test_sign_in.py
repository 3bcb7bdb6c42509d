"""Signing in through the provider's own page, in Chromium against `python main.py`."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import by_id, enable_semantics, expect_text, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_citizen_signs_in_with_vneid_and_sees_their_name(phone, server_url):
    sign_in(phone, server_url, "001055001234")
    expect_text(by_id(phone, "home-name"), "Nguyễn Văn Hùng", timeout=20_000)
    assert phone.evaluate("window.localStorage.length") == 0, "no token or health data in browser storage"
    assert "token" not in phone.evaluate("JSON.stringify(window.sessionStorage)").lower()


def test_wrong_password_keeps_the_citizen_on_the_login_page(phone, server_url):
    phone.goto(f"{server_url}/")
    enable_semantics(phone)
    phone.get_by_role("button", name="Đăng nhập bằng VNeID").click()
    phone.wait_for_url("**/idp/authorize**", timeout=20_000)
    screenshot(phone, "idp-login-page")
    phone.fill("#username", "001055001234")
    phone.fill("#password", "not-this")
    phone.click("button[type=submit]")
    expect(phone.get_by_role("alert")).to_have_text("Số định danh cá nhân hoặc mật khẩu không đúng.")
