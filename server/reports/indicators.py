"""The pilot report's indicators: what each figure means (its definition, numerator and denominator, as
msgids), where it is computed, and how it is worked out from a unit's tally of raw measures.

A tally maps measure names to whole numbers, for one unit and one period:

    residents.permanent, residents.temporary   living residents in the register (today's register)
    books.permanent, books.temporary           of those, with a book at the end of the period
    level2, bhyt_linked                        living residents with that activation step by the period's end
    assisted                                   residents helped by a volunteer in the period (see below)
    waiting                                    visits waiting for identification (received by the end)
    silent_facilities                          facilities that sent no record in the period
    visits.public, visits.non_public           accepted records by the facility's ownership
    <indicator>:<key>                          the monthly counters (`report_counts`), e.g. check_in:book_qr

The < 5 rule: a count of people from 1 to 4 is hidden (shown "< 5"), and so is a percentage over people
whose numerator or denominator is 1 to 4, and any percentage whose denominator is 1 to 4; 0 is shown.
Counts of events (visits, records, check-ins, reads) are shown as they are: they name nobody.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from api_client.identifiers import N_
from api_client.models import AreaLevel, IndicatorDefinition, IndicatorValue

from ..storage.report_counts import LATENCY_BUCKETS

Level = AreaLevel | Literal["facility"]
Unit = Literal["count", "percent", "hours", "seconds"]
Translate = Callable[[str], str]

AREA_LEVELS: tuple[Level, ...] = (AreaLevel.PROVINCE, AreaLevel.DISTRICT, AreaLevel.COMMUNE)
ALL_LEVELS: tuple[Level, ...] = (*AREA_LEVELS, "facility")
LATENCY_INDICATORS = frozenset({"end_to_receipt", "receipt_to_visible"})
SMALLEST_SHOWN = 5
DAY_SECONDS = 24 * 3600

SMALL_COUNTS = N_("A count of 1 to 4 people is hidden and shown as “< 5”; 0 is shown.")
SMALL_PARTS = N_("Hidden (“< 5”) when the numerator or the denominator is 1 to 4 people.")
SMALL_DENOMINATOR = N_("Hidden (“< 5”) when the denominator is 1 to 4.")
MONTHLY = N_("Counted by month: a range of days counts every month it touches.")
FROM_BUCKETS = N_("Worked out from the latency buckets (1, 2, 5, 10 and 30 seconds; 1, 5 and 15 minutes; 1, 3, 6, "
                  "12, 24 and 48 hours; 7 and 30 days): the figure is the upper bound of the bucket in which the "
                  "cumulative count reaches 50% (median) or 95% (95th percentile) of the records.")


class Kind(StrEnum):
    PEOPLE = "people"  # a count of people: 1–4 hidden
    EVENTS = "events"  # a count of events or of facilities: shown as it is
    PEOPLE_SHARE = "people_share"  # a percentage over people: hidden when a part is 1–4
    EVENT_SHARE = "event_share"  # a percentage over events: hidden when the denominator is 1–4
    LATENCY = "latency"  # a quantile of a latency, from the buckets


class Tally:
    """A unit's raw measures for one period (see the module's docstring), with its latency buckets sorted
    once for the six figures that read them."""

    __slots__ = ("_buckets", "counts")

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = counts
        self._buckets: dict[str, list[tuple[float, int]]] | None = None

    def get(self, name: str) -> int:
        return self.counts.get(name, 0)

    def buckets(self, indicator: str) -> list[tuple[float, int]]:
        """(upper bound in seconds, records) of `indicator`'s latency buckets, shortest first."""
        if self._buckets is None:
            found: dict[str, list[tuple[float, int]]] = {}
            for name, count in self.counts.items():
                kind, _, key = name.partition(":")
                if count and kind in LATENCY_INDICATORS:
                    found.setdefault(kind, []).append((bucket_bound(key), count))
            self._buckets = {kind: sorted(buckets) for kind, buckets in found.items()}
        return self._buckets.get(indicator, [])


