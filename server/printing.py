"""What the service prints: the check-in card for people without a smartphone, and the citizens' guide.

Both are PDFs made with fpdf2 in DejaVu Sans (every Vietnamese letter, embedded as a subset with its
Unicode map, so the text can be searched, copied and read aloud). The card holds the first name and an
opaque code as a QR, nothing else of its owner: a lost card tells a finder nothing, and the counter still
asks for the second factor. The guide is large type for older readers, one numbered step per task, each
with a picture of the screen (assets/guide, made by `python -m tests.browser.guide_pictures`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import qrcode  # type: ignore[import-untyped]  # no inline types, no stub in the pinned set
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos
from PIL import Image

from api_client.identifiers import N_
from api_client.models import CardSecondFactor
from locales import DEFAULT_LANGUAGE, LANGUAGES, translations

ROOT = Path(__file__).resolve().parent.parent
FONT_DIR = ROOT / "assets" / "fonts"
GUIDE_PICTURES = ROOT / "assets" / "guide"
FONT = "DejaVu"

PT = 25.4 / 72  # one typographic point in millimetres
ID1 = (85.60, 53.98)  # ISO/IEC 7810 ID-1, the size of a bank card or the chip ID card
A6 = (105.0, 148.0)
A4 = (210.0, 297.0)
PRIMARY = (11, 83, 148)  # the app's deep blue; dark grey on a black-and-white printer
DANGER = (179, 38, 30)
MUTED = (68, 80, 92)
TEXT = (26, 26, 26)

# ---------------------------------------------------------------- the words (msgids, English)

BOOK = N_("Electronic health book")
CARD_HEADING = N_("Electronic health book – Check-in card")
SHOW_CARD_BIRTH_YEAR = N_("Show this card at the reception counter. The staff will ask for your year of birth.")
SHOW_CARD_PIN = N_("Show this card at the reception counter. The staff will ask for the 4-digit PIN you chose.")
LOST_CARD = N_("Lost the card? Block it in the app or at the commune health station.")
BRING_CARD = N_("Bring this card every time you go to a clinic or hospital.")
CUT_ALONG = N_("Cut along the dashed line.")

# The app's own labels, so the guide names the buttons exactly as the screen shows them.
SIGN_IN_BUTTON = N_("Sign in with VNeID")
HOME_TAB = N_("Home")
VISITS_TAB = N_("Visits")
SETTINGS_TAB = N_("Settings")
QR_BUTTON = N_("Show the check-in QR code")
ACCESS_LOG_BUTTON = N_("Who has looked at my book")

GUIDE_SUBTITLE = N_("A step-by-step guide for citizens")
GUIDE_INTRO = N_(
    "With the electronic health book you see your visits, medicines, test results and vaccinations on your "
    "phone, and you show a QR code at the clinic instead of the paper booklet. Volunteers of the community "
    "digital technology team (Tổ công nghệ số cộng đồng) and the commune health station help you with every "
    "step, free of charge."
)
GUIDE_NEEDS = N_("You need: your chip ID card, your health insurance (BHYT) card and a phone number of your own.")
GUIDE_PAGE = N_("Page {page} of {pages}")


@dataclass(frozen=True)
class Step:
    heading: str  # msgid
    body: str  # msgid; may name the app's labels: {sign_in}, {home}, {visits}, {settings}, {qr}, {access_log}
    pictures: tuple[str, ...]  # assets/guide/<name>.<lang>.png, 360 × 800
    warning: bool = False


STEPS = (
    Step(N_("Install VNeID and create your account"), N_(
        "Open CH Play (Android) or the App Store (iPhone), search for VNeID and install it. Choose Register, "
        "enter your 12-digit personal ID number and your phone number, then type the OTP code the app sends "
        "you by text message. Choose a password and keep it to yourself."), ("vneid-app",)),
    Step(N_("Raise your account to level 2 at the commune police"), N_(
        "Bring your chip ID card to the police of the commune or ward where you live and ask for a level 2 "
        "electronic identity account. The police check your card and take your photo. It is free. When it is "
        "done, the VNeID app shows level 2."), ("police-level-2",)),
    Step(N_("Link your health insurance (BHYT) card in VNeID"), N_(
        "In the VNeID app, open the document wallet, choose to add your health insurance card and confirm. "
        "Once the card shows as linked, you can use it instead of the paper BHYT card when you go to a "
        "clinic."), ("bhyt-link",)),
    Step(N_("Open the health book and sign in with VNeID"), N_(
        "Open the Sổ sức khỏe điện tử app on your phone, or its web page on a computer, and press "
        "“{sign_in}”. On the VNeID page, enter your personal ID number and your VNeID password: then you are "
        "back in your book."), ("sign-in", "vneid-login")),
    Step(N_("Read your book"), N_(
        "“{home}” shows your allergies first, then your health insurance card, your long-term illnesses and "
        "your next appointment. Under “{visits}” you find every visit with its diagnoses, medicines and test "
        "results. In “{settings}” you can make the text larger."), ("home", "visits")),
    Step(N_("Show your check-in QR code at the clinic"), N_(
        "At the reception counter, press “{qr}” and hold the phone up for the staff to scan. The code changes "
        "every few minutes and works only once, so a photo of it is of no use to anyone. The receptionist "
        "then sees a summary of your book, allergies first."), ("check-in-qr",)),
    Step(N_("No smartphone? Use a printed check-in card"), N_(
        "Ask a volunteer of the community digital technology team (Tổ công nghệ số cộng đồng) or the commune "
        "health station to print you a check-in card. It shows only your first name and a QR code. At the "
        "counter the staff scan it and ask for your year of birth, or for the 4-digit PIN you chose. Lost the "
        "card? Block it in the app or at the commune health station."), ("printed-card",)),
    Step(N_("See who looked at your book"), N_(
        "In “{settings}”, open “{access_log}”. Each time a clinic reads your book, you see who it was, at which "
        "facility, when, what they read and why. If a line looks wrong to you, tell the commune health "
        "station."), ("access-log",)),
    Step(N_("Stay safe"), N_(
        "Never give your VNeID password or an OTP code to anyone, not even to someone who says they are from "
        "the police, the health station or a volunteer team. Volunteers never need them: you type them "
        "yourself. Nobody from the health book will ever call you to ask for them."), ("safety",), warning=True),
)

# ---------------------------------------------------------------- shared


def _document(size: tuple[float, float], language: str, title: str) -> FPDF:
    pdf = FPDF(unit="mm", format=size)
    _setup(pdf, language, title)
    return pdf


def _setup(pdf: FPDF, language: str, title: str) -> None:
    pdf.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    pdf.set_lang(language)
    pdf.set_title(title)
    pdf.set_creator(translations(language).gettext(BOOK))
    pdf.set_image_filter("FlateDecode")  # lossless for every picture (fpdf2 would send a bilevel one as CCITT)


def _language(language: str) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _line(size: float, spacing: float = 1.3) -> float:
    return size * PT * spacing


def _paragraph_height(pdf: FPDF, width: float, text: str, size: float, bold: bool = False,
                      spacing: float = 1.3) -> float:
    pdf.set_font(FONT, "B" if bold else "", size)
    lines = pdf.multi_cell(width, _line(size, spacing), text, dry_run=True, output=MethodReturnValue.LINES)
    assert isinstance(lines, list)
    return len(lines) * _line(size, spacing)


def _paragraph(pdf: FPDF, x: float, y: float, width: float, text: str, size: float, *, bold: bool = False,
               colour: tuple[int, int, int] = TEXT, align: Align = Align.L, spacing: float = 1.3) -> float:
    """Writes a left-aligned paragraph (ragged right reads easier than justified); returns its bottom."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.set_xy(x, y)
    pdf.multi_cell(width, _line(size, spacing), text, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)
    return pdf.get_y()


