"""The demo's commune police page: level 2 after checking the chip ID card, and the BHYT card linked;
the next sign-in shows both. Off unless `police_demo` is set."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from idp_mock import IdpSettings, create_idp_app
from idp_mock.pages import translations

from ..support import BASE_URL, ISSUER

ELDER = "001048002345"  # Phạm Văn Tư, level 1 and no card in the demo
CARD = "HT3010048002345"
PAGE = f"{ISSUER}/demo/police"


def vietnamese(msgid: str, expected: str, **values: object) -> str:
    """What the Vietnamese page shows for `msgid`: `expected`, once the catalogs translate it (until the
    catalog update, gettext falls back to the English msgid)."""
    translated = translations("vi").gettext(msgid)
    if translated != msgid:
        assert translated == expected, "the catalog's Vietnamese differs from the one these tests expect"
    return translated.format(**values)


RAISED = vietnamese("Raised to level 2.", "Đã nâng lên mức 2.")
NOT_TICKED = vietnamese("Tick the box once you have compared the chip ID card with the person applying.",
                        "Hãy đánh dấu ô xác nhận sau khi đã đối chiếu căn cước gắn chip với người đến làm thủ tục.")
BAD_CARD = vietnamese(
    "The BHYT card code has 15 characters: 2 letters and 13 digits, as printed on the card (e.g. HT3010123456789).",
    "Mã thẻ BHYT gồm 15 ký tự: 2 chữ cái và 13 chữ số, như in trên thẻ (ví dụ HT3010123456789).")
UNKNOWN = vietnamese("No electronic identity account has this personal ID number.",
                     "Không có tài khoản định danh điện tử nào có số định danh cá nhân này.")


def provider(data_dir, database_url, clock, **settings: object) -> Starlette:
    """A provider over the stack's own accounts, at /idp, with these settings."""
    idp = create_idp_app(IdpSettings(issuer=ISSUER, data_dir=data_dir / "idp", database_url=database_url,
                                     clock=clock, **settings))
    return Starlette(routes=[Mount("/idp", app=idp)])


@pytest.fixture
async def police(stack, data_dir, database_url, clock) -> AsyncIterator[httpx.AsyncClient]:
    """A browser at a provider with the police page switched on."""
    outer = provider(data_dir, database_url, clock, police_demo=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=outer), base_url=BASE_URL) as browser:
        yield browser
    for route in outer.routes:
        route.app.state.store.database.close()


def csrf_of(page: httpx.Response) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


async def submit(browser: httpx.AsyncClient, *, lang: str = "vi", **fields: str) -> httpx.Response:
    page = await browser.get(PAGE, params={"ui_locales": lang})
    assert page.status_code == 200
    return await browser.post(PAGE, params={"ui_locales": lang}, data={"csrf": csrf_of(page), **fields})


async def test_the_police_raise_an_account_to_level2_and_link_the_card(police, login):
    assert (await login(ELDER)).claims["acr"] == "vneid:level1"
    done = await submit(police, personal_id=ELDER, checked_id_card="yes", bhyt_card="ht3 01 0048002345")
    assert done.status_code == 200, done.text
    assert "Phạm Văn Tư" in done.text and RAISED in done.text
    assert vietnamese("BHYT card {card} linked.", "Đã liên kết thẻ BHYT {card}.", card=CARD) in done.text

    tokens = await login(ELDER)
    assert tokens.claims["acr"] == "vneid:level2"
    assert tokens.claims["bhyt_card"] == CARD


