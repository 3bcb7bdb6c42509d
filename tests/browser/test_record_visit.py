"""The record-visit form in Chromium, as a doctor at a station without hospital software uses it: the
patient checked in and admitted at the doctor's facility (01902) today, two medicines, vital signs and
a re-exam date typed fast (the date also through the date picker), the review, the signature, the
receipt in words; then the citizen finds all of it in their visit. At 360×800 and 1366×768, normal and
large text, with screenshots of the form, the review and the receipt in test-artifacts/.

Labels come through the Vietnamese catalog (`VI(msgid)`), as the screen shows them."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
from datetime import date, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from api_client.models import VIETNAM_TZ
from api_client.oidc import OidcClient
from app.i18n import Translator
from app.viewmodels.record_visit import vital_error

from ..support import LOOPBACK_REDIRECT, code_from, submit_login
from .conftest import ARTIFACTS, by_id, enable_semantics, expect_text, screenshot, semantic_text, sign_in

pytestmark = pytest.mark.browser

VI = Translator("vi")
DOCTOR, CITIZEN = "001085007890", "001055001234"  # district hospital 01902; Nguyễn Văn Hùng, level 2
FLUTTER_ERRORS = ("EXCEPTION CAUGHT BY", "Another exception was thrown", "overflowed by", "RenderFlex",
                  "ParentDataWidget", "unbounded width")


async def _citizen(server_url: str) -> tuple[str, str]:
    """The citizen's own sign-in (as their phone does, loopback redirect) and a fresh check-in code."""
    oidc = OidcClient(issuer=f"{server_url}/idp")
    await oidc.metadata()
    pending = oidc.begin(LOOPBACK_REDIRECT)
    async with httpx.AsyncClient(base_url=server_url) as browser:
        answer = code_from(await submit_login(browser, pending.url, CITIZEN, "demo"))
    tokens = await oidc.complete(pending, answer["code"], answer["state"])
    async with httpx.AsyncClient(base_url=server_url,
                                 headers={"Authorization": f"Bearer {tokens.access_token}"}) as api:
        code = (await api.post("/api/v1/me/check-in-codes")).json()["code"]
    return tokens.access_token, code


def citizen_code(server_url: str) -> tuple[str, str]:
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's loop
        return pool.submit(asyncio.run, _citizen(server_url)).result()


def watch_flutter(page: Page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text)
            if any(marker in message.text for marker in FLUTTER_ERRORS) else None)
    return found


def no_overflow(page: Page, width: int) -> None:
    """Nothing drawn beyond the window's right edge (Flutter's semantics nodes follow the painted boxes)."""
    widest = page.evaluate("""() => Math.max(0, ...[...document.querySelectorAll('flt-semantics')]
        .map(node => node.getBoundingClientRect()).filter(box => box.width > 0).map(box => box.right))""")
    assert widest <= width + 1, f"something reaches {widest}px in a {width}px window"


def typed(page: Page, scope, label: str, value: str) -> None:
    """Fast typing, key by key with no pause, as a doctor who knows the keyboard types; the field then
    holds exactly that (typed text is in the browser's own input while the field has the focus)."""
    box = field(scope, label)
    for _ in range(3):
        focus(page, box)
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
        try:
            expect(box).to_have_value(value, timeout=2_000)
            return
        except AssertionError:  # the focus moved while the screen redrew: type it again
            page.wait_for_timeout(300)
    expect(box).to_have_value(value, timeout=1_000)


def focus(page: Page, box) -> None:
    for attempt in range(6):  # a click while Flutter is still scrolling or redrawing can land beside the field
        if attempt:  # another window of this browser (a journey's second person) may hold the focus
            page.bring_to_front()
        bring_into_view(page, box)
        try:
            if attempt % 3 == 0:
                box.click(timeout=3_000)
            elif attempt % 3 == 1:  # its label is drawn over the middle: click its right end, where the text goes
                size = box.bounding_box()
                box.click(force=True, position={"x": max(size["width"] - 24, 1), "y": size["height"] / 2})
            else:  # as a screen reader does
                box.focus()
        except PlaywrightError:
            continue
        try:
            expect(box).to_be_focused(timeout=2_000)  # Flutter moves the focus on its next frame
            break
        except AssertionError:
            continue
    expect(box).to_be_focused(timeout=1_000)


