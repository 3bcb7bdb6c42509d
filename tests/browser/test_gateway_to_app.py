"""Issue 5's promise, end to end: a facility's file, signed and sent with the command-line tool,
is in the citizen's book in the app at once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime

import pytest
from playwright.sync_api import expect

from api_client.models import VIETNAM_TZ

from .conftest import (
    ROOT,
    by_id,
    enable_semantics,
    expect_text,
    screenshot,
    semantic_text,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_a_sample_sent_by_the_cli_appears_in_the_citizens_visits(phone, server_url, server_data_dir, tmp_path):
    sample = tmp_path / "out.xml"
    with open(sample, "wb") as out:
        subprocess.run([sys.executable, "-m", "server.gateway", "sample", "--people", "3"], cwd=ROOT, stdout=out,
                       check=True)
    sent = time.monotonic()
    answer = subprocess.run(
        [sys.executable, "-m", "server.gateway", "submit", str(sample), "--facility", "01902", "--url", server_url,
         "--data-dir", str(server_data_dir)], cwd=ROOT, capture_output=True, text=True, check=True)
    assert time.monotonic() - sent < 10
    receipt = json.loads(answer.stdout)
    assert (receipt["accepted"], receipt["rejected"]) == (3, 0)

    sign_in(phone, server_url, "001055001234")
    expect_text(by_id(phone, "allergy-banner"), "Penicillin", timeout=20_000)
    phone.get_by_role("tab", name="Lần khám").click()
    newest = phone.get_by_role("button", name="Bệnh viện Đa khoa Ba Đình", exact=False).first
    expect(newest).to_be_visible(timeout=10_000)
    today = datetime.now(VIETNAM_TZ)  # the book shows Vietnam's date, whatever the machine's zone
    assert f"{today.day}/{today.month}/{today.year}" in semantic_text(newest), "dated today"
    screenshot(phone, "30-visit-from-the-gateway")


def test_a_visit_stored_without_a_refused_row_says_so_at_phone_and_desktop_size(chromium, server_url, server_data_dir):
    import base64

    import httpx

    from server.gateway.signing import load_credentials, sign_envelope
    from tests.server.test_gateway import envelope, hung_visit, tables_for

    own = load_credentials(server_data_dir / "demo" / "facilities" / "01902")
    person, visit = hung_visit()
    tables = tables_for(person, visit, "01902-B-1")
    broken = envelope([(person, visit, "01902-B-1")]).replace(base64.b64encode(tables["XML2"]), base64.b64encode(
        tables["XML2"].replace(b"<SO_LUONG>5</SO_LUONG>", b"<SO_LUONG>many</SO_LUONG>")))
    answer = httpx.post(f"{server_url}/api/v1/gateway/submissions", content=sign_envelope(broken, own.key_pem,
                                                                                        own.cert_pem),
                        headers={"Authorization": f"Bearer {own.api_key}", "Content-Type": "application/xml"})
    visit_id = answer.json()["records"][0]["visit_id"]
    for width, height in ((360, 800), (1366, 768)):
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        page = context.new_page()
        try:
            sign_in(page, server_url, "001055001234")
            expect_text(by_id(page, "allergy-banner"), "Penicillin", timeout=20_000)
            page.goto(f"{server_url}/visits/{visit_id}")
            enable_semantics(page)
            expect_text(by_id(page, "visit-incomplete"), "có thể thiếu thông tin", timeout=20_000)
            screenshot(page, f"31-visit-incomplete-{width}")
            if width == 360:
                page.goto(f"{server_url}/settings")
                enable_semantics(page)
                page.get_by_role("switch", name="Chữ lớn").click()
                page.goto(f"{server_url}/visits/{visit_id}")
                enable_semantics(page)
                expect_text(by_id(page, "visit-incomplete"), "có thể thiếu thông tin", timeout=20_000)
                screenshot(page, "31-visit-incomplete-360-large")
        finally:
            context.close()
