"""The citizen's journeys of issue 3, in Chromium: what a person would do and see."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import by_id, enable_semantics, expect_text, screenshot, sign_in

pytestmark = pytest.mark.browser


def tab(page: Page, label: str):
    """A destination of the bottom navigation bar."""
    return page.get_by_role("tab", name=label)


def test_elderly_citizen_reads_allergy_visit_papers_in_both_languages_then_signs_out(phone, server_url):
    sign_in(phone, server_url, "001055001234")
    banner = by_id(phone, "allergy-banner")
    expect_text(banner, "Penicillin", timeout=20_000)
    expect_text(by_id(phone, "next-appointment"), "Trạm Y tế phường Ba Đình")
    screenshot(phone, "01-home-vi")

    tab(phone, "Lần khám").click()
    inpatient = phone.get_by_role("button", name=re.compile(r"Viêm phổi, không đặc hiệu \(J18\.9\)"))
    expect(inpatient).to_be_visible(timeout=10_000)
    screenshot(phone, "02-visits-vi")
    inpatient.click()
    paper = by_id(phone, "paper-discharge")
    expect_text(paper, "GIẤY RA VIỆN")
    expect_text(paper, "Viêm phổi (J18.9)")
    expect_text(paper, "Không dùng kháng sinh nhóm penicillin")
    expect_text(by_id(phone, "labs"), "Cao")
    screenshot(phone, "03-visit-inpatient-vi")
    paper.scroll_into_view_if_needed()
    screenshot(phone, "04-discharge-paper-vi")
    expect_text(by_id(phone, "download-discharge"), "Tải giấy ra viện (PDF)")  # the paper with its proof, to print

    tab(phone, "Tiền sử").click()
    expect_text(by_id(phone, "history-family_history"), "Đột quỵ não")
    screenshot(phone, "05-history-vi")

    tab(phone, "Cài đặt").click()
    phone.get_by_text("English", exact=True).click()
    expect(tab(phone, "Visits")).to_be_visible(timeout=10_000)
    expect(phone.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot(phone, "06-settings-en")
    tab(phone, "Home").click()
    expect_text(by_id(phone, "allergy-banner"), "ALLERGIES")
    screenshot(phone, "07-home-en")

    tab(phone, "Settings").click()
    phone.get_by_role("switch", name="Large text").click()
    tab(phone, "Home").click()
    expect_text(by_id(phone, "allergy-banner"), "Penicillin")
    screenshot(phone, "08-home-large-text-en")
    tab(phone, "Settings").click()
    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_role("button", name="Sign in with VNeID")).to_be_visible(timeout=20_000)
    phone.reload()  # nothing of the book comes back
    enable_semantics(phone)
    expect(phone.get_by_role("button", name="Sign in with VNeID")).to_be_visible(timeout=20_000)
    screenshot(phone, "08-signed-out-en")


def test_mother_opens_her_childs_book_and_sees_a_vaccine_due(phone, server_url):
    sign_in(phone, server_url, "001190004567")
    expect_text(by_id(phone, "home-name"), "Trần Thị Mai", timeout=20_000)
    child = phone.get_by_role("button", name=re.compile("Lê Minh An"))
    for _ in range(3):  # a tap while the home screen is still redrawing (the book just loaded) can miss
        phone.get_by_role("button", name="Xem sổ của người thân").click()
        try:
            expect(child).to_be_visible(timeout=10_000)
            break
        except AssertionError:
            continue
    child.click()
    expect_text(by_id(phone, "book-owner"), "Sổ của Lê Minh An", timeout=20_000)
    expect_text(by_id(phone, "next-vaccine"), "Viêm não Nhật Bản, mũi 3")
    screenshot(phone, "09-child-home")
    tab(phone, "Tiêm chủng").click()
    overdue = by_id(phone, "dose-overdue")
    expect_text(overdue, "Viêm não Nhật Bản, mũi 3")
    expect_text(overdue, "Quá hạn")
    screenshot(phone, "10-child-vaccinations")


def test_level1_account_gets_guidance_instead_of_an_error(phone, server_url):
    sign_in(phone, server_url, "001048002345")
    guidance = by_id(phone, "level-upgrade")
    expect_text(guidance, "mức độ 1")
    expect(phone.get_by_text("Mang thẻ căn cước gắn chip đến Công an xã, phường nơi bạn cư trú.")).to_be_visible()
    screenshot(phone, "11-level-1-guidance")


def test_desktop_window_shows_the_book_with_a_side_rail(chromium, server_url):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    try:
        sign_in(page, server_url, "001055001234")
        expect_text(by_id(page, "allergy-banner"), "Penicillin", timeout=20_000)
        screenshot(page, "12-home-desktop")
    finally:
        context.close()