def bring_into_view(page: Page, locator) -> None:
    """Scroll Flutter's page (with the wheel: it ignores the DOM's scrolling) until the control is well inside."""
    size = page.viewport_size
    for _ in range(12):
        box = locator.bounding_box()
        if box is None or (box["y"] >= 48 and box["y"] + box["height"] <= size["height"] - 48):
            break
        page.mouse.move(size["width"] / 2, size["height"] / 2)
        page.mouse.wheel(0, box["y"] + box["height"] / 2 - size["height"] / 2)
        page.wait_for_timeout(250)
    page.wait_for_timeout(150)


def press(page: Page, button, shows) -> None:
    """Click until what it opens shows: a click while Flutter redraws after a check can land beside it."""
    for _ in range(4):
        bring_into_view(page, button)
        button.click()
        try:
            expect(shows).to_be_visible(timeout=3_000)
            return
        except AssertionError:
            page.wait_for_timeout(300)
    expect(shows).to_be_visible(timeout=5_000)


def field(scope, label: str):
    """A text field by its label (Flutter adds the hint to the name while the field has the focus)."""
    return scope.get_by_role("textbox", name=re.compile("^" + re.escape(VI(label)).replace("/", r"\/")))


def admit_and_open_the_form(desk: Page, server_url: str, code: str) -> None:
    sign_in(desk, server_url, DOCTOR)
    scan = by_id(desk, "scan-card").get_by_role("textbox").first
    expect(scan).to_be_visible(timeout=20_000)
    scan.fill(code)
    scan.press("Enter")
    expect_text(by_id(desk, "patient-name"), "Nguyễn Văn Hùng", timeout=15_000)
    desk.get_by_role("button", name=VI("Check in"), exact=True).click()
    again = desk.get_by_role("button", name=VI("Give a second number"))
    admitted = by_id(desk, "admitted")
    expect(again.or_(admitted)).to_be_visible(timeout=10_000)
    if again.is_visible():  # checked in earlier today by another journey of this run
        again.click()
    expect(admitted).to_be_attached(timeout=10_000)
    desk.get_by_role("button", name=VI("Record the visit")).click()
    expect(by_id(desk, "record-form")).to_be_attached(timeout=15_000)
    expect_text(by_id(desk, "record-patient"), "Nguyễn Văn Hùng")


