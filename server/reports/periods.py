"""Report periods in Vietnam's calendar, as the plans count them: a month (ready from the 1st of the next
month), six months, a year, or any range of days; and the previous period of the same length.

    2026-03                  March 2026
    2026-H1, 2026-H2         January to June, July to December
    2026                     the year
    2026-01-15..2026-03-31   those days, both included

The counters behind the activity figures are kept by month (`report_counts`), so a range of days counts
every month it touches; the register's figures (books, level 2, ...) stand as at its last day.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from api_client.identifiers import N_
from api_client.models import VIETNAM_TZ, ReportPeriod, ReportPeriodKind

FIRST_YEAR = 2000
LONGEST_RANGE_DAYS = 3660  # ten years

FORMAT = N_("Write the period as a month (2026-03), six months (2026-H1 or 2026-H2), a year (2026) or a range "
            "of days (2026-01-15..2026-03-31).")
NOT_A_DATE = N_("This period names a day or a month that does not exist. Check the numbers.")
REVERSED = N_("The range ends before it starts. Write its first day, then its last: 2026-01-15..2026-03-31.")
NOT_STARTED = N_("This period has not started yet. Choose a period that starts today or earlier.")
TOO_EARLY = N_("Reports start in the year 2000. Choose a later period.")
TOO_LONG = N_("A range can cover at most ten years. Choose a shorter range.")

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_HALF = re.compile(r"([0-9]{4})-[Hh]([12])")
_YEAR = re.compile(r"([0-9]{4})")
_RANGE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})\s*\.\.\s*([0-9]{4}-[0-9]{2}-[0-9]{2})")


class PeriodRefused(ValueError):
    """The text is not a period a report can be made for; `message` is a msgid saying what to write."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_period(text: str, today: date) -> ReportPeriod:
    """The period `text` names; raises PeriodRefused. A period that has not ended is allowed (its report
    is provisional), one that has not started is not."""
    text = text.strip()
    if match := _MONTH.fullmatch(text):
        year, month = _year(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodRefused(NOT_A_DATE)
        period = month_period(year, month)
    elif match := _HALF.fullmatch(text):
        period = half_period(_year(match[1]), int(match[2]))
    elif match := _YEAR.fullmatch(text):
        period = year_period(_year(match[1]))
    elif match := _RANGE.fullmatch(text):
        try:
            start, end = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        except ValueError:
            raise PeriodRefused(NOT_A_DATE) from None
        _year(match[1][:4])
        if end < start:
            raise PeriodRefused(REVERSED)
        if (end - start).days + 1 > LONGEST_RANGE_DAYS:
            raise PeriodRefused(TOO_LONG)
        period = range_period(start, end)
    else:
        raise PeriodRefused(FORMAT)
    if period.start > today:
        raise PeriodRefused(NOT_STARTED)
    return period


def _year(digits: str) -> int:
    if int(digits) < FIRST_YEAR:
        raise PeriodRefused(TOO_EARLY)
    return int(digits)


def month_period(year: int, month: int) -> ReportPeriod:
    return ReportPeriod(label=f"{year:04d}-{month:02d}", kind=ReportPeriodKind.MONTH, start=date(year, month, 1),
                        end=date(year, month, monthrange(year, month)[1]))


def half_period(year: int, half: int) -> ReportPeriod:
    return ReportPeriod(label=f"{year:04d}-H{half}", kind=ReportPeriodKind.HALF_YEAR,
                        start=date(year, 1, 1) if half == 1 else date(year, 7, 1),
                        end=date(year, 6, 30) if half == 1 else date(year, 12, 31))


def year_period(year: int) -> ReportPeriod:
    return ReportPeriod(label=f"{year:04d}", kind=ReportPeriodKind.YEAR, start=date(year, 1, 1),
                        end=date(year, 12, 31))


def range_period(start: date, end: date) -> ReportPeriod:
    return ReportPeriod(label=f"{start.isoformat()}..{end.isoformat()}", kind=ReportPeriodKind.RANGE, start=start,
                        end=end)


def previous_period(period: ReportPeriod) -> ReportPeriod:
    """The month before, the six months before, the year before, or the range of as many days just before."""
    if period.kind == ReportPeriodKind.MONTH:
        before = period.start - timedelta(days=1)
        return month_period(before.year, before.month)
    if period.kind == ReportPeriodKind.HALF_YEAR:
        year = period.start.year
        return half_period(year - 1, 2) if period.start.month == 1 else half_period(year, 1)
    if period.kind == ReportPeriodKind.YEAR:
        return year_period(period.start.year - 1)
    days = (period.end - period.start).days + 1
    return range_period(period.start - timedelta(days=days), period.start - timedelta(days=1))


def last_ended_month(today: date) -> ReportPeriod:
    """The latest month whose report is final: on 1 April, March's."""
    before = today.replace(day=1) - timedelta(days=1)
    return month_period(before.year, before.month)


def is_provisional(period: ReportPeriod, today: date) -> bool:
    """Not ended yet: a month is final from the 1st of the next month."""
    return today <= period.end


@dataclass(frozen=True)
class Span:
    """A period as the stores filter on it: its months as `YYYY-MM` (both included) and its instants as
    UTC ISO text (start included, end excluded), comparable with the stored times."""

    first_month: str
    last_month: str
    start_at: str
    end_at: str


def span(period: ReportPeriod) -> Span:
    return Span(period.start.strftime("%Y-%m"), period.end.strftime("%Y-%m"), utc_text(period.start),
                utc_text(period.end + timedelta(days=1)))


def utc_text(day: date) -> str:
    """Midnight starting `day` in Vietnam, as the stores write times (UTC, ISO 8601)."""
    return datetime.combine(day, time(0), VIETNAM_TZ).astimezone(UTC).isoformat(timespec="seconds")


def months_up_to(last: str, count: int) -> list[str]:
    """`count` months ending with `last` (YYYY-MM), oldest first."""
    year, month = int(last[:4]), int(last[5:7])
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]
