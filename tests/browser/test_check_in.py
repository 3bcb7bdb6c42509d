"""Issue 4 in Chromium, two windows: the citizen's QR, read from a screenshot, checked in at the desk."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from .conftest import by_id, expect_text, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_citizen_shows_qr_receptionist_scans_and_citizen_sees_who_looked(chromium, server_url):
    citizen_window = chromium.new_context(viewport={"width": 412, "height": 860}, locale="vi-VN")
    desk_window = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    citizen, desk = citizen_window.new_page(), desk_window.new_page()
    try:
        sign_in(citizen, server_url, "001055001234")
        expect_text(by_id(citizen, "allergy-banner"), "Penicillin", timeout=20_000)
        citizen.get_by_role("button", name="Mã QR khám bệnh").first.click()
        qr = citizen.get_by_role("img", name="Mã QR khám bệnh của Nguyễn Văn Hùng")
        expect(qr).to_be_visible(timeout=20_000)
        citizen.wait_for_timeout(1000)  # the canvas paints after the semantics tree
        shot = Image.open(io.BytesIO(citizen.screenshot()))
        [found] = [r for r in zxingcpp.read_barcodes(shot) if r.format == zxingcpp.BarcodeFormat.QRCode]
        code = found.text
        assert re.fullmatch(r"SSKDT:[A-Z2-7]{32}", code)
        screenshot(citizen, "20-check-in-qr")

        sign_in(desk, server_url, "001192006789")
        field = desk.get_by_role("textbox", name="Quét hoặc nhập mã, số của người bệnh")
        expect(field).to_be_visible(timeout=20_000)
        field.fill(code)
        field.press("Enter")
        expect_text(by_id(desk, "allergy-banner"), "Penicillin", timeout=10_000)
        expect_text(by_id(desk, "patient-name"), "Nguyễn Văn Hùng")
        screenshot(desk, "21-reception-summary")
        desk.get_by_role("button", name="Tiếp nhận").click()
        expect_text(by_id(desk, "admitted"), "Số thứ tự 1", timeout=10_000)
        expect_text(by_id(desk, "queue"), "Nguyễn Văn Hùng")
        screenshot(desk, "22-reception-queue")

        expect_text(by_id(citizen, "check-in-admitted"), "Số thứ tự 1 — Trạm Y tế phường Ba Đình", timeout=15_000)
        citizen.get_by_role("button", name="Ai đã xem sổ của tôi").click()
        entry = by_id(citizen, "access-entry")
        expect_text(entry, "01901", timeout=10_000)
        expect_text(entry, "Hoàng Thị Lan")
        screenshot(citizen, "23-who-looked")
    finally:
        citizen_window.close()
        desk_window.close()
