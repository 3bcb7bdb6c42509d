"""Helpers shared by the tests: a controllable clock and a sign-in through the real login form."""

from __future__ import annotations

import re
import time
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from api_client.oidc import OidcClient, Tokens

BASE_URL = "http://127.0.0.1:8000"
ISSUER = f"{BASE_URL}/idp"
LOOPBACK_REDIRECT = "http://127.0.0.1:53682/callback"


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def form_action(html: str) -> str:
    return unescape(re.search(r'<form method="post" action="([^"]+)"', html).group(1))


def csrf_field(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


async def submit_login(http: httpx.AsyncClient, authorize_url: str, personal_id: str, password: str) -> httpx.Response:
    """Open the login page like a browser, then post the form."""
    page = await http.get(authorize_url)
    assert page.status_code == 200, page.text
    action = urljoin(authorize_url, form_action(page.text))
    return await http.post(action, data={"username": personal_id, "password": password, "csrf": csrf_field(page.text)})


def code_from(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}


async def sign_in(
    stack, personal_id: str, password: str = "demo", *, clock=time.time, redirect_uri: str = LOOPBACK_REDIRECT,
    issuer: str = ISSUER, assist_ticket: str | None = None,
) -> Tokens:
    """The whole code + PKCE flow, in process (or over HTTP to `issuer` when `stack` is None): what a
    phone or a CLI does with a loopback redirect; with `assist_ticket`, on a volunteer's device."""
    transport = httpx.ASGITransport(app=stack) if stack is not None else httpx.AsyncHTTPTransport()
    oidc = OidcClient(issuer=issuer, transport=transport, clock=clock)
    await oidc.metadata()
    pending = oidc.begin(redirect_uri, assist_ticket=assist_ticket)
    async with httpx.AsyncClient(transport=transport, base_url=issuer) as browser:
        answer = code_from(await submit_login(browser, pending.url, personal_id, password))
    return await oidc.complete(pending, answer["code"], answer["state"])


class Rows(list):
    """Fetched rows that answer like a cursor."""

    def fetchall(self) -> list[tuple]:
        return list(self)

    def fetchone(self) -> tuple | None:
        return self[0] if self else None


def book_rows(data_dir, sql: str, params=()) -> Rows:
    """Rows straight from the book's database, whichever engine this test runs on (SSKDT_DATABASE_URL
    names the PostgreSQL one); writes are committed."""
    import os
    import sqlite3

    url = os.environ.get("SSKDT_DATABASE_URL")
    if url:
        import psycopg

        from server.storage.db import to_pyformat

        with psycopg.connect(url, autocommit=True) as conn:
            cursor = conn.execute(to_pyformat(sql) if params else sql, params or None)
            return Rows(cursor.fetchall() if cursor.description else [])
    with sqlite3.connect(data_dir / "book.db") as conn:
        return Rows(conn.execute(sql, params).fetchall())
