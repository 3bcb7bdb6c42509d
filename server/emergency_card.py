"""Thẻ thông tin cấp cứu: what an ambulance crew or an emergency room needs before anything else, on a card
the citizen keeps with their ID card: allergies (severe ones first, in red), blood group, long-term illnesses,
the medicines taken now, and whom to call. Name and birth date say whose card it is; the personal ID number and
the BHYT number are left off, so a lost card gives a finder nothing to misuse.

Two sizes, like the check-in card: "id1" is two faces of exactly ID-1 size (print both sides, or print and
fold back to back), "a6" one A6 sheet in larger type. The type shrinks, down to a floor, until the card fits;
a book too full for that floor goes on over further faces rather than dropping a line.

The medicines are chosen here, not in the app: the prescriptions of visits started in the last 90 days
(`CURRENT_MEDICINE_DAYS`, the counter's summary uses the same window), one line per medicine (same name,
any case, and same strength), from its newest prescription, newest visits first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from babel.dates import format_skeleton
from fpdf import FPDF

from api_client.identifiers import N_
from api_client.models import (
    VIETNAM_TZ,
    DatePrecision,
    HealthBook,
    PrescriptionItem,
    Relationship,
    RepresentativeRole,
    Severity,
)
from locales import translations

from .printing import A6, DANGER, ID1, MUTED, PT, TEXT, _document, _language, _paragraph, _paragraph_height
from .storage.books import CURRENT_MEDICINE_DAYS

SIZES = ("id1", "a6")

HEADING = N_("Emergency information card")
BORN = N_("Born {date}")
BLOOD_GROUP = N_("Blood group: {group}")
BLOOD_GROUP_UNKNOWN = N_("Blood group: not recorded")
ALLERGIES = N_("Allergies")
NO_ALLERGY = N_("No allergy recorded")
CONDITIONS = N_("Long-term illnesses")
MEDICINES = N_("Medicines taken now")
CONTACTS = N_("Call in an emergency")
NOTHING_RECORDED = N_("Nothing recorded")
PRINTED = N_("Printed from the electronic health book on {date}. The book has the latest details.")

SEVERITY = {Severity.MILD: N_("mild"), Severity.MODERATE: N_("moderate"), Severity.SEVERE: N_("severe")}
RELATIONSHIP = {  # the app's words for them (app/viewmodels/labels.py), which the server may not import
    Relationship.MOTHER: N_("Mother"),
    Relationship.FATHER: N_("Father"),
    Relationship.GRANDPARENT: N_("Grandparent"),
    Relationship.SPOUSE: N_("Spouse"),
    Relationship.CHILD: N_("Child"),
    Relationship.SIBLING: N_("Brother or sister"),
    Relationship.OTHER: N_("Other relative"),
}
ROLE = {
    RepresentativeRole.GUARDIAN: N_("Guardian"),
    RepresentativeRole.CAREGIVER: N_("Main caregiver"),
    RepresentativeRole.LEGAL_REPRESENTATIVE: N_("Legal representative"),
}


# ---------------------------------------------------------------- what goes on the card


def current_medicines(book: HealthBook, now: datetime, days: int = CURRENT_MEDICINE_DAYS) -> list[PrescriptionItem]:
    """Each medicine of the last `days` days once, from its newest prescription; newest visits first."""
    since = now - timedelta(days=days)
    chosen: dict[tuple[str, str | None], PrescriptionItem] = {}
    for visit in sorted(book.visits, key=lambda visit: visit.started_at, reverse=True):
        if visit.started_at < since:
            continue
        for item in visit.prescriptions:
            chosen.setdefault((item.name.casefold(), item.strength), item)
    return list(chosen.values())


@dataclass(frozen=True)
class Line:
    """One paragraph of the card: its text, its size relative to the body, how it is set."""

    text: str
    scale: float = 1.0
    bold: bool = False
    colour: tuple[int, int, int] = TEXT
    gap_before: float = 0.0  # in body lines
    keep_with_next: bool = False  # a section's title never ends a face
    new_face: bool = False  # the ID-1 card's back starts here (see `Layout.breaks`)
    at_bottom: bool = False  # set at the foot of its face


def card_lines(book: HealthBook, now: datetime, language: str) -> list[Line]:
    """The card's words in `language`, in reading order. Nothing here names the personal ID or the BHYT card."""
    _ = translations(language).gettext
    person, history = book.person, book.history
    skeleton = {DatePrecision.DAY: "yMd", DatePrecision.MONTH: "yM", DatePrecision.YEAR: "y"}
    born = format_skeleton(skeleton[person.birth_date_precision], person.birth_date, locale=language)
    group = _(BLOOD_GROUP).format(group=person.blood_group) if person.blood_group else _(BLOOD_GROUP_UNKNOWN)
    lines = [Line(person.full_name, 1.4, bold=True), Line(_(BORN).format(date=born)),
             Line(group, 1.15, bold=True, gap_before=0.3),
             Line(_(ALLERGIES).upper(), bold=True, colour=DANGER, gap_before=0.4, keep_with_next=True)]
    severe_first = sorted(history.allergies, key=lambda allergy: allergy.severity != Severity.SEVERE)
    for allergy in severe_first:
        details = [part for part in (allergy.reaction, _(SEVERITY[allergy.severity]) if allergy.severity else None)
                   if part]
        severe = allergy.severity == Severity.SEVERE
        lines.append(Line(allergy.substance + (f": {', '.join(details)}" if details else ""), bold=severe,
                          colour=DANGER if severe else TEXT))
    if not history.allergies:
        lines.append(Line(_(NO_ALLERGY)))

    conditions = [condition.name for condition in history.conditions if condition.chronic]
    lines += _section(_(CONDITIONS), [Line(name) for name in conditions], _(NOTHING_RECORDED), new_face=True)
    medicines: list[Line] = []
    for item in current_medicines(book, now):
        medicines.append(Line(" ".join(part for part in (item.name, item.strength) if part), bold=True,
                              keep_with_next=bool(item.dosage or item.usage)))
        if how := "; ".join(part for part in (item.dosage, item.usage) if part):
            medicines.append(Line(how))
    lines += _section(_(MEDICINES), medicines, _(NOTHING_RECORDED))
    contacts = [Line(f"{r.full_name} ({_(RELATIONSHIP[r.relationship])}, {_(ROLE[r.role]).lower()})"
                     + (f" · {r.phone}" if r.phone else ""), bold=bool(r.phone))
                for r in person.representatives]
    lines += _section(_(CONTACTS), contacts, _(NOTHING_RECORDED))
    return lines


