"""Assisted sign-in: a citizen signs in on a community volunteer's device with a single-use ticket the
API got for the volunteer. The tokens name the volunteer (RFC 8693 `act`), last one session, never renew."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlencode

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from idp_mock.pages import translations

from ..support import BASE_URL, ISSUER, code_from, csrf_field, form_action, submit_login
from .test_code_flow import authorize_url, exchange

VOLUNTEER = "001098003456"  # Đỗ Minh Quân
CITIZEN = "001055001234"  # Nguyễn Văn Hùng
ELDER = "001048002345"  # Phạm Văn Tư

NOTICE = ("You are signing in on the device of volunteer {name}. The assisted session ends by itself "
          "after {minutes} minutes.")
NOTICE_VI = ("Bạn đang đăng nhập trên thiết bị của tình nguyện viên {name}. Phiên hỗ trợ tự kết thúc "
             "sau {minutes} phút.")
UNUSABLE = "This assisted sign-in cannot be used"
UNUSABLE_VI = "Không thể dùng phiên đăng nhập hỗ trợ này"


def vietnamese(msgid: str, expected: str, **values: object) -> str:
    """What the Vietnamese page shows for `msgid`: `expected`, once the catalogs translate it (until the
    catalog update, gettext falls back to the English msgid)."""
    translated = translations("vi").gettext(msgid)
    if translated != msgid:
        assert translated == expected, "the catalog's Vietnamese differs from the one these tests expect"
    return translated.format(**values)


def part(stack, prefix: str):
    return next(app for mounted, app, _ in stack.parts if mounted == prefix)


def sub_of(stack, personal_id: str) -> str:
    return part(stack, "/idp").state.store.account_by_personal_id(personal_id).sub


def api_credentials(stack) -> tuple[str, str]:
    """The credential the API holds at the hosted provider (fresh each start, never written down)."""
    introspection = part(stack, "/api").state.settings.introspection
    return introspection.client_id, introspection.client_secret


@pytest.fixture
def key(data_dir) -> RSAKey:
    return RSAKey.import_key(json.loads((data_dir / "idp" / "signing-key.json").read_text()))


def claims_of(token: str, key: RSAKey) -> dict:
    return jwt.decode(token, key, algorithms=["RS256"]).claims


async def new_ticket(http, stack, helper: str = VOLUNTEER) -> dict:
    answer = await http.post(f"{ISSUER}/assist-tickets", data={"helper_sub": sub_of(stack, helper)},
                             auth=api_credentials(stack))
    assert answer.status_code == 201, answer.text
    return answer.json()


async def assisted_tokens(http, ticket: str, personal_id: str = CITIZEN) -> dict:
    answer = code_from(await submit_login(http, authorize_url(assist_ticket=ticket), personal_id, "demo"))
    response = await exchange(http, answer["code"])
    assert response.status_code == 200, response.text
    return response.json()


async def introspect(http, stack, token: str) -> dict:
    return (await http.post(f"{ISSUER}/introspect", data={"token": token}, auth=api_credentials(stack))).json()


async def test_a_ticket_gives_one_assisted_session_naming_the_volunteer(http, stack, clock, key):
    ticket = await new_ticket(http, stack)
    assert ticket["expires_in"] == 300 and ticket["session_seconds"] == 900
    assert len(ticket["ticket"]) >= 22  # 128 bits or more, base64url

    # offline_access is asked for (authorize_url does), yet no refresh token is issued
    answer = code_from(await submit_login(http, authorize_url(assist_ticket=ticket["ticket"]), CITIZEN, "demo"))
    signed_in_at = int(clock())
    clock.advance(20)
    response = await exchange(http, answer["code"])
    assert response.status_code == 200, response.text
    token = response.json()
    assert "refresh_token" not in token
    assert "offline_access" not in token["scope"].split()

    volunteer = {"sub": sub_of(stack, VOLUNTEER), "name": "Đỗ Minh Quân", "personal_id": VOLUNTEER}
    access, identity = claims_of(token["access_token"], key), claims_of(token["id_token"], key)
    assert access["act"] == identity["act"] == volunteer
    assert access["sub"] == identity["sub"] == sub_of(stack, CITIZEN)
    assert access["personal_id"] == CITIZEN and identity["name"] == "Nguyễn Văn Hùng"
    assert identity["amr"] == ["pwd"] and identity["acr"] == access["acr"] == "vneid:level2"
    assert identity["auth_time"] == signed_in_at
    assert access["exp"] == signed_in_at + 900, "the session's one token ends with the session"
    assert token["expires_in"] == 900 - 20

    introspected = await introspect(http, stack, token["access_token"])
    assert introspected["active"] is True and introspected["act"] == volunteer
    clock.advance(880)
    assert (await introspect(http, stack, token["access_token"])) == {"active": False}


async def test_a_ticket_is_good_for_one_sign_in_only(http, stack):
    ticket = (await new_ticket(http, stack))["ticket"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack), base_url=BASE_URL) as late:
        stale_page = await late.get(authorize_url(assist_ticket=ticket))  # opened before the ticket was used
        await assisted_tokens(http, ticket)

        again = await http.get(authorize_url(assist_ticket=ticket))
        assert again.status_code == 400 and "location" not in again.headers
        assert vietnamese(UNUSABLE, UNUSABLE_VI) in again.text and 'name="password"' not in again.text

        posted = await late.post(f"{ISSUER}/" + form_action(stale_page.text), data={
            "username": ELDER, "password": "demo", "csrf": csrf_field(stale_page.text)})
        assert posted.status_code == 400 and "location" not in posted.headers


async def test_two_sign_ins_racing_for_one_ticket_get_it_once(stack, http):
    ticket = (await new_ticket(http, stack))["ticket"]
    browsers = [httpx.AsyncClient(transport=httpx.ASGITransport(app=stack), base_url=BASE_URL) for _ in range(2)]
    try:
        pages = [await browser.get(authorize_url(assist_ticket=ticket)) for browser in browsers]
        answers = await asyncio.gather(*(
            browser.post(f"{ISSUER}/" + form_action(page.text),
                         data={"username": who, "password": "demo", "csrf": csrf_field(page.text)})
            for browser, page, who in zip(browsers, pages, [CITIZEN, ELDER], strict=True)
        ))
    finally:
        for browser in browsers:
            await browser.aclose()
    assert sorted(answer.status_code for answer in answers) == [302, 400]


async def test_an_expired_ticket_is_refused(http, stack, clock):
    ticket = (await new_ticket(http, stack))["ticket"]
    page = await http.get(authorize_url(assist_ticket=ticket))
    assert page.status_code == 200
    clock.advance(301)
    assert (await http.get(authorize_url(assist_ticket=ticket))).status_code == 400
    posted = await http.post(f"{ISSUER}/" + form_action(page.text),
                             data={"username": CITIZEN, "password": "demo", "csrf": csrf_field(page.text)})
    assert posted.status_code == 400 and "location" not in posted.headers


@pytest.mark.parametrize("forged", ["A" * 43, "", "x", "%00"])
async def test_a_forged_ticket_is_refused(http, forged):
    page = await http.get(authorize_url(assist_ticket=forged))
    assert page.status_code == 400 and "location" not in page.headers
    posted = await http.post(authorize_url(assist_ticket=forged),
                             data={"username": CITIZEN, "password": "demo", "csrf": "whatever"})
    assert posted.status_code == 400 and "location" not in posted.headers


async def test_tickets_need_the_resource_servers_credentials(http, stack):
    helper = {"helper_sub": sub_of(stack, VOLUNTEER)}
    anonymous = await http.post(f"{ISSUER}/assist-tickets", data=helper)
    assert anonymous.status_code == 401 and "ticket" not in anonymous.text
    guessed = await http.post(f"{ISSUER}/assist-tickets", data=helper, auth=("sskdt-api", "guess"))
    assert guessed.status_code == 401 and "ticket" not in guessed.text
    as_the_app = await http.post(f"{ISSUER}/assist-tickets", data=helper, auth=("sskdt-app", ""))
    assert as_the_app.status_code == 401

    for unknown in [{"helper_sub": "0" * 32}, {}, {"helper_sub": "\x00"}]:
        answer = await http.post(f"{ISSUER}/assist-tickets", data=unknown, auth=api_credentials(stack))
        assert answer.status_code == 400 and answer.json() == {"error": "invalid_request"}


async def test_the_volunteer_cannot_use_their_own_ticket(http, stack):
    ticket = (await new_ticket(http, stack))["ticket"]
    own = await submit_login(http, authorize_url(assist_ticket=ticket), VOLUNTEER, "demo")
    assert own.status_code == 403 and "location" not in own.headers
    assert 'name="password"' in own.text, "the person being helped can still sign in on this page"
    token = await assisted_tokens(http, ticket, ELDER)  # the ticket was not spent
    assert token["access_token"]


async def test_the_notice_names_the_volunteer_in_vietnamese_and_in_english(http, stack):
    ticket = (await new_ticket(http, stack))["ticket"]
    vietnamese_page = await http.get(authorize_url(assist_ticket=ticket))
    assert vietnamese_page.status_code == 200 and '<html lang="vi">' in vietnamese_page.text
    assert vietnamese(NOTICE, NOTICE_VI, name="Đỗ Minh Quân", minutes=15) in vietnamese_page.text
    assert urlencode({"assist_ticket": ticket}) in vietnamese_page.text, "the English switch keeps the ticket"
    assert 'autocomplete="off"' in vietnamese_page.text, "the volunteer's browser is asked not to keep it"

    english = await http.get(authorize_url(assist_ticket=ticket, ui_locales="en"))
    assert '<html lang="en">' in english.text
    assert NOTICE.format(name="Đỗ Minh Quân", minutes=15) in english.text
    assert urlencode({"assist_ticket": ticket}) in form_action(english.text), "the form posts the ticket back"

    plain = await http.get(authorize_url())
    assert "Đỗ Minh Quân" not in plain.text and 'autocomplete="on"' in plain.text


async def test_revoking_the_assisted_access_token_ends_the_session(http, stack):
    token = await assisted_tokens(http, (await new_ticket(http, stack))["ticket"])
    revoked = await http.post(f"{ISSUER}/revoke", data={
        "token": token["access_token"], "token_type_hint": "access_token", "client_id": "sskdt-app"})
    assert revoked.status_code == 200
    assert (await introspect(http, stack, token["access_token"])) == {"active": False}
    userinfo = await http.get(f"{ISSUER}/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert userinfo.status_code == 401


async def test_signing_out_ends_the_assisted_session(http, stack):
    token = await assisted_tokens(http, (await new_ticket(http, stack))["ticket"])
    await http.get(f"{ISSUER}/logout?" + urlencode({"id_token_hint": token["id_token"], "client_id": "sskdt-app"}))
    assert (await introspect(http, stack, token["access_token"])) == {"active": False}


async def test_a_sign_in_without_a_ticket_is_not_assisted(http, stack, key):
    answer = code_from(await submit_login(http, authorize_url(), CITIZEN, "demo"))
    token = (await exchange(http, answer["code"])).json()
    access, identity = claims_of(token["access_token"], key), claims_of(token["id_token"], key)
    assert token["refresh_token"] and token["expires_in"] == 300
    assert "act" not in access and "act" not in identity
    assert access["exp"] - access["iat"] == 300
    assert access["bhyt_card"] == "HT3010123456789", "the API sees that the card is linked"
    assert "act" not in await introspect(http, stack, token["access_token"])


async def test_discovery_lists_the_act_claim(http):
    metadata = (await http.get("/idp/.well-known/openid-configuration")).json()
    assert "act" in metadata["claims_supported"]
