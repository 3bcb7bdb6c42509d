"""What is printed, checked the way a reader of the paper would: the page's size, the words on it, the size of
the type, and that the QR on the card scans back to the card's code. The words are compared with the
catalog's translation, so the tests hold before and after the Vietnamese catalog has them."""

from __future__ import annotations

import base64
import io
import re
import secrets

import httpx
import pytest
import zxingcpp
from fastapi import FastAPI
from pypdf import PdfReader

from api_client.models import CARD_CODE_PREFIX
from locales import translations
from server import printing
from server.printing import check_in_card_pdf, guide_pdf
from server.routes import guide

MM_PER_PT = 25.4 / 72


def card_code() -> str:
    """A code shaped as the card store makes them (base32: it holds digits 2-7 too)."""
    return CARD_CODE_PREFIX + base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def flat(text: str) -> str:
    return " ".join(text.split())


class Page:
    """One page as read back: its size, its text, every run of text with the size it is set in, and the
    images with the width they are drawn at."""

    def __init__(self, page) -> None:
        self.width_mm = float(page.mediabox.width) * MM_PER_PT
        self.height_mm = float(page.mediabox.height) * MM_PER_PT
        self.runs: list[tuple[str, float]] = []
        self.drawn_widths_pt: list[float] = []

        def on_text(text, cm, tm, font_dict, font_size) -> None:
            if text.strip():
                self.runs.append((text, font_size * abs(tm[3]) * abs(cm[3])))

        def on_operator(operator, operands, cm, tm) -> None:
            if operator == b"Do":
                self.drawn_widths_pt.append(abs(cm[0]))

        self.text = flat(page.extract_text(visitor_text=on_text, visitor_operand_before=on_operator))
        self.images = [found.image for found in page.images]

    def text_at_least(self, points: float) -> str:
        return flat(" ".join(text for text, size in self.runs if size >= points - 0.01))

    @property
    def smallest_type(self) -> float:
        return min(size for _, size in self.runs)


def read(pdf: bytes) -> list[Page]:
    assert pdf.startswith(b"%PDF-")
    return [Page(page) for page in PdfReader(io.BytesIO(pdf)).pages]


def instruction(language: str, second_factor: str) -> str:
    msgid = printing.SHOW_CARD_PIN if second_factor == "pin" else printing.SHOW_CARD_BIRTH_YEAR
    return translations(language).gettext(msgid)


# ---------------------------------------------------------------- the check-in card


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("second_factor", ["birth_year", "pin"])
def test_id1_card_is_card_sized_with_first_name_instructions_and_large_type(language, second_factor):
    [page] = read(check_in_card_pdf(code=card_code(), first_name="Hùng", second_factor=second_factor,
                                    language=language))
    assert page.width_mm == pytest.approx(85.6, abs=0.5)
    assert page.height_mm == pytest.approx(54.0, abs=0.5)
    _ = translations(language).gettext
    assert flat(_(printing.CARD_HEADING)) in page.text
    assert "Hùng" in page.text
    assert flat(instruction(language, second_factor)) in page.text
    assert flat(_(printing.LOST_CARD)) in page.text
    assert page.smallest_type >= 9


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_card_asks_for_the_second_factor_it_was_issued_with(language):
    birth_year, pin = (read(check_in_card_pdf(code=card_code(), first_name="Mai", second_factor=factor,
                                              language=language))[0].text for factor in ("birth_year", "pin"))
    assert flat(instruction(language, "birth_year")) in birth_year
    assert flat(instruction(language, "pin")) not in birth_year
    assert flat(instruction(language, "pin")) in pin
    assert flat(instruction(language, "birth_year")) not in pin


@pytest.mark.parametrize("size", ["id1", "a6"])
@pytest.mark.parametrize("second_factor", ["birth_year", "pin"])
def test_the_card_prints_no_number_and_no_code_in_clear(size, second_factor):
    """The only digits on the paper are the instructions' own (the "4" of "4-digit PIN"): the code is in
    the QR alone, and nothing but the first name says whose card it is."""
    code = card_code()
    [page] = read(check_in_card_pdf(code=code, first_name="Hùng", second_factor=second_factor, size=size,
                                    language="vi"))
    _ = translations("vi").gettext
    words = " ".join([instruction("vi", second_factor), _(printing.LOST_CARD), _(printing.CARD_HEADING),
                      _(printing.BRING_CARD), _(printing.CUT_ALONG)])
    assert set(re.findall(r"\d", page.text)) <= set(re.findall(r"\d", words))
    packed = page.text.replace(" ", "")
    assert code not in packed
    body = code.removeprefix(CARD_CODE_PREFIX)
    assert not any(body[start:start + 6] in packed for start in range(len(body) - 5))


