"""The emergency card as a reader of the paper would check it: the size of each face, what it says (and that it
says no ID number), that the severe allergy comes first and in red; who may print whose; and the contact it
names, which the citizen sets and removes. Words are compared with the catalog's translation."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from api_client.models import Allergy, HealthBook
from locales import translations
from server.emergency_card import HEADING, NO_ALLERGY, NOTHING_RECORDED, card_lines, current_medicines
from server.printing import DANGER

from ..conftest import bearer

HUNG, MAI, LEVEL1 = "001055001234", "001190004567", "001048002345"
MM_PER_PT = 25.4 / 72
vi = translations("vi").gettext


def flat(text: str) -> str:
    return " ".join(text.split())


class Face:
    """One page as read back: its size, its text, and the fill colour each run of text is set in."""

    def __init__(self, page) -> None:
        self.size_mm = (round(float(page.mediabox.width) * MM_PER_PT, 1),
                        round(float(page.mediabox.height) * MM_PER_PT, 1))
        self.runs: list[tuple[str, tuple[float, ...]]] = []
        colour: list[tuple[float, ...]] = [(0.0, 0.0, 0.0)]  # a stack: q saves the graphics state, Q restores it

        def on_operator(operator, operands, cm, tm) -> None:
            if operator == b"rg":
                colour[-1] = tuple(round(float(value), 2) for value in operands)
            elif operator == b"q":
                colour.append(colour[-1])
            elif operator == b"Q":
                colour.pop()

        def on_text(text, cm, tm, font_dict, font_size) -> None:
            if text.strip():
                self.runs.append((text, colour[-1]))

        self.text = flat(page.extract_text(visitor_text=on_text, visitor_operand_before=on_operator))

    def colour_of(self, words: str) -> tuple[float, ...]:
        return next(colour for text, colour in self.runs if words in text)


def faces(pdf: bytes) -> list[Face]:
    return [Face(page) for page in PdfReader(io.BytesIO(pdf)).pages]


async def card(http, tokens, path: str = "/api/v1/me/emergency-card.pdf", **params):
    return await http.get(path, params=params, headers=bearer(tokens))


async def test_the_id1_card_holds_what_an_ambulance_needs_and_no_id_number(login, http):
    response = await card(http, await login(HUNG), size="id1")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    front, back = faces(response.content)
    assert front.size_mm == back.size_mm == (85.6, 54.0), "two faces of bank-card size"
    assert vi(HEADING).upper() in front.text
    assert "Nguyễn Văn Hùng" in front.text and "12/3/1955" in front.text
    assert "O+" in front.text and "Penicillin" in front.text and "khó thở" in front.text
    assert front.colour_of("Penicillin") == tuple(round(part / 255, 2) for part in DANGER), "a severe allergy in red"
    assert "Tăng huyết áp vô căn" in back.text and "Đái tháo đường type 2" in back.text
    for medicine in ("Amlodipin 5mg", "Losartan 50mg", "Metformin 850mg", "Atorvastatin 20mg", "Uống buổi tối"):
        assert medicine in back.text
    assert "Levofloxacin" not in back.text, "a prescription of 200 days ago is not a current medicine"
    assert "Nguyễn Văn Minh" in back.text and "0120005555" in back.text
    everything = front.text + back.text
    assert "001055001234" not in everything and "HT3010123456789" not in everything
    assert "3010123456789" not in everything.replace(" ", "")


async def test_the_a6_sheet_holds_it_all_on_one_page(login, http):
    response = await card(http, await login(HUNG), size="a6")
    assert response.status_code == 200
    [sheet] = faces(response.content)
    assert sheet.size_mm == (105.0, 148.0)
    for words in ("Nguyễn Văn Hùng", "O+", "Penicillin", "Tăng huyết áp vô căn", "Metformin 850mg",
                  "Nguyễn Văn Minh", "0120005555"):
        assert words in sheet.text
    assert "001055001234" not in sheet.text and "HT3010123456789" not in sheet.text


async def test_the_card_speaks_english_when_asked(login, http):
    response = await http.get("/api/v1/me/emergency-card.pdf",
                              headers={**bearer(await login(HUNG)), "Accept-Language": "en"})
    assert "EMERGENCY INFORMATION CARD" in faces(response.content)[0].text


async def test_a_guardian_prints_the_childs_card(login, http):
    tokens = await login(MAI)
    child = (await http.get("/api/v1/me", headers=bearer(tokens))).json()["dependents"][0]["person_id"]
    response = await card(http, tokens, f"/api/v1/people/{child}/emergency-card.pdf", size="a6")
    assert response.status_code == 200
    [sheet] = faces(response.content)
    assert "Lê Minh An" in sheet.text and "Trần Thị Mai" in sheet.text and "0120004567" in sheet.text
    assert "001222008901" not in sheet.text and "TE1010122008901" not in sheet.text
    assert vi(NO_ALLERGY) in sheet.text


async def test_nobody_else_gets_a_card_and_level_1_gets_none(login, http):
    mai = await login(MAI)
    child = (await http.get("/api/v1/me", headers=bearer(mai))).json()["dependents"][0]["person_id"]
    stranger = await card(http, await login(HUNG), f"/api/v1/people/{child}/emergency-card.pdf")
    assert stranger.status_code == 404 and stranger.json()["error"]["code"] == "book_not_found"
    assert (await card(http, await login(LEVEL1))).status_code == 403
    assert (await http.get("/api/v1/me/emergency-card.pdf")).status_code == 401


async def test_an_unknown_size_is_refused_naming_the_field(login, http):
    response = await card(http, await login(HUNG), size="a4")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"] == [{"field": "size", "message": vi("Choose one of the allowed values.")}]


async def test_the_contact_set_in_the_app_is_the_one_on_the_card_and_can_be_removed(login, http):
    tokens = await login(HUNG)
    body = {"role": "caregiver", "full_name": "Nguyễn Thị Hoa", "relationship": "spouse", "phone": "0912345678"}
    assert (await http.put("/api/v1/me/representative", json=body, headers=bearer(tokens))).status_code == 200
    back = faces((await card(http, tokens)).content)[1]
    assert "Nguyễn Thị Hoa" in back.text and "0912345678" in back.text and "Nguyễn Văn Minh" not in back.text

    removed = await http.delete("/api/v1/me/representative/caregiver", headers=bearer(tokens))
    assert removed.status_code == 204
    book = (await http.get("/api/v1/me/book", headers=bearer(tokens))).json()
    assert book["person"].get("representatives", []) == []
    back = faces((await card(http, tokens)).content)[1]
    assert "Nguyễn Thị Hoa" not in back.text and vi(NOTHING_RECORDED) in back.text
    again = await http.delete("/api/v1/me/representative/caregiver", headers=bearer(tokens))
    assert again.status_code == 204, "removing what is not there is no error"
    guardian = await http.delete("/api/v1/me/representative/guardian", headers=bearer(tokens))
    assert guardian.status_code == 422, "a guardian is not the citizen's to remove"


async def test_ones_own_phone_is_refused_as_the_person_to_call(login, http):
    tokens = await login(HUNG)
    body = {"role": "caregiver", "full_name": "Nguyễn Văn Minh", "relationship": "child", "phone": "0120001234"}
    response = await http.put("/api/v1/me/representative", json=body, headers=bearer(tokens))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "representative_is_self"
    assert [detail["field"] for detail in error["details"]] == ["phone"]
    book = (await http.get("/api/v1/me/book", headers=bearer(tokens))).json()
    assert [r["phone"] for r in book["person"]["representatives"]] == ["0120005555"], "nothing changed"


async def test_current_medicines_are_the_newest_of_each_in_90_days(login, http):
    book = HealthBook.model_validate((await http.get("/api/v1/me/book", headers=bearer(await login(HUNG)))).json())
    now = datetime.now(UTC)
    chosen = current_medicines(book, now)
    assert [item.name for item in chosen] == ["Amlodipin", "Losartan", "Metformin", "Atorvastatin"]
    newest_visit = max(book.visits, key=lambda visit: visit.started_at)
    assert all(item in newest_visit.prescriptions for item in chosen), "each from its newest prescription"
    assert "Levofloxacin" in [item.name for item in current_medicines(book, now, days=365)]
    assert current_medicines(book, now + timedelta(days=200)) == []


@pytest.mark.parametrize("language", ["vi", "en"])
async def test_severe_allergies_come_first(login, http, language):
    book = HealthBook.model_validate((await http.get("/api/v1/me/book", headers=bearer(await login(HUNG)))).json())
    mild = Allergy(category="food", substance="Tôm", reaction="Ngứa", severity="mild")
    book.history.allergies.insert(0, mild)
    texts = [line.text for line in card_lines(book, datetime.now(UTC), language)]
    penicillin = next(index for index, text in enumerate(texts) if text.startswith("Penicillin"))
    assert penicillin < texts.index(f"Tôm: Ngứa, {translations(language).gettext('mild')}")