def _fitting_size(pdf: FPDF, text: str, width: float, largest: float, smallest: float, bold: bool = False) -> float:
    """The largest size, in half points, at which `text` holds on one line of `width`; else `smallest`."""
    size = largest
    while size > smallest:
        pdf.set_font(FONT, "B" if bold else "", size)
        if pdf.get_string_width(text) <= width:
            return size
        size -= 0.5
    return smallest


# ---------------------------------------------------------------- the check-in card

QR_SIDE = 40.0  # mm on the card, quiet zone included: the symbol itself is over 30 mm
QR_QUIET_MODULES = 4
CARD_MIN_BODY = 9.0  # pt


def qr_image(code: str) -> Image.Image:
    """The code as a QR: error correction Q (a quarter of it may be scratched off), four modules of quiet
    zone, pure black on white, in 8-bit grey so every PDF reader draws it sharp."""
    symbol = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, box_size=10, border=QR_QUIET_MODULES)
    symbol.add_data(code)
    symbol.make(fit=True)
    return symbol.make_image(fill_color="black", back_color="white").get_image().convert("L")


def _card(pdf: FPDF, x: float, y: float, *, code: str, first_name: str, instruction: str, lost: str,
          heading: str) -> None:
    """The card's face, ID-1 size, at (x, y): heading, QR on the left, first name and what to do on the right."""
    width, height = ID1
    inner = width - 6
    heading_size = _fitting_size(pdf, heading, inner, 10.5, CARD_MIN_BODY, bold=True)
    bottom = _paragraph(pdf, x + 3, y + 2.6, inner, heading, heading_size, bold=True, colour=PRIMARY)
    pdf.set_draw_color(*PRIMARY)
    pdf.set_line_width(0.35)
    pdf.line(x + 3, bottom + 0.6, x + width - 3, bottom + 0.6)

    qr_top = bottom + 1.2
    qr_side = min(QR_SIDE, y + height - 1.5 - qr_top)
    pdf.image(qr_image(code), x=x + 1.5, y=qr_top, w=qr_side, h=qr_side)

    column_x = x + 1.5 + qr_side + 0.8
    column_w = x + width - 3 - column_x
    column_top, column_bottom = qr_top + 1.6, y + height - 3
    name_size = _fitting_size(pdf, first_name, column_w, 16, 10, bold=True)
    after_name = _paragraph(pdf, column_x, column_top, column_w, first_name, name_size, bold=True) + 1.2
    room = column_bottom - after_name
    body = 10.0
    while body > CARD_MIN_BODY and (_paragraph_height(pdf, column_w, instruction, body)
                                    + _paragraph_height(pdf, column_w, lost, body) + 1.2) > room:
        body -= 0.5
    _paragraph(pdf, column_x, after_name, column_w, instruction, body)
    lost_top = column_bottom - _paragraph_height(pdf, column_w, lost, body)
    _paragraph(pdf, column_x, lost_top, column_w, lost, body, colour=MUTED)


