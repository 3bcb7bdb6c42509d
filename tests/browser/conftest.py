"""Browser tests: the real one-process server, driven by Debian's Chromium through Playwright.

Flutter paints on a canvas; its semantics tree (roles, labels, `flt-semantics-identifier`) is
switched on by clicking the hidden placeholder, as verified in tech-stack.md.
"""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright

from bench.stack import running_stack

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def server_data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser-data")


@pytest.fixture(scope="session")
def server_url(server_data_dir):
    """`python main.py` with the demo population, on a free loopback port, stopped afterwards."""
    with running_stack(server_data_dir) as url:
        yield url


@pytest.fixture(scope="module")  # sync Playwright runs an event loop; end it before async tests run
def chromium():
    assert Path(CHROMIUM).exists(), "Debian's chromium is required: `make test` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium):
    """A narrow, phone-sized window with its own cookies and storage."""
    context = chromium.new_context(viewport={"width": 412, "height": 860}, locale="vi-VN")
    yield context.new_page()
    context.close()


POLICY_VIOLATIONS: list[str] = []
BROWSER_ERRORS: list[str] = []
OPEN_PAGES: list[Page] = []
# Flutter's release build draws a widget that failed to build as a plain grey box and says nothing
# in the console: a solid block of this colour on a screenshot is that box.
FLUTTER_ERROR_GREY = 196
ERROR_BOX_SIDE = 15  # px: larger than any grey in antialiased text or icons


def watch_console(message) -> None:
    # Flet's engine asks jsDelivr for a Rive script it never uses; the policy is meant to stop it.
    if "cdn.jsdelivr.net/npm/@rive-app/" in message.text:
        return
    if "Content Security Policy" in message.text:
        POLICY_VIOLATIONS.append(message.text)
    elif message.type == "error" and not message.text.startswith("Failed to load resource"):  # see watch_response
        BROWSER_ERRORS.append(message.text)


def watch_response(response) -> None:
    """A resource the app needs and the server does not have, or a server failure, by its address."""
    if response.status >= 500 or (response.status == 404 and "/idp/" not in response.url):
        BROWSER_ERRORS.append(f"{response.status} {response.url}")


def error_box_in(png: bytes) -> tuple[int, int, int, int] | None:
    """Where a Flutter error box is on the screenshot, if there is one."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    masks = [channel.point(lambda value: 255 if value == FLUTTER_ERROR_GREY else 0) for channel in image.split()]
    solid = ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2])
    return solid.filter(ImageFilter.MinFilter(ERROR_BOX_SIDE)).getbbox()


def assert_no_flutter_error(page: Page, name: str = "") -> None:
    box = error_box_in(page.screenshot())
    assert box is None, f"a Flutter error box is on screen {name} at {box}"


@pytest.fixture(autouse=True)
def no_browser_errors(request):
    """Every journey runs under the real Content-Security-Policy and fails on anything it blocks, on
    any error in the browser console or uncaught exception, and on an error box left on screen."""
    POLICY_VIOLATIONS.clear()
    BROWSER_ERRORS.clear()
    OPEN_PAGES.clear()
    yield
    if request.node.get_closest_marker("xfail"):
        return
    for page in OPEN_PAGES:
        if not page.is_closed():
            assert_no_flutter_error(page, "at the end of the test")
    assert not POLICY_VIOLATIONS, POLICY_VIOLATIONS
    assert not BROWSER_ERRORS, BROWSER_ERRORS


def open_app(page: Page, url: str) -> None:
    page.on("console", watch_console)
    page.on("pageerror", lambda error: BROWSER_ERRORS.append(f"uncaught: {error} at {page.url} {time.strftime('%X')}"))
    page.on("response", watch_response)
    OPEN_PAGES.append(page)
    page.goto(url)
    enable_semantics(page)


def enable_semantics(page: Page) -> None:
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=30_000)
    page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
    page.wait_for_selector("flt-semantics", state="attached", timeout=30_000)


def sign_in(page: Page, url: str, personal_id: str, password: str = "demo") -> None:
    """From the app's first screen, through the provider's login page, back into the app."""
    open_app(page, url)
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
    page.wait_for_url("**/idp/authorize**", timeout=20_000)
    page.fill("#username", personal_id)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/**", timeout=20_000)
    enable_semantics(page)


def by_id(page: Page, identifier: str):
    return page.locator(f"[flt-semantics-identifier='{identifier}']")


_SEMANTIC_TEXT = """(element) => {
    const parts = [element.innerText || ""];
    for (const node of [element, ...element.querySelectorAll("[aria-label]")]) {
        parts.push(node.getAttribute("aria-label") || "");
    }
    return parts.join("\\n");
}"""


def type_into(field, value: str) -> None:
    """Type into a Flutter text field as a person does: only once Flutter has made it the field being
    edited. Flutter attaches its editor a moment after the element takes the focus (and then sets
    `autocorrect` from the field's configuration); text put in before that is either replaced by what the
    field held or never reaches the app. A person's first key comes long after; a test must wait for it."""
    field.scroll_into_view_if_needed()
    for _attempt in range(5):  # a focus Flutter did not take is given again, as a person taps again
        field.focus()
        try:
            expect(field).to_be_focused(timeout=1_000)
        except AssertionError:
            continue
        # A field configured without autocorrect never says so: a second is long enough for its editor.
        with contextlib.suppress(AssertionError):
            expect(field).to_have_attribute("autocorrect", "on", timeout=1_000)
        break
    field.fill(value)
    field.page.wait_for_timeout(300)  # a value replaced by Flutter is replaced within a frame or two
    expect(field).to_have_value(value)


def semantic_text(locator) -> str:
    """What a screen reader would find in a node: Flutter puts plain texts into aria-labels."""
    return locator.evaluate(_SEMANTIC_TEXT)


def expect_text(locator, expected: str, timeout: float = 10_000) -> None:
    """Wait until the node's semantic text contains `expected`."""
    deadline = time.monotonic() + timeout / 1000
    found = ""
    while time.monotonic() < deadline:
        try:
            found = semantic_text(locator.first)
            if expected in found:
                return
        except PlaywrightError:  # not attached yet
            pass
        time.sleep(0.2)
    raise AssertionError(f"{expected!r} not found in {found!r}")


def screenshot(page: Page, name: str) -> None:
    """Saved as a test artifact, and no Flutter error box on it; the canvas repaints after the
    semantics tree, so wait first."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(800)
    png = page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
    box = error_box_in(png)
    assert box is None, f"a Flutter error box is on screen {name} at {box}"


JOURNEY_TIMEOUT = 600  # s: the longest journey takes about 120 under load; a hung page ends here, not never


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.timeout(JOURNEY_TIMEOUT))
