"""The provider attacked as an outsider would: stolen codes and tokens, crafted redirects, lockouts."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest

from ..support import BASE_URL, ISSUER, code_from, submit_login
from .test_code_flow import authorize_url, exchange

CITIZEN = "001055001234"


def book(http, access_token: str):
    return http.get("/api/v1/me/book", headers={"Authorization": f"Bearer {access_token}"})


async def refresh(http, refresh_token: str) -> httpx.Response:
    return await http.post(f"{ISSUER}/token", data={
        "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": "sskdt-app"})


async def tokens_for(http, personal_id: str = CITIZEN) -> tuple[str, dict]:
    """(the authorization code's value, the token answer) for a fresh sign-in."""
    answer = code_from(await submit_login(http, authorize_url(), personal_id, "demo"))
    response = await exchange(http, answer["code"])
    assert response.status_code == 200, response.text
    return answer["code"], response.json()


# -------------------------------------------------------------- 1. redirect URIs

TAKEOVER_REDIRECTS = [
    "http://evil.example%5C@127.0.0.1:53682/callback",
    "http://evil.example\\@127.0.0.1:53682/callback",
    "http://evil.example@127.0.0.1:53682/callback",
    "http://127.0.0.1:53682\\@evil.example/callback",
    "http://127.0.0.1:53682/callback#@evil.example",
    "http://127.0.0.1:53682/callback?next=//evil.example",
    "http://127.0.0.1/callback",  # no port
    "http://127.0.0.1:053682/callback",
    "http://127.0.0.1:99999/callback",
    "http://[::1%25eth0]:53682/callback",
    "http://0x7f.0.0.1:53682/callback",
    "http://127.1:53682/callback",
    "http://localhost:53682/callback",
    "https://127.0.0.1:53682/callback",
    "http://127.0.0.1:53682/a/../../evil",
    "http://127.0.0.1:53682/%2e%2e/evil",
    "HTTP://127.0.0.1:53682/callback",
    "http://127.0.0.1:53682/cb\t",
    "http://127.0.0.1:53682/câllback",
    "http://[::1/cb",
    'http://127.0.0.1:53682/"',
    "http://127.0.0.1:53682/\x00",
]


@pytest.mark.parametrize("redirect_uri", TAKEOVER_REDIRECTS)
async def test_a_redirect_a_browser_could_read_differently_gets_the_invalid_request_page(http, redirect_uri):
    page = await http.get(authorize_url(redirect_uri=redirect_uri))
    assert page.status_code == 400 and "location" not in page.headers
    assert page.headers["content-type"].startswith("text/html")
    assert "Yêu cầu đăng nhập không hợp lệ" in page.text

    # posting the login form with it issues no code either
    query = urlencode({"response_type": "code", "client_id": "sskdt-app", "redirect_uri": redirect_uri,
                       "scope": "openid", "state": "s", "nonce": "n", "code_challenge": "c" * 43,
                       "code_challenge_method": "S256"})
    posted = await http.post(f"{ISSUER}/authorize?{query}", data={"username": CITIZEN, "password": "demo"})
    assert posted.status_code == 400 and "location" not in posted.headers


@pytest.mark.parametrize("redirect_uri", ["http://127.0.0.1:53682/callback", "http://[::1]:8080/cb",
                                          "http://127.0.0.1:1/a%20b/c-d_e.f~g"])
async def test_the_canonical_loopback_shapes_still_sign_in(http, redirect_uri):
    answer = await submit_login(http, authorize_url(redirect_uri=redirect_uri), CITIZEN, "demo")
    assert answer.status_code == 302 and answer.headers["location"].startswith(redirect_uri + "?")


@pytest.mark.parametrize("field", ["response_type", "client_id", "scope", "state", "nonce", "code_challenge",
                                   "code_challenge_method", "ui_locales"])
@pytest.mark.parametrize("value", ["\r\nSet-Cookie: x=1", "é", '"', "\\", "\x00", "a" * 5000])
async def test_malformed_parameters_get_a_400_page_never_a_500(http, field, value):
    page = await http.get(authorize_url(**{field: value}))
    assert page.status_code == 400 and "location" not in page.headers, page.text


async def test_a_post_logout_redirect_goes_only_to_the_registered_address(http):
    _, token = await tokens_for(http)
    for target in ["http://evil.example/", f"{BASE_URL}/\\@evil.example", f"{BASE_URL}/?x=1"]:
        answer = await http.get(f"{ISSUER}/logout?" + urlencode(
            {"id_token_hint": token["id_token"], "post_logout_redirect_uri": target, "client_id": "sskdt-app"}))
        assert answer.status_code == 200 and "location" not in answer.headers
    answer = await http.get(f"{ISSUER}/logout?" + urlencode(
        {"id_token_hint": token["id_token"], "post_logout_redirect_uri": f"{BASE_URL}/", "client_id": "sskdt-app"}))
    assert answer.status_code == 302 and answer.headers["location"] == f"{BASE_URL}/"


# -------------------------------------------------------------- 2. stolen refresh tokens and codes


async def test_a_replayed_refresh_token_ends_the_whole_sign_in(http, clock):
    _, first = await tokens_for(http)
    second = (await refresh(http, first["refresh_token"])).json()
    third = (await refresh(http, second["refresh_token"])).json()
    assert (await book(http, third["access_token"])).status_code == 200

    stolen = await refresh(http, first["refresh_token"])  # the thief replays the first one
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    assert (await refresh(http, third["refresh_token"])).status_code == 400, "the family is revoked"
    clock.advance(6)  # past the API's few seconds of trusting its last answer
    assert (await book(http, third["access_token"])).status_code == 401


async def test_a_replayed_code_revokes_every_token_it_gave_even_rotated_ones(http, clock):
    code, first = await tokens_for(http)
    rotated = (await refresh(http, first["refresh_token"])).json()
    replay = await exchange(http, code)
    assert replay.status_code == 400
    assert (await refresh(http, rotated["refresh_token"])).status_code == 400
    clock.advance(6)
    assert (await book(http, rotated["access_token"])).status_code == 401
    assert (await book(http, first["access_token"])).status_code == 401


async def test_other_sign_ins_survive_a_replay_in_one(http, clock):
    _, mine = await tokens_for(http)
    _, stolen = await tokens_for(http)
    rotated = (await refresh(http, stolen["refresh_token"])).json()
    await refresh(http, stolen["refresh_token"])
    clock.advance(6)
    assert (await book(http, rotated["access_token"])).status_code == 401
    assert (await book(http, mine["access_token"])).status_code == 200


# -------------------------------------------------------------- 3. the login throttle


async def login_from(stack, address: str, personal_id: str, password: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=stack, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as browser:
        return await submit_login(browser, authorize_url(), personal_id, password)


async def test_an_attacker_cannot_lock_the_owner_out(stack):
    for _ in range(12):
        await login_from(stack, "203.0.113.66", CITIZEN, "wrong")
    assert (await login_from(stack, "203.0.113.66", CITIZEN, "demo")).status_code == 429, "the guesser waits"
    owner = await login_from(stack, "198.51.100.7", CITIZEN, "demo")
    assert owner.status_code == 302, "the owner's own address has not failed: the right password works"


async def test_guessing_from_many_addresses_stays_slow(stack):
    for number in range(12):  # one wrong guess each from 12 addresses: the account is under attack
        await login_from(stack, f"203.0.113.{number}", CITIZEN, "wrong")
    second_guess = await login_from(stack, "203.0.113.3", CITIZEN, "wrong")
    assert second_guess.status_code == 429 and int(second_guess.headers["retry-after"]) > 0
    assert "Vui lòng chờ" in second_guess.text


async def test_one_address_guessing_many_accounts_is_slowed(stack):
    for number in range(20):
        await login_from(stack, "203.0.113.99", f"0010550{number:05d}", "wrong")
    assert (await login_from(stack, "203.0.113.99", CITIZEN, "demo")).status_code == 429


# -------------------------------------------------------------- 4. sign-out signs out


async def test_revoking_the_refresh_token_ends_the_access_token_at_the_api(http, clock):
    _, token = await tokens_for(http)
    assert (await book(http, token["access_token"])).status_code == 200
    revoked = await http.post(f"{ISSUER}/revoke", data={"token": token["refresh_token"], "client_id": "sskdt-app"})
    assert revoked.status_code == 200
    clock.advance(6)
    answer = await book(http, token["access_token"])
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "invalid_token"
    userinfo = await http.get(f"{ISSUER}/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert userinfo.status_code == 401


async def test_end_session_ends_the_access_token_at_the_api(http, clock):
    _, token = await tokens_for(http)
    await http.get(f"{ISSUER}/logout?" + urlencode({"id_token_hint": token["id_token"], "client_id": "sskdt-app"}))
    clock.advance(6)
    assert (await book(http, token["access_token"])).status_code == 401


async def test_an_access_token_can_be_revoked_by_itself(http, clock):
    _, token = await tokens_for(http)
    await http.post(f"{ISSUER}/revoke", data={"token": token["access_token"], "token_type_hint": "access_token",
                                              "client_id": "sskdt-app"})
    clock.advance(6)
    assert (await book(http, token["access_token"])).status_code == 401
    assert (await refresh(http, token["refresh_token"])).status_code == 200, "only that access token"


async def test_access_tokens_live_at_most_five_minutes(http):
    _, token = await tokens_for(http)
    assert token["expires_in"] <= 300


async def test_introspection_needs_the_apis_credentials(http):
    _, token = await tokens_for(http)
    anonymous = await http.post(f"{ISSUER}/introspect", data={"token": token["access_token"]})
    assert anonymous.status_code == 401
    guessed = await http.post(f"{ISSUER}/introspect", data={"token": token["access_token"]},
                              auth=("sskdt-api", "guess"))
    assert guessed.status_code == 401 and "active" not in guessed.text


# -------------------------------------------------------------- the provider's own errors


@pytest.mark.parametrize("path", ["/idp/%0Ax", "/idp/nothing", "/idp/.well-known/%0A"])
async def test_unknown_provider_paths_answer_in_the_envelope(http, path):
    answer = await http.get(path)
    assert answer.status_code == 404
    assert answer.json()["error"] == {"code": "not_found", "message": "Không có nội dung tại địa chỉ này.", "details": []}


async def test_a_wrong_method_at_the_provider_keeps_allow(http):
    answer = await http.delete(f"{ISSUER}/token")
    assert answer.status_code == 405 and answer.headers["allow"] == "POST"
    assert answer.json()["error"]["code"] == "method_not_allowed"


ENDPOINT_FIELDS = {
    "token": ["grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "client_id", "scope"],
    "revoke": ["token", "token_type_hint", "client_id"],
    "logout": ["id_token_hint", "post_logout_redirect_uri", "client_id", "state", "ui_locales"],
    "introspect": ["token"],
    "userinfo": ["access_token"],
}
MALFORMED = ["", "é", '"', "\\", "\x00", "\r\n", "%", "[", "http://[::1/cb", "a" * 5000, "🙂"]


@pytest.mark.parametrize("endpoint", ENDPOINT_FIELDS)
async def test_no_malformed_parameter_makes_the_provider_fail(http, endpoint):
    for field in ENDPOINT_FIELDS[endpoint]:
        for value in MALFORMED:
            base = {"client_id": "sskdt-app", "grant_type": "authorization_code"}
            posted = await http.post(f"{ISSUER}/{endpoint}", data={**base, field: value})
            got = await http.get(f"{ISSUER}/{endpoint}?" + urlencode({field: value}))
            for answer in (posted, got):
                assert answer.status_code < 500, (endpoint, field, value, answer.text)
    not_a_form = await http.post(f"{ISSUER}/{endpoint}", content=b"\xff\xfe{", headers={"content-type": "multipart/form-data"})
    assert not_a_form.status_code < 500
