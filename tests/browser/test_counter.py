"""Issue 10 in Chromium: a morning at the counter. The server runs in this process with a clock the
test turns, so "the next day" is real to the server and the provider alike."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from api_client.oidc import OidcClient
from bench.stack import free_port
from main import StackConfig, create_stack

from ..support import LOOPBACK_REDIRECT, FakeClock, code_from, submit_login
from .conftest import by_id, enable_semantics, expect_text, screenshot, sign_in

pytestmark = [
    pytest.mark.browser,
    # Stopping a server thread that still holds the app's websockets leaves their transports to the
    # collector; this is the test's server going away, not the app misbehaving.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

HUNG_CCCD_QR = "001055001234||Nguyễn Văn Hùng|12031955|Nam|Số 12 phố Đội Cấn, Ba Đình, Hà Nội|10052021"
SIZES = ((360, 800), (1366, 768))


@contextlib.contextmanager
def clocked_stack(data_dir: Path, clock: FakeClock) -> Iterator[str]:
    """The whole stack on a free loopback port, in a thread of this process, stopped afterwards."""
    os.environ.setdefault("FLET_WEB_NO_CDN", "1")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    stack = create_stack(StackConfig(public_url=url, data_dir=data_dir, clock=clock))
    server = uvicorn.Server(uvicorn.Config(stack, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, loop="asyncio", timeout_graceful_shutdown=5))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield url
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def counter_url(tmp_path_factory, clock):
    with clocked_stack(tmp_path_factory.mktemp("counter-data"), clock) as url:
        yield url


def citizen_code(url: str, clock: FakeClock) -> str:
    """The citizen's QR code as their phone asks for it: signed in through the provider over HTTP."""

    async def flow() -> str:
        oidc = OidcClient(issuer=f"{url}/idp", clock=clock)
        await oidc.metadata()
        pending = oidc.begin(LOOPBACK_REDIRECT)
        async with httpx.AsyncClient(base_url=url) as browser:
            answer = code_from(await submit_login(browser, pending.url, "001055001234", "demo"))
        tokens = await oidc.complete(pending, answer["code"], answer["state"])
        async with httpx.AsyncClient(base_url=url) as phone:
            created = await phone.post("/api/v1/me/check-in-codes",
                                       headers={"Authorization": f"Bearer {tokens.access_token}"})
        return created.json()["code"]

    with ThreadPoolExecutor(1) as other:  # sync Playwright owns this thread's event loop
        return other.submit(asyncio.run, flow()).result()


def desk_field(page):
    field = page.get_by_role("textbox", name="Quét hoặc nhập mã, số của người bệnh")
    expect(field).to_be_visible(timeout=20_000)
    return field


def scan(page, value: str) -> None:
    field = desk_field(page)
    field.fill(value)
    field.press("Enter")


def large_text(page, url: str, on: bool, back_to: str) -> None:
    page.goto(f"{url}/settings")
    enable_semantics(page)
    switch = page.get_by_role("switch", name="Chữ lớn")
    expect(switch).to_be_visible(timeout=20_000)
    if (switch.get_attribute("aria-checked") == "true") != on:
        switch.click()
    page.wait_for_timeout(1000)  # the setting is saved and the frame painted before the page is left
    page.goto(f"{url}{back_to}")
    enable_semantics(page)


def test_the_citizens_phone_shows_the_queue_number_the_desk_gave(chromium, counter_url):
    citizen_window = chromium.new_context(viewport={"width": 360, "height": 800}, locale="vi-VN")
    desk_window = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    citizen, desk = citizen_window.new_page(), desk_window.new_page()
    try:
        sign_in(citizen, counter_url, "001055001234")
        expect_text(by_id(citizen, "allergy-banner"), "Penicillin", timeout=20_000)
        citizen.get_by_role("button", name="Mã QR khám bệnh").first.click()
        expect_text(by_id(citizen, "check-in-countdown"), "Còn hiệu lực", timeout=20_000)
        for node in ("check-in-countdown",):
            box = by_id(citizen, node).bounding_box()
            assert box and box["y"] + box["height"] <= 800, "the countdown is above the fold on a phone"
        cancel = citizen.get_by_role("button", name="Hủy mã này")
        cancel_box = cancel.bounding_box()
        assert cancel_box and cancel_box["y"] + cancel_box["height"] <= 800, "so is the cancel button"
        screenshot(citizen, "40-qr-360")
        shot = Image.open(io.BytesIO(citizen.screenshot()))
        [found] = [r for r in zxingcpp.read_barcodes(shot) if r.format == zxingcpp.BarcodeFormat.QRCode]
        typed = found.text  # what the scanner reads off the phone's screen

        sign_in(desk, counter_url, "001192006789")
        scan(desk, typed)
        expect_text(by_id(desk, "patient-name"), "Nguyễn Văn Hùng", timeout=10_000)
        expect_text(by_id(citizen, "check-in-scanned"), "Đã quét mã", timeout=15_000)
        screenshot(citizen, "41-qr-scanned-360")
        admit = desk.get_by_role("button", name="Tiếp nhận")
        admit_box = admit.bounding_box()
        assert admit_box and admit_box["y"] + admit_box["height"] <= 768, "Tiếp nhận without scrolling at 1366×768"
        screenshot(desk, "42-desk-summary-1366")
        admit.click()
        expect_text(by_id(desk, "queue"), "Nguyễn Văn Hùng", timeout=10_000)
        expect_text(by_id(citizen, "check-in-admitted"), "Số thứ tự 1 — Trạm Y tế phường Ba Đình", timeout=15_000)
        screenshot(citizen, "43-qr-admitted-360")
        screenshot(desk, "44-desk-queue-1366")
        large_text(citizen, counter_url, True, "/qr")
        expect_text(by_id(citizen, "check-in-countdown"), "Còn hiệu lực", timeout=20_000)
        cancel_box = citizen.get_by_role("button", name="Hủy mã này").bounding_box()
        assert cancel_box and cancel_box["y"] + cancel_box["height"] <= 800, "also in large text"
        screenshot(citizen, "45-qr-360-large")
    finally:
        citizen_window.close()
        desk_window.close()


