"""The real server over loopback: what a proxy header, a crafted path or a browser gets at the edge."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode, urljoin

import httpx
import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from .conftest import open_app, screenshot

pytestmark = pytest.mark.browser

NOBODY = "001099000001"  # no such account: its failures lock nobody real out of the other tests


def login_attempt(client: httpx.Client, url: str, forwarded_for: str) -> httpx.Response:
    query = urlencode({
        "response_type": "code", "client_id": "sskdt-app", "redirect_uri": "http://127.0.0.1:53682/callback",
        "scope": "openid", "state": "s", "nonce": "n", "code_challenge": create_s256_code_challenge("v" * 64),
        "code_challenge_method": "S256",
    })
    page = client.get(f"{url}/idp/authorize?{query}")
    action = unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post(urljoin(f"{url}/idp/authorize", action), headers={"X-Forwarded-For": forwarded_for},
                       data={"username": NOBODY, "password": "wrong", "csrf": csrf})


def test_a_forged_forwarded_address_does_not_escape_the_throttle(server_url):
    """No proxy is configured, so every attempt counts against the real caller, 127.0.0.1."""
    with httpx.Client() as client:
        answers = [login_attempt(client, server_url, f"198.51.100.{n}").status_code for n in range(6)]
    assert answers[:5] == [401] * 5 and answers[5] == 429


@pytest.mark.parametrize("path", ["/api/%0Ax", "/idp/%0Ax", "/api/v1/%0D%0A"])
def test_an_encoded_newline_in_a_path_still_gets_the_envelope(server_url, path):
    answer = httpx.get(server_url + path)
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"


def test_the_web_app_is_served_with_a_strict_policy_and_runs_under_it(server_url, chromium):
    headers = httpx.get(server_url + "/").headers
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "'unsafe-eval'" not in policy and "object-src 'none'" in policy
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    # Not cross-origin isolated, so Flutter runs its engine on one thread (server/edge.py, WEB_DROPPED);
    # still kept from other windows, and from other origins' scripts.
    assert "cross-origin-embedder-policy" not in headers and "access-control-allow-origin" not in headers
    assert headers["cross-origin-opener-policy"] == "same-origin"

    context = chromium.new_context(viewport={"width": 360, "height": 800}, locale="vi-VN")
    page = context.new_page()
    open_app(page, server_url)
    page.get_by_role("button", name="Đăng nhập bằng VNeID").wait_for(timeout=20_000)
    assert page.evaluate("window.crossOriginIsolated") is False
    screenshot(page, "edge-sign-in-under-csp-360")
    context.close()  # the conftest fails the test on any policy violation seen meanwhile
    assert "'sha256-" in page_policy(server_url), "Flet's inline scripts are allowed by hash, not 'unsafe-inline'"


def page_policy(url: str) -> str:
    return httpx.get(url + "/").headers["content-security-policy"].split("script-src")[1].split(";")[0]
