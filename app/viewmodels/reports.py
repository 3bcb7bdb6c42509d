"""The pilot report for officials, as display data: the period picker's arithmetic, the figures with the
previous period's and the change in words, the target met or not, the three charts' bars, the table of
the units under an area, and the drill-down's breadcrumb.

Pure functions: wire models, a translator and today's date in, words and fractions out. Numbers, dates and
percentages go through Babel in the reader's language; a value the server hid (a count under 5 people)
reads "< 5" everywhere, and nothing is ever computed from it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

from api_client.models import (
    Area,
    AreaLevel,
    IndicatorDefinition,
    IndicatorValue,
    Me,
    PilotReport,
    ReportAssessment,
    ReportPeriod,
    ReportPeriodKind,
    ReportUnit,
    StaffAssignment,
    StaffRole,
)

from ..i18n import Translator, local

# The indicators of the key figure cards, in the order the plans report them, by the server's ids
# (server/reports/indicators.py defines them, with names, definitions and targets); a card whose
# indicator the report lacks is left out.
RESIDENTS = "residents"  # residents in the register
PERMANENT_COVERAGE = "permanent_with_book_pct"  # % of permanent residents with a book (the plans' 95%)
LEVEL2_ACCOUNTS = "level2_accounts"
VISITS = "visits_received"
VISIBLE_24H = "receipt_to_visible_within_24h_pct"  # % of records visible within 24 hours of receipt
CHECK_INS = "check_ins"  # all check-ins: the server's own total if it has one, else the sum of the methods'
CHECK_IN_METHODS = ("check_ins_book_qr", "check_ins_printed_card", "check_ins_chip_card", "check_ins_number")
KEY_FIGURES = (RESIDENTS, PERMANENT_COVERAGE, LEVEL2_ACCOUNTS, VISITS, VISIBLE_24H, CHECK_INS)
HIDDEN_AT_MOST = 4  # a hidden count is 1 to 4 people (0 is shown)

SUPPRESSED = "< 5"  # a count under 5 people, hidden by the server
NO_VALUE = "—"  # not computed at this level, or nothing to compute it from

Unit = Literal["count", "percent", "hours", "seconds"]


# ---------------------------------------------------------------- periods


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class Period:
    """A report period as the API names it: a month, a half year, a year or a range of days."""

    kind: ReportPeriodKind
    start: date
    end: date  # included

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(ReportPeriodKind.MONTH, date(year, month, 1), _month_end(year, month))

    @classmethod
    def half_year(cls, year: int, half: int) -> Period:
        first = 1 if half == 1 else 7
        return cls(ReportPeriodKind.HALF_YEAR, date(year, first, 1), _month_end(year, first + 5))

    @classmethod
    def whole_year(cls, year: int) -> Period:
        return cls(ReportPeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        return cls(ReportPeriodKind.RANGE, start, end)

    @classmethod
    def of(cls, period: ReportPeriod) -> Period:
        return cls(period.kind, period.start, period.end)

    @property
    def label(self) -> str:
        """The API's `period=`: 2026-11, 2026-H1, 2026, 2026-01-15..2026-03-31."""
        if self.kind is ReportPeriodKind.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.kind is ReportPeriodKind.HALF_YEAR:
            return f"{self.start.year:04d}-H{1 if self.start.month <= 6 else 2}"
        if self.kind is ReportPeriodKind.YEAR:
            return f"{self.start.year:04d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def shifted(self, steps: int) -> Period:
        """The period `steps` before (negative) or after (positive) this one, of the same kind and length."""
        if self.kind is ReportPeriodKind.MONTH:
            return Period.month(*_add_months(self.start.year, self.start.month, steps))
        if self.kind is ReportPeriodKind.HALF_YEAR:
            index = self.start.year * 2 + (0 if self.start.month <= 6 else 1) + steps
            return Period.half_year(index // 2, index % 2 + 1)
        if self.kind is ReportPeriodKind.YEAR:
            return Period.whole_year(self.start.year + steps)
        offset = timedelta(days=self.days * steps)
        return Period.between(self.start + offset, self.end + offset)

    def previous(self) -> Period:
        return self.shifted(-1)

    def next(self) -> Period:
        return self.shifted(1)


def parse_period(label: str) -> Period:
    """The inverse of `Period.label`; ValueError for anything else."""
    label = label.strip()
    if match := re.fullmatch(r"(\d{4})-(\d{2})", label):
        return Period.month(int(match[1]), int(match[2]))
    if match := re.fullmatch(r"(\d{4})-H([12])", label):
        return Period.half_year(int(match[1]), int(match[2]))
    if re.fullmatch(r"\d{4}", label):
        return Period.whole_year(int(label))
    if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", label):
        start, end = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        if end < start:
            raise ValueError(f"range ends before it starts: {label}")
        return Period.between(start, end)
    raise ValueError(f"not a report period: {label!r}")


def period_containing(kind: ReportPeriodKind, day: date) -> Period:
    if kind is ReportPeriodKind.MONTH:
        return Period.month(day.year, day.month)
    if kind is ReportPeriodKind.HALF_YEAR:
        return Period.half_year(day.year, 1 if day.month <= 6 else 2)
    if kind is ReportPeriodKind.YEAR:
        return Period.whole_year(day.year)
    return Period.between(day, day)


def last_finished(kind: ReportPeriodKind, today: date) -> Period:
    """The latest period of this kind that is over: a month's report is ready from the 1st of the next."""
    return period_containing(kind, today).previous()


def default_period(today: date) -> Period:
    """Where the screen opens: last month, the report due by the 3rd."""
    return last_finished(ReportPeriodKind.MONTH, today)


def switch_kind(period: Period, kind: ReportPeriodKind, today: date) -> Period:
    """Month to 6 months to year keeps the time being looked at, as long as that period is over; a range
    starts as the period shown."""
    if kind is ReportPeriodKind.RANGE:
        return Period.between(period.start, period.end)
    chosen = period_containing(kind, period.start)
    return chosen if chosen.end < today else last_finished(kind, today)


def can_go_next(period: Period, today: date) -> bool:
    """Up to the period under way (its figures provisional), never into the future."""
    return period.next().start <= today


def is_provisional(period: Period, today: date) -> bool:
    return period.end >= today


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def period_title(period: Period, t: Translator) -> str:
    """Tháng 11 năm 2026 · 6 tháng đầu năm 2026 · Năm 2026 · 15/01/2026 – 31/03/2026."""
    if period.kind is ReportPeriodKind.MONTH:
        return _capitalised(format_skeleton("yMMMM", period.start, locale=t.language))
    if period.kind is ReportPeriodKind.HALF_YEAR:
        if period.start.month <= 6:
            return t("First half of {year}", year=period.start.year)
        return t("Second half of {year}", year=period.start.year)
    if period.kind is ReportPeriodKind.YEAR:
        return t("Year {year}", year=period.start.year)
    return period_span(period, t)


def period_span(period: Period, t: Translator) -> str:
    """The days the period covers: 1/11/2026 – 30/11/2026."""
    return f"{t.date(period.start)} – {t.date(period.end)}"


def period_kind_label(kind: ReportPeriodKind, t: Translator) -> str:
    return {
        ReportPeriodKind.MONTH: t("Month"),
        ReportPeriodKind.HALF_YEAR: t("6 months"),
        ReportPeriodKind.YEAR: t("Year"),
        ReportPeriodKind.RANGE: t("Date range"),
    }[kind]


def parse_day(text: str) -> date | None:
    """15/1/2026, 15-01-2026, 15.1.2026 (day first, as written in Vietnam) or 2026-01-15."""
    text = text.strip()
    try:
        if match := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        return None
    return None


def range_from_text(start: str, end: str, today: date, t: Translator) -> tuple[Period | None, str | None]:
    """The range typed into the picker, or what is wrong with it in words."""
    first, last = parse_day(start), parse_day(end)
    if first is None or last is None:
        return None, t("Type both dates as day/month/year, for example 15/1/2026.")
    if last < first:
        return None, t("The end date is before the start date.")
    if first > today:
        return None, t("The range starts after today: there are no figures yet.")
    return Period.between(first, last), None


# ---------------------------------------------------------------- values


def format_amount(amount: float, unit: Unit, t: Translator) -> str:
    """A figure in the reader's language: 12.345 · 95,3% · 1,5 giờ."""
    if unit == "percent":
        return format_percent(amount / 100, "#,##0.0%", locale=t.language)
    if unit == "hours":
        return t("{hours} h", hours=format_decimal(amount, "#,##0.0", locale=t.language))
    if unit == "seconds":
        return t("{seconds} s", seconds=format_decimal(amount, "#,##0", locale=t.language))
    return format_decimal(round(amount), "#,##0", locale=t.language)


def format_target(target: float, unit: Unit, t: Translator) -> str:
    """95% rather than 95,0%: targets are round numbers."""
    if unit == "percent":
        return format_percent(target / 100, "#,##0.#%", locale=t.language)
    return format_amount(target, unit, t)


def _known(amount: float | None, suppressed: bool) -> float | None:
    return None if suppressed else amount


def value_text(value: IndicatorValue | None, unit: Unit, t: Translator) -> str:
    if value is None:
        return NO_VALUE
    if value.suppressed:
        return SUPPRESSED
    return NO_VALUE if value.value is None else format_amount(value.value, unit, t)


def previous_text(value: IndicatorValue | None, unit: Unit, t: Translator) -> str:
    if value is None:
        return NO_VALUE
    if value.previous_suppressed:
        return SUPPRESSED
    return NO_VALUE if value.previous is None else format_amount(value.previous, unit, t)


def _rounded(amount: float, unit: Unit) -> float:
    """As shown: a change too small to show is no change."""
    return round(amount, 1) if unit in ("percent", "hours") else round(amount)


@dataclass(frozen=True)
class Change:
    direction: Literal["up", "down", "same", "none"]
    text: str  # said in words, never by the arrow or a colour alone

    @property
    def arrow(self) -> str:
        return {"up": "▲", "down": "▼", "same": "=", "none": ""}[self.direction]


def change(value: IndicatorValue | None, unit: Unit, t: Translator) -> Change:
    """The change from the previous period: up or down by how much, the same, or not comparable (a
    figure missing or hidden on either side)."""
    current = _known(value.value, value.suppressed) if value else None
    before = _known(value.previous, value.previous_suppressed) if value else None
    if current is None or before is None:
        return Change("none", t("No comparison with the previous period"))
    delta = _rounded(current, unit) - _rounded(before, unit)
    if delta == 0:
        return Change("same", t("Same as the previous period"))
    size = abs(delta)
    if unit == "percent":
        amount = t("{points} percentage points", points=format_decimal(size, "#,##0.0", locale=t.language))
    elif unit == "count" and before > 0:
        relative = format_percent(size / before, "#,##0.0%", locale=t.language)
        amount = f"{format_amount(size, unit, t)} ({relative})"
    else:
        amount = format_amount(size, unit, t)
    if delta > 0:
        return Change("up", t("Up {amount} from the previous period", amount=amount))
    return Change("down", t("Down {amount} from the previous period", amount=amount))


@dataclass(frozen=True)
class TargetStatus:
    met: bool | None  # None: no figure to judge by
    text: str


def target_status(definition: IndicatorDefinition, value: IndicatorValue | None,
                  t: Translator) -> TargetStatus | None:
    """Against the plans' target (Kiên Giang: 95% of permanent residents with a book in every commune)."""
    if definition.target is None:
        return None
    target = format_target(definition.target, definition.unit, t)
    current = _known(value.value, value.suppressed) if value else None
    if current is None:
        return TargetStatus(None, t("Target {target}: no figure to compare", target=target))
    shown = _rounded(current, definition.unit)
    if shown >= definition.target:
        return TargetStatus(True, t("Target {target}: met", target=target))
    gap = definition.target - shown
    if definition.unit == "percent":
        gap_text = t("{points} percentage points", points=format_decimal(gap, "#,##0.0", locale=t.language))
    else:
        gap_text = format_amount(gap, definition.unit, t)
    return TargetStatus(False, t("Target {target}: not met, {gap} short", target=target, gap=gap_text))


# ---------------------------------------------------------------- definitions


@dataclass(frozen=True)
class DefinitionText:
    id: str
    name: str
    definition: str
    numerator: str | None
    denominator: str | None
    target: str | None


def definition_text(definition: IndicatorDefinition, t: Translator) -> DefinitionText:
    return DefinitionText(
        id=definition.id, name=definition.name, definition=definition.definition,
        numerator=t("Numerator: {text}", text=definition.numerator) if definition.numerator else None,
        denominator=t("Denominator: {text}", text=definition.denominator) if definition.denominator else None,
        target=(t("Target: {target}", target=format_target(definition.target, definition.unit, t))
                if definition.target is not None else None),
    )


def indicator(report: PilotReport, indicator_id: str) -> IndicatorDefinition | None:
    return next((found for found in report.indicators if found.id == indicator_id), None)


# ---------------------------------------------------------------- units and drill-down


def area_unit(report: PilotReport) -> ReportUnit | None:
    """The report's own area: listed first."""
    return unit_by_code(report, report.area.code) or (report.units[0] if report.units else None)


def unit_by_code(report: PilotReport, code: str | None) -> ReportUnit | None:
    return next((unit for unit in report.units if unit.code == code), None) if code else None


def children(report: PilotReport, code: str) -> list[ReportUnit]:
    """The units directly under `code` (districts of a province, communes of a district, facilities of a
    commune), as the report lists them."""
    under = [unit for unit in report.units if unit.parent_code == code and unit.code != code]
    if under or code != report.area.code or any(unit.parent_code for unit in report.units):
        return under
    return [unit for unit in report.units if unit.code != code]  # a report that names no parents


def is_facility(unit: ReportUnit) -> bool:
    return unit.level == "facility"


def unit_kind(unit: ReportUnit, t: Translator) -> str:
    if unit.level == "facility":
        if unit.public is None:
            return t("Facility")
        return t("Public facility") if unit.public else t("Non-public facility")
    return {AreaLevel.PROVINCE: t("Province"), AreaLevel.DISTRICT: t("District"),
            AreaLevel.COMMUNE: t("Commune")}[AreaLevel(unit.level)]


@dataclass(frozen=True)
class Crumb:
    code: str
    name: str
    current: bool
    facility: bool = False


def breadcrumbs(areas: Sequence[Area], root_code: str | None, area: Area,
                facility: ReportUnit | None = None) -> list[Crumb]:
    """From the official's own area down to the one shown (Hà Nội, Quận Ba Đình, Phường Quán Thánh),
    then the facility looked at, if any. Never above the official's own area."""
    by_code = {known.code: known for known in areas}
    path = [area]
    while path[-1].code != root_code and len(path) <= len(AreaLevel):
        parent = by_code.get(path[-1].parent_code or "")
        if parent is None:
            break
        path.append(parent)
    if path[-1].code != root_code:
        path = [area]  # the list does not say how it lies under the official's area: show it alone
    crumbs = [Crumb(step.code, step.name, current=False) for step in reversed(path)]
    if facility is not None:
        crumbs.append(Crumb(facility.code, facility.name, current=True, facility=True))
    else:
        crumbs[-1] = Crumb(crumbs[-1].code, crumbs[-1].name, current=True)
    return crumbs


def official_assignment(me: Me | None) -> StaffAssignment | None:
    """The area this account reports on, if it is an official's."""
    if me is None:
        return None
    return next((role for role in me.roles if role.role == StaffRole.OFFICIAL and role.area), None)


def official_line(me: Me, assignment: StaffAssignment) -> str:
    return " · ".join(part for part in (me.full_name, assignment.area_name or assignment.area) if part)


# ---------------------------------------------------------------- key figures


@dataclass(frozen=True)
class Figure:
    id: str
    name: str
    value: str
    previous: str  # "Previous period: 1.234"
    change: Change
    target: TargetStatus | None
    definition: DefinitionText


@dataclass(frozen=True)
class Total:
    """A sum of counts some of which may be hidden (each 1 to 4): exact, or known to lie in a span."""

    low: int
    high: int

    @property
    def exact(self) -> bool:
        return self.low == self.high


def total_of(values: Sequence[IndicatorValue | None], *, previous: bool = False) -> Total | None:
    """None when no part has a figure at all."""
    low = high = 0
    counted = False
    for value in values:
        if value is None:
            continue
        hidden = value.previous_suppressed if previous else value.suppressed
        amount = value.previous if previous else value.value
        if hidden:
            low, high, counted = low + 1, high + HIDDEN_AT_MOST, True
        elif amount is not None:
            low, high, counted = low + round(amount), high + round(amount), True
    return Total(low, high) if counted else None


def total_text(total: Total | None, t: Translator) -> str:
    """1.234 · at least 1.236 (some parts hidden) · < 5."""
    if total is None:
        return NO_VALUE
    if total.exact:
        return format_amount(total.low, "count", t)
    if total.high < 5:
        return SUPPRESSED
    return t("at least {value}", value=format_amount(total.low, "count", t))


def check_in_total(report: PilotReport, unit: ReportUnit | None, t: Translator) -> Figure | None:
    """All check-ins, by every method, when the server counts them by method only. A hidden part makes
    the total "at least"; it is compared with the previous period only when both are exact."""
    parts = [definition for definition in report.indicators if definition.id in CHECK_IN_METHODS]
    if not parts:
        return None
    values = [unit.values.get(part.id) for part in parts] if unit else []
    now, before = total_of(values), total_of(values, previous=True)
    if now is not None and before is not None and now.exact and before.exact:
        moved = change(IndicatorValue(value=now.low, previous=before.low), "count", t)
    else:
        moved = Change("none", t("No comparison with the previous period"))
    names = ", ".join(part.name for part in parts)
    definition = DefinitionText(
        id=CHECK_INS, name=t("Check-ins"),
        definition=t("Patients checked in at facilities' receptions in the period, by every method: the sum of "
                     "{parts}.", parts=names),
        numerator=None, denominator=None, target=None)
    return Figure(id=CHECK_INS, name=definition.name, value=total_text(now, t),
                  previous=t("Previous period: {value}", value=total_text(before, t)), change=moved, target=None,
                  definition=definition)


def figures(report: PilotReport, unit: ReportUnit | None, t: Translator) -> list[Figure]:
    """The key figure cards of one unit (the area, or a facility looked at): each with the previous
    period's value, the change, and the target where the plans set one."""
    found = []
    for indicator_id in KEY_FIGURES:
        definition = indicator(report, indicator_id)
        if definition is None:
            if indicator_id == CHECK_INS and (summed := check_in_total(report, unit, t)):
                found.append(summed)
            continue
        value = unit.values.get(indicator_id) if unit else None
        found.append(Figure(
            id=indicator_id, name=definition.name, value=value_text(value, definition.unit, t),
            previous=t("Previous period: {value}", value=previous_text(value, definition.unit, t)),
            change=change(value, definition.unit, t), target=target_status(definition, value, t),
            definition=definition_text(definition, t),
        ))
    return found


# ---------------------------------------------------------------- charts


@dataclass(frozen=True)
class CoverageBar:
    code: str
    name: str
    value: str
    fraction: float | None  # of the bar's full width (100%); None when there is no figure to draw
    met: bool | None
    status: str


@dataclass(frozen=True)
class CoverageChart:
    indicator: str
    target: float | None  # where the target line stands, as a fraction of the width
    target_text: str | None
    bars: list[CoverageBar]
    summary: str  # the chart in words, for screen readers


def coverage_chart(report: PilotReport, t: Translator) -> CoverageChart | None:
    """Coverage of every commune of the area against the target, lowest first: the ones to act on."""
    definition = indicator(report, PERMANENT_COVERAGE)
    if definition is None:
        return None
    communes = [unit for unit in report.units if unit.level == AreaLevel.COMMUNE]
    if not communes:
        return None
    bars = []
    for unit in communes:
        value = unit.values.get(definition.id)
        amount = _known(value.value, value.suppressed) if value else None
        status = target_status(definition, value, t) if definition.target is not None else None
        met = status.met if status else None
        bars.append(CoverageBar(
            code=unit.code, name=unit.name, value=value_text(value, definition.unit, t),
            fraction=None if amount is None else min(max(amount / 100, 0.0), 1.0), met=met,
            status={True: t("Met"), False: t("Below target"), None: t("No figure")}[met] if status else "",
        ))
    bars.sort(key=lambda bar: (bar.fraction is None, bar.fraction or 0.0, bar.name))
    target_text = (t("Target {target}", target=format_target(definition.target, definition.unit, t))
                   if definition.target is not None else None)
    values = "; ".join(", ".join(part for part in (f"{bar.name}: {bar.value}", bar.status) if part) for bar in bars)
    summary = ". ".join(part for part in (t("Coverage by commune against the target"), definition.name,
                                          target_text, values) if part)
    return CoverageChart(
        indicator=definition.name,
        target=None if definition.target is None else min(definition.target / 100, 1.0),
        target_text=target_text, bars=bars, summary=summary,
    )


@dataclass(frozen=True)
class RankRow:
    rank: int
    code: str
    name: str
    kind: str
    value: str
    fraction: float  # of the largest value


@dataclass(frozen=True)
class Ranking:
    indicator: str
    rows: list[RankRow]
    summary: str


def ranking(report: PilotReport, code: str, t: Translator, indicator_id: str = VISITS) -> Ranking | None:
    """The units directly under `code`, most visits first (a hidden count ranks below every known one)."""
    definition = indicator(report, indicator_id)
    units = children(report, code)
    if definition is None or not units:
        return None

    def amount(unit: ReportUnit) -> float | None:
        value = unit.values.get(indicator_id)
        return _known(value.value, value.suppressed) if value else None

    def order(unit: ReportUnit) -> tuple[float, str]:
        known = amount(unit)
        value = unit.values.get(indicator_id)
        if known is None:  # hidden: between 1 and 4, above a unit with none; no figure at all: last
            known = 0.5 if value is not None and value.suppressed else -1.0
        return (-known, unit.name)

    ranked = sorted(units, key=order)
    highest = max((amount(unit) or 0.0 for unit in ranked), default=0.0)
    rows = [
        RankRow(rank=rank, code=unit.code, name=unit.name, kind=unit_kind(unit, t),
                value=value_text(unit.values.get(indicator_id), definition.unit, t),
                fraction=(amount(unit) or 0.0) / highest if highest > 0 else 0.0)
        for rank, unit in enumerate(ranked, start=1)
    ]
    summary = ". ".join([t("Ranking of the units below"), definition.name,
                         "; ".join(f"{row.rank}. {row.name}: {row.value}" for row in rows)])
    return Ranking(indicator=definition.name, rows=rows, summary=summary)


@dataclass(frozen=True)
class TrendColumn:
    month: str  # "11": under the bars
    label: str  # "11/2026"
    visits: str
    check_ins: str
    visits_fraction: float  # of the chart's height
    check_ins_fraction: float


@dataclass(frozen=True)
class TrendChart:
    columns: list[TrendColumn]
    highest: str
    first: str
    last: str
    summary: str


def trend_chart(report: PilotReport, t: Translator) -> TrendChart | None:
    """Visits and check-ins month by month, the twelve months up to the period's end."""
    if not report.trend:
        return None
    months = sorted(report.trend, key=lambda month: month.month)
    highest = max(max(month.visits, month.check_ins) for month in months)
    columns = []
    for month in months:
        first_day = date(int(month.month[:4]), int(month.month[5:7]), 1)
        columns.append(TrendColumn(
            month=format_skeleton("M", first_day, locale=t.language),
            label=format_skeleton("yM", first_day, locale=t.language),
            visits=format_amount(month.visits, "count", t), check_ins=format_amount(month.check_ins, "count", t),
            visits_fraction=month.visits / highest if highest else 0.0,
            check_ins_fraction=month.check_ins / highest if highest else 0.0,
        ))
    values = "; ".join(t("{month}: {visits} visits, {check_ins} check-ins", month=column.label,
                         visits=column.visits, check_ins=column.check_ins) for column in columns)
    return TrendChart(columns=columns, highest=format_amount(highest, "count", t), first=columns[0].label,
                      last=columns[-1].label, summary=f"{t('Visits and check-ins by month')}. {values}")


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class TableRow:
    code: str
    name: str
    kind: str
    cells: list[str]
    total: bool  # the area (or facility) itself, above the units under it


@dataclass(frozen=True)
class ReportTable:
    headers: list[str]
    rows: list[TableRow]


def report_table(report: PilotReport, unit: ReportUnit | None, t: Translator) -> ReportTable:
    """Every indicator (columns) for the unit shown and each unit directly under it (rows)."""
    definitions = report.indicators
    shown = [unit, *children(report, unit.code)] if unit else []

    def row(of: ReportUnit, total: bool) -> TableRow:
        return TableRow(code=of.code, name=of.name, kind=unit_kind(of, t), total=total,
                        cells=[value_text(of.values.get(d.id), d.unit, t) for d in definitions])

    return ReportTable(headers=[d.name for d in definitions],
                       rows=[row(of, index == 0) for index, of in enumerate(shown)])


# ---------------------------------------------------------------- the rest of the report


def refusal_lines(report: PilotReport, t: Translator) -> list[str]:
    """The most frequent reasons records were refused: the field and how many times."""
    return [f"{reason.field}: {format_amount(reason.count, 'count', t)}" for reason in report.refusal_reasons]


def silent_facility_names(report: PilotReport) -> list[str]:
    names = {unit.code: unit.name for unit in report.units}
    return [names.get(code, code) for code in report.silent_facilities]


def computed_text(report: PilotReport, t: Translator) -> str:
    moment = local(report.generated_at)
    return t("Figures computed at {time}, {date}", time=t.time(moment), date=t.date(moment.date()))


def compared_text(report: PilotReport, t: Translator) -> str:
    return t("Compared with {period}", period=period_title(Period.of(report.previous_period), t))


def saved_text(assessment: ReportAssessment, t: Translator) -> str:
    """Who saved the official's sections, and when."""
    if assessment.written_at is None:
        return t("Not saved yet for this period.")
    moment = local(assessment.written_at)
    when = {"time": t.time(moment), "date": t.date(moment.date())}
    if assessment.written_by:
        return t("Saved by {name} at {time}, {date}", name=assessment.written_by, **when)
    return t("Saved at {time}, {date}", **when)


def export_file_name(area_code: str, period: Period, fmt: str) -> str:
    """bao-cao-thi-diem-01-2026-11.xlsx"""
    return f"bao-cao-thi-diem-{area_code}-{period.label.replace('..', '_')}.{fmt}"
