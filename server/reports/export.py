"""The pilot report as files to send upward: XLSX for the statistician, PDF for the signed report.

Both are made from a `PilotReport` alone (the engine in this package fills it), so they hold the same
figures as the JSON and nothing else: aggregates of an area, never a person. A cell of fewer than 5
people arrives `suppressed` and is written "< 5", never as a number, in both files.

The XLSX has one sheet per level of the area's hierarchy (province, district, commune, facility): the
unit's code, name and parent, then each indicator computed at that level, this period's value next to the
previous period's; percentages are numbers with a % format (Excel sums and sorts them), counts integers.
Then the definitions (name, definition, numerator, denominator, unit, target), the top refusal reasons,
the facilities that sent nothing, the 12-month trend and the official's assessment.

The PDF is the report the plans ask for, A4 portrait, in DejaVu Sans (Vietnamese, searchable): a title
block, "1. Kết quả thực hiện" (the area's indicators with the previous period and the target, three charts
drawn with fpdf2's own rectangles and lines, the refusal reasons), the official's three sections, a
signature block and page numbers.

Same report in, same bytes out: the only clock either file carries is the report's `generated_at`.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from babel.dates import format_skeleton
from babel.numbers import format_decimal
from fpdf import FPDF
from fpdf.enums import Align, TableCellFillMode
from fpdf.fonts import FontFace
from openpyxl import Workbook  # type: ignore[import-untyped]  # no inline types, no stub in the pinned set
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.chart import LineChart, Reference  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from api_client.identifiers import N_
from api_client.models import (
    VIETNAM_TZ,
    IndicatorDefinition,
    IndicatorValue,
    PilotReport,
    ReportPeriod,
    ReportPeriodKind,
    ReportUnit,
)
from locales import translations

from ..printing import (
    A4,
    BOOK,
    DANGER,
    FONT,
    GUIDE_PAGE,
    MUTED,
    PRIMARY,
    PT,
    TEXT,
    _language,
    _line,
    _paragraph,
    _setup,
)

SUPPRESSED = "< 5"  # a count under 5 people: shown so, never as the number
MISSING = "—"  # not computed for this unit or period

LEVELS = ("province", "district", "commune", "facility")  # the sheets' order, top down
COVERAGE = "permanent_with_book_pct"  # the charts' indicators (server/reports/indicators.py)
VISITS_RECEIVED = "visits_received"

# ---------------------------------------------------------------- the words (msgids, English)

REPORT_TITLE = N_("Report on the implementation of the electronic health book")
LEVEL_NAMES = {
    "province": N_("Province/City"),
    "district": N_("District"),
    "commune": N_("Commune/Ward"),
    "facility": N_("Health facility"),
}
UNIT_NAMES = {
    "count": N_("Number (count)"),
    "percent": N_("Percent (%)"),
    "hours": N_("Hours"),
    "seconds": N_("Seconds"),
}
HOURS_VALUE = N_("{value} h")
SECONDS_VALUE = N_("{value} s")

AREA = N_("Area")
AREA_LINE = N_("Area: {name} ({level}, code {code})")
PERIOD = N_("Reporting period")
PREVIOUS_PERIOD = N_("Previous period")
THIS_PERIOD = N_("This period")
GENERATED = N_("Generated at")
PERIOD_LINE = N_("Reporting period: {period}")
PREVIOUS_LINE = N_("Previous period: {period}")
GENERATED_LINE = N_("Generated at {time}")
PERIOD_MONTH = N_("Month {month}/{year}")
PERIOD_FIRST_HALF = N_("First 6 months of {year}")
PERIOD_SECOND_HALF = N_("Last 6 months of {year}")
PERIOD_YEAR = N_("Year {year}")
PERIOD_RANGE = N_("From {start} to {end}")
SUPPRESSED_NOTE = N_("“< 5”: fewer than 5 people, not shown to protect privacy.")

UNIT_CODE = N_("Unit code")
UNIT_NAME = N_("Unit name")
PARENT = N_("Belongs to")
OWNERSHIP = N_("Ownership")
PUBLIC = N_("Public")
NON_PUBLIC = N_("Non-public")
THIS_PERIOD_COLUMN = N_("This period ({period})")
PREVIOUS_COLUMN = N_("Previous period ({period})")

DEFINITIONS = N_("Definitions")
CODE = N_("Code")
INDICATOR = N_("Indicator")
DEFINITION = N_("Definition")
NUMERATOR = N_("Numerator")
DENOMINATOR = N_("Denominator")
UNIT = N_("Unit")
TARGET = N_("Target")
COMPUTED_FOR = N_("Computed for")

REFUSALS = N_("Refusal reasons")
REFUSALS_TITLE = N_("Most frequent reasons for refused records")
NUMBER = N_("No.")
FIELD = N_("Field")
REFUSED_RECORDS = N_("Records refused")
SILENT = N_("Facilities without data")
SILENT_TITLE = N_("Health facilities that sent nothing in the period")
NONE = N_("None.")

TREND = N_("12-month trend")
TREND_TITLE = N_("Visits and check-ins by month")  # also the PDF's line chart
MONTH = N_("Month")
VISITS = N_("Visits received")
CHECK_INS = N_("Check-ins")
COUNT_AXIS = N_("Count")

ASSESSMENT = N_("Assessment")
RESULTS = N_("1. Results")
EFFECTIVENESS = N_("2. Assessment of effectiveness")
DIFFICULTIES = N_("3. Difficulties and obstacles")
PROPOSALS = N_("4. Proposals and recommendations")
SECTION = N_("Section")
CONTENT = N_("Content")
WRITTEN_BY = N_("Written by")
WRITTEN_AT = N_("Written at")
NOT_WRITTEN = N_("Nothing has been written for this section yet.")
PREPARED_BY = N_("PREPARED BY")
ASSESSMENT_WRITTEN = N_("Assessment written at {time}")
NO_AUTHOR = N_("The assessment has not been written yet.")

AREA_INDICATORS = N_("Indicators of the area")
COVERAGE_CHART = N_("Coverage by commune against the target")
RANKING_FACILITIES = N_("Health facilities ranked by visits received")
RANKING_COMMUNES = N_("Communes ranked by visits received")
TARGET_LEGEND = N_("Target ({value})")
SHOWING_FIRST = N_("The first {shown} of {total} units are shown.")
NO_DATA = N_("No data for this chart.")
CONTINUED = N_("{title} (continued)")

# ---------------------------------------------------------------- shared: words, numbers, dates


class _Words:
    """gettext and Babel for one language: the report's words, numbers and dates."""

    def __init__(self, language: str) -> None:
        self.language = _language(language)
        self.gettext = translations(self.language).gettext

    def __call__(self, msgid: str, **params: object) -> str:
        text = self.gettext(msgid)
        return text.format(**params) if params else text

    def number(self, value: float, decimals: int = 0) -> str:
        pattern = "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
        return format_decimal(value, pattern, locale=self.language)

    def value(self, value: float | None, suppressed: bool, unit: str) -> str:
        """A figure as printed: "< 5" when hidden, a dash when absent, else with its unit."""
        if suppressed:
            return SUPPRESSED
        if value is None:
            return MISSING
        if unit == "percent":
            return f"{self.number(value, 1)}%"
        if unit == "hours":
            return self(HOURS_VALUE, value=self.number(value, 1))
        if unit == "seconds":
            return self(SECONDS_VALUE, value=self.number(value, 1))
        return self.number(round(value))

    def target(self, indicator: IndicatorDefinition) -> str:
        if indicator.target is None:
            return ""
        decimals = 0 if float(indicator.target).is_integer() else 1
        text = self.number(indicator.target, decimals)
        return f"{text}%" if indicator.unit == "percent" else text

    def date(self, value: date) -> str:
        return format_skeleton("yMd", value, locale=self.language)

    def moment(self, value: datetime) -> str:
        moment = value.astimezone(VIETNAM_TZ) if value.tzinfo else value.replace(tzinfo=VIETNAM_TZ)
        return f"{format_skeleton('Hm', moment, locale=self.language)}, {self.date(moment.date())}"

    def signature_date(self, value: datetime) -> str:
        """The dateline of a signature: "ngày 3 tháng 12 năm 2026" (vi), "December 3, 2026" (en)."""
        moment = value.astimezone(VIETNAM_TZ) if value.tzinfo else value
        if self.language == "vi":
            return f"ngày {moment.day} tháng {moment.month} năm {moment.year}"
        return format_skeleton("yMMMMd", moment.date(), locale=self.language)

    def period_name(self, period: ReportPeriod) -> str:
        start = period.start
        if period.kind == ReportPeriodKind.MONTH:
            return self(PERIOD_MONTH, month=start.month, year=start.year)
        if period.kind == ReportPeriodKind.HALF_YEAR:
            return self(PERIOD_FIRST_HALF if start.month <= 6 else PERIOD_SECOND_HALF, year=start.year)
        if period.kind == ReportPeriodKind.YEAR:
            return self(PERIOD_YEAR, year=start.year)
        return self(PERIOD_RANGE, start=self.date(period.start), end=self.date(period.end))

    def period(self, period: ReportPeriod) -> str:
        """"Tháng 11/2026 (1/11/2026 – 30/11/2026)"; a range is its own dates."""
        name = self.period_name(period)
        if period.kind == ReportPeriodKind.RANGE:
            return name
        return f"{name} ({self.date(period.start)} – {self.date(period.end)})"

    def level(self, level: str) -> str:
        return self(LEVEL_NAMES.get(str(level), LEVEL_NAMES["facility"]))


