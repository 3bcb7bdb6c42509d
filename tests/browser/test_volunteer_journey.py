"""Issue 12 in Chromium: a volunteer takes Phạm Văn Tư (level 1, no phone of his own) from the
checklist to a printed card, the commune police raise him to level 2 on the way, he signs in himself
on the volunteer's phone for an assisted session, the session ends and nothing of him stays in that
browser; a receptionist then admits him with the card and his birth year; his access log shows both.

Its own server: the journey changes the demo account of Tư, which other journeys need at level 1."""

from __future__ import annotations

import io
import json
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from app.i18n import Translator
from bench.stack import running_stack

from .conftest import by_id, enable_semantics, expect_text, screenshot, semantic_text, sign_in, type_into

pytestmark = pytest.mark.browser

VI = Translator("vi")
VOLUNTEER, TU, RECEPTIONIST = "001098003456", "001048002345", "001192006789"
TU_NAME = "Phạm Văn Tư"
TU_BHYT = "HT3010148002345"

# Everything a page keeps on the device: web storage, cookies, the Cache API, IndexedDB's names.
_STORED = """async () => {
    const found = {local: {...localStorage}, session: {...sessionStorage}, cookies: document.cookie,
                   caches: [], databases: []};
    if (window.caches) {
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
                const response = await cache.match(request);
                const body = await response.clone().text();
                found.caches.push(request.url + " " + body.slice(0, 200000));
            }
        }
    }
    if (indexedDB.databases) found.databases = (await indexedDB.databases()).map(d => d.name);
    return JSON.stringify(found);
}"""


@pytest.fixture(scope="module")
def journey_url(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("volunteer-journey")) as url:
        yield url


def window(chromium, width: int, height: int):
    return chromium.new_context(viewport={"width": width, "height": height}, locale="vi-VN", accept_downloads=True)


def button(page: Page, msgid: str, **params):
    return page.get_by_role("button", name=VI(msgid, **params))


def police_raise_to_level2(chromium, url: str) -> None:
    """At the commune police: the chip card checked, level 2 and the BHYT card in VNeID."""
    context = window(chromium, 360, 800)
    police = context.new_page()
    try:
        police.goto(f"{url}/idp/demo/police")
        police.fill("input[name=personal_id]", TU)
        police.check("input[name=checked_id_card]")
        police.fill("input[name=bhyt_card]", TU_BHYT)
        police.screenshot(path="test-artifacts/60-police-form.png")
        police.click("button[type=submit]")
        expect(police.get_by_text(TU_NAME)).to_be_visible()
        expect(police.get_by_text("Đã nâng lên mức 2.")).to_be_visible()
        police.screenshot(path="test-artifacts/61-police-done.png")
    finally:
        context.close()


def look_up(desk: Page, query: str) -> None:
    field = by_id(desk, "volunteer-lookup").get_by_role("textbox").first
    expect(field).to_be_visible(timeout=20_000)
    type_into(field, query)
    button(desk, "Look up").click()
    expect_text(by_id(desk, "resident-name"), TU_NAME, timeout=15_000)


def step_text(desk: Page, step: str) -> str:
    return semantic_text(by_id(desk, f"step-{step}"))


