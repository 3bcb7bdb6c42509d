"""The volunteer's desk through HTTP: activation status without health data, steps with who helped,
the ward's follow-up list, and a citizen's assisted sign-in on the volunteer's device."""

from __future__ import annotations

import json

import pytest

from ..conftest import bearer
from ..support import sign_in

VOLUNTEER, RECEPTIONIST, OFFICIAL = "001098003456", "001192006789", "001180005678"
TU, HUNG = "001048002345", "001055001234"  # Phạm Văn Tư (level 1, ward 00013); Nguyễn Văn Hùng (a book)
HUNG_CARD_QR = f"{HUNG}|013055001|Nguyễn Văn Hùng|12031955|Nam|Phường Quán Thánh, Ba Đình, Hà Nội|01012021"
HEALTH_WORDS = ("allerg", "diagnos", "icd", "medicine", "prescription", "visit", "vaccin", "blood", "insurance")


@pytest.fixture
def as_(login):
    async def _headers(personal_id: str) -> dict[str, str]:
        return bearer(await login(personal_id))

    return _headers


async def look_up(http, headers, query: str):
    return await http.post("/api/v1/volunteer/lookup", json={"query": query}, headers=headers)


def steps(status: dict) -> dict[str, dict]:
    return {step["step"]: step for step in status["steps"]}


async def test_a_volunteer_sees_activation_status_and_never_health_data(http, as_):
    await http.get("/api/v1/me", headers=await as_(HUNG))  # his app's first call: the system sees his account
    headers = await as_(VOLUNTEER)
    answer = await look_up(http, headers, HUNG_CARD_QR)
    assert answer.status_code == 200, answer.text
    status = answer.json()
    assert status["full_name"] == "Nguyễn Văn Hùng" and status["birth_year"] == 1955
    assert set(status) == {"personal_id", "full_name", "birth_year", "commune_name", "in_register", "steps"}
    assert [step["step"] for step in status["steps"]] == ["account", "level2", "bhyt_linked", "book_opened",
                                                          "own_phone", "card_printed"]
    seen = steps(status)
    assert seen["account"]["done"] and seen["account"]["observed"] and seen["level2"]["done"]
    text = json.dumps(status).lower()
    assert not any(word in text for word in HEALTH_WORDS), text
    # the look-up is a line of his access log, saying why
    log = (await http.get("/api/v1/me/access-log", headers=await as_(HUNG))).json()
    assert log[0]["actor_role"] == "volunteer" and log[0]["purpose"] == "activation_help"
    assert log[0]["what"] == "identity"


async def test_a_resident_without_any_account_is_found_in_the_register_and_helped_step_by_step(http, as_):
    headers = await as_(VOLUNTEER)
    status = (await look_up(http, headers, TU)).json()
    assert status["in_register"] and status["commune_name"] == "Phường Quán Thánh"
    assert not any(step["done"] for step in status["steps"])
    marked = await http.post(f"/api/v1/volunteer/residents/{TU}/steps", json={"step": "account"}, headers=headers)
    assert marked.status_code == 200, marked.text
    account = steps(marked.json())["account"]
    assert account["done"] and not account["observed"]
    assert account["helper_name"] == "Đỗ Minh Quân" and account["place"] == "Phường Quán Thánh"
    # his own sign-in later confirms it: the helper's record stays, now seen by the system too
    await http.get("/api/v1/me", headers=await as_(TU))
    account = steps((await look_up(http, headers, TU)).json())["account"]
    assert account["observed"] and account["helper_name"] == "Đỗ Minh Quân"


async def test_only_volunteers_use_the_desk(http, as_):
    for personal_id in (HUNG, RECEPTIONIST, OFFICIAL):
        headers = await as_(personal_id)
        assert (await look_up(http, headers, TU)).status_code == 403
        assert (await http.get("/api/v1/volunteer/follow-up", headers=headers)).status_code == 403
        assert (await http.post("/api/v1/volunteer/assist-tickets", headers=headers)).status_code == 403
    assert (await look_up(http, {}, TU)).status_code == 401