def _clean(text: str) -> str:
    """Free text as a file can hold it: no control characters (XML forbids them, fonts have no glyph)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text.replace("\r\n", "\n").replace("\t", " "))


def _applies(indicator: IndicatorDefinition, level: str) -> bool:
    return any(str(own) == str(level) for own in indicator.levels)


def area_unit(report: PilotReport) -> ReportUnit | None:
    """The unit of the whole area: the report lists it first."""
    for unit in report.units:
        if unit.code == report.area.code and str(unit.level) == str(report.area.level):
            return unit
    return report.units[0] if report.units else None


def coverage_indicator(report: PilotReport) -> IndicatorDefinition | None:
    """Chart (a)'s figure: the share of permanent residents with a book, by commune (`COVERAGE`); failing
    that, the first percentage computed by commune, preferring one about permanent residents, then one
    with a target."""
    found = [i for i in report.indicators if i.unit == "percent" and _applies(i, "commune")]
    return max(found, key=lambda i: (i.id == COVERAGE, "permanent" in i.id.lower(), i.target is not None),
               default=None)


def visits_indicator(report: PilotReport) -> IndicatorDefinition | None:
    """Chart (c)'s figure: visits received (`VISITS_RECEIVED`); failing that, the first count whose id
    speaks of visits (not of visits waiting for identification), preferring one computed by facility."""
    found = [i for i in report.indicators if i.unit == "count" and "visit" in i.id.lower()
             and not any(word in i.id.lower() for word in ("wait", "identif", "pending"))]
    return max(found, key=lambda i: (i.id == VISITS_RECEIVED, _applies(i, "facility")), default=None)


# ---------------------------------------------------------------- XLSX

HEADER_FILL = PatternFill("solid", fgColor="DCE7F3")
TITLE_FONT = Font(bold=True, size=14, color="0B5394")
BOLD = Font(bold=True)
MUTED_FONT = Font(italic=True, color="44505C")
THIN = Side(style="thin", color="9AA5B1")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADING = Alignment(wrap_text=True, horizontal="center", vertical="center")
RIGHT = Alignment(horizontal="right")
TABLE_ROW = 8  # unit sheets: the first of the two heading rows; units start two rows below
NUMBER_FORMATS = {"percent": "0.0%", "count": "#,##0", "hours": "0.0", "seconds": "0.0"}


def sheet_title(name: str) -> str:
    """A sheet name Excel accepts: no : \\ / ? * [ ], at most 31 characters ("Tỉnh/Thành phố" → "Tỉnh-Thành phố")."""
    return re.sub(r"[:\\/?*\[\]]", "-", name)[:31]


def _put(ws: Any, row: int, column: int, value: object, *, number_format: str | None = None, font: Any = None,
         alignment: Any = None, border: bool = False, fill: Any = None) -> Any:
    """One cell. Text stays text: a name or an assessment starting with "=" is never a formula."""
    cell = ws.cell(row=row, column=column)
    cell.value = _clean(value) if isinstance(value, str) else value
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if border:
        cell.border = BOX
    if fill is not None:
        cell.fill = fill
    return cell


def _xlsx_value(value: float | None, suppressed: bool, unit: str) -> tuple[object, str | None]:
    """The cell's value and number format: "< 5" as text, a percentage as a fraction with a % format."""
    if suppressed:
        return SUPPRESSED, None
    if value is None:
        return None, None
    if unit == "percent":
        return round(value / 100, 8), NUMBER_FORMATS["percent"]  # 87.46 → 0.8746, not 0.8745999999999999
    if unit == "count":
        return round(value), NUMBER_FORMATS["count"]
    return float(value), NUMBER_FORMATS.get(unit, "0.0")


