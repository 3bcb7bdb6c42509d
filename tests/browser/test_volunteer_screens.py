"""The volunteer's screens and the printed check-in card, looked at as their readers see them: at 360×800
(a phone) and 1366×768 (a desk PC), in normal and in large text, with a screenshot of each (71-…).

What a reader would notice is asserted: nothing wider than the window, the labels there, large text
visibly larger, buttons at least 48 px high, an assisted session's banner leaving room for the screen.
Large text is switched the way a reader does it: Settings in the book's navigation, then back.

Its own server: cards are made for Nguyễn Văn Hùng and he is helped in assisted sessions."""

from __future__ import annotations

import asyncio
import io
import json
import math
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Page, expect

from api_client.oidc import OidcClient
from app import theme
from app.i18n import Translator
from bench.stack import running_stack

from ..support import LOOPBACK_REDIRECT, code_from, submit_login
from .conftest import (
    by_id,
    enable_semantics,
    expect_text,
    open_app,
    screenshot,
    semantic_text,
    sign_in,
)

pytestmark = pytest.mark.browser

VI = Translator("vi")
VOLUNTEER, HUNG, RECEPTIONIST = "001098003456", "001055001234", "001192006789"
HUNG_NAME = "Nguyễn Văn Hùng"
VOLUNTEER_NAME = "Đỗ Minh Quân"
SIZES = ((360, 800), (1366, 768))
TOUCH = 47.5  # px: 48 with Flutter's sub-pixel rounding
NAVIGATION_BAR = 80  # px: the book's bottom bar on a phone, over the end of the screen
HEADING_GROWTH = 1.2  # large text is 1.35 times the normal size; a heading's box grows with it
BUTTON_GROWTH = 1.15  # the painted words and icon of a button (Material's icons keep their size)


@pytest.fixture(scope="module")
def screens_url(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("volunteer-screens")) as url:
        yield url


def window(chromium, width: int, height: int):
    return chromium.new_context(viewport={"width": width, "height": height}, locale="vi-VN", accept_downloads=True)


def button(page: Page, msgid: str, **params):
    return page.get_by_role("button", name=VI(msgid, **params), exact=True)


def tab(page: Page, msgid: str):
    """A destination of the book's navigation: the bottom bar's tab on a phone, the rail's button on a desk PC."""
    label = VI(msgid)
    return page.get_by_role("tab", name=label).or_(
        page.get_by_role("button", name=re.compile(f"^{re.escape(label)}(?:\\s|$)"))).first  # a JS \b is ASCII-only: not after "chủ"


def no_overflow(page: Page, width: int) -> None:
    """Nothing drawn beyond the window's right edge (Flutter's semantics nodes follow the painted boxes)."""
    widest = page.evaluate("""() => Math.max(0, ...[...document.querySelectorAll('flt-semantics')]
        .map(node => node.getBoundingClientRect()).filter(box => box.width > 0).map(box => box.right))""")
    assert widest <= width + 1, f"something reaches {widest}px in a {width}px window"


def box_of(locator) -> dict:
    expect(locator).to_be_attached(timeout=15_000)
    box = locator.bounding_box()
    assert box is not None, locator
    return box


def tall_enough(*buttons) -> None:
    for locator in buttons:
        box = box_of(locator)
        assert box["height"] >= TOUCH, f"{locator} is {box['height']:.0f} px high"


def growth(normal: dict, large: dict) -> float:
    """How much bigger a label became: in height (it wrapped or its line grew) or in width."""
    return max(large["height"] / normal["height"], large["width"] / normal["width"])


INK = 80  # grey levels from the button's own colour: its text and icon, not a hover's tint


def ink(page: Page, locator) -> dict:
    """The painted text and icon of a button, as the reader sees them: a button keeps its height (48 px)
    and may be as wide as the screen whatever its text, so its words are measured on the screenshot."""
    page.mouse.move(page.viewport_size["width"] - 1, 1)  # no hover tint, no tooltip
    last = None
    for _ in range(10):  # the canvas repaints after the semantics tree: wait until two paintings agree
        page.wait_for_timeout(300)
        found = painted(page, box_of(locator))
        if found and found == last:
            return found
        last = found
    raise AssertionError(f"nothing painted steadily on {locator}: last {last}")