@pytest.mark.parametrize("size", ["id1", "a6"])
def test_the_qr_on_the_card_scans_back_to_exactly_the_code_and_is_large(size):
    code = card_code()
    [page] = read(check_in_card_pdf(code=code, first_name="Hùng", second_factor="birth_year", size=size))
    [image] = page.images
    [found] = [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert found.text == code
    assert found.ec_level in ("M", "Q", "H")
    # the symbol's side on paper: its share of the image, times the width the image is drawn at
    corners = found.position
    symbol_px = max(corners.top_right.x, corners.bottom_right.x) - min(corners.top_left.x, corners.bottom_left.x)
    [drawn_pt] = page.drawn_widths_pt
    assert symbol_px / image.width * drawn_pt * MM_PER_PT >= 28
    quiet_px = min(corners.top_left.x, corners.top_left.y)
    assert quiet_px / image.width * drawn_pt * MM_PER_PT >= 3  # a clear margin around it for the scanner


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("second_factor", ["birth_year", "pin"])
def test_a6_sheet_has_the_card_and_the_instructions_in_large_type(language, second_factor):
    [page] = read(check_in_card_pdf(code=card_code(), first_name="Hùng", second_factor=second_factor, size="a6",
                                    language=language))
    assert page.width_mm == pytest.approx(105, abs=0.5)
    assert page.height_mm == pytest.approx(148, abs=0.5)
    _ = translations(language).gettext
    large = page.text_at_least(14)
    assert flat(instruction(language, second_factor)) in large
    assert flat(_(printing.LOST_CARD)) in large
    assert flat(_(printing.BRING_CARD)) in large
    assert "Hùng" in page.text
    assert len(page.images) == 1
    assert page.smallest_type >= 9  # the card's own face; everything outside it is 14 pt or more


def test_the_pdf_says_nothing_of_its_owner_in_its_properties():
    reader = PdfReader(io.BytesIO(check_in_card_pdf(code=card_code(), first_name="Hùng", second_factor="pin")))
    assert not any("Hùng" in str(value) for value in (reader.metadata or {}).values())


def test_an_unknown_card_size_is_refused():
    with pytest.raises(ValueError, match="size"):
        check_in_card_pdf(code=card_code(), first_name="Hùng", second_factor="pin", size="a4")


# ---------------------------------------------------------------- the citizens' guide


@pytest.mark.parametrize("language", ["vi", "en"])
def test_guide_is_a4_with_every_step_in_large_type_and_a_picture_for_each(language):
    pages = read(guide_pdf(language))
    _ = translations(language).gettext
    assert all(page.width_mm == pytest.approx(210, abs=0.5) and page.height_mm == pytest.approx(297, abs=0.5)
               for page in pages)
    everything = " ".join(page.text for page in pages)
    assert flat(_(printing.BOOK)) in pages[0].text
    assert flat(_(printing.GUIDE_SUBTITLE)) in pages[0].text
    headings = [f"{number}. {_(step.heading)}" for number, step in enumerate(printing.STEPS, start=1)]
    assert len(headings) == 9
    large = " ".join(page.text_at_least(20) for page in pages)
    for heading in headings:
        assert flat(heading) in everything
        assert flat(heading) in large, f"{heading!r} is not set at 20 pt or more"
    for page in pages:  # each step's pictures are on the page of its heading
        steps_here = [step for step, heading in zip(printing.STEPS, headings, strict=True)
                      if flat(heading) in page.text]
        assert len(page.images) >= sum(len(step.pictures) for step in steps_here) >= len(steps_here)
    assert sum(len(page.images) for page in pages) >= len(printing.STEPS)
    assert min(page.smallest_type for page in pages) >= 14
    assert flat(_(printing.GUIDE_PAGE).format(page=1, pages=len(pages))) in pages[0].text


@pytest.mark.parametrize("language", ["vi", "en"])
def test_guide_names_the_buttons_as_the_app_shows_them(language):
    text = " ".join(page.text for page in read(guide_pdf(language)))
    _ = translations(language).gettext
    for label in (printing.SIGN_IN_BUTTON, printing.QR_BUTTON, printing.ACCESS_LOG_BUTTON, printing.VISITS_TAB):
        assert flat(_(label)) in text


def test_guide_pictures_are_phone_screens_in_both_languages():
    for step in printing.STEPS:
        for name in step.pictures:
            for language in ("vi", "en"):
                path = printing.GUIDE_PICTURES / f"{name}.{language}.png"
                assert path.exists(), path
    total = sum(path.stat().st_size for path in printing.GUIDE_PICTURES.glob("*.png"))
    assert total < 1.5 * 1024 * 1024


def test_guide_is_built_once_per_language():
    assert guide_pdf("vi") is guide_pdf("vi")
    assert guide_pdf("xx") is guide_pdf("vi")
    assert guide_pdf("en") is not guide_pdf("vi")


@pytest.fixture
def guide_app() -> FastAPI:
    app = FastAPI()
    app.include_router(guide.router, prefix="/api/v1")
    return app


@pytest.mark.parametrize(("asked", "language"), [(None, "vi"), ("vi", "vi"), ("en", "en"), ("fr", "vi"),
                                                 ("EN", "en")])
async def test_guide_route_answers_the_pdf_to_anyone(guide_app, asked, language):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guide_app), base_url="http://test") as client:
        response = await client.get("/api/v1/guide.pdf", params={"lang": asked} if asked else None)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'inline; filename="huong-dan-so-suc-khoe-dien-tu.pdf"'
    assert "max-age=" in response.headers["cache-control"]
    assert response.content == guide_pdf(language)
    first_heading = f"1. {translations(language).gettext(printing.STEPS[0].heading)}"
    assert flat(first_heading) in read(response.content)[0].text
