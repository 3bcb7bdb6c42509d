"""The pilot report's files, read back the way the statistician and the official would: the workbook opened
with openpyxl (its sheets, every figure of every unit, "< 5" where a figure is hidden, the definitions), and
the PDF read with pypdf (A4, the four sections in order, the charts' titles, the assessment, large type, no
text off the page). The words are compared with the catalog's translation, so the tests hold before and after
the Vietnamese catalog has them; `test_the_words_are_the_plans_vietnamese` checks that translation itself."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date, datetime
from functools import cache

import pytest
from fpdf import FPDF
from openpyxl import load_workbook
from pypdf import PdfReader

from api_client.models import (
    VIETNAM_TZ,
    Area,
    AreaLevel,
    IndicatorDefinition,
    IndicatorValue,
    MonthTrend,
    PilotReport,
    RefusalReason,
    ReportAssessment,
    ReportPeriod,
    ReportPeriodKind,
    ReportUnit,
)
from locales import translations
from server.printing import FONT_DIR
from server.reports import export
from server.reports.export import report_pdf, report_xlsx, sheet_title

MM_PER_PT = 25.4 / 72
P, D, C, F = AreaLevel.PROVINCE, AreaLevel.DISTRICT, AreaLevel.COMMUNE, "facility"


def vi(msgid: str, **params: object) -> str:
    text = translations("vi").gettext(msgid)
    return text.format(**params) if params else text


def flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- a report built by hand

INDICATORS = [
    IndicatorDefinition(id="residents", name="Người dân trong sổ đăng ký", unit="count", levels=[P, D, C],
                        definition="Người đang sống trên địa bàn, theo sổ đăng ký dân cư, vào ngày cuối kỳ."),
    IndicatorDefinition(id="permanent_with_book_pct", name="Người thường trú có sổ sức khỏe điện tử",
                        definition="Tỷ lệ người thường trú đang sống có sổ sức khỏe điện tử.",
                        numerator="Người thường trú có sổ", denominator="Người thường trú đang sống",
                        unit="percent", target=95, levels=[P, D, C]),
    IndicatorDefinition(id="assisted_activations", name="Kích hoạt có tình nguyện viên hỗ trợ", unit="count",
                        definition="Người dân được Tổ công nghệ số cộng đồng giúp kích hoạt trong kỳ.",
                        levels=[P, D, C]),
    IndicatorDefinition(id="visits_received", name="Lượt khám đã nhận", unit="count", levels=[P, D, C, F],
                        definition="Lượt khám cơ sở y tế gửi vào sổ trong kỳ."),
    IndicatorDefinition(id="receipt_to_visible_median_seconds", name="Từ lúc nhận đến lúc hiển thị: trung vị",
                        definition="Trung vị thời gian từ lúc nhận hồ sơ đến lúc hiển thị trong sổ.",
                        unit="seconds", levels=[P, F]),
    IndicatorDefinition(id="receipt_to_visible_within_24h_pct", name="Hiển thị trong vòng 24 giờ sau khi nhận",
                        definition="Tỷ lệ hồ sơ hiển thị trong sổ trong vòng 24 giờ kể từ lúc nhận.",
                        numerator="Hồ sơ hiển thị trong 24 giờ", denominator="Hồ sơ được chấp nhận",
                        unit="percent", target=100, levels=[P, D, F]),
]


def value(current: float | None, previous: float | None = None, *, hidden: bool = False,
          previous_hidden: bool = False) -> IndicatorValue:
    return IndicatorValue(value=None if hidden else current, suppressed=hidden,
                          previous=None if previous_hidden else previous, previous_suppressed=previous_hidden)


def unit(code: str, name: str, level, parent: str | None, public: bool | None = None, **values) -> ReportUnit:
    return ReportUnit(code=code, name=name, level=level, parent_code=parent, public=public, values=values)


UNITS = [
    unit("91", "Kiên Giang", P, None, residents=value(25_310, 25_280),
         permanent_with_book_pct=value(87.46, 81.2), assisted_activations=value(212, previous_hidden=True),
         visits_received=value(1_843, 1_610), receipt_to_visible_median_seconds=value(2.4, 3.1),
         receipt_to_visible_within_24h_pct=value(99.8, 99.1)),
    unit("899", "Thành phố Rạch Giá", D, "91", residents=value(15_120, 15_100),
         permanent_with_book_pct=value(91.3, 85.0), assisted_activations=value(150, 98),
         visits_received=value(1_501, 1_322), receipt_to_visible_within_24h_pct=value(99.9, 99.5)),
    unit("904", "Huyện Châu Thành", D, "91", residents=value(10_190, 10_180),
         permanent_with_book_pct=value(81.75, 75.5), assisted_activations=value(62, 40),
         visits_received=value(342, 288), receipt_to_visible_within_24h_pct=value(99.4, 97.0)),
    unit("30757", "Phường Vĩnh Thanh Vân", C, "899", residents=value(8_020, 8_010),
         permanent_with_book_pct=value(96.2, 90.4), assisted_activations=value(88, 51),
         visits_received=value(1_204, 1_050)),
    unit("30760", "Phường Vĩnh Lạc", C, "899", residents=value(7_100, 7_090),
         permanent_with_book_pct=value(85.9, 79.0), assisted_activations=value(62, 47),
         visits_received=value(297, 272)),
    unit("30889", "Xã Minh Lương", C, "904", residents=value(10_190, 10_180),
         permanent_with_book_pct=value(81.75, 75.5), assisted_activations=value(None, 6, hidden=True),
         visits_received=value(342, 288)),
    unit("91001", "Bệnh viện Đa khoa tỉnh Kiên Giang", F, "30757", public=True,
         visits_received=value(1_839, 1_602), receipt_to_visible_median_seconds=value(2.4, 3.0),
         receipt_to_visible_within_24h_pct=value(99.8, 99.1)),
    unit("91160", "Phòng khám Đa khoa Hòa Hảo", F, "30760", public=False,
         visits_received=value(None, 8, hidden=True), receipt_to_visible_median_seconds=value(5.0, 4.0),
         receipt_to_visible_within_24h_pct=value(None, hidden=True, previous_hidden=True)),
]

EFFECTIVENESS_TEXT = ("Sau ba tháng triển khai, 87,5% người thường trú của tỉnh đã có sổ sức khỏe điện tử; phường "
                      "Vĩnh Thanh Vân đã đạt chỉ tiêu 95%.\nNgười dân đi khám mang mã QR thay cho sổ giấy.")
DIFFICULTIES_TEXT = "Nhiều người cao tuổi ở xã Minh Lương chưa có điện thoại thông minh."
PROPOSALS_TEXT = "Đề nghị Sở Y tế hỗ trợ in thẻ khám bệnh cho người cao tuổi và bổ sung tình nguyện viên."
AUTHOR = "Trần Thị Bích Ngọc"


def pilot_report(**changes) -> PilotReport:
    report = PilotReport(
        area=Area(code="91", name="Kiên Giang", level=AreaLevel.PROVINCE),
        period=ReportPeriod(label="2026-11", kind=ReportPeriodKind.MONTH, start=date(2026, 11, 1),
                            end=date(2026, 11, 30)),
        previous_period=ReportPeriod(label="2026-10", kind=ReportPeriodKind.MONTH, start=date(2026, 10, 1),
                                     end=date(2026, 10, 31)),
        generated_at=datetime(2026, 12, 2, 8, 15, tzinfo=VIETNAM_TZ),
        indicators=INDICATORS,
        units=UNITS,
        refusal_reasons=[RefusalReason(field="XML1.MA_THE_BHYT", count=41), RefusalReason(field="signature", count=17),
                         RefusalReason(field="XML1.NGAY_RA", count=6)],
        silent_facilities=["91160", "91999"],
        trend=[MonthTrend(month=month, visits=visits, check_ins=check_ins) for month, visits, check_ins in zip(
            ["2025-12"] + [f"2026-{number:02d}" for number in range(1, 12)],
            (0, 0, 15, 120, 310, 520, 700, 860, 1020, 1290, 1610, 1843),
            (0, 0, 9, 80, 240, 420, 610, 790, 940, 1180, 1490, 1702), strict=True)],
        assessment=ReportAssessment(effectiveness=EFFECTIVENESS_TEXT, difficulties=DIFFICULTIES_TEXT,
                                    proposals=PROPOSALS_TEXT, written_by=AUTHOR,
                                    written_at=datetime(2026, 12, 2, 14, 30, tzinfo=VIETNAM_TZ)),
    )
    return report.model_copy(update=changes)


def many_units_report() -> PilotReport:
    """A province of 150 communes and 40 facilities, and long texts: the charts and sections run over pages."""
    communes = [unit(f"{30000 + n}", f"Xã Thử Nghiệm Số {n} Có Tên Khá Dài Để Cắt", C, "899",
                     residents=value(1000 + n), permanent_with_book_pct=value(40 + n * 0.4, hidden=n % 37 == 0),
                     visits_received=value(n * 3)) for n in range(150)]
    facilities = [unit(f"{91200 + n}", f"Trạm Y tế Xã Thử Nghiệm Số {n}", F, f"{30000 + n}", public=n % 3 > 0,
                       visits_received=value(n * 7, hidden=n == 1)) for n in range(40)]
    long_text = " ".join(["Người dân được hướng dẫn mở sổ tại trạm y tế xã và tại nhà văn hóa thôn."] * 120)
    return pilot_report(units=UNITS[:3] + communes + facilities,
                        assessment=ReportAssessment(effectiveness=long_text, difficulties=long_text, proposals="",
                                                    written_by=AUTHOR, written_at=datetime(2026, 12, 2, 14, 30)))


# ---------------------------------------------------------------- XLSX

LEVEL_SHEETS = [sheet_title(vi(export.LEVEL_NAMES[level])) for level in ("province", "district", "commune",
                                                                          "facility")]
OTHER_SHEETS = [sheet_title(vi(msgid)) for msgid in (export.DEFINITIONS, export.REFUSALS, export.SILENT,
                                                     export.TREND, export.ASSESSMENT)]


def workbook(data: bytes):
    assert data.startswith(b"PK")
    return load_workbook(io.BytesIO(data))


def cells(ws) -> list[str]:
    return [str(cell.value) for row in ws.iter_rows() for cell in row if cell.value is not None]


def table(ws, language: str = "vi") -> tuple[int, dict[str, int], dict[str, int]]:
    """The unit sheet's heading row, the columns of each indicator (by name) and the row of each unit (by code)."""
    _ = translations(language).gettext
    heading = next(row for row in range(1, 20) if ws.cell(row=row, column=1).value == _(export.UNIT_CODE))
    fixed = {_(msgid) for msgid in (export.UNIT_CODE, export.UNIT_NAME, export.PARENT, export.OWNERSHIP)}
    columns = {ws.cell(row=heading, column=column).value: column for column in range(1, ws.max_column + 1)
               if ws.cell(row=heading, column=column).value not in fixed | {None}}
    rows = {ws.cell(row=row, column=1).value: row for row in range(heading + 2, ws.max_row + 1)}
    return heading, columns, rows