def painted(page: Page, box: dict) -> dict | None:
    radius = min(box["height"], box["width"]) / 2  # Material 3 buttons are stadiums
    inset_y = 6
    inset_x = radius - math.sqrt(max(0.0, radius ** 2 - (radius - inset_y) ** 2)) + 2  # past the rounded ends
    clip = {"x": box["x"] + inset_x, "y": box["y"] + inset_y,
            "width": box["width"] - 2 * inset_x, "height": box["height"] - 2 * inset_y}
    image = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
    background = max(image.getcolors(1 << 16) or [(0, 255)])[1]
    found = ImageChops.difference(image, Image.new("L", image.size, background)).point(
        lambda level: 255 if level > INK else 0).getbbox()
    if not found:
        return None
    left, top, right, bottom = found
    return {"width": right - left, "height": bottom - top}


def bring_into_view(page: Page, locator) -> None:
    """Scroll Flutter's page with the wheel (it ignores the DOM's scrolling) until the control is inside."""
    size = page.viewport_size
    for _ in range(12):
        box = locator.bounding_box()
        # clear of a header above and of the bottom navigation bar (80 px), which clip what is under them
        if box is None or (box["y"] >= 100 and box["y"] + box["height"] <= size["height"] - 120):
            break
        page.mouse.move(size["width"] / 2, size["height"] / 2)
        page.mouse.wheel(0, box["y"] + box["height"] / 2 - size["height"] / 2)
        page.wait_for_timeout(250)
    page.wait_for_timeout(150)


def large_text_in_settings(page: Page, on: bool, back: int) -> None:
    """Settings in the book's navigation, the switch "Chữ lớn", then back to the screen it came from."""
    tab(page, "Settings").click()
    switch = page.get_by_role("switch", name=VI("Large text"))
    expect(switch).to_be_visible(timeout=20_000)
    if (switch.get_attribute("aria-checked") == "true") != on:
        page.wait_for_timeout(500)  # the tab's route change first: a click meanwhile waits for it
        switch.click(no_wait_after=True)
    expect(switch).to_have_attribute("aria-checked", "true" if on else "false", timeout=10_000)
    page.wait_for_timeout(800)  # the setting is saved and the frame painted before the page is left
    for _ in range(back):
        page.go_back()
        page.wait_for_timeout(800)


def stored(page: Page) -> str:
    return page.evaluate("() => JSON.stringify({...localStorage})")


# ---------------------------------------------------------------- 1. the volunteer's desk


def desk_header(page: Page) -> dict:
    heading = page.get_by_role("heading", name=VI("Help for residents"))
    expect(heading).to_be_visible(timeout=20_000)
    expect_text(by_id(page, "follow-up-count"), "Phường Quán Thánh", timeout=20_000)
    for label in (VI("Find a resident"), VI("Residents to help"), VOLUNTEER_NAME):
        expect_text(page.locator("body"), label)
    return box_of(heading)


def look_up_hung(page: Page) -> None:
    field = by_id(page, "volunteer-lookup").get_by_role("textbox").first
    expect(field).to_be_visible(timeout=20_000)
    for _ in range(3):  # as a person does it: tap the field, type; a tap while Flutter redraws can miss it
        field.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(HUNG)
        try:
            expect(field).to_have_value(HUNG, timeout=2_000)
            break
        except AssertionError:
            page.wait_for_timeout(500)
    expect(field).to_have_value(HUNG, timeout=1_000)
    button(page, "Look up").click()
    expect_text(by_id(page, "resident-name"), HUNG_NAME, timeout=15_000)


def desk_screens(page: Page, width: int, suffix: str) -> dict[str, dict]:
    """The desk empty, then with Hùng's checklist; the boxes of what large text must grow."""
    boxes = {"heading": desk_header(page)}
    tools = [button(page, "User guide (PDF)"), button(page, "My own health book"), button(page, "Sign out"),
             button(page, "Look up"), button(page, "Use the camera")]
    tall_enough(*tools)
    boxes["look-up"] = ink(page, button(page, "Look up"))
    boxes["guide"] = ink(page, button(page, "User guide (PDF)"))
    no_overflow(page, width)
    screenshot(page, f"71-desk-empty-{width}{suffix}")

    look_up_hung(page)
    expect_text(by_id(page, "activation-checklist"), VI("Activation checklist"))
    bring_into_view(page, by_id(page, "resident-name"))
    boxes["resident"] = box_of(by_id(page, "resident-name"))
    no_overflow(page, width)
    screenshot(page, f"71-desk-checklist-{width}{suffix}")
    marks = by_id(page, "activation-checklist").get_by_role("button", name=VI("Mark as done"))
    assert marks.count() >= 1
    tall_enough(*(marks.nth(index) for index in range(marks.count())))
    assisted = by_id(page, "assisted-session").get_by_role("button")
    bring_into_view(page, assisted)
    tall_enough(assisted, button(page, "Look up someone else"))
    no_overflow(page, width)
    screenshot(page, f"71-desk-checklist-{width}{suffix}-end")
    button(page, "Look up someone else").click()
    expect(by_id(page, "resident-name")).to_have_count(0, timeout=10_000)
    return boxes


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}" for w, _ in SIZES])
def test_the_volunteers_desk_reads_well_in_normal_and_large_text(chromium, screens_url, width, height):
    context = window(chromium, width, height)
    page = context.new_page()
    try:
        sign_in(page, screens_url, VOLUNTEER)
        normal = desk_screens(page, width, "")

        # The volunteer's own book has Settings; the browser's back button returns to the desk.
        button(page, "My own health book").click()
        expect_text(by_id(page, "book-owner"), VOLUNTEER_NAME, timeout=20_000)
        large_text_in_settings(page, True, back=2)
        large = desk_screens(page, width, "-large")

        assert growth(normal["heading"], large["heading"]) >= HEADING_GROWTH, (normal, large)
        assert growth(normal["resident"], large["resident"]) >= HEADING_GROWTH, (normal, large)
        assert growth(normal["look-up"], large["look-up"]) >= BUTTON_GROWTH, (normal, large)
        assert growth(normal["guide"], large["guide"]) >= BUTTON_GROWTH, (normal, large)
    finally:
        context.close()