def _dashed_frame(pdf: FPDF, x: float, y: float, width: float, height: float) -> None:
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.25)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=1.5, gap=1.2)
        pdf.rect(x, y, width, height, round_corners=True, corner_radius=3.18)  # ID-1's corner radius


def check_in_card_pdf(*, code: str, first_name: str, second_factor: str, size: str = "id1",
                      language: str = "vi") -> bytes:
    """A printed check-in card. `size` "id1": one page of exactly ID-1 size (card stock, or print and cut);
    "a6": an A6 sheet with the card to cut out and the same instructions in large type below it.
    `second_factor` is "birth_year" or "pin": what the counter will ask. The code is printed only as the QR."""
    if size not in ("id1", "a6"):
        raise ValueError(f"unknown card size {size!r}")
    language = _language(language)
    _ = translations(language).gettext
    asked = SHOW_CARD_PIN if second_factor == CardSecondFactor.PIN else SHOW_CARD_BIRTH_YEAR
    instruction = _(asked)
    lost, heading = _(LOST_CARD), _(CARD_HEADING)
    pdf = _document(ID1 if size == "id1" else A6, language, heading)
    pdf.add_page()
    if size == "id1":
        _card(pdf, 0, 0, code=code, first_name=first_name, instruction=instruction, lost=lost, heading=heading)
        return bytes(pdf.output())

    body, margin = 14.0, 8.0
    card_x, card_y = (A6[0] - ID1[0]) / 2, margin
    _dashed_frame(pdf, card_x, card_y, *ID1)
    _card(pdf, card_x, card_y, code=code, first_name=first_name, instruction=instruction, lost=lost,
          heading=heading)
    width = A6[0] - 2 * margin
    y = _paragraph(pdf, margin, card_y + ID1[1] + 2.5, width, f"✂ {_(CUT_ALONG)}", body, colour=MUTED) + 3
    y = _paragraph(pdf, margin, y, width, _(BRING_CARD), body, bold=True) + 2.5
    y = _paragraph(pdf, margin, y, width, instruction, body) + 2.5
    _paragraph(pdf, margin, y, width, lost, body)
    return bytes(pdf.output())


# ---------------------------------------------------------------- the citizens' guide

GUIDE_MARGIN = 15.0
GUIDE_TITLE = 28.0  # pt
GUIDE_HEADING = 20.0
GUIDE_BODY = 14.0
PICTURE_W = 45.0  # mm: a 360 × 800 screen at about 200 dpi
PICTURE_H = PICTURE_W * 800 / 360
PICTURE_GAP = 4.0