def printed_line(now: datetime, language: str) -> Line:
    """When the card was printed: it is a copy of the book on that day."""
    printed = format_skeleton("yMd", now.astimezone(VIETNAM_TZ).date(), locale=language)
    return Line(translations(language).gettext(PRINTED).format(date=printed), 0.85, colour=MUTED, gap_before=0.5,
                at_bottom=True)


def _section(title: str, lines: list[Line], empty: str, *, new_face: bool = False) -> list[Line]:
    head = Line(title.upper(), bold=True, gap_before=0.4, keep_with_next=True, new_face=new_face)
    return [head, *(lines or [Line(empty, colour=MUTED)])]


# ---------------------------------------------------------------- laying it out


@dataclass(frozen=True)
class Layout:
    """How one size sets the card: the face, its margin and the body's range of sizes. With `breaks`, the part
    from a `Line.new_face` on goes on a face of its own (the ID-1 card's back), each part at its own size."""

    face: tuple[float, float]
    margin: float
    largest: float  # pt
    smallest: float
    breaks: bool


LAYOUTS = {
    "id1": Layout(ID1, 3.0, 8.5, 6.0, breaks=True),
    "a6": Layout(A6, 7.0, 13.0, 9.0, breaks=False),
}


def _band_height(size: float) -> float:
    return size * PT * 1.9