# ---------------------------------------------------------------- 2. the printed-card screen


def card_screens(page: Page, width: int, suffix: str) -> dict[str, dict]:
    heading = page.get_by_role("heading", name=VI("Printed check-in card"))
    expect(heading).to_be_visible(timeout=20_000)
    expect_text(page.locator("body"), VI("For {name}", name=HUNG_NAME))
    expect_text(by_id(page, "card-new"), VI("Ask for the birth year"))
    choices = [page.get_by_role("radio", name=VI(choice))
               for choice in ("Ask for the birth year", "Ask for a 4-digit PIN I choose")]
    bring_into_view(page, choices[1])
    tall_enough(*choices)  # each choice is a row to tap, its label wrapped when it must be
    make = button(page, "Make the card")
    bring_into_view(page, make)
    tall_enough(make)
    boxes = {"heading": box_of(heading), "make": ink(page, make)}
    no_overflow(page, width)
    screenshot(page, f"71-card-{width}{suffix}")

    make.click()
    print_buttons = [button(page, "Download the card (ID card size)"), button(page, "Download the A6 sheet")]
    expect(print_buttons[0]).to_be_visible(timeout=15_000)
    expect_text(by_id(page, "card-message"), VI("The card is ready. Download it now and print it: its code "
                                                 "cannot be shown again."))
    tall_enough(*print_buttons)
    boxes["print"] = ink(page, print_buttons[0])
    expect(button(page, "Lock this card (lost)").first).to_be_attached(timeout=10_000)
    tall_enough(button(page, "Lock this card (lost)").first)
    no_overflow(page, width)
    screenshot(page, f"71-card-made-{width}{suffix}")
    return boxes


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}" for w, _ in SIZES])
def test_the_printed_card_screen_reads_well_in_normal_and_large_text(chromium, screens_url, width, height):
    context = window(chromium, width, height)
    page = context.new_page()
    try:
        sign_in(page, screens_url, HUNG)
        expect_text(by_id(page, "book-owner"), HUNG_NAME, timeout=20_000)
        button(page, "No smartphone? Print a check-in card").click()
        normal = card_screens(page, width, "")
        large_text_in_settings(page, True, back=1)
        large = card_screens(page, width, "-large")
        assert growth(normal["heading"], large["heading"]) >= HEADING_GROWTH, (normal, large)
        assert growth(normal["make"], large["make"]) >= BUTTON_GROWTH, (normal, large)
        assert growth(normal["print"], large["print"]) >= BUTTON_GROWTH, (normal, large)
    finally:
        context.close()


# ---------------------------------------------------------------- 3. the counter's printed-card prompt


def card_code(url: str) -> str:
    """A printed card's code, made by Hùng on his own phone through the API."""

    async def flow() -> str:
        oidc = OidcClient(issuer=f"{url}/idp")
        await oidc.metadata()
        pending = oidc.begin(LOOPBACK_REDIRECT)
        async with httpx.AsyncClient(base_url=url) as browser:
            answer = code_from(await submit_login(browser, pending.url, HUNG, "demo"))
        tokens = await oidc.complete(pending, answer["code"], answer["state"])
        async with httpx.AsyncClient(base_url=url) as phone:
            created = await phone.post("/api/v1/me/check-in-cards", json={},
                                       headers={"Authorization": f"Bearer {tokens.access_token}"})
        assert created.status_code in (200, 201), created.text
        return created.json()["code"]

    with ThreadPoolExecutor(1) as other:  # sync Playwright owns this thread's event loop
        return other.submit(asyncio.run, flow()).result()


