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

from .conftest import ROOT, by_id, expect_text, screenshot, semantic_text, sign_in

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