def test_a_volunteer_takes_an_elderly_resident_to_a_printed_card_and_the_counter_admits_him(chromium, journey_url):
    url = journey_url
    helper_window = window(chromium, 360, 800)
    desk = helper_window.new_page()
    try:
        # 1. the volunteer's desk and the checklist of a resident standing in front of them
        sign_in(desk, url, VOLUNTEER)
        expect(desk.get_by_role("heading", name=VI("Help for residents"))).to_be_visible(timeout=20_000)
        expect_text(by_id(desk, "follow-up-count"), "Phường Quán Thánh", timeout=20_000)  # the ward's own list
        screenshot(desk, "62-volunteer-desk")
        look_up(desk, TU)
        assert VI("Mark as done") in step_text(desk, "account")
        by_id(desk, "step-account").get_by_role("button", name=VI("Mark as done")).click()
        expect_text(by_id(desk, "step-account"), "Đỗ Minh Quân", timeout=10_000)
        screenshot(desk, "63-volunteer-checklist")

        # 2. the commune police raise him to level 2 and link his BHYT card
        police_raise_to_level2(chromium, url)

        # 3. he signs in himself on the volunteer's phone
        by_id(desk, "assisted-session").get_by_role("button").click()
        desk.wait_for_url("**/idp/authorize**", timeout=20_000)
        expect(desk.get_by_text(re.compile("thiết bị của tình nguyện viên Đỗ Minh Quân"))).to_be_visible()
        desk.screenshot(path="test-artifacts/64-assisted-login.png")
        desk.fill("#username", TU)
        desk.fill("#password", "demo")
        desk.click("button[type=submit]")
        desk.wait_for_url(f"{url}/**", timeout=20_000)
        enable_semantics(desk)
        expect_text(by_id(desk, "assisted-banner"), VI("Assisting: {name}", name=TU_NAME), timeout=20_000)
        expect_text(by_id(desk, "book-owner"), TU_NAME, timeout=20_000)
        screenshot(desk, "65-assisted-home")

        # 4. he makes a printed card (birth year at the counter) and downloads it to print
        button(desk, "No smartphone? Print a check-in card").click()
        expect_text(by_id(desk, "assisted-banner"), TU_NAME, timeout=20_000)  # on every screen
        button(desk, "Make the card").click()
        print_button = button(desk, "Download the card (ID card size)")
        expect(print_button).to_be_visible(timeout=15_000)
        screenshot(desk, "66-assisted-card")
        with desk.expect_download(timeout=20_000) as download:
            print_button.click()
        pdf = download.value.path().read_bytes()
        reader = PdfReader(io.BytesIO(pdf))
        codes = [result.text for page in reader.pages for image in page.images
                 for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))]
        assert len(codes) == 1 and codes[0].startswith("SSKC1.")
        card_code = codes[0]
        assert "Tư" in reader.pages[0].extract_text() and TU not in reader.pages[0].extract_text()

        # 5. the hand-back: the volunteer's desk again, and nothing of him in this browser
        button(desk, "End and hand back the device").click()
        expect(desk.get_by_role("heading", name=VI("Help for residents"))).to_be_visible(timeout=20_000)
        expect(by_id(desk, "assisted-banner")).to_have_count(0)
        stored = desk.evaluate(_STORED) + json.dumps(helper_window.cookies())
        for trace in (TU, TU_NAME, "Tư", card_code, "eyJ"):  # his ID, his name, his card, any token
            assert trace not in stored, f"{trace!r} stayed in the volunteer's browser: {stored[:2000]}"
        assert VI("Mark as done") not in semantic_text(desk.locator("body"))  # his checklist is gone too
        screenshot(desk, "67-handed-back")
        # what the system saw of his session is in the checklist now
        look_up(desk, TU)
        for step in ("level2", "bhyt_linked", "book_opened", "card_printed"):
            assert VI("Mark as done") not in step_text(desk, step), step
    finally:
        helper_window.close()

    # 6. at the counter, with the card and his birth year
    counter_window = window(chromium, 1366, 768)
    counter = counter_window.new_page()
    try:
        sign_in(counter, url, RECEPTIONIST)
        field = counter.get_by_role("textbox", name=VI("Scan or type the patient's code or number"))
        expect(field).to_be_visible(timeout=20_000)
        type_into(field, card_code)
        field.press("Enter")
        expect_text(by_id(counter, "card-second-factor"), VI("Ask {name} for their birth year.", name="Tư"),
                    timeout=15_000)
        screenshot(counter, "68-counter-card-prompt")
        answer = by_id(counter, "card-second-factor").get_by_role("textbox").first
        type_into(answer, "1948")
        answer.press("Enter")
        expect_text(by_id(counter, "patient-name"), TU_NAME, timeout=15_000)
        button(counter, "Check in").click()
        expect(by_id(counter, "admitted")).to_be_attached(timeout=10_000)
        screenshot(counter, "69-counter-admitted-by-card")
    finally:
        counter_window.close()

    # 7. his own access log: the volunteer's help and the counter's reading, both
    own_window = window(chromium, 360, 800)
    own = own_window.new_page()
    try:
        sign_in(own, url, TU)
        expect_text(by_id(own, "book-owner"), TU_NAME, timeout=20_000)
        own.goto(f"{url}/access-log")
        enable_semantics(own)
        log = by_id(own, "access-entry")
        expect(log.first).to_be_attached(timeout=20_000)
        page_text = semantic_text(own.locator("body"))
        assert "Được hỗ trợ bởi tình nguyện viên Đỗ Minh Quân" in page_text or \
            VI("Assisted by volunteer {name} at {time}", name="Đỗ Minh Quân", time="")[:30] in page_text
        assert VI("with the printed check-in card") in page_text
        screenshot(own, "70-access-log-after-help")
    finally:
        own_window.close()