def counter_prompt(page: Page, url: str, width: int, suffix: str) -> dict[str, dict]:
    field = page.get_by_role("textbox", name=VI("Scan or type the patient's code or number"))
    expect(field).to_be_visible(timeout=20_000)
    field.fill(card_code(url))
    field.press("Enter")
    prompt = by_id(page, "card-second-factor")
    expect_text(prompt, VI("Ask {name} for their birth year.", name="Hùng"), timeout=15_000)
    expect_text(prompt, VI("Printed check-in card"))
    confirm = button(page, "Confirm and open the summary")
    bring_into_view(page, confirm)
    tall_enough(confirm)
    no_overflow(page, width)
    screenshot(page, f"71-counter-card-prompt-{width}{suffix}")
    return {"question": box_of(prompt.get_by_role("heading", name=VI("Printed check-in card"))),
            "confirm": ink(page, confirm)}


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}" for w, _ in SIZES])
def test_the_counter_asks_for_the_birth_year_of_a_printed_card(chromium, screens_url, width, height):
    context = window(chromium, width, height)
    page = context.new_page()
    try:
        sign_in(page, screens_url, RECEPTIONIST)
        normal = counter_prompt(page, screens_url, width, "")
        page.get_by_role("button", name=VI("My own health book")).click()
        expect(tab(page, "Settings")).to_be_visible(timeout=20_000)
        large_text_in_settings(page, True, back=2)
        large = counter_prompt(page, screens_url, width, "-large")
        assert growth(normal["question"], large["question"]) >= HEADING_GROWTH, (normal, large)
        assert growth(normal["confirm"], large["confirm"]) >= BUTTON_GROWTH, (normal, large)
    finally:
        context.close()


# ---------------------------------------------------------------- 4. the sign-in screen's guide link


def sign_in_screen(page: Page, width: int, suffix: str) -> dict[str, dict]:
    sign_in_button = button(page, "Sign in with VNeID")
    expect(sign_in_button).to_be_visible(timeout=20_000)
    guide = by_id(page, "guide-link").get_by_role("button")
    expect(guide).to_have_accessible_name(VI("How to use the health book (printable guide, PDF)"))
    box = box_of(guide)
    assert box["y"] + box["height"] <= page.viewport_size["height"], "the guide is found without scrolling"
    tall_enough(sign_in_button, guide)
    no_overflow(page, width)
    screenshot(page, f"71-sign-in-guide-{width}{suffix}")
    return {"guide": ink(page, guide), "sign-in": ink(page, sign_in_button),
            "heading": box_of(page.get_by_role("heading", name=VI("Electronic health book")))}


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}" for w, _ in SIZES])
def test_the_sign_in_screen_shows_the_guide(chromium, screens_url, width, height):
    context = window(chromium, width, height)
    page = context.new_page()
    try:
        open_app(page, screens_url)
        normal = sign_in_screen(page, width, "")
        # Before signing in there is no switch for large text: it is the device's, set once signed in.
        sign_in(page, screens_url, HUNG)
        expect_text(by_id(page, "book-owner"), HUNG_NAME, timeout=20_000)
        large_text_in_settings(page, True, back=0)
        sign_out = button(page, "Sign out")
        bring_into_view(page, sign_out)
        sign_out.click()
        large = sign_in_screen(page, width, "-large")
        assert growth(normal["heading"], large["heading"]) >= HEADING_GROWTH, (normal, large)
        assert growth(normal["sign-in"], large["sign-in"]) >= BUTTON_GROWTH, (normal, large)
        assert growth(normal["guide"], large["guide"]) >= BUTTON_GROWTH, (normal, large)
    finally:
        context.close()


# ---------------------------------------------------------------- 5. an assisted session's banner


