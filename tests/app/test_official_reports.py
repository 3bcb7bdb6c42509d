"""The pilot report for officials: the view-model's arithmetic and words as plain functions on a
hand-built report, then the screen headless against a fake API client: every figure, drill-down,
the table, the official's assessment, the exports, and errors in words."""

from __future__ import annotations

from datetime import UTC, date, datetime

import flet as ft
import pytest

from api_client.errors import Forbidden, Offline
from api_client.models import (
    Area,
    AreaLevel,
    IndicatorDefinition,
    IndicatorValue,
    Me,
    MonthTrend,
    PilotReport,
    RefusalReason,
    ReportAssessment,
    ReportAssessmentUpdate,
    ReportPeriod,
    ReportPeriodKind,
    ReportUnit,
    StaffAssignment,
    StaffRole,
)
from app import theme
from app.config import AppConfig
from app.i18n import Translator
from app.main import App
from app.services.reports import ReportService
from app.services.session import landing_route
from app.state import AppState
from app.viewmodels.reports import (
    KEY_FIGURES,
    NO_VALUE,
    SUPPRESSED,
    Period,
    area_unit,
    breadcrumbs,
    can_go_next,
    change,
    children,
    coverage_chart,
    default_period,
    definition_text,
    export_file_name,
    figures,
    format_amount,
    is_provisional,
    last_finished,
    official_assignment,
    parse_day,
    parse_period,
    period_title,
    range_from_text,
    ranking,
    report_table,
    saved_text,
    silent_facility_names,
    switch_kind,
    target_status,
    trend_chart,
    unit_by_code,
    value_text,
)

from ..support import BASE_URL
from .harness import Harness, walk

VI = Translator("vi")
EN = Translator("en")
TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
SAVED_AT = datetime(2026, 12, 2, 8, 5, tzinfo=UTC)  # 15:05

# ---------------------------------------------------------------- a hand-built report

INDICATORS = [
    IndicatorDefinition(id="residents", name="Residents in the register", unit="count",
                        definition="Living residents of the area in the population register at the period's end.",
                        levels=["province", "district", "commune"]),
    IndicatorDefinition(id="permanent_with_book_pct", name="Permanent residents with a book", unit="percent",
                        definition="Share of permanent residents whose health book exists.",
                        numerator="Permanent residents with a book", denominator="Permanent residents (living)",
                        target=95, levels=["province", "district", "commune"]),
    IndicatorDefinition(id="level2_accounts", name="Level-2 accounts", unit="count",
                        definition="Residents with a level-2 electronic identity.",
                        levels=["province", "district", "commune"]),
    IndicatorDefinition(id="visits_received", name="Visits received", unit="count",
                        definition="Visit records accepted from facilities in the period.",
                        levels=["province", "district", "commune", "facility"]),
    IndicatorDefinition(id="receipt_to_visible_within_24h_pct", name="Visits visible within 24 hours", unit="percent",
                        definition="Share of visits visible in the book within 24 hours of receipt.",
                        numerator="Visits visible within 24 hours", denominator="Visits received",
                        levels=["province", "district", "commune", "facility"]),
    IndicatorDefinition(id="check_ins_book_qr", name="Check-ins by the book's QR code", unit="count",
                        definition="Check-ins with the book's QR code.",
                        levels=["province", "district", "commune", "facility"]),
    IndicatorDefinition(id="check_ins_chip_card", name="Check-ins by chip ID card", unit="count",
                        definition="Check-ins with the chip ID card.",
                        levels=["province", "district", "commune", "facility"]),
    IndicatorDefinition(id="receipt_to_visible_median", name="Receipt to visible, median", unit="hours",
                        definition="Median time from receipt to visible.", levels=["province", "facility"]),
]


def v(value=None, previous=None, *, suppressed=False, previous_suppressed=False, **extra) -> IndicatorValue:
    return IndicatorValue(value=value, previous=previous, suppressed=suppressed,
                          previous_suppressed=previous_suppressed, **extra)


def values(residents, coverage, level2, visits, within, check_ins, median=None) -> dict[str, IndicatorValue]:
    """`check_ins`: by the book's QR code and by chip ID card (the server counts check-ins by method)."""
    book_qr, chip_card = check_ins
    return {"residents": residents, "permanent_with_book_pct": coverage, "level2_accounts": level2,
            "visits_received": visits, "receipt_to_visible_within_24h_pct": within, "check_ins_book_qr": book_qr,
            "check_ins_chip_card": chip_card, **({"receipt_to_visible_median": median} if median else {})}


HANOI = Area(code="01", name="Thành phố Hà Nội", level=AreaLevel.PROVINCE)
BA_DINH = Area(code="001", name="Quận Ba Đình", level=AreaLevel.DISTRICT, parent_code="01")
HOAN_KIEM = Area(code="002", name="Quận Hoàn Kiếm", level=AreaLevel.DISTRICT, parent_code="01")
QUAN_THANH = Area(code="00013", name="Phường Quán Thánh", level=AreaLevel.COMMUNE, parent_code="001")
TRUC_BACH = Area(code="00004", name="Phường Trúc Bạch", level=AreaLevel.COMMUNE, parent_code="001")
HANG_BAC = Area(code="00061", name="Phường Hàng Bạc", level=AreaLevel.COMMUNE, parent_code="002")
AREAS = [HANOI, BA_DINH, HOAN_KIEM, QUAN_THANH, TRUC_BACH, HANG_BAC]