def test_workbook_has_a_sheet_per_level_then_definitions_refusals_silent_trend_and_assessment():
    wb = workbook(report_xlsx(pilot_report()))
    assert wb.sheetnames == LEVEL_SHEETS + OTHER_SHEETS
    assert all(len(name) <= 31 and "/" not in name for name in wb.sheetnames)


def test_a_level_absent_from_the_report_has_no_sheet():
    district = pilot_report(area=Area(code="899", name="Thành phố Rạch Giá", level=AreaLevel.DISTRICT,
                                      parent_code="91"),
                            units=[UNITS[1], UNITS[3], UNITS[4], UNITS[6], UNITS[7]])
    assert workbook(report_xlsx(district)).sheetnames == LEVEL_SHEETS[1:] + OTHER_SHEETS


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_figure_of_every_unit_is_in_its_levels_sheet_hidden_ones_as_less_than_5(language):
    report = pilot_report()
    wb = workbook(report_xlsx(report, language))
    _ = translations(language).gettext
    hidden_seen = 0
    for level, name in zip(("province", "district", "commune", "facility"), LEVEL_SHEETS, strict=True):
        ws = wb[sheet_title(_(export.LEVEL_NAMES[level]))] if language != "vi" else wb[name]
        _heading, columns, rows = table(ws, language)
        indicators = [i for i in report.indicators if level in i.levels]
        assert list(columns) == [i.name for i in indicators], "only the indicators computed at this level, in order"
        units = [u for u in report.units if u.level == level]
        assert list(rows) == [u.code for u in units]
        for u in units:
            row = rows[u.code]
            assert ws.cell(row=row, column=2).value == u.name
            for indicator in indicators:
                figure = u.values.get(indicator.id, IndicatorValue())
                for offset, (number, hidden) in enumerate(((figure.value, figure.suppressed),
                                                           (figure.previous, figure.previous_suppressed))):
                    cell = ws.cell(row=row, column=columns[indicator.name] + offset)
                    where = f"{level} {u.code} {indicator.id} {'previous' if offset else 'value'}"
                    if hidden:
                        assert cell.value == "< 5", where
                        hidden_seen += 1
                    elif number is None:
                        assert cell.value is None, where
                    elif indicator.unit == "percent":
                        assert cell.value == pytest.approx(number / 100), where
                        assert "%" in cell.number_format, where
                    elif indicator.unit == "count":
                        assert cell.value == number and isinstance(cell.value, int), where
                    else:
                        assert cell.value == pytest.approx(number), where
    assert hidden_seen == 5