def assisted_home(page: Page, width: int, suffix: str) -> dict[str, dict]:
    notice = by_id(page, "assisted-banner")
    expect_text(notice, VI("Assisting: {name}", name=HUNG_NAME), timeout=20_000)
    expect_text(notice, VOLUNTEER_NAME)
    expect_text(by_id(page, "book-owner"), HUNG_NAME, timeout=20_000)
    end = button(page, "End and hand back the device")
    tall_enough(end)
    banner_box = box_of(notice)
    height = page.viewport_size["height"]
    assert banner_box["y"] + banner_box["height"] <= 0.3 * height, f"the banner takes {banner_box} of {height} px"
    fold = height - (NAVIGATION_BAR if width < theme.WIDE_LAYOUT_MIN_WIDTH else 0)
    allergies = box_of(by_id(page, "allergy-banner"))
    assert allergies["y"] + TOUCH <= fold, "the allergies start on the first screen, under the banner"
    if not suffix:  # in large text the book's own header and the banner leave it under the fold
        qr = box_of(button(page, "Show the check-in QR code"))
        assert qr["height"] >= TOUCH and qr["y"] + qr["height"] <= fold, "the book's main action is on the first screen"
    no_overflow(page, width)
    screenshot(page, f"71-assisted-home-{width}{suffix}")
    return {"banner": banner_box, "end": ink(page, end)}


def access_log(page: Page, width: int, suffix: str) -> None:
    if not suffix:
        tab(page, "Settings").click()
        log_button = button(page, "Who has looked at my book")
        bring_into_view(page, log_button)
        log_button.click()
    expect(page.get_by_role("heading", name=VI("Who has looked at my book"))).to_be_visible(timeout=20_000)
    entries = by_id(page, "access-entry")
    expect(entries.first).to_be_attached(timeout=20_000)
    expect_text(page.locator("body"), f"{VOLUNTEER_NAME} ({VI('Volunteer')})")
    no_overflow(page, width)
    screenshot(page, f"71-access-log-{width}{suffix}")


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}" for w, _ in SIZES])
def test_an_assisted_sessions_banner_leaves_room_in_normal_and_large_text(chromium, screens_url, width, height):
    context = window(chromium, width, height)
    page = context.new_page()
    try:
        sign_in(page, screens_url, VOLUNTEER)
        desk_header(page)
        look_up_hung(page)
        assisted = by_id(page, "assisted-session").get_by_role("button")
        bring_into_view(page, assisted)
        assisted.click()
        page.wait_for_url("**/idp/authorize**", timeout=20_000)
        expect(page.get_by_text(re.compile(f"thiết bị của tình nguyện viên {VOLUNTEER_NAME}"))).to_be_visible()
        page.fill("#username", HUNG)
        page.fill("#password", "demo")
        page.click("button[type=submit]")
        page.wait_for_url(f"{screens_url}/**", timeout=20_000)
        enable_semantics(page)
        normal = assisted_home(page, width, "")

        # The banner stays on every screen, the card's too.
        button(page, "No smartphone? Print a check-in card").click()
        expect(page.get_by_role("heading", name=VI("Printed check-in card"))).to_be_visible(timeout=20_000)
        expect_text(by_id(page, "assisted-banner"), HUNG_NAME)
        no_overflow(page, width)
        screenshot(page, f"71-assisted-card-{width}")
        page.go_back()
        expect_text(by_id(page, "allergy-banner"), "Penicillin", timeout=20_000)

        # He may want larger text on the volunteer's phone: it changes this screen, and the device keeps
        # nothing of it (an assisted session leaves nothing behind).
        before = stored(page)
        large_text_in_settings(page, True, back=1)
        assert stored(page) == before, "the assisted session saved a preference on the volunteer's device"
        large = assisted_home(page, width, "-large")
        assert growth(normal["end"], large["end"]) >= BUTTON_GROWTH, (normal, large)

        tab(page, "Settings").click()
        expect(page.get_by_role("switch", name=VI("Large text"))).to_be_visible(timeout=20_000)
        expect_text(by_id(page, "assisted-banner"), HUNG_NAME)
        no_overflow(page, width)
        screenshot(page, f"71-assisted-settings-{width}-large")

        button(page, "End and hand back the device").click()
        expect(page.get_by_role("heading", name=VI("Help for residents"))).to_be_visible(timeout=20_000)
        expect(by_id(page, "assisted-banner")).to_have_count(0)
        assert HUNG_NAME not in semantic_text(page.locator("body"))
        screenshot(page, f"71-assisted-handed-back-{width}")
        assert json.loads(stored(page)) == json.loads(before)

        # Hùng, later, on his own: his access log names the volunteer's look-up and help.
        bring_into_view(page, button(page, "Sign out"))
        button(page, "Sign out").click()
        expect(button(page, "Sign in with VNeID")).to_be_visible(timeout=20_000)
        sign_in(page, screens_url, HUNG)
        expect_text(by_id(page, "book-owner"), HUNG_NAME, timeout=20_000)
        access_log(page, width, "")
        large_text_in_settings(page, True, back=0)
        log_button = button(page, "Who has looked at my book")
        bring_into_view(page, log_button)
        log_button.click()
        access_log(page, width, "-large")
    finally:
        context.close()