def unit(area: Area, vals: dict[str, IndicatorValue]) -> ReportUnit:
    return ReportUnit(code=area.code, name=area.name, level=area.level, parent_code=area.parent_code, values=vals)


UNITS = {
    "01": unit(HANOI, values(v(12480, 12302), v(93.4, 90.1, numerator=11000, denominator=11777),
                             v(10210, 9800), v(3520, 3391), v(97.25, 97.25), (v(2550, 2650), v(400, 450)),
                             v(1.5, 2.25))),
    "001": unit(BA_DINH, values(v(8200, 8150), v(96.2, 94.0), v(7000, 6900), v(2400, 2300), v(98.0, 97.0),
                                (v(1700, 1750), v(300, 300)))),
    "002": unit(HOAN_KIEM, values(v(4280, 4152), v(88.0, 83.5), v(3210, 2900), v(1120, 1091), v(95.5, 96.0),
                                  (v(800, 900), v(150, 150)))),
    "00013": unit(QUAN_THANH, values(v(4100, 4090), v(96.2, 95.1), v(3600, 3500), v(1800, 1700),
                                     v(98.0, 97.5), (v(1300, 1280), v(200, 200)))),
    "00004": unit(TRUC_BACH, values(v(4100, 4060), v(94.96, 92.0), v(3400, 3400), v(600, 600), v(97.9, 96.0),
                                    (v(450, 520), v(50, 50)))),
    "00061": unit(HANG_BAC, values(v(4280, 4152), v(None, None, suppressed=True, previous_suppressed=True),
                                   v(3210, 2900), v(1120, 1091), v(95.5, 96.0), (v(800, 900), v(150, 150)))),
}
FACILITIES = [
    ReportUnit(code="01013", name="Trạm Y tế phường Quán Thánh", level="facility", parent_code="00013",
               public=True, values={"visits_received": v(1796, 1700),
                                    "receipt_to_visible_within_24h_pct": v(98.0, 97.5),
                                    "check_ins_book_qr": v(1380, 1350), "check_ins_chip_card": v(100, 100)}),
    ReportUnit(code="01920", name="Phòng khám Đa khoa Hồng Ngọc", level="facility", parent_code="00013",
               public=False, values={"visits_received": v(None, 3, suppressed=True),
                                     "receipt_to_visible_within_24h_pct": v(None, suppressed=True),
                                     "check_ins_book_qr": v(None, None, suppressed=True, previous_suppressed=True)}),
]
# December 2025 (m = 12) to November 2026 (m = 23)
TREND = [MonthTrend(month=f"{2025 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}", visits=3000 + 40 * m,
                    check_ins=2500 + 30 * m) for m in range(12, 24)]


def report_for(code: str = "01", period: Period | None = None, *,
               assessment: ReportAssessment | None = None) -> PilotReport:
    period = period or Period.month(2026, 11)
    before = period.previous()
    area = next(area for area in AREAS if area.code == code)
    under = {"01": ["001", "002", "00013", "00004", "00061"], "001": ["00013", "00004"], "002": ["00061"],
             "00013": [], "00004": [], "00061": []}[code]
    units = [UNITS[code], *(UNITS[child] for child in under)]
    if code in ("01", "001", "00013"):
        units += FACILITIES
    units = [unit.model_copy(deep=True) for unit in units]  # a test may change its copy
    return PilotReport(
        area=area, period=ReportPeriod(label=period.label, kind=period.kind, start=period.start, end=period.end),
        previous_period=ReportPeriod(label=before.label, kind=before.kind, start=before.start, end=before.end),
        generated_at=NOW, indicators=INDICATORS, units=units,
        refusal_reasons=[RefusalReason(field="XML1.MA_THE_BHYT", count=12), RefusalReason(field="signature", count=7)],
        silent_facilities=["01920"], trend=TREND, assessment=assessment or ReportAssessment(),
    )


# ---------------------------------------------------------------- periods


def test_a_period_names_itself_as_the_api_does_and_parses_back():
    for period, label in [(Period.month(2026, 11), "2026-11"), (Period.half_year(2026, 1), "2026-H1"),
                          (Period.half_year(2026, 2), "2026-H2"), (Period.whole_year(2026), "2026"),
                          (Period.between(date(2026, 1, 15), date(2026, 3, 31)), "2026-01-15..2026-03-31")]:
        assert period.label == label
        assert parse_period(label) == period
    assert Period.half_year(2026, 1).end == date(2026, 6, 30) and Period.month(2024, 2).end == date(2024, 2, 29)
    for wrong in ("2026-13-01", "H1", "2026-03-31..2026-01-15", ""):
        with pytest.raises(ValueError):
            parse_period(wrong)