def _header(ws: Any, report: PilotReport, words: _Words, title: str) -> None:
    """Rows 1-6: what, where, when."""
    _put(ws, 1, 1, title, font=TITLE_FONT)
    rows = ((AREA, f"{report.area.name} ({report.area.code})"),
            (PERIOD, words.period(report.period)),
            (PREVIOUS_PERIOD, words.period(report.previous_period)),
            (GENERATED, words.moment(report.generated_at)))
    for offset, (label, value) in enumerate(rows, start=2):
        _put(ws, offset, 1, words(label), font=BOLD)
        _put(ws, offset, 3, value)
    _put(ws, 6, 1, words(SUPPRESSED_NOTE), font=MUTED_FONT)


def _heading_height(texts: Sequence[str], width_chars: float) -> float:
    """A wrapped heading row's height in points (about 15 a line)."""
    lines = max((math.ceil(len(text) / max(width_chars, 1)) for text in texts), default=1)
    return min(15.0 * max(lines, 1) + 4, 150.0)


def _unit_sheet(wb: Any, report: PilotReport, level: str, units: list[ReportUnit], words: _Words) -> None:
    ws = wb.create_sheet(sheet_title(words.level(level)))
    _header(ws, report, words, f"{words(REPORT_TITLE)} – {words.level(level)}")
    names = {unit.code: unit.name for unit in report.units}
    fixed = [words(UNIT_CODE), words(UNIT_NAME), words(PARENT)]
    if level == "facility":
        fixed.append(words(OWNERSHIP))
    indicators = [i for i in report.indicators if _applies(i, level)]
    top, sub = TABLE_ROW, TABLE_ROW + 1
    for column, text in enumerate(fixed, start=1):
        _put(ws, top, column, text, font=BOLD, alignment=HEADING, border=True, fill=HEADER_FILL)
        _put(ws, sub, column, None, border=True, fill=HEADER_FILL)
        ws.merge_cells(start_row=top, start_column=column, end_row=sub, end_column=column)
    this_label = words(THIS_PERIOD_COLUMN, period=report.period.label)
    previous_label = words(PREVIOUS_COLUMN, period=report.previous_period.label)
    for index, indicator in enumerate(indicators):
        column = len(fixed) + 1 + 2 * index
        _put(ws, top, column, indicator.name, font=BOLD, alignment=HEADING, border=True, fill=HEADER_FILL)
        _put(ws, top, column + 1, None, border=True, fill=HEADER_FILL)
        ws.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + 1)
        _put(ws, sub, column, this_label, font=BOLD, alignment=HEADING, border=True, fill=HEADER_FILL)
        _put(ws, sub, column + 1, previous_label, font=BOLD, alignment=HEADING, border=True, fill=HEADER_FILL)
    value_width = 15
    ws.row_dimensions[top].height = _heading_height([i.name for i in indicators] + fixed, 2 * value_width * 1.1)
    ws.row_dimensions[sub].height = _heading_height([this_label, previous_label], value_width * 1.1)

    for row, unit in enumerate(units, start=sub + 1):
        parent = names.get(unit.parent_code or "", unit.parent_code or "")
        cells: list[object] = [unit.code, unit.name, parent]
        if level == "facility":
            cells.append("" if unit.public is None else words(PUBLIC if unit.public else NON_PUBLIC))
        for column, cell in enumerate(cells, start=1):
            _put(ws, row, column, cell, border=True)
        for index, indicator in enumerate(indicators):
            column = len(fixed) + 1 + 2 * index
            figure = unit.values.get(indicator.id, IndicatorValue())
            for offset, (value, suppressed) in enumerate(((figure.value, figure.suppressed),
                                                          (figure.previous, figure.previous_suppressed))):
                shown, number_format = _xlsx_value(value, suppressed, indicator.unit)
                _put(ws, row, column + offset, shown, number_format=number_format, border=True,
                     alignment=RIGHT if suppressed else None)

    longest = max((len(unit.name) for unit in units), default=10)
    widths = [max(12, min(max(len(unit.code) for unit in units) + 4, 20)), min(max(longest + 2, 24), 48),
              min(max(longest + 2, 20), 40)] + ([16] if level == "facility" else [])
    widths += [value_width] * (2 * len(indicators))
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    last_column = get_column_letter(len(widths))
    ws.freeze_panes = ws.cell(row=sub + 1, column=3)  # the headings and each unit's code and name stay in view
    ws.auto_filter.ref = f"A{sub}:{last_column}{sub + len(units)}"


def _table_sheet(wb: Any, report: PilotReport, words: _Words, name: str, title: str, headings: Sequence[str],
                 rows: Sequence[Sequence[object]], widths: Sequence[float],
                 formats: Sequence[str | None] = ()) -> Any:
    """A titled table under the report's header: headings on row 8, frozen, wrapped text."""
    ws = wb.create_sheet(sheet_title(words(name)))
    _header(ws, report, words, f"{words(REPORT_TITLE)} – {words(title)}")
    for column, text in enumerate(headings, start=1):
        _put(ws, TABLE_ROW, column, text, font=BOLD, alignment=HEADING, border=True, fill=HEADER_FILL)
    for row, values in enumerate(rows, start=TABLE_ROW + 1):
        for column, value in enumerate(values, start=1):
            number_format = formats[column - 1] if column - 1 < len(formats) else None
            _put(ws, row, column, value, number_format=number_format, border=True,
                 alignment=WRAP_TOP if isinstance(value, str) else None)
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = ws.cell(row=TABLE_ROW + 1, column=1)
    return ws