@dataclass(frozen=True)
class Figure:
    value: float | None
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    definition: str
    kind: Kind
    unit: Unit
    levels: tuple[Level, ...]
    measure: Callable[[Tally], Figure]
    numerator: str | None = None
    denominator: str | None = None
    target: float | None = None
    notes: tuple[str, ...] = ()  # msgids appended to the definition
    has_previous: bool = True  # False: the figure has no history (today's register)

    def describe(self, translate: Translate) -> IndicatorDefinition:
        return IndicatorDefinition(
            id=self.id, name=translate(self.name),
            definition=" ".join(translate(text) for text in (self.definition, *self.notes)),
            numerator=translate(self.numerator) if self.numerator else None,
            denominator=translate(self.denominator) if self.denominator else None,
            unit=self.unit, target=self.target, levels=list(self.levels))

    def evaluate(self, current: Tally, previous: Tally) -> IndicatorValue:
        value, numerator, denominator, suppressed = self._shown(self.measure(current))
        before, _, _, before_suppressed = self._shown(self.measure(previous)) if self.has_previous else (
            None, None, None, False)
        return IndicatorValue(value=value, numerator=numerator, denominator=denominator, suppressed=suppressed,
                              previous=before, previous_suppressed=before_suppressed)

    def _shown(self, figure: Figure) -> tuple[float | None, int | None, int | None, bool]:
        """The figure as it may be shown: value, numerator, denominator, and whether it is hidden."""
        if self.kind == Kind.PEOPLE and figure.value is not None and _small(int(figure.value)):
            return None, None, None, True
        if self.kind == Kind.PEOPLE_SHARE and (_small(figure.numerator) or _small(figure.denominator)):
            return (None, None if _small(figure.numerator) else figure.numerator,
                    None if _small(figure.denominator) else figure.denominator, True)
        if self.kind == Kind.EVENT_SHARE and _small(figure.denominator):
            return None, None, None, True
        return figure.value, figure.numerator, figure.denominator, False


def _small(count: int | None) -> bool:
    return count is not None and 0 < count < SMALLEST_SHOWN


# ---------------------------------------------------------------- measures


def total(*names: str) -> Callable[[Tally], Figure]:
    return lambda tally: Figure(float(sum(tally.get(name) for name in names)))


def share(numerator: tuple[str, ...], denominator: tuple[str, ...]) -> Callable[[Tally], Figure]:
    def measure(tally: Tally) -> Figure:
        top = sum(tally.get(name) for name in numerator)
        bottom = sum(tally.get(name) for name in denominator)
        return Figure(round(100 * top / bottom, 1) if bottom else None, top, bottom)

    return measure


def bucket_bound(key: str) -> float:
    """A latency bucket's upper bound in seconds (`report_counts.latency_bucket`'s keys); "inf" past the last."""
    return math.inf if key == "inf" else float(int(key))


def quantile(indicator: str, q: float, scale: float) -> Callable[[Tally], Figure]:
    """The upper bound of the bucket where the cumulative count reaches `q` of all, divided by `scale`;
    None with no records, or when it falls past the last bucket (over 30 days)."""

    def measure(tally: Tally) -> Figure:
        buckets = tally.buckets(indicator)
        records = sum(count for _, count in buckets)
        cumulative = 0
        for bound, count in buckets:
            cumulative += count
            if cumulative >= q * records:
                return Figure(None if math.isinf(bound) else round(bound / scale, 4), None, records)
        return Figure(None, None, records)

    return measure


def within(indicator: str, seconds: int) -> Callable[[Tally], Figure]:
    """The share of records in buckets whose upper bound is at most `seconds` (a bucket edge)."""
    assert seconds in LATENCY_BUCKETS, "a share is exact only at a bucket's edge"

    def measure(tally: Tally) -> Figure:
        buckets = tally.buckets(indicator)
        records = sum(count for _, count in buckets)
        inside = sum(count for bound, count in buckets if bound <= seconds)
        return Figure(round(100 * inside / records, 1) if records else None, inside, records)

    return measure


# ---------------------------------------------------------------- the list