def test_previous_and_next_step_by_the_periods_own_length():
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.month(2026, 12).next() == Period.month(2027, 1)
    assert Period.half_year(2026, 1).previous() == Period.half_year(2025, 2)
    assert Period.half_year(2025, 2).next() == Period.half_year(2026, 1)
    assert Period.whole_year(2026).previous() == Period.whole_year(2025)
    quarter = Period.between(date(2026, 1, 1), date(2026, 3, 31))  # 90 days
    assert quarter.previous() == Period.between(date(2025, 10, 3), date(2025, 12, 31))
    assert quarter.next().start == date(2026, 4, 1) and quarter.next().days == 90


def test_the_screen_opens_on_the_last_finished_month():
    assert default_period(TODAY) == Period.month(2026, 11)
    assert default_period(date(2026, 1, 1)) == Period.month(2025, 12), "ready from the 1st of the next month"
    assert last_finished(ReportPeriodKind.HALF_YEAR, TODAY) == Period.half_year(2026, 1)
    assert last_finished(ReportPeriodKind.YEAR, TODAY) == Period.whole_year(2025)


def test_switching_kind_keeps_the_time_looked_at_when_that_period_is_over():
    assert switch_kind(Period.month(2026, 3), ReportPeriodKind.HALF_YEAR, TODAY) == Period.half_year(2026, 1)
    assert switch_kind(Period.month(2026, 11), ReportPeriodKind.HALF_YEAR, TODAY) == Period.half_year(2026, 1)
    assert switch_kind(Period.month(2026, 11), ReportPeriodKind.YEAR, TODAY) == Period.whole_year(2025)
    assert switch_kind(Period.half_year(2025, 2), ReportPeriodKind.MONTH, TODAY) == Period.month(2025, 7)
    assert switch_kind(Period.month(2026, 11), ReportPeriodKind.RANGE, TODAY) == Period.between(
        date(2026, 11, 1), date(2026, 11, 30))


def test_next_goes_up_to_the_period_under_way_which_is_provisional():
    november = Period.month(2026, 11)
    assert can_go_next(november, TODAY) and not is_provisional(november, TODAY)
    december = november.next()
    assert not can_go_next(december, TODAY) and is_provisional(december, TODAY)
    assert not can_go_next(Period.half_year(2026, 2), TODAY)


def test_periods_read_in_the_readers_language():
    assert period_title(Period.month(2026, 11), VI) == "Tháng 11 năm 2026"
    assert period_title(Period.month(2026, 11), EN) == "November 2026"
    assert period_title(Period.half_year(2026, 1), EN) == "First half of 2026"
    assert period_title(Period.half_year(2026, 2), EN) == "Second half of 2026"
    assert period_title(Period.whole_year(2026), EN) == "Year 2026"
    assert period_title(Period.between(date(2026, 1, 15), date(2026, 3, 31)), VI) == "15/01/2026 – 31/03/2026"


def test_a_typed_range_is_read_day_first_and_checked():
    assert parse_day("15/1/2026") == date(2026, 1, 15) == parse_day("15-01-2026") == parse_day("2026-01-15")
    assert parse_day("31/2/2026") is None and parse_day("tomorrow") is None
    assert range_from_text("1/10/2026", "15/11/2026", TODAY, EN) == (
        Period.between(date(2026, 10, 1), date(2026, 11, 15)), None)
    assert range_from_text("1/10/2026", "", TODAY, EN)[1] == "Type both dates as day/month/year, for example 15/1/2026."
    assert range_from_text("15/11/2026", "1/10/2026", TODAY, EN)[1] == "The end date is before the start date."
    assert range_from_text("1/1/2027", "5/1/2027", TODAY, EN)[0] is None


# ---------------------------------------------------------------- values


def test_values_are_formatted_with_babel_and_hidden_counts_read_less_than_5():
    assert format_amount(12480, "count", VI) == "12.480" and format_amount(12480, "count", EN) == "12,480"
    assert format_amount(93.4, "percent", VI) == "93,4%" and format_amount(93.4, "percent", EN) == "93.4%"
    assert format_amount(1.5, "hours", EN) == "1.5 h"
    assert value_text(v(None, suppressed=True), "count", VI) == SUPPRESSED == "< 5"
    assert value_text(None, "count", VI) == NO_VALUE == value_text(v(None), "percent", VI)


def test_the_change_says_up_or_down_by_how_much_in_words():
    up = change(v(3520, 3391), "count", EN)
    assert up.direction == "up" and up.arrow == "▲"
    assert up.text == "Up 129 (3.8%) from the previous period"
    down = change(v(2950, 3100), "count", EN)
    assert down.direction == "down" and down.arrow == "▼" and down.text == "Down 150 (4.8%) from the previous period"
    points = change(v(93.4, 90.1), "percent", EN)
    assert points.text == "Up 3.3 percentage points from the previous period"
    assert change(v(97.25, 97.25), "percent", EN).text == "Same as the previous period"
    assert change(v(96.21, 96.19), "percent", EN).direction == "same", "too small to show is no change"
    for hidden in (v(None, 3, suppressed=True), v(7, None, previous_suppressed=True), v(7, None), None):
        gone = change(hidden, "count", EN)
        assert gone.direction == "none" and gone.arrow == "" and gone.text == "No comparison with the previous period"
    assert change(v(3, 0), "count", EN).text == "Up 3 from the previous period", "no share of zero"