def test_the_desk_finds_a_patient_by_chip_card_or_bhyt_and_sees_allergies_only(chromium, counter_url):
    for width, height in SIZES:
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        desk = context.new_page()
        try:
            sign_in(desk, counter_url, "001192006789")
            scan(desk, HUNG_CCCD_QR)
            expect_text(by_id(desk, "allergy-banner"), "Penicillin", timeout=10_000)
            expect_text(by_id(desk, "limited-summary"), "thẻ CCCD")
            assert desk.locator("[flt-semantics-identifier='current-medicines']").count() == 0
            screenshot(desk, f"46-desk-cccd-{width}")
            scan(desk, "HT3010123456789")
            expect_text(by_id(desk, "limited-summary"), "số BHYT", timeout=10_000)
            scan(desk, HUNG_CCCD_QR.replace("12031955", "12031956"))
            expect_text(by_id(desk, "scan-error"), "Ngày sinh", timeout=10_000)
            screenshot(desk, f"47-desk-card-mismatch-{width}")
            if width == 360:
                large_text(desk, counter_url, True, "/reception")
                scan(desk, HUNG_CCCD_QR)
                expect_text(by_id(desk, "limited-summary"), "thẻ CCCD", timeout=10_000)
                screenshot(desk, "46-desk-cccd-360-large")
        finally:
            context.close()


def test_a_doctor_reads_the_admitted_patients_past_visits_and_not_the_next_day(chromium, counter_url, clock):
    for width, height in SIZES:
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        doctor = context.new_page()
        try:
            sign_in(doctor, counter_url, "001085007890")
            scan(doctor, citizen_code(counter_url, clock))
            expect_text(by_id(doctor, "patient-name"), "Nguyễn Văn Hùng", timeout=10_000)
            doctor.get_by_role("button", name="Tiếp nhận").click()
            if width == 1366:  # the second round admits the same patient again: the desk asks first
                expect_text(by_id(doctor, "admit-again"), "đã có trong danh sách chờ", timeout=10_000)
                screenshot(doctor, "48-desk-admit-again-1366")
                doctor.get_by_role("button", name="Cấp thêm số thứ tự").click()
            expect_text(by_id(doctor, "admitted-banner"), "Số thứ tự", timeout=10_000)
            doctor.get_by_role("button", name="Mở sổ sức khỏe").first.click()
            expect_text(by_id(doctor, "patient-book-name"), "Nguyễn Văn Hùng", timeout=15_000)
            expect_text(by_id(doctor, "patient-visits"), "Bệnh viện")
            screenshot(doctor, f"49-doctor-patient-book-{width}")
            by_id(doctor, "patient-visits").locator("[flt-semantics-identifier^='visit-']").first.click()
            expect_text(by_id(doctor, "diagnoses"), "Chẩn đoán", timeout=15_000)
            screenshot(doctor, f"50-doctor-patient-visit-{width}")
            visit_url = doctor.url
            book = visit_url.split("/visits/")[0]
            large_text(doctor, counter_url, True, "/reception")  # the same screens in large text
            expect_text(by_id(doctor, "queue"), "Nguyễn Văn Hùng", timeout=15_000)
            screenshot(doctor, f"52-desk-queue-{width}-large")
            doctor.goto(book)
            enable_semantics(doctor)
            expect_text(by_id(doctor, "patient-visits"), "Bệnh viện", timeout=15_000)
            screenshot(doctor, f"49-doctor-patient-book-{width}-large")
            doctor.goto(visit_url)
            enable_semantics(doctor)
            expect_text(by_id(doctor, "diagnoses"), "Chẩn đoán", timeout=15_000)
            screenshot(doctor, f"50-doctor-patient-visit-{width}-large")
            clock.advance(24 * 3600)
            tomorrow = chromium.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
            try:  # yesterday's sign-in has ended too: the doctor signs in again
                doctor = tomorrow.new_page()
                sign_in(doctor, counter_url, "001085007890")
                desk_field(doctor)
                doctor.goto(book)
                enable_semantics(doctor)
                expect_text(by_id(doctor, "patient-book-closed"), "hàng đợi hôm nay", timeout=20_000)
                screenshot(doctor, f"51-doctor-next-day-{width}")
            finally:
                tomorrow.close()
                clock.advance(-24 * 3600)
        finally:
            context.close()