def test_unit_sheets_say_where_and_when_name_the_parent_freeze_the_headings_and_give_room():
    report = pilot_report()
    wb = workbook(report_xlsx(report))
    communes = wb[LEVEL_SHEETS[2]]
    header = " ".join(cells(communes)[:12])
    assert "Kiên Giang" in header
    assert vi(export.PERIOD_MONTH, month=11, year=2026) in header
    assert vi(export.PERIOD_MONTH, month=10, year=2026) in header
    assert "8:15, 2/12/2026" in header
    heading, columns, rows = table(communes)
    assert communes.freeze_panes == f"C{heading + 2}"
    assert communes.cell(row=rows["30889"], column=3).value == "Huyện Châu Thành"
    this, before = (communes.cell(row=heading + 1, column=columns["Lượt khám đã nhận"] + offset).value
                    for offset in (0, 1))
    assert "2026-11" in this and "2026-10" in before
    assert communes.column_dimensions["B"].width >= 20
    facilities = wb[LEVEL_SHEETS[3]]
    _, _, rows = table(facilities)
    assert facilities.cell(row=rows["91001"], column=4).value == vi(export.PUBLIC)
    assert facilities.cell(row=rows["91160"], column=4).value == vi(export.NON_PUBLIC)


def test_definitions_sheet_lists_every_indicator_with_its_numerator_denominator_unit_and_target():
    report = pilot_report()
    ws = workbook(report_xlsx(report))[OTHER_SHEETS[0]]
    rows = {row[1]: row for row in ws.iter_rows(min_row=1, values_only=True) if row[0] in {i.id for i in INDICATORS}}
    assert list(rows) == [i.name for i in report.indicators]
    for indicator in report.indicators:
        row = rows[indicator.name]
        assert row[2] == indicator.definition
        assert row[3] == (indicator.numerator or None) and row[4] == (indicator.denominator or None)
        assert row[5] == vi(export.UNIT_NAMES[indicator.unit])
    assert rows["Người thường trú có sổ sức khỏe điện tử"][6] == pytest.approx(0.95)
    assert rows["Người dân trong sổ đăng ký"][6] is None