def record(desk: Page, re_exam_day, shots: str, width: int) -> date:
    """Fill the whole form, check the review, go back and forth, sign and send."""
    screenshot(desk, f"{shots}-1-form-empty")
    no_overflow(desk, width)
    diagnoses = by_id(desk, "record-diagnoses")
    typed(desk, diagnoses, "Search ICD-10 by code or name", "viem hong")
    match = desk.get_by_role("button", name="J02.9 · Viêm họng cấp, không đặc hiệu")
    expect(match).to_be_visible(timeout=10_000)
    desk.wait_for_timeout(500)  # the list of matches follows the typing; pick once it stands still
    match.click()
    expect_text(diagnoses, "J02.9 · Viêm họng cấp, không đặc hiệu")

    first = by_id(desk, "medicine-1")
    for label, value in (("Medicine name", "Paracetamol"), ("Strength", "500 mg"), ("Quantity", "10"),
                         ("Unit", "viên"), ("Dose", "1 viên/lần, 3 lần/ngày"), ("How to take", "Uống sau ăn")):
        typed(desk, first, label, value)
    second = by_id(desk, "medicine-2")
    press(desk, desk.get_by_role("button", name=VI("Add a medicine")), second)
    for label, value in (("Medicine name", "Amlodipin"), ("Strength", "5 mg"), ("Quantity", "30"), ("Unit", "viên"),
                         ("How to take", "Uống buổi sáng")):
        typed(desk, second, label, value)
    assert field(first, "Medicine name").input_value() == "Paracetamol"
    assert field(first, "Strength").input_value() == "500 mg"

    vitals = by_id(desk, "record-vitals")
    typed(desk, vitals, "Pulse", "300")
    typed(desk, vitals, "Temperature", "37,2")  # leaving the pulse shows what is wrong with it
    expect_text(vitals, vital_error("pulse", "300", VI))
    desk.wait_for_timeout(500)  # the message pushed the fields below it down: let the screen settle
    typed(desk, vitals, "Pulse", "80")  # corrected
    for label, value in (("Systolic", "120"), ("Diastolic", "80"), ("Weight", "55"), ("Height", "160"),
                         ("SpO2", "98"), ("Blood glucose", "6,1")):
        typed(desk, vitals, label, value)

    follow_up = by_id(desk, "record-follow-up")
    day_text = f"{re_exam_day:%d/%m/%Y}"
    typed(desk, follow_up, "Re-examination date", day_text)
    typed(desk, follow_up, "Doctor's advice", "Uống nhiều nước, tái khám nếu sốt cao")
    # then the doctor changes their mind in the calendar: the picker opens on the typed day, one next to it is picked
    confirm = desk.get_by_role("button", name=VI("Choose"), exact=True)
    press(desk, desk.get_by_role("button", name=VI("Choose the re-examination date")), confirm)
    expect(desk.get_by_role("button", name=f", {VI.long_date(re_exam_day)}")).to_be_visible()
    picked = re_exam_day + timedelta(days=1)
    if picked.month != re_exam_day.month:
        picked = re_exam_day - timedelta(days=1)
    desk.get_by_role("button", name=f", {VI.long_date(picked)}").click()
    screenshot(desk, f"{shots}-2-date-picker")
    confirm.click()
    expect(confirm).to_be_hidden(timeout=10_000)
    desk.wait_for_timeout(300)
    screenshot(desk, f"{shots}-3-form-filled")
    no_overflow(desk, width)

    review = by_id(desk, "record-review")
    press(desk, desk.get_by_role("button", name=VI("Review before signing")), review)
    for expected in ("Nguyễn Văn Hùng · 001055001234", "J02.9 · Viêm họng cấp, không đặc hiệu", "Paracetamol 500 mg",
                     "Amlodipin 5 mg", "30 viên", "120/80 mmHg", "37,2 °C", "6,1 mmol/L",
                     VI.long_date(picked), "Uống nhiều nước"):  # the picked day, in the browser's time zone
        expect_text(review, expected)
    screenshot(desk, f"{shots}-4-review")
    no_overflow(desk, width)

    # back to edit keeps every value: the second review says the same
    press(desk, desk.get_by_role("button", name=VI("Back to edit")), by_id(desk, "medicine-2"))
    screenshot(desk, f"{shots}-4b-back-to-edit")
    review = by_id(desk, "record-review")
    press(desk, desk.get_by_role("button", name=VI("Review before signing")), review)
    for expected in ("Paracetamol 500 mg", "Amlodipin 5 mg", "37,2 °C", VI.long_date(picked)):
        expect_text(review, expected)
    desk.get_by_role("button", name=VI("Sign and send")).click()
    recorded = by_id(desk, "visit-recorded")
    expect_text(recorded, VI("Saved in the health book of {name}.", name="Nguyễn Văn Hùng"), timeout=20_000)
    assert "{" not in semantic_text(by_id(desk, "record-receipt")), "the receipt is words, not JSON"
    screenshot(desk, f"{shots}-5-receipt")
    no_overflow(desk, width)
    return picked


