"""Counting what the pilot report needs, in the transaction of the event itself: a month, a commune,
a facility, an indicator and a key, and a number; never anybody's data."""

from __future__ import annotations

from datetime import UTC, datetime

from api_client.models import VIETNAM_TZ

from .db import Connection

# Latency buckets (seconds, upper bounds): the report's median, p95 and share within 24 hours come from
# these, so a bucket edge sits at 24 h exactly.
LATENCY_BUCKETS = (1, 2, 5, 10, 30, 60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600, 48 * 3600,
                   7 * 24 * 3600, 30 * 24 * 3600)


def month_of(moment: datetime | float) -> str:
    """The month in Vietnam's calendar, as the plans count."""
    when = moment if isinstance(moment, datetime) else datetime.fromtimestamp(moment, UTC)
    return when.astimezone(VIETNAM_TZ).strftime("%Y-%m")


def latency_bucket(seconds: float) -> str:
    """The first bucket whose bound is at least `seconds`, as a zero-padded key that sorts ("inf" last)."""
    for bound in LATENCY_BUCKETS:
        if seconds <= bound:
            return f"{bound:09d}"
    return "inf"


def count(db: Connection, moment: datetime | float, indicator: str, key: str = "", *, commune_code: str | None = None,
          facility_code: str | None = None, value: int = 1) -> None:
    """Add to a counter; the commune defaults to the facility's, when there is a facility."""
    month = month_of(moment)
    if commune_code is None and facility_code:
        row = db.execute("SELECT commune_code FROM facilities WHERE code = ?", [facility_code]).fetchone()
        commune_code = row[0] if row and row[0] else None
    db.execute(
        "INSERT INTO report_counts (month, commune_code, facility_code, indicator, key, value) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (month, commune_code, facility_code, indicator, key) "
        "DO UPDATE SET value = report_counts.value + excluded.value",
        [month, commune_code or "", facility_code or "", indicator, key, value],
    )