def test_refusals_silent_facilities_trend_and_assessment_sheets_hold_the_report():
    report = pilot_report()
    wb = workbook(report_xlsx(report))
    refusals = list(wb[OTHER_SHEETS[1]].iter_rows(min_row=export.TABLE_ROW + 1, values_only=True))
    assert [(field, count) for _, field, count in refusals] == [("XML1.MA_THE_BHYT", 41), ("signature", 17),
                                                                 ("XML1.NGAY_RA", 6)]
    silent = list(wb[OTHER_SHEETS[2]].iter_rows(min_row=export.TABLE_ROW + 1, max_col=2, values_only=True))
    assert silent == [("91160", "Phòng khám Đa khoa Hòa Hảo"), ("91999", None)]
    trend = list(wb[OTHER_SHEETS[3]].iter_rows(min_row=export.TABLE_ROW + 1, max_col=3, values_only=True))
    assert trend == [(m.month, m.visits, m.check_ins) for m in report.trend] and len(trend) == 12
    assert trend[0][0] == "2025-12" and trend[-1][0] == "2026-11"
    assert len(wb[OTHER_SHEETS[3]]._charts) == 1
    assessment = wb[OTHER_SHEETS[4]]
    texts = cells(assessment)
    for text in (vi(export.EFFECTIVENESS), EFFECTIVENESS_TEXT, vi(export.DIFFICULTIES), DIFFICULTIES_TEXT,
                 vi(export.PROPOSALS), PROPOSALS_TEXT, AUTHOR, "14:30, 2/12/2026"):
        assert text in texts


