"""Large text, as a mother (guardian of a child) reads her book: at 360×800 (a phone) and 1366×768 (a desk
PC), in normal and in large text, Home, Visits, a visit, History, Vaccinations, Family and Settings, with no
Flutter error, nothing wider than the window, and every kind of label grown: the navigation's, a button's,
a text field's and a chip's. Flutter's own widgets take their words' size from the page theme
(app/theme.py), so these are measured where they are painted, on the screenshot.

Each screen is saved into docs/screenshots/ (large-text-<screen>-<width>[-large].png) to be looked at."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Page, expect

from app import theme
from app.i18n import Translator

from .conftest import assert_no_flutter_error, by_id, enable_semantics, expect_text, sign_in
from .test_volunteer_screens import (
    BUTTON_GROWTH,
    INK,
    TOUCH,
    box_of,
    button,
    growth,
    ink,
    large_text_in_settings,
    no_overflow,
    tab,
    window,
)

pytestmark = pytest.mark.browser

VI = Translator("vi")
MOTHER, MOTHER_NAME, CHILD_NAME = "001190004567", "Trần Thị Mai", "Lê Minh An"
SIZES = ((360, 800), (1366, 768))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LABEL_GROWTH = 1.2  # words alone: large text is 1.35 times the normal size


def save(page: Page, name: str) -> None:
    """Into docs/screenshots, after the canvas has caught up with the semantics tree."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.mouse.move(page.viewport_size["width"] - 1, 1)  # no hover tint, no tooltip
    page.wait_for_timeout(900)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    assert_no_flutter_error(page, name)


def painted_in(page: Page, clip: dict) -> dict:
    """The box of what is painted in `clip` apart from its background (its most common colour)."""
    for _ in range(5):
        image = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
        background = max(image.getcolors(1 << 16) or [(0, 255)])[1]
        found = ImageChops.difference(image, Image.new("L", image.size, background)).point(
            lambda level: 255 if level > INK else 0).getbbox()
        if found:
            left, top, right, bottom = found
            return {"width": right - left, "height": bottom - top}
        page.wait_for_timeout(300)
    raise AssertionError(f"nothing painted in {clip}")


def navigation_label(page: Page, msgid: str) -> dict:
    """The words under a destination's icon (the icon keeps its size): the lower half of the destination."""
    box = box_of(tab(page, msgid))
    top = box["y"] + 46  # under Material's 32 px indicator and its padding
    return painted_in(page, {"x": box["x"] + 1, "y": top, "width": box["width"] - 2,
                             "height": box["y"] + box["height"] - top - 1})


def field_label(page: Page, locator) -> dict:
    """An empty field's label, inside its outline (the outline itself is not measured)."""
    box = box_of(locator)
    inset = 6
    return painted_in(page, {"x": box["x"] + 48, "y": box["y"] + inset,  # past the search icon
                             "width": box["width"] - 48 - inset, "height": box["height"] - 2 * inset})


def chip(page: Page, background: str) -> dict:
    """A status chip, by its colour: Flutter merges its words into the card's semantics node, so it has
    no box of its own there; its painted box follows its words."""
    colour = tuple(int(background[i:i + 2], 16) for i in (1, 3, 5))
    size = page.viewport_size
    for _ in range(8):
        page.wait_for_timeout(400)
        image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
        masks = [channel.point(lambda level, want=want: 255 if level == want else 0)
                 for channel, want in zip(image.split(), colour, strict=True)]
        found = ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2]).getbbox()
        if found and found[1] > 0 and found[3] < size["height"] - 110:  # whole, above the navigation bar
            left, top, right, bottom = found
            return {"width": right - left, "height": bottom - top}
        page.mouse.move(size["width"] / 2, size["height"] / 2)
        page.mouse.wheel(0, 250)
    raise AssertionError(f"no chip of colour {background} on screen")