def test_the_target_is_met_or_not_by_the_figure_shown():
    coverage = INDICATORS[1]
    assert target_status(coverage, v(96.2), EN).text == "Target 95%: met"
    missed = target_status(coverage, v(93.4), EN)
    assert missed.met is False and missed.text == "Target 95%: not met, 1.6 percentage points short"
    assert target_status(coverage, v(94.96), EN).met is True, "shown as 95.0%, so met"
    assert target_status(coverage, v(None, suppressed=True), EN).met is None
    assert target_status(INDICATORS[0], v(1), EN) is None, "no target, no status"
    assert target_status(coverage, v(93.4), VI).text == VI("Target {target}: not met, {gap} short", target="95%",
                                                            gap=VI("{points} percentage points", points="1,6"))


def test_every_definition_says_what_it_counts():
    text = definition_text(INDICATORS[1], EN)
    assert text.name == "Permanent residents with a book"
    assert text.numerator == "Numerator: Permanent residents with a book"
    assert text.denominator == "Denominator: Permanent residents (living)"
    assert text.target == "Target: 95%"
    bare = definition_text(INDICATORS[0], EN)
    assert bare.numerator is None and bare.denominator is None and bare.target is None


def test_the_key_figures_of_the_province():
    report = report_for("01")
    shown = figures(report, area_unit(report), EN)
    assert [figure.id for figure in shown] == list(KEY_FIGURES)
    by_id = {figure.id: figure for figure in shown}
    assert by_id["residents"].value == "12,480" and by_id["residents"].previous == "Previous period: 12,302"
    assert by_id["permanent_with_book_pct"].value == "93.4%"
    assert by_id["permanent_with_book_pct"].target.text == "Target 95%: not met, 1.6 percentage points short"
    assert by_id["visits_received"].change.text == "Up 129 (3.8%) from the previous period"
    assert by_id["receipt_to_visible_within_24h_pct"].target is None
    facility = figures(report, unit_by_code(report, "01920"), EN)
    hidden = {figure.id: figure for figure in facility}
    assert hidden["visits_received"].value == "< 5" and hidden["visits_received"].previous == "Previous period: 3"
    assert hidden["check_ins"].value == "< 5" and hidden["check_ins"].previous == "Previous period: < 5"
    assert hidden["residents"].value == NO_VALUE, "not counted for a facility"


def test_check_ins_add_up_the_methods_and_a_hidden_part_makes_the_total_at_least():
    report = report_for("01")
    province = {figure.id: figure for figure in figures(report, area_unit(report), EN)}["check_ins"]
    assert (province.name, province.value, province.previous) == ("Check-ins", "2,950", "Previous period: 3,100")
    assert province.change.text == "Down 150 (4.8%) from the previous period"
    assert "Check-ins by the book's QR code, Check-ins by chip ID card" in province.definition.definition
    partly = unit_by_code(report, "01013").model_copy(deep=True)
    partly.values["check_ins_chip_card"] = v(None, 100, suppressed=True)
    summed = {figure.id: figure for figure in figures(report, partly, EN)}["check_ins"]
    assert summed.value == "at least 1,381" and summed.previous == "Previous period: 1,450"
    assert summed.change.direction == "none", "a span is not compared"
    assert figures(report, partly, VI)[-1].value == VI("at least {value}", value="1.381")


def test_the_servers_own_check_in_total_is_used_when_it_has_one():
    report = report_for("01")
    total = IndicatorDefinition(id="check_ins", name="Check-ins, all methods", unit="count", definition="All.",
                                levels=["province"])
    report = report.model_copy(update={"indicators": [*report.indicators, total]})
    report.units[0].values["check_ins"] = v(2951, 3100)
    [figure] = [figure for figure in figures(report, area_unit(report), EN) if figure.id == "check_ins"]
    assert (figure.name, figure.value) == ("Check-ins, all methods", "2,951")


def test_a_report_without_an_indicator_leaves_its_card_out():
    report = report_for("01").model_copy(update={"indicators": INDICATORS[:2]})
    assert [figure.id for figure in figures(report, area_unit(report), EN)] == ["residents", "permanent_with_book_pct"]
    assert ranking(report, "01", EN) is None


# ---------------------------------------------------------------- charts and table


def test_coverage_by_commune_lowest_first_against_the_target():
    chart = coverage_chart(report_for("01"), EN)
    assert chart.target == 0.95 and chart.target_text == "Target 95%"
    assert [(bar.name, bar.value, bar.status) for bar in chart.bars] == [
        ("Phường Trúc Bạch", "95.0%", "Met"), ("Phường Quán Thánh", "96.2%", "Met"),
        ("Phường Hàng Bạc", "< 5", "No figure")]
    assert chart.bars[1].fraction == pytest.approx(0.962) and chart.bars[2].fraction is None
    assert "Phường Quán Thánh: 96.2%, Met" in chart.summary and "Target 95%" in chart.summary
    below = report_for("002")
    [only] = coverage_chart(below, EN).bars
    assert only.value == "< 5"
    missed = report_for("01")
    missed.units[4].values["permanent_with_book_pct"] = v(80.0)
    assert coverage_chart(missed, EN).bars[0].status == "Below target"