def newest_visit(server_url: str, token: str, re_exam_day) -> dict:
    book = httpx.get(f"{server_url}/api/v1/me/book", headers={"Authorization": f"Bearer {token}"}).json()
    return next(v for v in book["visits"] if [p["name"] for p in v["prescriptions"]] == ["Paracetamol", "Amlodipin"]
                and v.get("re_exam") and v["re_exam"]["appointment_at"].startswith(re_exam_day.isoformat()))


def desk_window(chromium, width: int, height: int, large: bool):
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                   timezone_id="Asia/Ho_Chi_Minh")
    if large:  # the app's own large-text setting, as the settings screen leaves it on this device
        context.add_init_script("window.localStorage.setItem('flutter.sskdt.large_text', 'true');")
    return context


def test_a_doctor_records_a_visit_and_the_citizen_finds_all_of_it(chromium, server_url):
    token, code = citizen_code(server_url)
    re_exam_day = datetime.now(VIETNAM_TZ).date() + timedelta(days=7)
    desk_context = desk_window(chromium, 1366, 768, large=False)
    desk = desk_context.new_page()
    flutter_errors = watch_flutter(desk)
    try:
        admit_and_open_the_form(desk, server_url, code)
        re_exam_day = record(desk, re_exam_day, "40-record-visit-1366", 1366)
    finally:
        desk_context.close()
    assert not flutter_errors, flutter_errors

    visit = newest_visit(server_url, token, re_exam_day)
    phone_context = chromium.new_context(viewport={"width": 360, "height": 800}, locale="vi-VN")
    phone = phone_context.new_page()
    try:
        sign_in(phone, server_url, CITIZEN)
        expect_text(by_id(phone, "book-owner"), "Nguyễn Văn Hùng", timeout=20_000)
        phone.goto(f"{server_url}/visits/{visit['id']}")
        enable_semantics(phone)
        expect_text(by_id(phone, "visit-title"), "Viêm họng cấp", timeout=20_000)
        prescription = by_id(phone, "prescription")
        for expected in ("Paracetamol 500 mg", "Số lượng: 10 viên", "Amlodipin 5 mg", "Số lượng: 30 viên"):
            expect_text(prescription, expected)
        vitals = by_id(phone, "vital-signs")
        for expected in ("80 " + VI("beats/min"), "120/80 mmHg", "37,2 °C", "55 kg", "160 cm", "98 %", "6,1 mmol/L"):
            expect_text(vitals, expected)
        expect_text(by_id(phone, "paper-re_exam"), VI.long_date(re_exam_day))
        screenshot(phone, "40-record-visit-citizen-360")
        by_id(phone, "vital-signs").scroll_into_view_if_needed()
        screenshot(phone, "40-record-visit-citizen-360-vitals")
        by_id(phone, "paper-re_exam").scroll_into_view_if_needed()
        screenshot(phone, "40-record-visit-citizen-360-re-exam")
        no_overflow(phone, 360)
    finally:
        phone_context.close()


@pytest.mark.parametrize(("width", "height", "large"), [(360, 800, False), (360, 800, True), (1366, 768, True)],
                         ids=["360", "360-large", "1366-large"])
def test_the_form_review_and_receipt_fit_phones_and_desktops_in_normal_and_large_text(chromium, server_url, width,
                                                                                    height, large):
    _, code = citizen_code(server_url)
    re_exam_day = datetime.now(VIETNAM_TZ).date() + timedelta(days=14)
    context = desk_window(chromium, width, height, large)
    desk = context.new_page()
    flutter_errors = watch_flutter(desk)
    try:
        admit_and_open_the_form(desk, server_url, code)
        record(desk, re_exam_day, f"41-record-visit-{width}{'-large' if large else ''}", width)
    finally:
        context.close()
    assert not flutter_errors, flutter_errors
    assert (ARTIFACTS / f"41-record-visit-{width}{'-large' if large else ''}-5-receipt.png").exists()
