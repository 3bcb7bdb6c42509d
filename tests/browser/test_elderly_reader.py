"""An elderly citizen on a phone reads what he takes now and how his sugar is going, in normal and in large
text: "Thuốc đang dùng" names his metformin with how to take it, "Diễn biến chỉ số" draws his HbA1c against its
normal range, and its screen lists every value. Each screen is saved into docs/screenshots/ (reader-*.png)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .conftest import by_id, expect_text, sign_in
from .test_large_text import save
from .test_volunteer_screens import large_text_in_settings, window

pytestmark = pytest.mark.browser

CITIZEN = "001055001234"


def into_view(page: Page, identifier: str):
    """Scroll Flutter's page with the wheel (it ignores the DOM's scrolling) until the node is on screen."""
    node = by_id(page, identifier)
    for _ in range(30):
        if node.count():
            box = node.first.bounding_box()
            if box and 0 <= box["y"] < page.viewport_size["height"] - 120:
                return node.first
        page.mouse.move(page.viewport_size["width"] // 2, page.viewport_size["height"] // 2)
        page.mouse.wheel(0, 300)
        page.wait_for_timeout(250)
    raise AssertionError(f"{identifier} never came into view")


def reader_screens(page: Page, width: int, suffix: str) -> None:
    expect_text(by_id(page, "allergy-banner"), "Penicillin", timeout=20_000)
    medicines = into_view(page, "current-medicines")
    expect_text(medicines, "Metformin")
    expect_text(medicines, "Metformin 850mg Mỗi lần 1 viên, ngày 2 lần")  # how to take it, in his words
    save(page, f"reader-home-medicines-{width}{suffix}")
    expect_text(into_view(page, "reminders"), "Nhắc nhở")
    save(page, f"reader-home-reminders-{width}{suffix}")
    trend = into_view(page, "trend-hba1c")
    expect_text(trend, "HbA1c")
    expect_text(trend, "bình thường")  # the latest value judged against the normal range, in words
    save(page, f"reader-home-trend-{width}{suffix}")
    trend.get_by_role("button", name="Xem tất cả các lần đo").click()
    chart = by_id(page, "trend-chart-hba1c")
    expect_text(chart, "HbA1c", timeout=15_000)  # the chart's words for a screen reader
    expect_text(by_id(page, "trend-values"), "%")
    save(page, f"reader-trend-hba1c-{width}{suffix}")
    page.go_back()
    page.wait_for_timeout(800)


@pytest.mark.parametrize(("width", "height"), [(360, 800), (1366, 768)], ids=["360", "1366"])
def test_an_elderly_citizen_reads_his_medicines_and_his_sugar_in_normal_and_large_text(chromium, server_url,
                                                                                      width, height):
    context = window(chromium, width, height)
    page = context.new_page()
    try:
        sign_in(page, server_url, CITIZEN)
        reader_screens(page, width, "")
        large_text_in_settings(page, True, back=1)
        reader_screens(page, width, "-large")
        large_text_in_settings(page, False, back=0)
    finally:
        context.close()
