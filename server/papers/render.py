"""The paper as an A4 PDF, laid out like the Ministry's forms, in large type; the QR in its own box.

The paper is drawn with its QR box empty (its text is what the statement's hash covers); the QR is
then merged into the box. No text is added by the QR, so the two have the same text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

import qrcode  # type: ignore[import-untyped]  # no inline types, no stub in the pinned set
from fpdf import FPDF
from fpdf.enums import Align
from PIL import Image
from pypdf import PdfReader, PdfWriter

from ..printing import A4, FONT, MUTED, PRIMARY, TEXT, _paragraph, _paragraph_height
from ..printing import _line as printed_line
from .fonts import covers, full_fonts, trimmed_fonts

MARGIN = 18.0
WIDTH = A4[0] - 2 * MARGIN
BOTTOM = A4[1] - MARGIN
BODY = 13.0  # pt: large enough for an older reader at arm's length
SMALL = 11.0
TITLE = 20.0
LABEL_W = 58.0
QR_SIDE = 52.0  # mm, quiet zone included
LINE_SPACING = 1.35  # a paper's lines a little apart: it is read at arm's length, then filed


@dataclass(frozen=True)
class Layout:
    title: str
    heading_left: list[str]  # the facility (or the service) that issues it
    heading_right: list[str]  # the national motto
    number: str | None
    fields: list[tuple[str, str]]  # label, value; the patient's first
    table: tuple[list[str], list[list[str]]] | None = None
    table_widths: tuple[float, ...] = ()
    note: str | None = None
    date_line: str = ""
    signer_lines: list[str] = field(default_factory=list)  # role, then name
    signature_lines: list[str] = field(default_factory=list)  # the facility's digital signature
    caption: str = ""
    subject: str = ""

    def words(self) -> str:
        table = [cell for row in ([self.table[0], *self.table[1]] if self.table else []) for cell in row]
        return "".join([self.title, *self.heading_left, *self.heading_right, self.number or "",
                        *[label + value for label, value in self.fields], *table, self.note or "",
                        self.date_line, *self.signer_lines, *self.signature_lines, self.caption, self.subject])


def _line(size: float) -> float:
    return printed_line(size, LINE_SPACING)


class _Paper(FPDF):
    def __init__(self, page_label: str) -> None:
        super().__init__(unit="mm", format="A4")
        self.page_label = page_label

    def footer(self) -> None:
        self.set_font(FONT, "", SMALL)
        self.set_text_color(*MUTED)
        self.set_xy(MARGIN, A4[1] - MARGIN + 4)
        self.cell(WIDTH, _line(SMALL), self.page_label.format(page=self.page_no(), pages="{nb}"), align=Align.R)


def qr_image(text: str) -> Image.Image:
    """`SSKDT1:` in alphanumeric mode and the digits in numeric mode; error correction M, 4 modules of
    quiet zone, 4 pixels a module (the PDF scales it up without smoothing). One fixed mask pattern: the
    library's search for the best of eight took most of a paper's time, and any mask reads."""
    prefix, digits = text.split(":", 1)
    symbol = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, mask_pattern=0)
    symbol.add_data(qrcode.util.QRData(prefix + ":", mode=qrcode.util.MODE_ALPHA_NUM), optimize=0)
    symbol.add_data(qrcode.util.QRData(digits, mode=qrcode.util.MODE_NUMBER), optimize=0)
    symbol.make(fit=True)
    matrix = symbol.get_matrix()
    side = len(matrix)
    modules = Image.frombytes("L", (side, side), bytes(0 if dark else 255 for row in matrix for dark in row))
    return modules.resize((side * 4, side * 4), Image.Resampling.NEAREST)


@dataclass(frozen=True)
class Draft:
    """The paper without its QR: the text the statement's hash covers, and where the QR goes."""

    pdf: bytes
    qr_page: int
    qr_x: float
    qr_y: float


