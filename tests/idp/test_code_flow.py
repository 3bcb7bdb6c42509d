"""The provider's authorization code flow, in process: what any OIDC client sees."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc import rpinitiated
from authlib.oidc.discovery import OpenIDProviderMetadata

from api_client.oidc import OidcClient, SignInError

from ..support import BASE_URL, ISSUER, LOOPBACK_REDIRECT, code_from, csrf_field, form_action, submit_login


def authorize_url(**overrides: str) -> str:
    verifier = overrides.pop("verifier", "v" * 64)
    params = {
        "response_type": "code", "client_id": "sskdt-app", "redirect_uri": LOOPBACK_REDIRECT,
        "scope": "openid profile offline_access", "state": "s-123", "nonce": "n-456",
        "code_challenge": create_s256_code_challenge(verifier), "code_challenge_method": "S256",
    }
    params.update(overrides)
    return f"{ISSUER}/authorize?" + urlencode({k: v for k, v in params.items() if v is not None})


async def exchange(http: httpx.AsyncClient, code: str, verifier: str = "v" * 64, redirect_uri: str = LOOPBACK_REDIRECT):
    return await http.post(f"{ISSUER}/token", data={
        "grant_type": "authorization_code", "code": code, "client_id": "sskdt-app",
        "redirect_uri": redirect_uri, "code_verifier": verifier,
    })


async def test_discovery_document_is_valid_openid_metadata(http):
    response = await http.get("/idp/.well-known/openid-configuration")
    assert response.status_code == 200
    metadata = response.json()
    OpenIDProviderMetadata(metadata).validate(metadata_classes=[rpinitiated.OpenIDProviderMetadata])
    assert metadata["issuer"] == ISSUER
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert set(metadata["acr_values_supported"]) == {"vneid:level1", "vneid:level2"}


async def test_jwks_publishes_only_the_public_key(http):
    keys = (await http.get("/idp/jwks.json")).json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & keys[0].keys()


async def test_signing_key_is_kept_private_on_disk(stack, data_dir):
    assert (data_dir / "idp" / "signing-key.json").stat().st_mode & 0o077 == 0


async def test_code_flow_with_pkce_gives_verified_tokens_with_vneid_claims(login, http):
    tokens = await login("001055001234")
    claims = tokens.claims
    assert claims["name"] == "Nguyễn Văn Hùng"
    assert claims["personal_id"] == "001055001234"
    assert claims["birthdate"] == "1955-03-12" and claims["gender"] == "male"
    assert claims["acr"] == "vneid:level2"
    assert claims["bhyt_card"] == "HT3010123456789"
    assert tokens.refresh_token
    userinfo = await http.get("/idp/userinfo", headers={"Authorization": f"Bearer {tokens.access_token}"})
    assert userinfo.json()["personal_id"] == "001055001234"


async def test_level1_account_is_signed_in_at_level1_without_card(login):
    tokens = await login("001048002345")
    assert tokens.claims["acr"] == "vneid:level1"
    assert "bhyt_card" not in tokens.claims


async def test_wrong_verifier_is_refused(http):
    answer = code_from(await submit_login(http, authorize_url(), "001055001234", "demo"))
    response = await exchange(http, answer["code"], verifier="w" * 64)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "overrides",
    [
        {"code_challenge_method": "plain", "code_challenge": "v" * 64},
        {"code_challenge": None, "code_challenge_method": None},
    ],
    ids=["plain-method", "missing-challenge"],
)
async def test_authorize_without_s256_challenge_is_refused(http, overrides):
    response = await http.get(authorize_url(**overrides))
    assert response.status_code == 302
    error = parse_qs(urlsplit(response.headers["location"]).query)
    assert error["error"] == ["invalid_request"] and error["state"] == ["s-123"]


async def test_code_is_single_use_and_reuse_revokes_the_refresh_token(http):
    answer = code_from(await submit_login(http, authorize_url(), "001055001234", "demo"))
    first = await exchange(http, answer["code"])
    assert first.status_code == 200
    second = await exchange(http, answer["code"])
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"
    refreshed = await http.post(f"{ISSUER}/token", data={
        "grant_type": "refresh_token", "refresh_token": first.json()["refresh_token"], "client_id": "sskdt-app",
    })
    assert refreshed.status_code == 400


async def test_code_expires_within_a_minute(http, clock):
    answer = code_from(await submit_login(http, authorize_url(), "001055001234", "demo"))
    clock.advance(61)
    response = await exchange(http, answer["code"])
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


async def test_unregistered_redirect_uri_gets_a_page_not_a_redirect(http):
    response = await http.get(authorize_url(redirect_uri="https://evil.example/steal"))
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "không hợp lệ" in response.text


@pytest.mark.parametrize("redirect_uri", ["http://127.0.0.1:40001/cb", "http://[::1]:61000/done"])
async def test_loopback_redirect_on_any_port_is_accepted(http, redirect_uri):
    answer = code_from(await submit_login(http, authorize_url(redirect_uri=redirect_uri), "001055001234", "demo"))
    response = await exchange(http, answer["code"], redirect_uri=redirect_uri)
    assert response.status_code == 200


@pytest.mark.parametrize("redirect_uri", ["http://localhost:40001/cb", "http://10.0.0.8:40001/cb"])
async def test_non_loopback_hosts_are_not_loopback_redirects(http, redirect_uri):
    assert (await http.get(authorize_url(redirect_uri=redirect_uri))).status_code == 400


async def test_web_app_callback_is_registered(http):
    response = await http.get(authorize_url(redirect_uri=f"{BASE_URL}/oauth_callback"))
    assert response.status_code == 200 and "Số định danh cá nhân" in response.text


async def test_wrong_password_and_unknown_id_get_the_same_message(http):
    wrong_password = await submit_login(http, authorize_url(), "001055001234", "nope")
    unknown_id = await submit_login(http, authorize_url(), "001099999999", "demo")
    assert wrong_password.status_code == unknown_id.status_code == 401
    message = "Số định danh cá nhân hoặc mật khẩu không đúng."
    assert message in wrong_password.text and message in unknown_id.text


async def test_repeated_failures_are_slowed_down_then_allowed_again(http, clock):
    for _ in range(5):
        assert (await submit_login(http, authorize_url(), "001055001234", "wrong")).status_code == 401
    locked = await submit_login(http, authorize_url(), "001055001234", "demo")  # even the right password
    assert locked.status_code == 429
    wait = int(locked.headers["retry-after"])
    assert 0 < wait <= 30 and f"{wait} giây" in locked.text
    clock.advance(wait)
    assert (await submit_login(http, authorize_url(), "001055001234", "demo")).status_code == 302


async def test_login_form_without_its_csrf_cookie_is_refused(stack):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack), base_url=BASE_URL) as browser:
        page = await browser.get(authorize_url())
        browser.cookies.clear()
        response = await browser.post(
            f"{ISSUER}/" + form_action(page.text),
            data={"username": "001055001234", "password": "demo", "csrf": csrf_field(page.text)},
        )
    assert response.status_code == 400 and "location" not in response.headers


async def test_login_page_is_vietnamese_with_an_english_switch(http):
    vietnamese = await http.get(authorize_url())
    assert '<html lang="vi">' in vietnamese.text and "Đăng nhập" in vietnamese.text
    assert "ui_locales=en" in vietnamese.text
    english = await http.get(authorize_url(ui_locales="en"))
    assert '<html lang="en">' in english.text and "Personal ID number" in english.text
    assert vietnamese.headers["x-frame-options"] == "DENY"


async def test_refresh_rotates_the_refresh_token(login, http):
    tokens = await login("001190004567")
    response = await http.post(f"{ISSUER}/token", data={
        "grant_type": "refresh_token", "refresh_token": tokens.refresh_token, "client_id": "sskdt-app",
    })
    assert response.status_code == 200
    assert response.json()["refresh_token"] != tokens.refresh_token
    replay = await http.post(f"{ISSUER}/token", data={
        "grant_type": "refresh_token", "refresh_token": tokens.refresh_token, "client_id": "sskdt-app",
    })
    assert replay.status_code == 400


async def test_logout_revokes_refresh_tokens_and_returns_to_the_app(login, http):
    tokens = await login("001055001234")
    response = await http.get("/idp/logout", params={
        "id_token_hint": tokens.id_token, "post_logout_redirect_uri": f"{BASE_URL}/", "state": "bye",
    })
    assert response.status_code == 302 and response.headers["location"] == f"{BASE_URL}/?state=bye"
    refreshed = await http.post(f"{ISSUER}/token", data={
        "grant_type": "refresh_token", "refresh_token": tokens.refresh_token, "client_id": "sskdt-app",
    })
    assert refreshed.status_code == 400


async def test_unknown_idp_path_is_json_404(http):
    response = await http.get("/idp/nothing-here")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


async def test_any_oidc_client_can_sign_in_with_its_own_pkce(stack):
    """A client that is not ours: hand-made PKCE, nonce checked through our verifier."""
    transport = httpx.ASGITransport(app=stack)
    verifier = generate_token(50)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as browser:
        answer = code_from(await submit_login(browser, authorize_url(verifier=verifier), "001190004567", "demo"))
        token = (await exchange(browser, answer["code"], verifier=verifier)).json()
    claims = await OidcClient(issuer=ISSUER, transport=transport).verify_id_token(
        token["id_token"], nonce="n-456", access_token=token["access_token"]
    )
    assert claims["name"] == "Trần Thị Mai"
    with pytest.raises(SignInError):
        await OidcClient(issuer=ISSUER, transport=transport).verify_id_token(token["id_token"], nonce="other")


async def test_revoking_a_refresh_token_ends_it(login, http):
    tokens = await login("001055001234")
    revoke = await http.post(f"{ISSUER}/revoke", data={
        "token": tokens.refresh_token, "token_type_hint": "refresh_token", "client_id": "sskdt-app"})
    assert revoke.status_code == 200
    refreshed = await http.post(f"{ISSUER}/token", data={
        "grant_type": "refresh_token", "refresh_token": tokens.refresh_token, "client_id": "sskdt-app"})
    assert refreshed.status_code == 400
    unknown = await http.post(f"{ISSUER}/revoke", data={"token": "never-issued", "client_id": "sskdt-app"})
    assert unknown.status_code == 200  # RFC 7009: say nothing about tokens that do not exist