def _placed(measure: Callable[[str, float, bool], float], layout: Layout, lines: list[Line],
            size: float) -> list[list[tuple[Line, float]]]:
    """The lines per face, each with its top, at body size `size`."""
    height = layout.face[1] - layout.margin
    top = layout.margin + _band_height(size) + 1.0
    faces: list[list[tuple[Line, float]]] = [[]]
    y = top
    heights = [measure(line.text, size * line.scale, line.bold) for line in lines]
    for index, line in enumerate(lines):
        gap = line.gap_before * size * PT * 1.3 if faces[-1] else 0.0
        block = heights[index]
        following = index + 1
        while lines[following - 1].keep_with_next and following < len(lines):
            block += heights[following]
            following += 1
        if faces[-1] and y + gap + block > height:
            faces.append([])
            y, gap = top, 0.0
        if line.at_bottom:
            gap = max(gap, height - y - heights[index])
        faces[-1].append((line, y + gap))
        y += gap + heights[index]
    return faces


def _largest_fitting(measure: Callable[[str, float, bool], float], layout: Layout, part: list[Line]) -> float:
    """The largest size, in half points, at which `part` holds on one face; else the smallest (bisected: each
    try measures every line again)."""
    sizes = [layout.largest - 0.5 * step for step in range(int((layout.largest - layout.smallest) / 0.5) + 1)]
    low, high = 0, len(sizes) - 1  # sizes[high] is taken when nothing larger fits
    while low < high:
        middle = (low + high) // 2
        if len(_placed(measure, layout, part, sizes[middle])) == 1:
            high = middle
        else:
            low = middle + 1
    return sizes[low]


def _parts(lines: list[Line], layout: Layout) -> list[list[Line]]:
    if not layout.breaks:
        return [lines]
    parts: list[list[Line]] = []
    for line in lines:
        if line.new_face or not parts:
            parts.append([])
        parts[-1].append(line)
    return parts


def emergency_card_pdf(book: HealthBook, now: datetime, *, size: str = "id1", language: str = "vi") -> bytes:
    """The card for `book` as printed at `now`, in `language` (Vietnamese when it is not one of ours)."""
    if size not in LAYOUTS:
        raise ValueError(f"unknown card size {size!r}")
    layout, language = LAYOUTS[size], _language(language)
    _ = translations(language).gettext
    lines = card_lines(book, now, language)
    # the date goes at the foot of the ID-1 card's front, which has room; elsewhere, last
    back = next((index for index, line in enumerate(lines) if line.new_face), len(lines))
    lines.insert(back if layout.breaks else len(lines), printed_line(now, language))
    heading = _(HEADING).upper()
    pdf = _document(layout.face, language, f"{_(HEADING)} – {book.person.full_name}")
    pdf.add_page()  # fpdf2 measures text on a page
    width = layout.face[0] - 2 * layout.margin

    @cache
    def measure(text: str, size: float, bold: bool) -> float:
        return _paragraph_height(pdf, width, text, size, bold=bold)

    first = True
    for part in _parts(lines, layout):
        body = _largest_fitting(measure, layout, part)
        for face in _placed(measure, layout, part, body):
            if not first:
                pdf.add_page()
            _band(pdf, layout, heading if first else f"{heading} · {book.person.full_name}", body)
            first = False
            for line, top in face:
                _paragraph(pdf, layout.margin, top, width, line.text, body * line.scale, bold=line.bold,
                           colour=line.colour)
    return bytes(pdf.output())


def _band(pdf: FPDF, layout: Layout, title: str, body: float) -> None:
    """The red band across the top that says, from across a room, what this card is."""
    band = _band_height(body)
    pdf.set_fill_color(*DANGER)
    pdf.rect(0, 0, layout.face[0], layout.margin + band, style="F")
    width = layout.face[0] - 2 * layout.margin
    size = body * 1.1
    while size > body * 0.7 and _paragraph_height(pdf, width, title, size, bold=True) > size * PT * 1.3:
        size -= 0.25
    _paragraph(pdf, layout.margin, (layout.margin + band - size * PT * 1.3) / 2, width, title, size, bold=True,
               colour=(255, 255, 255))