def test_the_ranking_orders_the_units_directly_below_by_visits():
    province = ranking(report_for("01"), "01", EN)
    assert [(row.rank, row.name, row.value) for row in province.rows] == [
        (1, "Quận Ba Đình", "2,400"), (2, "Quận Hoàn Kiếm", "1,120")]
    assert province.rows[0].fraction == 1.0 and province.rows[1].fraction == pytest.approx(1120 / 2400)
    commune = ranking(report_for("00013"), "00013", EN)
    assert [(row.name, row.value, row.kind) for row in commune.rows] == [
        ("Trạm Y tế phường Quán Thánh", "1,796", "Public facility"),
        ("Phòng khám Đa khoa Hồng Ngọc", "< 5", "Non-public facility")]
    assert commune.rows[1].fraction == 0.0
    assert "1. Trạm Y tế phường Quán Thánh: 1,796" in commune.summary


def test_the_trend_has_twelve_months_scaled_to_the_highest():
    chart = trend_chart(report_for("01"), EN)
    assert len(chart.columns) == 12
    assert (chart.first, chart.last) == ("12/2025", "11/2026")
    assert chart.columns[0].month == "12" and chart.columns[-1].visits == "3,920"
    assert chart.columns[-1].visits_fraction == 1.0 and chart.highest == "3,920"
    assert chart.columns[0].check_ins_fraction == pytest.approx(2860 / 3920)
    assert "11/2026: 3,920 visits, 3,190 check-ins" in chart.summary
    assert trend_chart(report_for("01").model_copy(update={"trend": []}), EN) is None


def test_the_table_has_every_indicator_for_the_unit_and_the_units_below():
    report = report_for("001")
    table = report_table(report, area_unit(report), EN)
    assert table.headers == [indicator.name for indicator in INDICATORS]
    assert [(row.name, row.total) for row in table.rows] == [
        ("Quận Ba Đình", True), ("Phường Quán Thánh", False), ("Phường Trúc Bạch", False)]
    assert table.rows[0].cells[:2] == ["8,200", "96.2%"] and table.rows[0].cells[-1] == NO_VALUE
    assert report_table(report_for("00061"), area_unit(report_for("00061")), EN).rows[0].cells[1] == "< 5"


def test_breadcrumbs_run_from_the_officials_area_down_and_never_above_it():
    report = report_for("00013")
    crumbs = breadcrumbs(AREAS, "01", report.area)
    assert [(crumb.name, crumb.current) for crumb in crumbs] == [
        ("Thành phố Hà Nội", False), ("Quận Ba Đình", False), ("Phường Quán Thánh", True)]
    with_facility = breadcrumbs(AREAS, "01", report.area, unit_by_code(report, "01013"))
    assert [crumb.name for crumb in with_facility][-1] == "Trạm Y tế phường Quán Thánh"
    assert with_facility[-1].current and with_facility[-1].facility and not with_facility[-2].current
    assert [crumb.code for crumb in breadcrumbs(AREAS, "001", report.area)] == ["001", "00013"]
    assert [crumb.code for crumb in breadcrumbs([], "01", report.area)] == ["00013"], "no list: the area alone"
    assert [crumb.code for crumb in breadcrumbs(AREAS, "002", report.area)] == ["00013"]


def test_children_are_the_units_directly_below():
    report = report_for("01")
    assert [unit.code for unit in children(report, "01")] == ["001", "002"]
    assert [unit.code for unit in children(report, "00013")] == ["01013", "01920"]
    assert children(report, "01013") == []


def test_saved_says_who_and_when_and_files_are_named_for_the_area_and_period():
    assert saved_text(ReportAssessment(), EN) == "Not saved yet for this period."
    saved = ReportAssessment(effectiveness="Tốt", written_by="Lê Thị Hoa", written_at=SAVED_AT)
    assert saved_text(saved, EN) == "Saved by Lê Thị Hoa at 15:05, 2 Dec 2026"
    assert saved_text(saved.model_copy(update={"written_by": None}), EN) == "Saved at 15:05, 2 Dec 2026"
    assert export_file_name("01", Period.month(2026, 11), "xlsx") == "bao-cao-thi-diem-01-2026-11.xlsx"
    assert export_file_name("001", Period.between(date(2026, 1, 1), date(2026, 3, 31)), "pdf") == (
        "bao-cao-thi-diem-001-2026-01-01_2026-03-31.pdf")
    assert silent_facility_names(report_for("01")) == ["Phòng khám Đa khoa Hồng Ngọc"]


def test_an_official_lands_on_the_report():
    assert landing_route(official_me()) == "/reports"
    assert landing_route(official_me(identity_level=1)) == "/level-2"
    assert landing_route(official_me(roles=[])) == "/"
    assert official_assignment(official_me()).area == "01"
    assert official_assignment(official_me(roles=[])) is None and official_assignment(None) is None


# ---------------------------------------------------------------- the screen, headless


def official_me(**changes) -> Me:
    me = Me(full_name="Lê Thị Hoa", personal_id="001180005678", identity_level=2, can_read_book=True,
            person_id="p-hoa", roles=[StaffAssignment(role=StaffRole.OFFICIAL, area="01",
                                                      area_name="Thành phố Hà Nội")])
    return me.model_copy(update=changes)