def _definitions_sheet(wb: Any, report: PilotReport, words: _Words) -> None:
    headings = [words(CODE), words(INDICATOR), words(DEFINITION), words(NUMERATOR), words(DENOMINATOR), words(UNIT),
                words(TARGET), words(COMPUTED_FOR)]
    rows = [[i.id, i.name, i.definition, i.numerator or "", i.denominator or "", words(UNIT_NAMES[i.unit]),
             None if i.target is None else (i.target / 100 if i.unit == "percent" else i.target),
             ", ".join(words.level(level) for level in i.levels)] for i in report.indicators]
    ws = _table_sheet(wb, report, words, DEFINITIONS, DEFINITIONS, headings, rows, (22, 36, 60, 40, 40, 14, 10, 30))
    for row, indicator in enumerate(report.indicators, start=TABLE_ROW + 1):
        if indicator.target is not None:
            integral = float(indicator.target).is_integer()
            ws.cell(row=row, column=7).number_format = (("0%" if integral else "0.0%") if indicator.unit == "percent"
                                                        else ("#,##0" if integral else "0.0"))


def _trend_sheet(wb: Any, report: PilotReport, words: _Words) -> None:
    rows = [[month.month, month.visits, month.check_ins] for month in report.trend]
    ws = _table_sheet(wb, report, words, TREND, TREND_TITLE, [words(MONTH), words(VISITS), words(CHECK_INS)], rows,
                      (12, 18, 18), (None, "#,##0", "#,##0"))
    if rows:
        chart = LineChart()
        chart.title = words(TREND_TITLE)
        chart.x_axis.title = words(MONTH)
        chart.y_axis.title = words(COUNT_AXIS)
        chart.height, chart.width = 9, 18
        chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=TABLE_ROW, max_row=TABLE_ROW + len(rows)),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=TABLE_ROW + 1, max_row=TABLE_ROW + len(rows)))
        ws.add_chart(chart, "E8")


def _assessment_sheet(wb: Any, report: PilotReport, words: _Words) -> None:
    assessment = report.assessment
    sections = ((EFFECTIVENESS, assessment.effectiveness), (DIFFICULTIES, assessment.difficulties),
                (PROPOSALS, assessment.proposals))
    rows: list[list[object]] = [[words(heading), text or words(NOT_WRITTEN)] for heading, text in sections]
    rows.append([words(WRITTEN_BY), assessment.written_by or ""])
    rows.append([words(WRITTEN_AT), words.moment(assessment.written_at) if assessment.written_at else ""])
    ws = _table_sheet(wb, report, words, ASSESSMENT, ASSESSMENT, [words(SECTION), words(CONTENT)], rows, (32, 100))
    for row, (_heading, text) in enumerate(sections, start=TABLE_ROW + 1):
        ws.cell(row=row, column=1).font = BOLD
        lines = sum(max(1, math.ceil(len(line) / 105)) for line in (text or "-").split("\n"))
        ws.row_dimensions[row].height = min(15.0 * lines + 4, 409.0)  # 409 points: Excel's tallest row


class _StampedZip(zipfile.ZipFile):
    """A ZIP whose every entry carries one given time, not the clock's: the same workbook, the same bytes."""

    def __init__(self, file: io.BytesIO, stamp: tuple[int, int, int, int, int, int]) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.stamp = stamp

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: int | None = None,
                 compresslevel: int | None = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        """openpyxl writes each worksheet to a temporary file and adds that: stamped too, not with its mtime."""
        with open(filename, "rb") as source:
            self.writestr(arcname or os.path.basename(filename), source.read(), compress_type, compresslevel)


def report_xlsx(report: PilotReport, language: str = "vi") -> bytes:
    """The report as a workbook: a sheet per level present, then definitions, refusal reasons, silent
    facilities, the 12-month trend and the assessment."""
    words = _Words(language)
    wb = Workbook()
    wb.remove(wb.active)
    for level in LEVELS:
        units = [unit for unit in report.units if str(unit.level) == level]
        if units:
            _unit_sheet(wb, report, level, units, words)
    _definitions_sheet(wb, report, words)
    _table_sheet(wb, report, words, REFUSALS, REFUSALS_TITLE, [words(NUMBER), words(FIELD), words(REFUSED_RECORDS)],
                 [[rank, reason.field, reason.count] for rank, reason in enumerate(report.refusal_reasons, start=1)],
                 (8, 36, 22), (None, None, "#,##0"))
    names = {unit.code: unit.name for unit in report.units}
    _table_sheet(wb, report, words, SILENT, SILENT_TITLE, [words(UNIT_CODE), words(UNIT_NAME)],
                 [[code, names.get(code, "")] for code in report.silent_facilities], (14, 48))
    _trend_sheet(wb, report, words)
    _assessment_sheet(wb, report, words)

    moment = report.generated_at if report.generated_at.tzinfo else report.generated_at.replace(tzinfo=VIETNAM_TZ)
    utc = moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    wb.properties.creator = words(BOOK)
    wb.properties.title = f"{words(REPORT_TITLE)} – {report.area.name} – {report.period.label}"
    wb.properties.language = words.language
    wb.properties.created = wb.properties.modified = utc
    buffer = io.BytesIO()
    local = moment.astimezone(VIETNAM_TZ)
    with _StampedZip(buffer, (max(local.year, 1980), local.month, local.day, local.hour, local.minute,
                              local.second)) as archive:
        ExcelWriter(wb, archive).write_data()  # what openpyxl's save does, without stamping "modified" with now
    return buffer.getvalue()


# ---------------------------------------------------------------- PDF

LEFT, RIGHT_MARGIN, TOP, BOTTOM = 25.0, 15.0, 18.0, 20.0  # mm: the binding side wider, as official papers
WIDTH = A4[0] - LEFT - RIGHT_MARGIN
BOTTOM_LIMIT = A4[1] - BOTTOM
TITLE_SIZE, SECTION_SIZE, SUBHEADING_SIZE, BODY, SMALL = 17.0, 14.0, 12.5, 12.0, 11.0  # pt; nothing under 11
GRID = (200, 206, 212)
HEAD_FILL = (220, 231, 243)
SECOND = (196, 98, 16)  # the trend's second line: orange, and dashed for a black-and-white printer
BAR_ROW = 7.0  # mm a bar takes
RANKED = 15  # units in the ranking chart: one page, even with names on two lines


