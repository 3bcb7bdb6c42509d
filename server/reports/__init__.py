"""The pilot report for health officials: periods (`periods`), the indicators' definitions (`indicators`),
and the report itself, computed here from the population register, the books and the counters kept
when things happen (`server.storage.reports`).

A commune's activity is its facilities' counters plus the counters kept with that commune and no
facility; a district's is the sum of its communes', a province's the sum of its districts'. The register's
figures are summed the same way, so every figure of a unit (before the < 5 rule hides some) is the sum
of the figures of the units under it; only "residents helped by volunteers" counts each person once, in
one commune, so that it sums too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, datetime

from api_client.models import (
    Area,
    AreaLevel,
    MonthTrend,
    PilotReport,
    RefusalReason,
    ReportPeriod,
    ReportUnit,
)

from ..storage.reports import FacilityRow, ReportStore
from .indicators import definitions, values
from .periods import is_provisional, months_up_to, previous_period, span

TOP_REFUSALS = 10
TREND_MONTHS = 12
_LEVEL_ORDER = {AreaLevel.PROVINCE: 0, AreaLevel.DISTRICT: 1, AreaLevel.COMMUNE: 2}


class _Tallies:
    """The raw measures of every unit, for the period (index 0) and the previous one (index 1)."""

    def __init__(self) -> None:
        self.by_unit: defaultdict[str, tuple[Counter[str], Counter[str]]] = defaultdict(lambda: (Counter(), Counter()))

    def add(self, unit: str, name: str, current: int, previous: int) -> None:
        now, before = self.by_unit[unit]
        now[name] += current
        before[name] += previous

    def merge(self, unit: str, into: str) -> None:
        now, before = self.by_unit[unit]
        target = self.by_unit[into]
        target[0].update(now)
        target[1].update(before)


def build_report(store: ReportStore, area: Area, period: ReportPeriod, *, today: date, now: datetime,
                 translate: Callable[[str], str]) -> PilotReport:
    previous = previous_period(period)
    current_span, previous_span = span(period), span(previous)
    tree = [area, *store.areas_under(area.code)]
    communes = [unit.code for unit in tree if unit.level == AreaLevel.COMMUNE]
    facilities = store.facilities_in(communes)
    by_facility = {facility.code: facility for facility in facilities}
    commune_set = set(communes)
    tallies = _Tallies()

    # the register at the end of each period, and who was helped
    register = store.register(communes, [current_span.end_at, previous_span.end_at])
    for commune, (now_tally, before_tally) in _pairs(register):
        for name in now_tally.keys() | before_tally.keys():
            tallies.add(commune, name, now_tally[name], before_tally[name])
    helped_now, helped_before = store.assisted(communes, [(current_span.start_at, current_span.end_at),
                                                          (previous_span.start_at, previous_span.end_at)])
    for commune in helped_now.keys() | helped_before.keys():
        tallies.add(commune, "assisted", helped_now[commune], helped_before[commune])

    # the counters, at the facility and in its commune
    records: Counter[str] = Counter()
    records_before: Counter[str] = Counter()
    for row in store.counters(communes, (current_span.first_month, current_span.last_month),
                              (previous_span.first_month, previous_span.last_month)):
        home = row.commune_code
        if home not in commune_set:
            continue
        name = f"{row.indicator}:{row.key}"
        tallies.add(home, name, row.current, row.previous)
        facility = by_facility.get(row.facility_code)
        if facility is None:
            continue
        tallies.add(_facility_key(facility.code), name, row.current, row.previous)
        if row.indicator == "record":
            records[facility.code] += row.current
            records_before[facility.code] += row.previous
        if row.indicator == "record" and row.key == "accepted" and facility.public is not None:
            ownership = "visits.public" if facility.public else "visits.non_public"
            tallies.add(_facility_key(facility.code), ownership, row.current, row.previous)
            tallies.add(home, ownership, row.current, row.previous)
    waiting = store.waiting([facility.code for facility in facilities], [current_span.end_at, previous_span.end_at])
    silent = []
    for facility in facilities:
        now_waiting, before_waiting = waiting.get(facility.code, [0, 0])
        tallies.add(_facility_key(facility.code), "waiting", now_waiting, before_waiting)
        tallies.add(facility.commune_code, "waiting", now_waiting, before_waiting)
        sent_nothing, sent_nothing_before = records[facility.code] == 0, records_before[facility.code] == 0
        tallies.add(facility.commune_code, "silent_facilities", int(sent_nothing), int(sent_nothing_before))
        if sent_nothing:
            silent.append(facility.code)

    # communes up to the area
    parents = {unit.code: unit.parent_code for unit in tree}
    for commune in communes:
        above = parents.get(commune)
        while commune != area.code and above is not None and above in parents:
            tallies.merge(commune, above)
            if above == area.code:
                break
            above = parents.get(above)

    areas = sorted(tree[1:], key=lambda unit: (_LEVEL_ORDER[unit.level], unit.code))
    units = [_area_unit(unit, tallies) for unit in [area, *areas]]
    units += [_facility_unit(facility, tallies) for facility in facilities]
    area_now = tallies.by_unit[area.code][0]
    refusals = sorted(((name.partition(":")[2], count) for name, count in area_now.items()
                       if name.startswith("refusal:") and count), key=lambda item: (-item[1], item[0]))
    return PilotReport(
        area=area, period=period, previous_period=previous, generated_at=now,
        indicators=definitions(translate), units=units,
        refusal_reasons=[RefusalReason(field=field, count=count) for field, count in refusals[:TOP_REFUSALS]],
        silent_facilities=silent, trend=_trend(store, communes, current_span.last_month),
        assessment=store.assessment(area.code, period.label), provisional=is_provisional(period, today))


def _facility_key(code: str) -> str:
    """Facilities' tallies apart from the areas': a facility code may look like a commune's."""
    return f"facility:{code}"


def _pairs(register: dict[str, list[Counter[str]]]) -> list[tuple[str, tuple[Counter[str], Counter[str]]]]:
    return [(commune, (ends[0], ends[1])) for commune, ends in register.items()]


def _area_unit(area: Area, tallies: _Tallies) -> ReportUnit:
    now, before = tallies.by_unit[area.code]
    return ReportUnit(code=area.code, name=area.name, level=area.level, parent_code=area.parent_code,
                      values=values(area.level, now, before))


def _facility_unit(facility: FacilityRow, tallies: _Tallies) -> ReportUnit:
    now, before = tallies.by_unit[_facility_key(facility.code)]
    return ReportUnit(code=facility.code, name=facility.name, level="facility", parent_code=facility.commune_code,
                      public=facility.public, values=values("facility", now, before))


def _trend(store: ReportStore, communes: list[str], last_month: str) -> list[MonthTrend]:
    months = months_up_to(last_month, TREND_MONTHS)
    found = store.trend(communes, (months[0], months[-1]))
    return [MonthTrend(month=month, visits=found.get(month, (0, 0))[0], check_ins=found.get(month, (0, 0))[1])
            for month in months]