class _Guide(FPDF):
    def __init__(self, page_label: Callable[[int], str]) -> None:
        super().__init__(unit="mm", format="A4")
        self.page_label = page_label

    def footer(self) -> None:
        self.set_font(FONT, "", GUIDE_BODY)
        self.set_text_color(*MUTED)
        self.set_xy(GUIDE_MARGIN, A4[1] - GUIDE_MARGIN + 2)
        self.cell(A4[0] - 2 * GUIDE_MARGIN, _line(GUIDE_BODY), self.page_label(self.page_no()), align=Align.C)


def picture_path(name: str, language: str) -> Path:
    """A picture in the guide's language, else the Vietnamese one."""
    own = GUIDE_PICTURES / f"{name}.{language}.png"
    return own if own.exists() else GUIDE_PICTURES / f"{name}.{DEFAULT_LANGUAGE}.png"


def guide_pdf(language: str = "vi") -> bytes:
    """The printable guide, A4, in `language` (Vietnamese when it is not one of ours). Built once per language:
    the words and pictures do not change while the process runs."""
    return _guide_pdf(_language(language))


@cache
def _guide_pdf(language: str) -> bytes:
    _ = translations(language).gettext
    labels = {"sign_in": _(SIGN_IN_BUTTON), "home": _(HOME_TAB), "visits": _(VISITS_TAB),
              "settings": _(SETTINGS_TAB), "qr": _(QR_BUTTON), "access_log": _(ACCESS_LOG_BUTTON)}
    pdf = _Guide(lambda page: _(GUIDE_PAGE).format(page=page, pages="{nb}"))
    _setup(pdf, language, f"{_(BOOK)} – {_(GUIDE_SUBTITLE)}")
    width = A4[0] - 2 * GUIDE_MARGIN
    bottom_limit = A4[1] - GUIDE_MARGIN - 4

    pdf.add_page()
    y = _paragraph(pdf, GUIDE_MARGIN, GUIDE_MARGIN, width, _(BOOK), GUIDE_TITLE, bold=True, colour=PRIMARY)
    y = _paragraph(pdf, GUIDE_MARGIN, y + 1, width, _(GUIDE_SUBTITLE), GUIDE_HEADING) + 4
    y = _paragraph(pdf, GUIDE_MARGIN, y, width, _(GUIDE_INTRO), GUIDE_BODY) + 2
    y = _paragraph(pdf, GUIDE_MARGIN, y, width, _(GUIDE_NEEDS), GUIDE_BODY, bold=True) + 4
    pdf.set_draw_color(*PRIMARY)
    pdf.set_line_width(0.6)
    pdf.line(GUIDE_MARGIN, y, A4[0] - GUIDE_MARGIN, y)
    y += 6

    for number, step in enumerate(STEPS, start=1):
        heading = f"{number}. {_(step.heading)}"
        body = _(step.body).format(**labels)
        pictures_w = len(step.pictures) * (PICTURE_W + PICTURE_GAP)
        text_x, text_w = GUIDE_MARGIN + pictures_w + PICTURE_GAP, width - pictures_w - PICTURE_GAP
        heading_h = _paragraph_height(pdf, width, heading, GUIDE_HEADING, bold=True) + 3
        block = heading_h + max(PICTURE_H, _paragraph_height(pdf, text_w, body, GUIDE_BODY))
        if y + block > bottom_limit:
            pdf.add_page()
            y = GUIDE_MARGIN
        colour = DANGER if step.warning else PRIMARY
        _paragraph(pdf, GUIDE_MARGIN, y, width, heading, GUIDE_HEADING, bold=True, colour=colour)
        top = y + heading_h
        for index, name in enumerate(step.pictures):
            x = GUIDE_MARGIN + index * (PICTURE_W + PICTURE_GAP)
            pdf.image(picture_path(name, language), x=x, y=top, w=PICTURE_W, h=PICTURE_H, alt_text=_(step.heading))
            pdf.set_draw_color(*MUTED)
            pdf.set_line_width(0.3)
            pdf.rect(x, top, PICTURE_W, PICTURE_H)
        text_bottom = _paragraph(pdf, text_x, top, text_w, body, GUIDE_BODY)
        if step.warning:
            pdf.set_draw_color(*DANGER)
            pdf.set_line_width(0.8)
            pdf.line(text_x - 2, top, text_x - 2, text_bottom)
        y = top + max(PICTURE_H, text_bottom - top) + 8
    return bytes(pdf.output())