class _Report(FPDF):
    def __init__(self, footer_text: str, page_label: Callable[[int], str]) -> None:
        super().__init__(unit="mm", format="A4")
        self.footer_text = footer_text
        self.page_label = page_label

    def footer(self) -> None:
        self.set_font(FONT, "", SMALL)
        self.set_text_color(*MUTED)
        y = A4[1] - BOTTOM + 7
        page = self.page_label(self.page_no())
        page_width = 32.0
        self.set_xy(LEFT, y)
        self.cell(WIDTH - page_width, _line(SMALL), _fit(self, self.footer_text, WIDTH - page_width - 2))
        self.set_xy(LEFT + WIDTH - page_width, y)
        self.cell(page_width, _line(SMALL), page, align=Align.R)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` in the current font, cut with an ellipsis to hold in `width` (the tables carry it in full)."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(pdf: FPDF, text: str, width: float, most: int) -> list[str]:
    """`text` in the current font as lines of `width`, at most `most` of them (the last cut when it must be)."""
    lines: list[str] = []
    for word in text.split():
        if lines and pdf.get_string_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > most:
        lines = [*lines[:most - 1], " ".join(lines[most - 1:])]
    return [_fit(pdf, line, width) for line in lines] or [""]


def _room(pdf: FPDF, height: float) -> None:
    """A new page unless `height` more millimetres hold above the bottom margin."""
    if pdf.get_y() + height > BOTTOM_LIMIT:
        pdf.add_page()


def _heading(pdf: FPDF, text: str, size: float, *, keep: float = 25.0, gap: float = 2.0) -> None:
    """A heading, kept on one page with at least `keep` millimetres of what follows it."""
    _room(pdf, _line(size) + keep)
    y = _paragraph(pdf, LEFT, pdf.get_y(), WIDTH, text, size, bold=True, colour=PRIMARY)
    pdf.set_y(y + gap)


def _text(pdf: FPDF, x: float, baseline: float, text: str, size: float, *, bold: bool = False,
          colour: tuple[int, int, int] = TEXT, align: str = "L", width: float | None = None) -> None:
    """A label at a baseline, left, right or centre aligned on `x`, cut to `width` when given."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*colour)
    if width is not None:
        text = _fit(pdf, text, width)
    shift = {"L": 0.0, "R": pdf.get_string_width(text), "C": pdf.get_string_width(text) / 2}[align]
    pdf.text(x - shift, baseline, text)


def _baseline(middle: float, size: float) -> float:
    """The baseline that centres a line of `size` points on `middle`."""
    return middle + size * PT * 0.35


def _nice_scale(top: float, steps: int = 5) -> tuple[float, list[float]]:
    """An axis from 0 to a round number at or above `top`, in whole steps of 1, 2 or 5 × 10ⁿ (at least 1)."""
    if top <= 0:
        return float(steps), [float(i) for i in range(steps + 1)]
    raw = top / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(step, 1.0)
    count = math.ceil(top / step - 1e-9)
    return count * step, [i * step for i in range(count + 1)]


def _legend(pdf: FPDF, y: float, items: Sequence[tuple[str, str, tuple[int, int, int]]]) -> float:
    """A row of legend entries (kind "bar", "line" or "dashed"); returns the row's bottom."""
    x = LEFT
    middle = y + _line(SMALL) / 2
    for kind, label, colour in items:
        pdf.set_draw_color(*colour)
        pdf.set_fill_color(*colour)
        if kind == "bar":
            pdf.rect(x, middle - 1.8, 6, 3.6, style="F")
            x += 8
        else:
            with pdf.local_context():
                pdf.set_line_width(0.7)
                if kind == "dashed":
                    pdf.set_dash_pattern(dash=1.6, gap=1.0)
                pdf.line(x, middle, x + 9, middle)
            x += 11
        pdf.set_font(FONT, "", SMALL)
        label = _fit(pdf, label, LEFT + WIDTH - x)
        _text(pdf, x, _baseline(middle, SMALL), label, SMALL)
        x += pdf.get_string_width(label) + 7
    return y + _line(SMALL) + 1.5


def _axis_label_vertical(pdf: FPDF, x: float, top: float, bottom: float, text: str) -> None:
    """A y-axis label, turned a quarter to read upwards, centred between `top` and `bottom`."""
    pdf.set_font(FONT, "", SMALL)
    text = _fit(pdf, text, bottom - top)
    start = (top + bottom) / 2 + pdf.get_string_width(text) / 2
    with pdf.rotation(90, x, start):
        _text(pdf, x, start, text, SMALL, colour=MUTED)


@dataclass(frozen=True)
class _Bar:
    label: str
    value: float | None  # None: hidden ("< 5") or not computed: no bar
    text: str  # printed at the bar's end


def _bar_chart(pdf: FPDF, *, title: str, bars: Sequence[_Bar], scale: float, ticks: Sequence[float],
               tick_text: Callable[[float], str], x_label: str, y_label: str,
               legend: Sequence[tuple[str, str, tuple[int, int, int]]], target: float | None = None,
               note: str | None = None, words: _Words) -> None:
    """Horizontal bars, one per unit, on as many pages as they need (axis and legend on each)."""
    label_x = LEFT
    plot_x0, plot_x1 = LEFT + 60, LEFT + WIDTH - 20
    span = plot_x1 - plot_x0
    fixed = _line(SUBHEADING_SIZE) + 2 + _line(SMALL) + 1.5 + _line(SMALL) + 0.5 + 2 + _line(SMALL) * 2 + 3 + (
        _line(SMALL) + 1 if note else 0)
    label_w = plot_x0 - 2 - label_x
    pdf.set_font(FONT, "", SMALL)
    rows = [(bar, _wrap(pdf, bar.label, label_w, 2)) for bar in bars]
    remaining, first = rows, True
    if not remaining:
        _room(pdf, fixed + 10)
        pdf.set_y(_paragraph(pdf, LEFT, pdf.get_y(), WIDTH, title, SUBHEADING_SIZE, bold=True) + 1)
        pdf.set_y(_paragraph(pdf, LEFT, pdf.get_y(), WIDTH, words(NO_DATA), BODY, colour=MUTED) + 4)
        return

    def height(lines: Sequence[str]) -> float:
        return BAR_ROW + _line(SMALL) * (len(lines) - 1)

    while remaining:
        room, whole = BOTTOM_LIMIT - pdf.get_y() - fixed, sum(height(lines) for _, lines in remaining)
        if room < sum(height(lines) for _, lines in remaining[:3]) or (
                room < whole <= BOTTOM_LIMIT - TOP - fixed):  # a chart that holds on one page is not split
            pdf.add_page()
        room, fit = BOTTOM_LIMIT - pdf.get_y() - fixed, 0
        while fit < len(remaining) and (fit == 0 or room >= height(remaining[fit][1])):
            room -= height(remaining[fit][1])
            fit += 1
        chunk, remaining = remaining[:fit], remaining[fit:]
        heading = title if first else words(CONTINUED, title=title)
        y = _paragraph(pdf, LEFT, pdf.get_y(), WIDTH, heading, SUBHEADING_SIZE, bold=True) + 2
        y = _legend(pdf, y, legend)
        if note and first:
            _text(pdf, LEFT, _baseline(y + _line(SMALL) / 2, SMALL), note, SMALL, colour=MUTED, width=WIDTH)
            y += _line(SMALL) + 1
        # The y-axis names the units: over their labels, level with the plot's top, so it never has to be cut.
        _text(pdf, plot_x0 - 2, _baseline(y + _line(SMALL) / 2, SMALL), y_label, SMALL, bold=True, align="R",
              colour=MUTED, width=label_w)
        top = y + _line(SMALL) + 0.5
        bottom = top + sum(height(lines) for _, lines in chunk)
        pdf.set_line_width(0.2)
        pdf.set_draw_color(*GRID)
        for tick in ticks:
            x = plot_x0 + span * tick / scale
            pdf.line(x, top, x, bottom)
        placed, row_top = [], top
        for bar, lines in chunk:  # the bars first, then the target line over them, then the words over both
            middle = row_top + height(lines) / 2
            end = plot_x0
            if bar.value is not None and bar.value > 0:
                end = plot_x0 + span * min(bar.value, scale) / scale
                pdf.set_fill_color(*PRIMARY)
                pdf.rect(plot_x0, middle - BAR_ROW * 0.3, end - plot_x0, BAR_ROW * 0.6, style="F")
            placed.append((bar, lines, middle, end))
            row_top += height(lines)
        pdf.set_draw_color(*TEXT)
        pdf.set_line_width(0.3)
        pdf.line(plot_x0, top, plot_x0, bottom)
        pdf.line(plot_x0, bottom, plot_x1, bottom)
        if target is not None and 0 <= target <= scale:
            x = plot_x0 + span * target / scale
            with pdf.local_context():
                pdf.set_draw_color(*DANGER)
                pdf.set_line_width(0.7)
                pdf.set_dash_pattern(dash=1.6, gap=1.0)
                pdf.line(x, top - 1, x, bottom + 1)
        for bar, lines, middle, end in placed:
            first_line = middle - _line(SMALL) * (len(lines) - 1) / 2
            for number, line in enumerate(lines):
                _text(pdf, plot_x0 - 2, _baseline(first_line + number * _line(SMALL), SMALL), line, SMALL,
                      align="R", width=label_w)
            pdf.set_font(FONT, "", SMALL)
            pdf.set_fill_color(255, 255, 255)
            pdf.rect(end + 0.6, middle - _line(SMALL) / 2 + 0.6, pdf.get_string_width(bar.text) + 1.2,
                     _line(SMALL) - 1.2, style="F")
            _text(pdf, end + 1.2, _baseline(middle, SMALL), bar.text, SMALL, width=LEFT + WIDTH - end - 1.2)
        for tick in ticks:
            x = plot_x0 + span * tick / scale
            pdf.set_draw_color(*TEXT)
            pdf.line(x, bottom, x, bottom + 1)
            _text(pdf, x, _baseline(bottom + 1 + _line(SMALL) / 2, SMALL), tick_text(tick), SMALL, align="C",
                  colour=MUTED)
        axis_y = bottom + 1 + _line(SMALL)
        _text(pdf, (plot_x0 + plot_x1) / 2, _baseline(axis_y + _line(SMALL) / 2, SMALL), x_label, SMALL,
              align="C", colour=MUTED, width=WIDTH - 10)
        pdf.set_y(axis_y + _line(SMALL) + 5)
        first = False


def _coverage_chart(pdf: FPDF, report: PilotReport, words: _Words) -> None:
    indicator = coverage_indicator(report)
    bars: list[_Bar] = []
    if indicator is not None:
        for unit in (unit for unit in report.units if str(unit.level) == "commune"):
            figure = unit.values.get(indicator.id)
            if figure is None:
                continue
            shown = None if figure.suppressed else figure.value
            bars.append(_Bar(unit.name, shown, words.value(figure.value, figure.suppressed, "percent")))
    bars.sort(key=lambda bar: (bar.value is None, -(bar.value or 0), bar.label))
    top = max((bar.value or 0 for bar in bars), default=0)
    scale, ticks = (100.0, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]) if top <= 100 else _nice_scale(top)
    legend = [("bar", indicator.name if indicator else words(COVERAGE_CHART), PRIMARY)]
    target = indicator.target if indicator is not None else None
    if indicator is not None and target is not None:
        legend.append(("dashed", words(TARGET_LEGEND, value=words.target(indicator)), DANGER))
    _bar_chart(pdf, title=words(COVERAGE_CHART), bars=bars, scale=scale, ticks=ticks,
               tick_text=lambda tick: f"{words.number(tick)}%", x_label=indicator.name if indicator else "",
               y_label=words.level("commune"), legend=legend, target=target, words=words)


def _ranking_chart(pdf: FPDF, report: PilotReport, words: _Words) -> None:
    indicator = visits_indicator(report)
    level, bars = "facility", []
    if indicator is not None:
        for level in ("facility", "commune"):
            units = [unit for unit in report.units if str(unit.level) == level and indicator.id in unit.values]
            if units:
                break
        for unit in units:
            figure = unit.values[indicator.id]
            if figure.value is None and not figure.suppressed:
                continue
            shown = None if figure.suppressed else figure.value
            bars.append(_Bar(unit.name, shown, words.value(figure.value, figure.suppressed, "count")))
    bars.sort(key=lambda bar: (bar.value is None, -(bar.value or 0), bar.label))
    total, bars = len(bars), bars[:RANKED]
    scale, ticks = _nice_scale(max((bar.value or 0 for bar in bars), default=0))
    note = words(SHOWING_FIRST, shown=len(bars), total=total) if total > len(bars) else None
    _bar_chart(pdf, title=words(RANKING_FACILITIES if level == "facility" else RANKING_COMMUNES), bars=bars,
               scale=scale, ticks=ticks, tick_text=words.number,
               x_label=indicator.name if indicator else words(VISITS), y_label=words.level(level),
               legend=[("bar", indicator.name if indicator else words(VISITS), PRIMARY)], note=note, words=words)


def _trend_chart(pdf: FPDF, report: PilotReport, words: _Words) -> None:
    """Visits and check-ins, month by month: two lines, the second dashed, over a grid."""
    title = words(TREND_TITLE)
    plot_h = 62.0
    height = _line(SUBHEADING_SIZE) + 2 + _line(SMALL) + 1.5 + plot_h + 3 * _line(SMALL) + 8
    _room(pdf, height)
    y = _paragraph(pdf, LEFT, pdf.get_y(), WIDTH, title, SUBHEADING_SIZE, bold=True) + 2
    months = report.trend
    if not months:
        pdf.set_y(_paragraph(pdf, LEFT, y, WIDTH, words(NO_DATA), BODY, colour=MUTED) + 4)
        return
    y = _legend(pdf, y, [("line", words(VISITS), PRIMARY), ("dashed", words(CHECK_INS), SECOND)])
    top, bottom = y + 2, y + 2 + plot_h
    scale, ticks = _nice_scale(max(max(m.visits, m.check_ins) for m in months))
    pdf.set_font(FONT, "", SMALL)
    tick_w = max(pdf.get_string_width(words.number(tick)) for tick in ticks)
    x0, x1 = LEFT + 8 + tick_w + 2, LEFT + WIDTH - 2
    slot = (x1 - x0) / len(months)

    def point(index: int, count: int) -> tuple[float, float]:
        return x0 + slot * (index + 0.5), bottom - plot_h * count / scale

    pdf.set_line_width(0.2)
    for tick in ticks:
        ty = bottom - plot_h * tick / scale
        pdf.set_draw_color(*GRID)
        pdf.line(x0, ty, x1, ty)
        _text(pdf, x0 - 2, _baseline(ty, SMALL), words.number(tick), SMALL, align="R", colour=MUTED)
    pdf.set_draw_color(*TEXT)
    pdf.set_line_width(0.3)
    pdf.line(x0, top, x0, bottom)
    pdf.line(x0, bottom, x1, bottom)
    year_row = bottom + 1 + _line(SMALL)
    for index, month in enumerate(months):
        x = x0 + slot * (index + 0.5)
        pdf.line(x, bottom, x, bottom + 1)
        year, _, number = month.month.partition("-")
        _text(pdf, x, _baseline(bottom + 1 + _line(SMALL) / 2, SMALL), str(int(number)) if number.isdigit() else
              month.month, SMALL, align="C", colour=MUTED, width=slot)
        if index == 0 or number == "01":
            _text(pdf, x, _baseline(year_row + _line(SMALL) / 2, SMALL), year, SMALL, align="C", colour=MUTED)
    for values, colour, dashed in (([m.visits for m in months], PRIMARY, False),
                                   ([m.check_ins for m in months], SECOND, True)):
        points = [point(index, value) for index, value in enumerate(values)]
        with pdf.local_context():
            pdf.set_draw_color(*colour)
            pdf.set_fill_color(*colour)
            pdf.set_line_width(0.7)
            if dashed:
                pdf.set_dash_pattern(dash=1.6, gap=1.0)
            for start, end in itertools.pairwise(points):
                pdf.line(*start, *end)
        pdf.set_fill_color(*colour)
        for px, py in points:
            if dashed:
                pdf.rect(px - 0.9, py - 0.9, 1.8, 1.8, style="F")
            else:
                pdf.circle(px, py, 1.0, style="F")
    axis_y = year_row + _line(SMALL)
    _text(pdf, (x0 + x1) / 2, _baseline(axis_y + _line(SMALL) / 2, SMALL), words(MONTH), SMALL, align="C",
          colour=MUTED)
    _axis_label_vertical(pdf, LEFT + 4, top, bottom, words(COUNT_AXIS))
    pdf.set_y(axis_y + _line(SMALL) + 5)


def _table(pdf: FPDF, headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
           aligns: Sequence[str]) -> None:
    """A ruled table across the text width; its headings repeat on every page it runs to."""
    _room(pdf, 4 * _line(BODY) + 8)
    pdf.set_font(FONT, "", BODY)
    pdf.set_text_color(*TEXT)
    pdf.set_draw_color(*GRID)
    pdf.set_fill_color(255, 255, 255)  # the charts leave theirs behind
    pdf.set_line_width(0.2)
    style = FontFace(family=FONT, emphasis="BOLD", color=PRIMARY, fill_color=HEAD_FILL)
    with pdf.table(width=WIDTH, col_widths=tuple(widths), text_align=tuple(aligns), line_height=_line(BODY, 1.25),
                   headings_style=style, padding=(1.2, 1.8), cell_fill_mode=TableCellFillMode.NONE,
                   repeat_headings=1) as table:
        for values in [headings, *rows]:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.set_y(pdf.get_y() + 5)


def _indicator_table(pdf: FPDF, report: PilotReport, words: _Words) -> None:
    unit = area_unit(report)
    level = str(report.area.level)
    rows = []
    for indicator in report.indicators:
        figure = unit.values.get(indicator.id) if unit is not None else None
        if figure is None and not _applies(indicator, level):
            continue
        figure = figure or IndicatorValue()
        rows.append([indicator.name, words.value(figure.value, figure.suppressed, indicator.unit),
                     words.value(figure.previous, figure.previous_suppressed, indicator.unit),
                     words.target(indicator)])
    _heading(pdf, words(AREA_INDICATORS), SUBHEADING_SIZE)
    _table(pdf, [words(INDICATOR), words(THIS_PERIOD), words(PREVIOUS_PERIOD), words(TARGET)], rows,
           (88, 28, 28, 26), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))
    pdf.set_y(_paragraph(pdf, LEFT, pdf.get_y() - 3, WIDTH, words(SUPPRESSED_NOTE), SMALL, colour=MUTED) + 5)


def _refusals(pdf: FPDF, report: PilotReport, words: _Words) -> None:
    _heading(pdf, words(REFUSALS_TITLE), SUBHEADING_SIZE)
    if report.refusal_reasons:
        _table(pdf, [words(NUMBER), words(FIELD), words(REFUSED_RECORDS)],
               [[str(rank), reason.field, words.number(reason.count)]
                for rank, reason in enumerate(report.refusal_reasons, start=1)],
               (14, 106, 50), ("CENTER", "LEFT", "RIGHT"))
    else:
        pdf.set_y(_paragraph(pdf, LEFT, pdf.get_y(), WIDTH, words(NONE), BODY) + 5)
    _heading(pdf, words(SILENT_TITLE), SUBHEADING_SIZE, keep=10)
    names = {unit.code: unit.name for unit in report.units}
    silent = "; ".join(f"{names[code]} ({code})" if code in names else code for code in report.silent_facilities)
    pdf.set_y(_paragraph(pdf, LEFT, pdf.get_y(), WIDTH, silent or words(NONE), BODY) + 6)


def _section_text(pdf: FPDF, heading: str, text: str, words: _Words) -> None:
    _heading(pdf, heading, SECTION_SIZE, keep=15, gap=2.5)
    if text.strip():
        pdf.set_y(_paragraph(pdf, LEFT, pdf.get_y(), WIDTH, _clean(text).strip(), BODY) + 7)
    else:
        pdf.set_y(_paragraph(pdf, LEFT, pdf.get_y(), WIDTH, words(NOT_WRITTEN), BODY, colour=MUTED) + 7)


def _signature(pdf: FPDF, report: PilotReport, words: _Words) -> None:
    """Right half: the dateline, "NGƯỜI LẬP BÁO CÁO", room to sign, the name."""
    assessment = report.assessment
    _room(pdf, 50)
    x, width = LEFT + WIDTH / 2, WIDTH / 2
    y = pdf.get_y() + 4
    if assessment.written_at is not None:
        y = _paragraph(pdf, x, y, width, words.signature_date(assessment.written_at), BODY, align=Align.C)
    y = _paragraph(pdf, x, y + 1, width, words(PREPARED_BY), BODY, bold=True, align=Align.C)
    if assessment.written_at is not None:
        y = _paragraph(pdf, x, y, width, words(ASSESSMENT_WRITTEN, time=words.moment(assessment.written_at)), SMALL,
                       colour=MUTED, align=Align.C)
    y += 22  # to sign by hand
    if assessment.written_by:
        y = _paragraph(pdf, x, y, width, _clean(assessment.written_by), BODY, bold=True, align=Align.C)
    else:
        y = _paragraph(pdf, x, y, width, words(NO_AUTHOR), SMALL, colour=MUTED, align=Align.C)
    pdf.set_y(y)


def report_pdf(report: PilotReport, language: str = "vi") -> bytes:
    """The report to sign and send upward: A4 portrait, the figures with their charts, then the official's
    assessment, difficulties and proposals, and who wrote them when."""
    words = _Words(language)
    area_period = f"{report.area.name} · {words.period_name(report.period)}"
    pdf = _Report(area_period,
                  lambda page: words(GUIDE_PAGE).format(page=page, pages="{nb}"))
    _setup(pdf, words.language, f"{words(REPORT_TITLE)} – {area_period}")
    pdf.set_margins(LEFT, TOP, RIGHT_MARGIN)
    pdf.set_auto_page_break(True, BOTTOM)
    pdf.c_margin = 1.0
    moment = report.generated_at if report.generated_at.tzinfo else report.generated_at.replace(tzinfo=VIETNAM_TZ)
    pdf.set_creation_date(moment)
    pdf.set_subject(area_period)
    pdf.set_author(report.assessment.written_by or words(BOOK))
    pdf.add_page()

    y = _paragraph(pdf, LEFT, TOP, WIDTH, words(REPORT_TITLE).upper(), TITLE_SIZE, bold=True, colour=PRIMARY,
                   align=Align.C) + 2
    area = words(AREA_LINE, name=report.area.name, level=words.level(report.area.level), code=report.area.code)
    y = _paragraph(pdf, LEFT, y, WIDTH, area, SUBHEADING_SIZE, bold=True, align=Align.C) + 1
    y = _paragraph(pdf, LEFT, y, WIDTH, words(PERIOD_LINE, period=words.period(report.period)), BODY,
                   align=Align.C)
    y = _paragraph(pdf, LEFT, y, WIDTH, words(PREVIOUS_LINE, period=words.period(report.previous_period)), SMALL,
                   colour=MUTED, align=Align.C)
    y = _paragraph(pdf, LEFT, y, WIDTH, words(GENERATED_LINE, time=words.moment(report.generated_at)), SMALL,
                   colour=MUTED, align=Align.C) + 3
    pdf.set_draw_color(*PRIMARY)
    pdf.set_line_width(0.6)
    pdf.line(LEFT, y, LEFT + WIDTH, y)
    pdf.set_xy(LEFT, y + 6)

    _heading(pdf, words(RESULTS), SECTION_SIZE, gap=3)
    _indicator_table(pdf, report, words)
    _coverage_chart(pdf, report, words)
    _trend_chart(pdf, report, words)
    _ranking_chart(pdf, report, words)
    _refusals(pdf, report, words)

    assessment = report.assessment
    _section_text(pdf, words(EFFECTIVENESS), assessment.effectiveness, words)
    _section_text(pdf, words(DIFFICULTIES), assessment.difficulties, words)
    _section_text(pdf, words(PROPOSALS), assessment.proposals, words)
    _signature(pdf, report, words)
    pdf.set_xy(LEFT, pdf.get_y())
    pdf.set_font(FONT, "", BODY)
    return bytes(pdf.output())


__all__ = ["area_unit", "coverage_indicator", "report_pdf", "report_xlsx", "sheet_title", "visits_indicator"]