def test_text_that_looks_like_a_formula_stays_text():
    sneaky = "=HYPERLINK(\"http://example.invalid\",\"xem\")"
    report = pilot_report(assessment=ReportAssessment(effectiveness=sneaky, written_by="=1+1"))
    ws = workbook(report_xlsx(report))[OTHER_SHEETS[4]]
    found = [cell for row in ws.iter_rows() for cell in row if cell.value in (sneaky, "=1+1")]
    assert len(found) == 2 and all(cell.data_type == "s" for cell in found)


def test_unwritten_sections_say_so():
    report = pilot_report(assessment=ReportAssessment())
    assert vi(export.NOT_WRITTEN) in cells(workbook(report_xlsx(report))[OTHER_SHEETS[4]])


# ---------------------------------------------------------------- PDF


class Page:
    """A page as read back: its size, its text, and every run of text with its size and where it starts."""

    def __init__(self, page) -> None:
        self.width_pt, self.height_pt = float(page.mediabox.width), float(page.mediabox.height)
        self.runs: list[tuple[str, float, float, float, bool]] = []  # text, size, x, y, upright

        def on_text(text, cm, tm, font_dict, font_size) -> None:
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = (abs(tm[3]) or abs(tm[2])) * (abs(cm[3]) or abs(cm[2]))
            self.runs.append((text, font_size * scale, x, y, cm[1] == 0 and tm[1] == 0))

        self.text = flat(page.extract_text(visitor_text=on_text))


def read(pdf: bytes) -> list[Page]:
    assert pdf.startswith(b"%PDF-")
    return [Page(page) for page in PdfReader(io.BytesIO(pdf)).pages]


def text_of(pages: list[Page]) -> str:
    return " ".join(page.text for page in pages)