class FakeClient:
    """The four report calls of HealthBookClient, answering from memory and recording each call."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.error: Exception | None = None
        self.saved = ReportAssessment(effectiveness="Đã triển khai ở 14 phường.", written_by="Nguyễn Văn Nam",
                                      written_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC))

    async def pilot_report(self, area: str, period: str) -> PilotReport:
        self.calls.append(("report", area, period))
        if self.error:
            raise self.error
        return report_for(area, parse_period(period), assessment=self.saved)

    async def report_areas(self) -> list[Area]:
        self.calls.append(("areas",))
        return AREAS

    async def pilot_report_file(self, area: str, period: str, fmt: str) -> bytes:
        self.calls.append(("file", area, period, fmt))
        if self.error:
            raise self.error
        return b"PK\x03\x04 workbook" if fmt == "xlsx" else b"%PDF-1.7 report"

    async def save_assessment(self, area: str, period: str, update: ReportAssessmentUpdate) -> ReportAssessment:
        self.calls.append(("save", area, period, update))
        if self.error:
            raise self.error
        self.saved = ReportAssessment(**update.model_dump(), written_by="Lê Thị Hoa", written_at=SAVED_AT)
        return self.saved


class FakeSession:
    """What the report screen uses of SessionService."""

    def __init__(self, state: AppState, client: FakeClient) -> None:
        self.state = state
        self.reports = ReportService(client)
        self.config = AppConfig.for_server(BASE_URL, clock=NOW.timestamp)
        self.calls: list[tuple] = []

    @property
    def t(self) -> Translator:
        return Translator(self.state.language)

    async def navigate(self, route: str) -> None:
        self.calls.append(("navigate", route))

    def go(self, route: str):
        async def handler() -> None:
            await self.navigate(route)
        return handler

    async def sign_out(self) -> None:
        self.calls.append(("sign_out",))


@pytest.fixture
async def desk():
    """`app = await desk()`: the official signed in, on /reports, with the fake API. Afterwards any
    exception that escaped a render fails the test (in Flet it stops all updates)."""
    opened: list[Harness] = []

    async def _open(*, width: float = 1366, large_text: bool = False, me: Me | None = None,
                    language: str = "vi", client: FakeClient | None = None) -> Harness:
        client = client or FakeClient()
        state = AppState(language=language, large_text=large_text, wide=width >= 900)
        state.sign_in_completed(me or official_me())
        session = FakeSession(state, client)

        def main(page: ft.Page) -> None:
            page.render(App, state, session)

        app = await Harness.start(main, route="/reports", width=width)
        app.fake = client
        app.fake_session = session
        opened.append(app)
        return app

    yield _open
    for app in opened:
        await app.settle()
        assert not app.errors, [context.get("exception") or context.get("message") for context in app.errors]


def texts_within(control) -> list[str]:
    return [c.value for c in walk(control) if isinstance(c, ft.Text) and c.value]


def button_within(control, label: str):
    for found in walk(control):
        if isinstance(found, (ft.FilledButton, ft.OutlinedButton, ft.TextButton)) and found.content == label:
            return found
    raise LookupError(label)


def fields(app: Harness) -> dict[str, ft.TextField]:
    return {field.label: field for field in app.controls(ft.TextField)}


async def test_the_dashboard_shows_every_figure_with_the_previous_period(desk):
    app = await desk()
    assert ("report", "01", "2026-11") in app.fake.calls and ("areas",) in app.fake.calls
    assert VI("Electronic health book pilot report") in app.texts()
    assert "Lê Thị Hoa · Thành phố Hà Nội" in app.texts()
    assert "Tháng 11 năm 2026" in texts_within(app.by_identifier("report-period"))
    report = report_for("01")
    grid = app.by_identifier("report-figures")
    assert grid is not None
    for figure in figures(report, area_unit(report), VI):
        card_texts = texts_within(app.by_identifier(f"figure-{figure.id}"))
        assert figure.name in card_texts and figure.value in card_texts and figure.previous in card_texts
        assert figure.change.text in card_texts
        if figure.target:
            assert figure.target.text in card_texts
    assert "12.480" in texts_within(grid) and "93,4%" in texts_within(grid)
    for chart in ("chart-coverage", "chart-trend", "chart-ranking"):
        found = app.by_identifier(chart)
        assert found is not None and found.label, f"{chart} has a text alternative"
    assert "Phường Quán Thánh: 96,2%" in app.by_identifier("chart-coverage").label
    assert VI("Implementation results") in app.texts()
    assert "XML1.MA_THE_BHYT: 12" in app.texts()
    assert app.by_identifier("report-table") is None, "charts first"


async def test_a_definition_opens_under_its_figure(desk):
    app = await desk()
    assert app.by_identifier("definition-permanent_with_book_pct") is None
    await app.click(button_within(app.by_identifier("figure-permanent_with_book_pct"), VI("Definition")))
    shown = texts_within(app.by_identifier("definition-permanent_with_book_pct"))
    assert "Share of permanent residents whose health book exists." in shown
    assert VI("Numerator: {text}", text="Permanent residents with a book") in shown
    assert VI("Denominator: {text}", text="Permanent residents (living)") in shown


async def test_drilling_down_asks_for_the_child_area_then_a_facility_is_shown_on_its_own(desk):
    app = await desk()
    crumbs = app.by_identifier("report-breadcrumb")
    assert "Thành phố Hà Nội" in texts_within(crumbs)
    await app.click(app.by_identifier("area-001").content)
    assert app.fake.calls[-1] == ("report", "001", "2026-11")
    assert "Quận Ba Đình" in texts_within(app.by_identifier("report-breadcrumb"))
    assert button_within(app.by_identifier("report-breadcrumb"), "Thành phố Hà Nội") is not None
    await app.click(app.by_identifier("area-00013").content)
    assert app.fake.calls[-1] == ("report", "00013", "2026-11")
    asked = len(app.fake.calls)
    await app.click(app.by_identifier("area-01920").content)
    assert len(app.fake.calls) == asked, "a facility is in the commune's report already"
    trail = texts_within(app.by_identifier("report-breadcrumb"))
    assert "Phòng khám Đa khoa Hồng Ngọc" in trail
    assert texts_within(app.by_identifier("figure-value-visits_received")) == ["< 5"]
    assert app.by_identifier("chart-coverage") is None and app.by_identifier("chart-trend") is None
    await app.click(button_within(app.by_identifier("report-breadcrumb"), "Thành phố Hà Nội"))
    assert app.fake.calls[-1] == ("report", "01", "2026-11")
    assert texts_within(app.by_identifier("figure-value-visits_received")) == ["3.520"]


async def test_the_period_picker_steps_and_switches_kind(desk):
    app = await desk()
    picker = app.by_identifier("report-period")
    await app.click(button_within(picker, VI("Previous period")))
    assert app.fake.calls[-1] == ("report", "01", "2026-10")
    await app.click(button_within(app.by_identifier("report-period"), VI("Next period")))
    await app.click(button_within(app.by_identifier("report-period"), VI("Next period")))
    assert app.fake.calls[-1] == ("report", "01", "2026-12")
    assert app.by_identifier("period-provisional") is not None
    assert button_within(app.by_identifier("report-period"), VI("Next period")).disabled
    await app.click(button_within(app.by_identifier("report-period"), VI("6 months")))
    assert app.fake.calls[-1] == ("report", "01", "2026-H1")
    assert VI("First half of {year}", year=2026) in texts_within(app.by_identifier("report-period"))
    await app.click(button_within(app.by_identifier("report-period"), VI("Year")))
    assert app.fake.calls[-1] == ("report", "01", "2025")


async def test_a_range_is_typed_and_checked(desk):
    app = await desk()
    await app.click(button_within(app.by_identifier("report-period"), VI("Date range")))
    assert app.fake.calls[-1] == ("report", "01", "2026-11-01..2026-11-30")
    typed = fields(app)
    await app.change(typed[VI("From")], value="1/10/2026")
    await app.change(fields(app)[VI("To")], value="15/9/2026")
    await app.click(button_within(app.by_identifier("report-period"), VI("Show this range")))
    assert VI("The end date is before the start date.") in texts_within(app.by_identifier("period-error"))
    assert app.fake.calls[-1] == ("report", "01", "2026-11-01..2026-11-30")
    await app.change(fields(app)[VI("To")], value="15/11/2026")
    await app.click(button_within(app.by_identifier("report-period"), VI("Show this range")))
    assert app.fake.calls[-1] == ("report", "01", "2026-10-01..2026-11-15")
    assert app.by_identifier("period-error") is None


async def test_the_table_toggle_shows_every_indicator_and_its_definition(desk):
    app = await desk()
    await app.click(button_within(app.by_identifier("report-view-toggle"), VI("Table")))
    table = app.by_identifier("report-table")
    assert table is not None and app.by_identifier("chart-coverage") is None
    shown = texts_within(table)
    for indicator in INDICATORS:
        assert indicator.name in shown
        assert indicator.definition in texts_within(app.by_identifier(f"definition-{indicator.id}"))
    assert {"Thành phố Hà Nội", "Quận Ba Đình", "Quận Hoàn Kiếm", "12.480", "93,4%", VI("{hours} h", hours="1,5"),
            VI("Province"), VI("District")} <= set(shown)
    await app.click(button_within(app.by_identifier("report-view-toggle"), VI("Charts")))
    assert app.by_identifier("report-table") is None and app.by_identifier("chart-coverage") is not None


async def test_saving_the_assessment_sends_the_three_sections_and_says_who_and_when(desk):
    app = await desk()
    section = app.by_identifier("report-assessment")
    assert VI("Saved by {name} at {time}, {date}", name="Nguyễn Văn Nam", time=VI.time(app.fake.saved.written_at),
              date="01/12/2026") in texts_within(section)
    typed = fields(app)
    assert typed[VI("Assessment of effectiveness")].value == "Đã triển khai ở 14 phường."
    await app.change(typed[VI("Difficulties and obstacles")], value="Thiếu máy quét ở trạm y tế.")
    await app.change(fields(app)[VI("Proposals and recommendations")], value="Bổ sung 20 máy quét.")
    await app.click(button_within(app.by_identifier("report-assessment"), VI("Save the assessment")))
    name, area, period, update = app.fake.calls[-1]
    assert (name, area, period) == ("save", "01", "2026-11")
    assert update == ReportAssessmentUpdate(effectiveness="Đã triển khai ở 14 phường.",
                                            difficulties="Thiếu máy quét ở trạm y tế.",
                                            proposals="Bổ sung 20 máy quét.")
    shown = texts_within(app.by_identifier("report-assessment"))
    assert VI("Saved by {name} at {time}, {date}", name="Lê Thị Hoa", time=VI.time(SAVED_AT), date="02/12/2026") in shown
    assert VI("The assessment is saved with the report.") in shown


async def test_a_failed_save_says_why_and_keeps_the_text(desk):
    app = await desk()
    app.fake.error = Offline("down")
    await app.change(fields(app)[VI("Difficulties and obstacles")], value="Mạng chập chờn.")
    await app.click(button_within(app.by_identifier("report-assessment"), VI("Save the assessment")))
    message = texts_within(app.by_identifier("assessment-message"))
    assert VI("The health book server cannot be reached. Check your internet connection and try again.") in message
    assert fields(app)[VI("Difficulties and obstacles")].value == "Mạng chập chờn."


async def test_the_export_buttons_save_the_files_from_the_api(desk):
    app = await desk()
    export = app.by_identifier("report-export")
    await app.click(button_within(export, VI("Download Excel (XLSX)")))
    await app.click(button_within(app.by_identifier("report-export"), VI("Download PDF")))
    assert ("file", "01", "2026-11", "xlsx") in app.fake.calls and ("file", "01", "2026-11", "pdf") in app.fake.calls
    saved = [args for name, args in app.connection.invoked if name == "save_file"]
    assert [(args["file_name"], args["src_bytes"][:4]) for args in saved] == [
        ("bao-cao-thi-diem-01-2026-11.xlsx", b"PK\x03\x04"), ("bao-cao-thi-diem-01-2026-11.pdf", b"%PDF")]


async def test_a_failed_export_says_why(desk):
    app = await desk()
    app.fake.error = Forbidden(403, "out_of_area", "Khu vực này nằm ngoài phạm vi của bạn.")
    await app.click(button_within(app.by_identifier("report-export"), VI("Download PDF")))
    assert "Khu vực này nằm ngoài phạm vi của bạn." in texts_within(app.by_identifier("export-error"))
    assert not [name for name, _args in app.connection.invoked if name == "save_file"]


async def test_a_report_that_cannot_be_loaded_says_why_and_tries_again(desk):
    client = FakeClient()
    client.error = Offline("down")
    app = await desk(client=client)
    error = app.by_identifier("report-error")
    assert VI("The health book server cannot be reached. Check your internet connection and try again.") in \
        texts_within(error)
    assert app.by_identifier("report-figures") is None
    client.error = None
    await app.click(app.button(VI("Try again")))
    assert app.by_identifier("report-error") is None and app.by_identifier("report-figures") is not None


async def test_the_header_signs_out_and_opens_the_officials_own_book(desk):
    app = await desk()
    await app.click(app.button(VI("My own health book")))
    await app.click(app.button(VI("Sign out")))
    assert ("navigate", "/") in app.fake_session.calls and ("sign_out",) in app.fake_session.calls


async def test_someone_who_is_not_an_official_is_sent_to_their_book(desk):
    app = await desk(me=official_me(roles=[]))
    assert ("navigate", "/") in app.fake_session.calls
    assert app.by_identifier("report-figures") is None and not app.fake.calls


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("large_text", [False, True])
async def test_the_report_fits_a_phone_and_a_desk_screen_with_large_text(desk, width, large_text):
    app = await desk(width=width, large_text=large_text)
    body = (theme.LARGE if large_text else theme.NORMAL).body
    for view in ("Charts", "Table"):
        await app.click(button_within(app.by_identifier("report-view-toggle"), VI(view)))
        for control in walk(app.page):
            if isinstance(control, (ft.FilledButton, ft.OutlinedButton, ft.TextButton)):
                assert control.height >= 48, control
                assert isinstance(control.content, str) and control.content, "a text label"
                assert control.style is not None and control.style.text_style.size == body, control
            if isinstance(control, ft.Row) and control.wrap:
                assert not any(getattr(child, "expand", None) for child in control.controls), "no expand in a Wrap"
    for identifier in ("report-period", "report-breadcrumb", "report-figures", "report-table", "report-assessment",
                       "report-export"):
        assert app.by_identifier(identifier) is not None, identifier
    sizes = {c.value: c.size for c in app.controls(ft.Text) if c.value}
    assert sizes["Lê Thị Hoa · Thành phố Hà Nội"] == body
    field_sizes = {field.text_size for field in app.controls(ft.TextField)}
    assert field_sizes == {body}


async def test_english_reads_in_english(desk):
    app = await desk(language="en")
    assert "Electronic health book pilot report" in app.texts() and "November 2026" in app.texts()
    assert "Target 95%: not met, 1.6 percentage points short" in app.texts()
    assert "Up 129 (3.8%) from the previous period" in app.texts()