def book_screens(page: Page, width: int, suffix: str) -> dict[str, dict]:
    """Every screen of the book, saved; the sizes of the labels Flutter's own widgets paint."""
    measured: dict[str, dict] = {}
    tab(page, "Home").click()
    expect_text(by_id(page, "book-owner"), MOTHER_NAME, timeout=20_000)
    qr = button(page, "Show the check-in QR code").last  # on a desk PC the header has an action of that name too
    expect(qr).to_be_visible(timeout=20_000)
    measured["navigation"] = navigation_label(page, "History")
    measured["button"] = ink(page, qr)
    switch = page.get_by_role("button", name=VI("View another person's book"))
    expect(switch).to_be_visible()
    assert box_of(switch)["height"] >= TOUCH and box_of(switch)["width"] >= TOUCH, "the header's switch is 48 px"
    no_overflow(page, width)
    save(page, f"large-text-home-{width}{suffix}")
    measured["chip"] = chip(page, theme.WARNING_CONTAINER)  # the insurance card's "Sắp hết hạn"

    tab(page, "Visits").click()
    search = page.get_by_role("textbox", name=VI("Search by facility, diagnosis or medicine"))
    expect(search).to_be_visible(timeout=10_000)
    measured["field"] = field_label(page, search)
    no_overflow(page, width)
    save(page, f"large-text-visits-{width}{suffix}")
    page.locator("[flt-semantics-identifier^='visit-']").first.click()
    expect(page.get_by_role("heading").first).to_be_visible(timeout=10_000)
    page.wait_for_timeout(500)
    no_overflow(page, width)
    save(page, f"large-text-visit-{width}{suffix}")

    tab(page, "History").click()
    page.wait_for_timeout(800)
    no_overflow(page, width)
    save(page, f"large-text-history-{width}{suffix}")

    tab(page, "Vaccines").click()
    page.wait_for_timeout(800)
    no_overflow(page, width)
    save(page, f"large-text-vaccinations-{width}{suffix}")

    tab(page, "Family").click()
    expect(by_id(page, "person-1")).to_be_visible(timeout=10_000)
    expect_text(by_id(page, "person-1"), CHILD_NAME)
    no_overflow(page, width)
    save(page, f"large-text-family-{width}{suffix}")

    tab(page, "Settings").click()
    expect(page.get_by_role("switch", name=VI("Large text"))).to_be_visible(timeout=10_000)
    no_overflow(page, width)
    save(page, f"large-text-settings-{width}{suffix}")
    return measured


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}" for w, _ in SIZES])
def test_large_text_grows_every_label_on_every_screen_of_the_book(chromium, server_url, width, height):
    context = window(chromium, width, height)
    page = context.new_page()
    try:
        sign_in(page, server_url, MOTHER)
        normal = book_screens(page, width, "")
        large_text_in_settings(page, True, back=0)
        large = book_screens(page, width, "-large")
        for label in ("navigation", "button", "field", "chip"):
            needed = BUTTON_GROWTH if label == "button" else LABEL_GROWTH  # a button's icon keeps its size
            assert growth(normal[label], large[label]) >= needed, (label, normal[label], large[label])
        large_text_in_settings(page, False, back=0)  # the device's setting, left as it was found
    finally:
        context.close()


def test_large_text_switched_on_and_off_again_and_again_leaves_a_page_that_still_answers(chromium, server_url):
    """The reader who tries the switch a few times, and comes back to Settings: at 1366×768 the page used to
    freeze or trap Flutter's engine (skwasm on several threads, the theme replaced); now each switch takes,
    each page loads and the book still opens."""
    context = window(chromium, 1366, 768)
    page = context.new_page()
    try:
        sign_in(page, server_url, MOTHER)
        for _ in range(3):
            page.goto(f"{server_url}/settings")
            enable_semantics(page)
            switch = page.get_by_role("switch", name=VI("Large text"))
            for on in (True, False):
                expect(switch).to_be_visible(timeout=20_000)
                switch.click(timeout=15_000)
                expect(switch).to_have_attribute("aria-checked", "true" if on else "false", timeout=10_000)
                page.wait_for_timeout(3000)  # the new theme painted, as a reader would look at it
        tab(page, "Home").click(timeout=15_000)
        expect_text(by_id(page, "book-owner"), MOTHER_NAME, timeout=20_000)
    finally:
        context.close()


def test_a_guardian_finds_the_family_in_the_navigation_and_the_childs_due_doses(chromium, server_url):
    context = window(chromium, 360, 800)
    page = context.new_page()
    try:
        sign_in(page, server_url, MOTHER)
        family = tab(page, "Family")
        expect(family).to_be_visible(timeout=20_000)
        assert box_of(family)["height"] >= TOUCH
        family.click()
        by_id(page, "person-1").click()
        expect_text(by_id(page, "book-owner"), CHILD_NAME, timeout=20_000)
        tab(page, "Vaccines").click()
        expect_text(page.locator("flt-semantics").first, VI("Due starting {date}", date=""), timeout=15_000)
        save(page, "large-text-child-vaccinations-360")
    finally:
        context.close()


def test_the_first_screen_is_the_books_own_in_vietnamese(chromium, server_url):
    """Before Flutter has drawn anything: our name, our icon and "Đang tải…", not Flet's logo or "Working..."."""
    context = window(chromium, 360, 800)
    page = context.new_page()
    try:
        page.goto(server_url, wait_until="commit")
        splash = page.locator("#splash")
        expect(splash).to_contain_text("Sổ sức khỏe điện tử")
        expect(splash).to_contain_text("Đang tải…")
        assert page.title() == "Sổ sức khỏe điện tử"
        icon = page.locator("#splash img")
        expect(icon).to_have_attribute("src", "icons/icon-192.png")
        assert page.evaluate("() => document.querySelector('#splash img').naturalWidth") in (0, 192)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "splash-360.png"))
        expect(splash).to_have_count(0, timeout=30_000)  # gone once the app has drawn its first screen
        enable_semantics(page)
        expect(page.get_by_role("button", name=VI("Sign in with VNeID"))).to_be_visible(timeout=20_000)
        manifest = page.request.get(f"{server_url}/manifest.json").json()
        assert manifest["name"] == "Sổ sức khỏe điện tử" and manifest["theme_color"] == theme.PRIMARY
    finally:
        context.close()