@cache
def measure() -> FPDF:
    pdf = FPDF(unit="pt")
    pdf.add_font("DejaVu", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    return pdf


def widest(text: str, size: float) -> float:
    """The width of `text` in points as fpdf2 lays it out, in the bold face (the wider)."""
    measure().set_font("DejaVu", "B", size)
    return measure().get_string_width(text)


def assert_on_the_page(pages: list[Page]) -> None:
    for number, page in enumerate(pages, start=1):
        for text, size, x, y, upright in page.runs:
            where = f"page {number}: {text!r} at ({x:.1f}, {y:.1f})"
            assert -0.5 <= x <= page.width_pt + 0.5 and -0.5 <= y <= page.height_pt + 0.5, where
            if upright:
                assert x + widest(text.rstrip(), size) * 0.97 <= page.width_pt, where
                assert y >= 20, f"{where}: in the bottom margin"


def test_pdf_is_a4_with_the_title_block_and_the_four_sections_in_order():
    pages = read(report_pdf(pilot_report()))
    assert 2 <= len(pages) <= 6
    for page in pages:
        assert page.width_pt * MM_PER_PT == pytest.approx(210, abs=0.5)
        assert page.height_pt * MM_PER_PT == pytest.approx(297, abs=0.5)
    text = text_of(pages)
    assert vi(export.REPORT_TITLE).upper() in pages[0].text
    assert "Kiên Giang" in pages[0].text
    assert vi(export.PERIOD_MONTH, month=11, year=2026) in pages[0].text
    assert "1/11/2026" in pages[0].text and "30/11/2026" in pages[0].text
    assert "2/12/2026" in pages[0].text
    headings = [vi(msgid) for msgid in (export.RESULTS, export.EFFECTIVENESS, export.DIFFICULTIES, export.PROPOSALS)]
    places = [text.find(heading) for heading in headings]
    assert all(place >= 0 for place in places), headings
    assert places == sorted(places)


def test_pdf_results_hold_the_area_figures_the_three_charts_and_the_refusals():
    pages = read(report_pdf(pilot_report()))
    text = text_of(pages)
    assert "< 5" in text  # the province's activations last month, and the facility's hidden visits
    for title in (export.COVERAGE_CHART, export.TREND_TITLE, export.RANKING_FACILITIES):
        assert vi(title) in text
    results = text[text.find(vi(export.RESULTS)):text.find(vi(export.EFFECTIVENESS))]
    for indicator in INDICATORS:
        assert indicator.name in results
    assert "87,5%" in results and "81,2%" in results and "95%" in results  # value, previous, target
    assert "25.310" in results and "1.843" in results
    for commune in ("Phường Vĩnh Thanh Vân", "Phường Vĩnh Lạc", "Xã Minh Lương"):
        assert commune in results
    assert "Bệnh viện Đa khoa tỉnh Kiên Giang" in results
    assert "XML1.MA_THE_BHYT" in results and "41" in results
    assert "91999" in results  # a silent facility


def test_pdf_holds_the_officials_assessment_and_who_wrote_it_when():
    pages = read(report_pdf(pilot_report()))
    text = text_of(pages)
    for section in (EFFECTIVENESS_TEXT, DIFFICULTIES_TEXT, PROPOSALS_TEXT):
        assert flat(section) in text
    assert AUTHOR in pages[-1].text
    assert vi(export.PREPARED_BY) in pages[-1].text
    assert "14:30, 2/12/2026" in pages[-1].text
    assert text.rfind(AUTHOR) > text.find(PROPOSALS_TEXT)


def test_pdf_says_when_nothing_is_written_and_when_a_chart_has_no_data():
    report = pilot_report(units=UNITS[:1], trend=[], refusal_reasons=[], silent_facilities=[],
                          assessment=ReportAssessment())
    text = text_of(read(report_pdf(report)))
    assert text.count(vi(export.NOT_WRITTEN)) == 3
    assert text.count(vi(export.NO_DATA)) == 3
    assert vi(export.NO_AUTHOR) in text


@pytest.mark.parametrize("language", ["vi", "en"])
def test_pdf_type_is_large_and_every_line_is_on_the_page(language):
    pages = read(report_pdf(pilot_report(), language))
    assert min(size for page in pages for _, size, *_ in page.runs) >= 11 - 0.01
    assert_on_the_page(pages)


def test_a_province_of_150_communes_runs_over_pages_and_stays_on_them():
    pages = read(report_pdf(many_units_report()))
    assert 5 <= len(pages) <= 20
    assert_on_the_page(pages)
    text = text_of(pages)
    assert vi(export.CONTINUED, title=vi(export.COVERAGE_CHART)) in text
    assert vi(export.SHOWING_FIRST, shown=export.RANKED, total=40) in text
    assert [page.text for page in pages[1:]] and all(vi(export.GUIDE_PAGE).split("{")[0] in p.text for p in pages)


def test_same_report_same_bytes(monkeypatch):
    """Even when the clock has moved on between the two (openpyxl adds each sheet from a temporary file,
    whose time the ZIP would carry)."""
    report = pilot_report()
    first = report_xlsx(report)
    monkeypatch.setattr(zipfile.time, "localtime", lambda *_: time.struct_time((2031, 5, 6, 7, 8, 10, 1, 126, 0)))
    assert report_xlsx(report.model_copy(deep=True)) == first
    monkeypatch.undo()
    assert report_pdf(report) == report_pdf(report.model_copy(deep=True))
    later = report.model_copy(update={"generated_at": datetime(2026, 12, 3, 9, 0, tzinfo=VIETNAM_TZ)})
    assert report_pdf(later) != report_pdf(report)


# ---------------------------------------------------------------- the words

VIETNAMESE = {
    export.LEVEL_NAMES["province"]: "Tỉnh/Thành phố",
    export.LEVEL_NAMES["district"]: "Quận/Huyện",
    export.LEVEL_NAMES["commune"]: "Xã/Phường",
    export.LEVEL_NAMES["facility"]: "Cơ sở y tế",
    export.DEFINITIONS: "Định nghĩa",
    export.ASSESSMENT: "Đánh giá",
    export.REPORT_TITLE: "Báo cáo kết quả triển khai Sổ sức khỏe điện tử",
    export.RESULTS: "1. Kết quả thực hiện",
    export.EFFECTIVENESS: "2. Đánh giá hiệu quả",
    export.DIFFICULTIES: "3. Khó khăn, vướng mắc",
    export.PROPOSALS: "4. Đề xuất, kiến nghị",
}


def test_the_words_are_the_plans_vietnamese():
    """Once the catalog has them (make update-catalogs), the sheets and headings read as the plans name them."""
    missing = [msgid for msgid in VIETNAMESE if vi(msgid) == msgid]
    if missing:
        pytest.skip(f"not yet in locales/vi/LC_MESSAGES/messages.po: {missing}")
    assert {msgid: vi(msgid) for msgid in VIETNAMESE} == VIETNAMESE
    assert LEVEL_SHEETS == ["Tỉnh-Thành phố", "Quận-Huyện", "Xã-Phường", "Cơ sở y tế"]