async def test_unknown_people_and_wrong_cards_are_refused_and_throttled(http, as_):
    headers = await as_(VOLUNTEER)
    unknown = await look_up(http, headers, "001099999999")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "resident_not_found"
    forged = HUNG_CARD_QR.replace("Nguyễn Văn Hùng", "Nguyễn Văn Nam")
    assert (await look_up(http, headers, forged)).json()["error"]["code"] == "card_mismatch"
    assert (await look_up(http, headers, "HT3010123456789")).status_code == 422  # a BHYT number is not an ID card
    for _ in range(20):
        await look_up(http, headers, "001099999999")
    limited = await look_up(http, headers, TU)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0


async def test_the_follow_up_list_is_the_volunteers_own_ward_with_nothing_more(http, as_):
    headers = await as_(VOLUNTEER)
    page = (await http.get("/api/v1/volunteer/follow-up", params={"limit": 500}, headers=headers))
    assert page.status_code == 422  # at most 200 a page
    page = (await http.get("/api/v1/volunteer/follow-up", params={"limit": 200}, headers=headers)).json()
    assert page["commune_code"] == "00013" and page["commune_name"] == "Phường Quán Thánh"
    assert page["total"] > 200 and len(page["residents"]) == 200
    assert all(set(row) == {"full_name", "birth_year", "hamlet", "residence", "next_step"} for row in page["residents"])
    names = {row["full_name"] for row in page["residents"]}
    everyone = []
    offset = 0
    while offset < page["total"]:
        everyone += (await http.get("/api/v1/volunteer/follow-up", params={"limit": 200, "offset": offset},
                                    headers=headers)).json()["residents"]
        offset += 200
    assert any(row["full_name"] == "Phạm Văn Tư" for row in everyone)
    assert names <= {row["full_name"] for row in everyone}


async def test_an_assisted_sign_in_is_marked_short_and_in_the_citizens_access_log(http, stack, as_, clock):
    ticket = await http.post("/api/v1/volunteer/assist-tickets", headers=await as_(VOLUNTEER))
    assert ticket.status_code == 201, ticket.text
    assert ticket.json()["session_minutes"] == 15
    tokens = await sign_in(stack, HUNG, clock=clock, assist_ticket=ticket.json()["ticket"])
    assert tokens.refresh_token is None
    assert tokens.claims["act"]["name"] == "Đỗ Minh Quân"
    me = (await http.get("/api/v1/me", headers=bearer(tokens))).json()
    assert me["assisted_by"] == "Đỗ Minh Quân" and me["roles"] == []
    await http.get("/api/v1/me", headers=bearer(tokens))  # the same session, once in the log
    assert (await http.get("/api/v1/me/book", headers=bearer(tokens))).status_code == 200
    log = (await http.get("/api/v1/me/access-log", headers=await as_(HUNG))).json()
    assisted = [entry for entry in log if entry["purpose"] == "assisted_session"]
    assert len(assisted) == 1 and assisted[0]["actor_name"] == "Đỗ Minh Quân"
    # the book was opened with the volunteer's help: the checklist says so
    status = (await look_up(http, await as_(VOLUNTEER), HUNG)).json()
    assert steps(status)["book_opened"]["done"]
    # and the session does not outlive its 15 minutes
    clock.advance(15 * 60 + 31)
    assert (await http.get("/api/v1/me", headers=bearer(tokens))).status_code == 401


async def test_the_citizen_cannot_use_the_volunteer_desk_in_an_assisted_session(http, stack, as_, clock):
    ticket = (await http.post("/api/v1/volunteer/assist-tickets", headers=await as_(VOLUNTEER))).json()["ticket"]
    tokens = await sign_in(stack, HUNG, clock=clock, assist_ticket=ticket)
    assert (await look_up(http, bearer(tokens), TU)).status_code == 403