def with_qr(draft: Draft, qr: str, keywords: str) -> bytes:
    """The draft with the QR drawn in its box and the statement in the metadata. The QR comes on an
    overlay merged into the page, so the paper is laid out (and its fonts embedded) once."""
    overlay = FPDF(unit="mm", format="A4")
    overlay.set_image_filter("FlateDecode")
    overlay.add_page()
    overlay.image(qr_image(qr), x=draft.qr_x, y=draft.qr_y, w=QR_SIDE, h=QR_SIDE)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(draft.pdf)))
    writer.pages[draft.qr_page].merge_page(PdfReader(io.BytesIO(bytes(overlay.output()))).pages[0])
    writer.add_metadata({"/Keywords": keywords})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def render(layout: Layout, *, created: datetime, page_label: str) -> Draft:
    pdf = _Paper(page_label)
    fonts = trimmed_fonts() if covers(layout.words() + page_label) else full_fonts()
    for style, path in fonts.items():
        pdf.add_font(FONT, style, path)
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.c_margin = 0
    pdf.set_lang("vi")
    pdf.set_title(layout.title)
    pdf.set_subject(layout.subject)
    pdf.set_creator(layout.heading_left[0] if layout.heading_left else "")
    pdf.set_producer("fpdf2")
    pdf.set_creation_date(created)
    pdf.add_page()

    left_w = WIDTH * 0.42  # the facility on the left, the national motto on the right, as on the forms
    y = MARGIN
    left_bottom = y
    for index, line in enumerate(layout.heading_left):
        left_bottom = _text(pdf, MARGIN, left_bottom, left_w - 4, line, SMALL, bold=index == 0, align=Align.C)
    right_bottom = y
    for line in layout.heading_right:
        right_bottom = _text(pdf, MARGIN + left_w, right_bottom, WIDTH - left_w, line, SMALL, bold=True,
                             align=Align.C)
    y = max(left_bottom, right_bottom) + 8
    y = _text(pdf, MARGIN, y, WIDTH, layout.title, TITLE, bold=True, colour=PRIMARY, align=Align.C)
    if layout.number:
        y = _text(pdf, MARGIN, y + 1, WIDTH, layout.number, BODY, align=Align.C)
    y += 6

    for label, value in layout.fields:
        height = max(_height(pdf, LABEL_W - 3, label, BODY, True), _height(pdf, WIDTH - LABEL_W, value, BODY))
        y = _room(pdf, y, height)
        _text(pdf, MARGIN, y, LABEL_W - 3, label, BODY, bold=True)
        bottom = _text(pdf, MARGIN + LABEL_W, y, WIDTH - LABEL_W, value, BODY)
        y = bottom + 2

    if layout.table:
        y = _table(pdf, y + 2, *layout.table, layout.table_widths)
    if layout.note:
        y = _room(pdf, y + 2, _height(pdf, WIDTH, layout.note, SMALL))
        y = _text(pdf, MARGIN, y + 2, WIDTH, layout.note, SMALL, colour=MUTED)

    # The signature block on the right, the QR on the left, side by side at the foot of the text.
    block = [(layout.date_line, SMALL, False), *[(line, BODY, index == 1) for index, line in
                                                 enumerate(layout.signer_lines)],
             *[(line, SMALL, False) for line in layout.signature_lines]]
    right_x, right_w = MARGIN + QR_SIDE + 8, WIDTH - QR_SIDE - 8
    needed = max(QR_SIDE, sum(_height(pdf, right_w, text, size, bold) + 1.5 for text, size, bold in block)) \
        + _height(pdf, WIDTH, layout.caption, SMALL) + 3
    y = _room(pdf, y + 8, needed)
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.2)
    pdf.rect(MARGIN, y, QR_SIDE, QR_SIDE)
    right_y = y
    for text, size, bold in block:
        if text:
            right_y = _text(pdf, right_x, right_y, right_w, text, size, bold=bold, align=Align.C) + 1.5
    _text(pdf, MARGIN, max(y + QR_SIDE, right_y) + 2, WIDTH, layout.caption, SMALL, colour=MUTED)
    return Draft(bytes(pdf.output()), pdf.page_no() - 1, MARGIN, y)


def _room(pdf: FPDF, y: float, height: float) -> float:
    """`y`, or the top of a new page when `height` would not fit above the footer."""
    if y + height <= BOTTOM:
        return y
    pdf.add_page()
    return MARGIN


def _height(pdf: FPDF, width: float, text: str, size: float, bold: bool = False) -> float:
    return _paragraph_height(pdf, width, text, size, bold, spacing=LINE_SPACING)


def _text(pdf: FPDF, x: float, y: float, width: float, text: str, size: float, *, bold: bool = False,
          colour: tuple[int, int, int] = TEXT, align: Align = Align.L) -> float:
    return _paragraph(pdf, x, y, width, text, size, bold=bold, colour=colour, align=align, spacing=LINE_SPACING)


def _table(pdf: FPDF, y: float, header: list[str], rows: list[list[str]], widths: tuple[float, ...]) -> float:
    scale = WIDTH / sum(widths)
    columns = [width * scale for width in widths]

    def row(cells: list[str], top: float, bold: bool) -> float:
        height = max(_height(pdf, width - 2, cell, SMALL, bold)
                     for width, cell in zip(columns, cells, strict=True)) + 2
        top = _room(pdf, top, height)
        x = MARGIN
        pdf.set_draw_color(*MUTED)
        pdf.set_line_width(0.2)
        for width, cell in zip(columns, cells, strict=True):
            pdf.rect(x, top, width, height)
            _text(pdf, x + 1, top + 1, width - 2, cell, SMALL, bold=bold)
            x += width
        return top + height

    y = row(header, y, True)
    for cells in rows:
        y = row(cells, y, False)
    return y
