"""Phones cannot use page.login: PKCE through the system browser and the deep link, same OIDC client."""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from api_client.errors import NotAuthenticated, Offline
from api_client.oidc import OidcClient, SignInError
from app.config import AppConfig
from app.services import KeystoreTokenStore
from app.services.auth import AuthService, NativeSignIn

from ..support import BASE_URL, ISSUER, code_from, submit_login

DEEP_LINK = "vn.gov.sskdt://auth/callback"
ROOT = Path(__file__).resolve().parents[2]


class MemoryKeystore:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    async def get(self, name):
        return self.values.get(name)

    async def set(self, name, value):
        self.values[name] = value

    async def remove(self, name):
        self.values.pop(name, None)


class Switchable(httpx.AsyncBaseTransport):
    def __init__(self, inner):
        self.inner, self.down = inner, False

    async def handle_async_request(self, request):
        if self.down:
            raise httpx.ConnectError("no network", request=request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def transport(stack):
    return Switchable(httpx.ASGITransport(app=stack))


async def deep_link_sign_in(transport, clock, personal_id="001055001234"):
    oidc = OidcClient(issuer=ISSUER, transport=transport, clock=clock)
    opened = []

    async def launch(url):
        opened.append(url)

    native = NativeSignIn(oidc, DEEP_LINK, launch)
    await native.start(ui_locales="en")
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as browser:
        answer = await submit_login(browser, opened[0], personal_id, "demo")
    assert answer.headers["location"].startswith(DEEP_LINK + "?")
    route = "/callback?" + urlsplit(answer.headers["location"]).query  # how Flet delivers the deep link
    return oidc, native, route, opened[0]


async def test_deep_link_sign_in_completes_with_pkce(transport, clock):
    _oidc, native, route, url = await deep_link_sign_in(transport, clock)
    assert "code_challenge_method=S256" in url and "ui_locales=en" in url
    tokens = await native.complete(route)
    assert tokens.claims["personal_id"] == "001055001234" and tokens.refresh_token
    with pytest.raises(SignInError):
        await native.complete(route)  # one answer per sign-in


async def test_a_forged_state_or_an_error_answer_is_refused(transport, clock):
    _oidc, native, route, _ = await deep_link_sign_in(transport, clock)
    code = code_from(httpx.Response(302, headers={"location": "x" + route}))["code"]
    with pytest.raises(SignInError):
        await native.complete(f"/callback?code={code}&state=forged")
    native.pending = None
    with pytest.raises(SignInError):
        await native.complete("/callback?error=access_denied")


async def test_refresh_token_goes_to_the_keystore_and_resumes_the_next_start(transport, clock):
    oidc, native, route, _ = await deep_link_sign_in(transport, clock)
    keystore = MemoryKeystore()
    await AuthService(oidc, KeystoreTokenStore(keystore)).accept(await native.complete(route))
    assert keystore.values["sskdt.refresh_token"]

    next_start = AuthService(OidcClient(issuer=ISSUER, transport=transport, clock=clock), KeystoreTokenStore(keystore))
    assert await next_start.resume()
    assert await next_start.access_token()


async def test_without_network_the_stored_sign_in_is_kept_for_later(transport, clock):
    oidc, native, route, _ = await deep_link_sign_in(transport, clock)
    keystore = MemoryKeystore()
    await AuthService(oidc, KeystoreTokenStore(keystore)).accept(await native.complete(route))
    transport.down = True
    offline_start = AuthService(OidcClient(issuer=ISSUER, transport=transport, clock=clock),
                                KeystoreTokenStore(keystore))
    assert await offline_start.resume(), "still signed in: the cached book will show"
    with pytest.raises(Offline):
        await offline_start.access_token()
    assert keystore.values.get("sskdt.refresh_token"), "a network failure must not erase the sign-in"
    transport.down = False
    assert await offline_start.access_token()


async def test_a_revoked_refresh_token_ends_the_stored_sign_in(transport, clock, http):
    oidc, native, route, _ = await deep_link_sign_in(transport, clock)
    keystore = MemoryKeystore()
    auth = AuthService(oidc, KeystoreTokenStore(keystore))
    await auth.accept(await native.complete(route))
    refresh_token = keystore.values["sskdt.refresh_token"]
    await auth.sign_out()  # revoked at the provider
    assert "sskdt.refresh_token" not in keystore.values
    with pytest.raises(SignInError):
        await oidc.refresh(refresh_token, {})
    keystore.values["sskdt.refresh_token"] = "revoked-or-forged"
    again = AuthService(OidcClient(issuer=ISSUER, transport=transport, clock=clock), KeystoreTokenStore(keystore))
    assert not await again.resume()
    with pytest.raises(NotAuthenticated):
        await again.access_token()


async def test_access_token_is_refreshed_before_it_expires(transport, clock):
    oidc, native, route, _ = await deep_link_sign_in(transport, clock)
    auth = AuthService(oidc)
    await auth.accept(await native.complete(route))
    first = await auth.access_token()
    clock.advance(15 * 60 - 10)
    assert await auth.access_token() != first


def test_phone_build_is_configured_for_the_deep_link_the_provider_accepts():
    flet = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["flet"]
    assert flet["org"] == "vn.gov.sskdt" and "camera" in flet["permissions"]
    link = flet["deep_linking"]
    assert f"{link['scheme']}://{link['host']}/callback" == DEEP_LINK == AppConfig.from_env().redirect_url
    assert (ROOT / flet["app"]["path"] / f"{flet['app']['module']}.py").exists()