async def test_the_page_says_it_is_a_demonstration_in_vietnamese_then_english(police):
    page = await police.get(PAGE)
    assert page.status_code == 200 and '<html lang="vi">' in page.text
    demo = vietnamese("Demonstration page. In real life the commune police do this in the national identification "
                      "system, not here.",
                      "Trang minh họa. Ngoài thực tế, công an xã/phường làm việc này trên hệ thống định danh "
                      "quốc gia, không phải tại đây.")
    assert demo in page.text
    checkbox = vietnamese("Chip ID card compared with the person applying",
                          "Đã đối chiếu căn cước gắn chip với người đến làm thủ tục")
    assert checkbox in page.text and 'type="checkbox"' in page.text and "required" in page.text
    assert '<label for="personal_id">' in page.text and '<label for="bhyt_card">' in page.text
    assert "ui_locales=en" in page.text

    english = await police.get(PAGE, params={"ui_locales": "en"})
    assert '<html lang="en">' in english.text and "Demonstration page." in english.text
    refused = await submit(police, lang="en", personal_id=ELDER)
    assert "Tick the box once you have compared the chip ID card" in refused.text


async def test_without_the_box_ticked_nothing_changes(police, login):
    refused = await submit(police, personal_id=ELDER, bhyt_card=CARD)
    assert refused.status_code == 400 and NOT_TICKED in refused.text
    assert f'value="{ELDER}"' in refused.text, "the form comes back filled in"
    assert (await login(ELDER)).claims["acr"] == "vneid:level1"


async def test_without_its_csrf_cookie_or_field_the_form_is_refused(police, login):
    page = await police.get(PAGE)
    police.cookies.clear()
    forged = await police.post(PAGE, data={"csrf": csrf_of(page), "personal_id": ELDER, "checked_id_card": "yes"})
    assert forged.status_code == 400 and RAISED not in forged.text
    await police.get(PAGE)
    no_field = await police.post(PAGE, data={"personal_id": ELDER, "checked_id_card": "yes"})
    assert no_field.status_code == 400 and RAISED not in no_field.text
    assert (await login(ELDER)).claims["acr"] == "vneid:level1"


@pytest.mark.parametrize("card", ["HT301004800234", "HT30100480023456", "H13010048002345", "HT6010048002345",
                                  "HT3O10048002345", "ĐT3010048002345"])
async def test_a_card_of_the_wrong_shape_is_refused_and_nothing_changes(police, login, card):
    refused = await submit(police, personal_id=ELDER, checked_id_card="yes", bhyt_card=card)
    assert refused.status_code == 400 and BAD_CARD in refused.text
    claims = (await login(ELDER)).claims
    assert claims["acr"] == "vneid:level1" and "bhyt_card" not in claims


@pytest.mark.parametrize("personal_id", ["001099999999", "00104800234", "00104800234x"])
async def test_an_unknown_or_malformed_personal_id_is_refused(police, personal_id):
    refused = await submit(police, personal_id=personal_id, checked_id_card="yes")
    assert refused.status_code in (400, 404) and RAISED not in refused.text
    if len(personal_id) == 12 and personal_id.isdigit():
        assert refused.status_code == 404 and UNKNOWN in refused.text


async def test_a_card_linked_to_someone_else_is_refused(police, login):
    refused = await submit(police, personal_id=ELDER, checked_id_card="yes", bhyt_card="HT3010123456789")
    assert refused.status_code == 409
    assert (await login(ELDER)).claims["acr"] == "vneid:level1"


async def test_an_account_at_level2_gets_only_its_card_linked(police, login):
    done = await submit(police, personal_id="001192006789", checked_id_card="yes", bhyt_card="HC4010192006789")
    assert done.status_code == 200 and "Hoàng Thị Lan" in done.text and RAISED not in done.text
    assert (await login("001192006789")).claims["bhyt_card"] == "HC4010192006789"


async def test_the_page_is_not_there_unless_police_demo_is_on(stack, data_dir, database_url, clock):
    outer = provider(data_dir, database_url, clock)  # police_demo is off by default
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=outer), base_url=BASE_URL) as browser:
        assert (await browser.get(PAGE)).status_code == 404
        posted = await browser.post(PAGE, data={"personal_id": ELDER, "checked_id_card": "yes"})
        assert posted.status_code == 404 and posted.json()["error"]["code"] == "not_found"
        assert (await browser.get(f"{ISSUER}/.well-known/openid-configuration")).status_code == 200
    for route in outer.routes:
        route.app.state.store.database.close()