RESIDENTS = ("residents.permanent", "residents.temporary")
BOOKS = ("books.permanent", "books.temporary")
NUMBER_METHODS = ("check_in:personal_id", "check_in:bhyt")
READ_PURPOSES = ("check_in", "identification", "treatment", "activation_help", "assisted_session")

INDICATORS: tuple[Indicator, ...] = (
    # -- coverage of the population
    Indicator(
        "residents", N_("Residents in the register"),
        N_("Living residents of the area in the population register, with permanent or temporary residence, as the "
           "register stands today. Moved and deceased residents are left out, here and in every denominator of "
           "this report."),
        Kind.PEOPLE, "count", AREA_LEVELS, total(*RESIDENTS), notes=(SMALL_COUNTS,), has_previous=False),
    Indicator(
        "residents_with_book", N_("People with a health book"),
        N_("Living residents of the area whose personal ID number has a health book at the end of the period."),
        Kind.PEOPLE, "count", AREA_LEVELS, total(*BOOKS), notes=(SMALL_COUNTS,)),
    Indicator(
        "permanent_with_book_pct", N_("Permanent residents with a health book"),
        N_("Share of the living permanent residents of the area who have a health book at the end of the period. "
           "The plans' target: 95 percent in every commune."),
        Kind.PEOPLE_SHARE, "percent", AREA_LEVELS, share(("books.permanent",), ("residents.permanent",)),
        numerator=N_("Living permanent residents with a health book"),
        denominator=N_("Living permanent residents in the register"), target=95, notes=(SMALL_PARTS,)),
    Indicator(
        "stable_with_book_pct", N_("Stable residents with a health book"),
        N_("Share of the living residents of the area, permanent and temporary, who have a health book at the end "
           "of the period. The plans' target: 100%."),
        Kind.PEOPLE_SHARE, "percent", AREA_LEVELS, share(BOOKS, RESIDENTS),
        numerator=N_("Living residents with a health book"),
        denominator=N_("Living residents in the register, permanent and temporary"), target=100,
        notes=(SMALL_PARTS,)),
    Indicator(
        "level2_accounts", N_("Level 2 identity accounts"),
        N_("Living residents of the area whose VNeID account is known to be level 2 (seen at a sign-in, or ticked "
           "by a volunteer) by the end of the period."),
        Kind.PEOPLE, "count", AREA_LEVELS, total("level2"), notes=(SMALL_COUNTS,)),
    Indicator(
        "bhyt_linked", N_("Health insurance cards linked"),
        N_("Living residents of the area whose health insurance (BHYT) card is known to be linked in VNeID by the "
           "end of the period."),
        Kind.PEOPLE, "count", AREA_LEVELS, total("bhyt_linked"), notes=(SMALL_COUNTS,)),
    Indicator(
        "books_opened", N_("Books opened by their owner"),
        N_("Owners who opened their own health book in the period, in their commune of the register, each counted "
           "once a month: over several months a person counts once for every month they opened it."),
        Kind.PEOPLE, "count", AREA_LEVELS, total("book_opened:"), notes=(SMALL_COUNTS, MONTHLY)),
    Indicator(
        "assisted_activations", N_("Activations helped by volunteers"),
        N_("Residents who did an activation step (account, level 2, insurance card, first opening of the book, "
           "phone, printed card) with a volunteer's help in the period, each counted once, in the commune where "
           "the first such step of the period was done (their commune of the register when it was done in an "
           "assisted sign-in)."),
        Kind.PEOPLE, "count", AREA_LEVELS, total("assisted"), notes=(SMALL_COUNTS,)),
    # -- visits from the facilities
    Indicator(
        "visits_received", N_("Visits received"),
        N_("Visit records the gateway accepted in the period, now in a health book, counted at the facility that "
           "sent them."),
        Kind.EVENTS, "count", ALL_LEVELS, total("record:accepted"), notes=(MONTHLY,)),
    Indicator(
        "visits_public", N_("Visits received from public facilities"),
        N_("Visits received in the period from facilities registered as public."),
        Kind.EVENTS, "count", AREA_LEVELS, total("visits.public"), notes=(MONTHLY,)),
    Indicator(
        "visits_non_public", N_("Visits received from non-public facilities"),
        N_("Visits received in the period from facilities registered as non-public. A facility whose ownership "
           "is not registered counts in neither."),
        Kind.EVENTS, "count", AREA_LEVELS, total("visits.non_public"), notes=(MONTHLY,)),
    Indicator(
        "records_received", N_("Records received"),
        N_("Visit records the gateway received in the period: accepted, refused, or kept waiting for "
           "identification."),
        Kind.EVENTS, "count", ALL_LEVELS,
        total("record:accepted", "record:rejected", "record:waiting_identification"), notes=(MONTHLY,)),
    Indicator(
        "records_refused", N_("Records refused"),
        N_("Visit records the gateway refused in the period because a field was wrong; the most frequent fields "
           "are listed with the report."),
        Kind.EVENTS, "count", ALL_LEVELS, total("record:rejected"), notes=(MONTHLY,)),
    Indicator(
        "records_refused_pct", N_("Share of records refused"),
        N_("Records refused as a share of the records received in the period."),
        Kind.EVENT_SHARE, "percent", ALL_LEVELS,
        share(("record:rejected",), ("record:accepted", "record:rejected", "record:waiting_identification")),
        numerator=N_("Records refused"), denominator=N_("Records received"), notes=(SMALL_DENOMINATOR, MONTHLY)),
    Indicator(
        "visits_waiting_identification", N_("Visits waiting for identification"),
        N_("Visits received by the end of the period without the person's personal ID number, and not yet put "
           "into a health book today."),
        Kind.EVENTS, "count", ALL_LEVELS, total("waiting")),
    Indicator(
        "silent_facilities", N_("Facilities that sent nothing"),
        N_("Facilities of the area from which the gateway received no visit record in the period; they are "
           "listed with the report."),
        Kind.EVENTS, "count", AREA_LEVELS, total("silent_facilities"), notes=(MONTHLY,)),
    # -- how fast
    Indicator(
        "end_to_receipt_median_hours", N_("End of treatment to receipt: median"),
        N_("Hours from the end of treatment (NGAY_RA) to the gateway's receipt of the record, for the records "
           "accepted in the period: half of them arrived within this time."),
        Kind.LATENCY, "hours", ALL_LEVELS, quantile("end_to_receipt", 0.5, 3600), notes=(FROM_BUCKETS, MONTHLY)),
    Indicator(
        "end_to_receipt_p95_hours", N_("End of treatment to receipt: 95th percentile"),
        N_("Hours from the end of treatment (NGAY_RA) to the gateway's receipt of the record, for the records "
           "accepted in the period: 95 in every 100 arrived within this time."),
        Kind.LATENCY, "hours", ALL_LEVELS, quantile("end_to_receipt", 0.95, 3600), notes=(FROM_BUCKETS, MONTHLY)),
    Indicator(
        "end_to_receipt_within_24h_pct", N_("Received within 24 hours of the end of treatment"),
        N_("Share of the records accepted in the period that the gateway received within 24 hours of the end of "
           "treatment (NGAY_RA)."),
        Kind.EVENT_SHARE, "percent", ALL_LEVELS, within("end_to_receipt", DAY_SECONDS),
        numerator=N_("Records received within 24 hours of the end of treatment"),
        denominator=N_("Records accepted that give an end of treatment"), notes=(SMALL_DENOMINATOR, MONTHLY)),
    Indicator(
        "receipt_to_visible_median_seconds", N_("Receipt to visible in the book: median"),
        N_("Seconds from the gateway's receipt of a record to its visit being visible in the health book, for the "
           "records accepted in the period: half of them were visible within this time."),
        Kind.LATENCY, "seconds", ALL_LEVELS, quantile("receipt_to_visible", 0.5, 1), notes=(FROM_BUCKETS, MONTHLY)),
    Indicator(
        "receipt_to_visible_p95_seconds", N_("Receipt to visible in the book: 95th percentile"),
        N_("Seconds from the gateway's receipt of a record to its visit being visible in the health book, for the "
           "records accepted in the period: 95 in every 100 were visible within this time."),
        Kind.LATENCY, "seconds", ALL_LEVELS, quantile("receipt_to_visible", 0.95, 1), notes=(FROM_BUCKETS, MONTHLY)),
    Indicator(
        "receipt_to_visible_within_24h_pct", N_("Visible in the book within 24 hours of receipt"),
        N_("Share of the records accepted in the period whose visit was visible in the health book within 24 hours "
           "of its receipt. The plans' target: 100%."),
        Kind.EVENT_SHARE, "percent", ALL_LEVELS, within("receipt_to_visible", DAY_SECONDS),
        numerator=N_("Records visible within 24 hours of receipt"), denominator=N_("Records accepted"), target=100,
        notes=(SMALL_DENOMINATOR, MONTHLY)),
    # -- at the counter
    Indicator(
        "check_ins_book_qr", N_("Check-ins by the book's QR code"),
        N_("Patients checked in at a facility's reception in the period with the QR code of the health book app."),
        Kind.EVENTS, "count", ALL_LEVELS, total("check_in:book_qr"), notes=(MONTHLY,)),
    Indicator(
        "check_ins_printed_card", N_("Check-ins by printed card"),
        N_("Patients checked in at a facility's reception in the period with a printed check-in card."),
        Kind.EVENTS, "count", ALL_LEVELS, total("check_in:printed_card"), notes=(MONTHLY,)),
    Indicator(
        "check_ins_chip_card", N_("Check-ins by chip ID card"),
        N_("Patients checked in at a facility's reception in the period with the QR code of their chip ID card."),
        Kind.EVENTS, "count", ALL_LEVELS, total("check_in:cccd_qr"), notes=(MONTHLY,)),
    Indicator(
        "check_ins_number", N_("Check-ins by number"),
        N_("Patients checked in at a facility's reception in the period with a typed personal ID number or health "
           "insurance card number."),
        Kind.EVENTS, "count", ALL_LEVELS, total(*NUMBER_METHODS), notes=(MONTHLY,)),
    # -- the access logs
    Indicator(
        "reads_check_in", N_("Book reads at check-in"),
        N_("Lines written in the citizens' access logs in the period for a patient summary read at check-in with "
           "the book's QR code or a printed card."),
        Kind.EVENTS, "count", ALL_LEVELS, total("read:check_in"), notes=(MONTHLY,)),
    Indicator(
        "reads_identification", N_("Book reads for identification"),
        N_("Lines written in the citizens' access logs in the period for identity and allergies read at reception "
           "with a chip ID card or a number."),
        Kind.EVENTS, "count", ALL_LEVELS, total("read:identification"), notes=(MONTHLY,)),
    Indicator(
        "reads_treatment", N_("Book reads for treatment"),
        N_("Lines written in the citizens' access logs in the period for a book read by the medical staff "
           "treating its owner."),
        Kind.EVENTS, "count", ALL_LEVELS, total("read:treatment"), notes=(MONTHLY,)),
    Indicator(
        "reads_activation_help", N_("Book reads for activation help"),
        N_("Lines written in the citizens' access logs in the period for an identity read by a volunteer helping "
           "with activation."),
        Kind.EVENTS, "count", ALL_LEVELS, total("read:activation_help"), notes=(MONTHLY,)),
    Indicator(
        "reads_assisted_session", N_("Book reads in assisted sessions"),
        N_("Lines written in the citizens' access logs in the period for a citizen's sign-in on a volunteer's "
           "device."),
        Kind.EVENTS, "count", ALL_LEVELS, total("read:assisted_session"), notes=(MONTHLY,)),
)
INDICATORS_BY_ID: Mapping[str, Indicator] = {indicator.id: indicator for indicator in INDICATORS}


def definitions(translate: Translate) -> list[IndicatorDefinition]:
    return [indicator.describe(translate) for indicator in INDICATORS]


def values(level: Level, current: Mapping[str, int], previous: Mapping[str, int]) -> dict[str, IndicatorValue]:
    """Every indicator computed at `level`, for a unit's raw measures of the period and of the one before."""
    now, before = Tally(current), Tally(previous)
    return {indicator.id: indicator.evaluate(now, before) for indicator in INDICATORS if level in indicator.levels}
