"""Printed check-in cards through HTTP: issued by the citizen or a guardian, printed from the code only
the answer to issuing holds, a second factor at the counter, throttled, revocable, logged."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from ..conftest import bearer
from ..support import book_rows

HUNG, MOTHER, CHILD_PID, RECEPTIONIST, VOLUNTEER = (
    "001055001234", "001190004567", "001222008901", "001192006789", "001098003456")


@pytest.fixture
def as_(login):
    async def _headers(personal_id: str) -> dict[str, str]:
        return bearer(await login(personal_id))

    return _headers


async def issue(http, headers, **body) -> dict:
    answer = await http.post("/api/v1/me/check-in-cards", json=body or None, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def present(http, headers, code: str, answer: str | None = None):
    body = {"code": code, **({"second_factor": answer} if answer else {})}
    return await http.post("/api/v1/clinic/card-check-ins", json=body, headers=headers)


def qr_texts(pdf: bytes) -> list[str]:
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            found += [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))]
    return found


async def test_a_card_shows_a_first_name_and_a_code_that_only_its_hash_is_kept_of(http, as_, data_dir):
    card = await issue(http, await as_(HUNG))
    assert card["first_name"] == "Hùng" and card["second_factor"] == "birth_year"
    assert card["code"].startswith("SSKC1.") and len(card["code"]) >= 38
    stored = book_rows(data_dir, "SELECT code_hash, first_name FROM check_in_cards WHERE id = ?", [card["id"]])
    assert stored and card["code"] not in repr(stored) and stored[0][1] == "Hùng"


async def test_the_printed_card_holds_the_code_and_nothing_personal_but_a_first_name(http, as_):
    headers = await as_(HUNG)
    card = await issue(http, headers)
    for size in ("id1", "a6"):
        pdf = await http.post(f"/api/v1/me/check-in-cards/{card['id']}/print", json={"code": card["code"], "size": size},
                              headers=headers)
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert qr_texts(pdf.content) == [card["code"]]
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Hùng" in text and "Nguyễn" not in text and HUNG not in text and "1955" not in text
    wrong = await http.post(f"/api/v1/me/check-in-cards/{card['id']}/print",
                            json={"code": "SSKC1.AAAA", "size": "id1"}, headers=headers)
    assert wrong.status_code == 404  # without the code, nobody prints it again


async def test_at_the_counter_the_birth_year_opens_the_full_summary_and_the_read_is_logged(http, as_):
    card = await issue(http, await as_(HUNG))
    desk = await as_(RECEPTIONIST)
    prompt = await present(http, desk, card["code"])
    assert prompt.status_code == 200 and prompt.json() == {"first_name": "Hùng", "second_factor": "birth_year"}
    wrong = await present(http, desk, card["code"], "1956")
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "second_factor_wrong"
    checked_in = await present(http, desk, card["code"], "1955")
    assert checked_in.status_code == 201, checked_in.text
    body = checked_in.json()
    assert body["method"] == "printed_card" and not body["limited"]
    assert body["summary"]["full_name"] == "Nguyễn Văn Hùng" and body["summary"]["allergies"]
    log = (await http.get("/api/v1/me/access-log", headers=await as_(HUNG))).json()
    assert log[0]["method"] == "printed_card" and log[0]["what"] == "patient_summary"
    cards = (await http.get("/api/v1/me/check-in-cards", headers=await as_(HUNG))).json()
    assert cards[0]["last_used_at"] is not None
    # a card lives on: the same card works the next time too
    assert (await present(http, desk, card["code"], "1955")).status_code == 201


async def test_a_pin_card_asks_for_the_pin_and_five_wrong_answers_lock_it_for_a_while(http, as_, clock):
    headers = await as_(HUNG)
    for bad in ("12a4", "123", "12345", "١٢٣٤"):  # four ASCII digits, nothing else
        assert (await http.post("/api/v1/me/check-in-cards", json={"pin": bad}, headers=headers)).status_code == 422
    card = await issue(http, headers, pin="2580")
    desk = await as_(RECEPTIONIST)
    assert (await present(http, desk, card["code"])).json()["second_factor"] == "pin"
    assert (await present(http, desk, card["code"], "1955")).status_code == 403  # the birth year is not its answer
    for guess in ("0000", "1111", "2222", "3333"):
        assert (await present(http, desk, card["code"], guess)).status_code == 403
    locked = await present(http, desk, card["code"], "2580")
    assert locked.status_code == 429  # even the right PIN waits: it might be the 6th guess of 10 000
    clock.advance(15 * 60 + 1)
    assert (await present(http, await as_(RECEPTIONIST), card["code"], "2580")).status_code == 201


async def test_a_lost_card_is_revoked_in_the_app_and_refused_at_the_counter(http, as_):
    headers = await as_(HUNG)
    lost = await issue(http, headers)
    assert (await http.delete(f"/api/v1/me/check-in-cards/{lost['id']}", headers=headers)).status_code == 204
    refused = await present(http, await as_(RECEPTIONIST), lost["code"], "1955")
    assert refused.status_code == 410 and refused.json()["error"]["code"] == "card_revoked"
    assert "mất" in refused.json()["error"]["message"]  # Vietnamese first
    new = await issue(http, headers)
    assert (await present(http, await as_(RECEPTIONIST), new["code"], "1955")).status_code == 201


async def test_the_station_revokes_the_cards_of_a_patient_it_identified(http, as_):
    card = await issue(http, await as_(HUNG))
    desk = await as_(RECEPTIONIST)
    identified = await http.post("/api/v1/clinic/identify", json={"query": HUNG}, headers=desk)
    assert identified.status_code == 201
    revoked = await http.delete(f"/api/v1/clinic/check-ins/{identified.json()['id']}/cards", headers=desk)
    assert revoked.status_code == 204
    assert (await present(http, desk, card["code"], "1955")).status_code == 410


async def test_a_guardian_issues_a_card_for_the_child_and_nobody_else_can(http, as_, data_dir):
    child = book_rows(data_dir, "SELECT id FROM people WHERE personal_id = ?", [CHILD_PID])[0][0]
    card = await issue(http, await as_(MOTHER), person_id=child)
    assert card["person_id"] == child
    stranger = await http.post("/api/v1/me/check-in-cards", json={"person_id": child}, headers=await as_(HUNG))
    assert stranger.status_code == 404
    assert (await http.delete(f"/api/v1/me/check-in-cards/{card['id']}", headers=await as_(HUNG))).status_code == 404
    assert all(c["person_id"] != child for c in (await http.get("/api/v1/me/check-in-cards",
                                                                headers=await as_(HUNG))).json())


async def test_only_clinic_staff_present_cards_and_unknown_cards_count_towards_the_limit(http, as_):
    card = await issue(http, await as_(HUNG))
    for personal_id in (HUNG, VOLUNTEER):
        assert (await present(http, await as_(personal_id), card["code"], "1955")).status_code == 403
    desk = await as_(RECEPTIONIST)
    for _ in range(20):
        assert (await present(http, desk, "SSKC1.NOTACARD")).status_code == 404
    assert (await present(http, desk, card["code"])).status_code == 429
