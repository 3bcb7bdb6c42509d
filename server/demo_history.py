"""A year of the pilot in the demo's wards, so the officials' dashboard has trends to show: the 11 months
before the current one and the current month up to yesterday.

What is made, deterministically for a given register and date (a seeded RNG, residents in ID order):
- books (`people` rows, as `BookStore.save_person` writes them, without visits) for most living residents
  of the demo wards, coverage by today varying by ward (62%–97%) and growing month by month (`created_at`);
- each adult's activation steps (`activation_steps`, as `ActivationStore.record_steps` writes them): a
  first sign-in (account, level 2, BHYT linked), the book opened, the QR on their own phone or a printed
  card; a share done with a volunteer of the ward (helper and ward set), observed by the system later;
- per month, `report_counts` as the events' own transactions count them: at each demo facility check-ins
  by method, reads by purpose, records accepted / rejected / waiting for identification, refusals by
  field, and the latency buckets (end of treatment to receipt, receipt to visible); per ward the books
  opened by their owner (each person once a month, `people.book_opened_month` their last month); and the
  volunteers' reads (no facility, so no commune: as `count` writes them).
Moved and deceased residents get nothing (the register states today's status; a deceased resident may
well have had a book, but the demo keeps it simple), nor do the named demo accounts (`server.demo`), whose
books and checklists the demo's journeys start from (nor the demo's staff). Facilities 01901 and 01902 are public, the two
"Thăng Long" hospitals private. Seeded once: when the demo wards already hold books other than the
accounts', nothing is added; one transaction, on either engine.

The generators (`resident_history`, `facility_history`) are shared with `bench.report`.
"""

from __future__ import annotations

import bisect
import json
import random
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from api_client.models import VIETNAM_TZ, ActivationStep

from .demo import FACILITIES, STAFF
from .population import DEMO_FACILITY_COMMUNES, DEMO_RESIDENTS, DEMO_WARDS
from .storage.db import Connection, Database
from .storage.report_counts import latency_bucket

__all__ = [
    "COUNT_COLUMNS", "COUNT_KEY", "DEMO_FACILITY_PROFILES", "DEMO_WARD_PROFILES", "PERSON_COLUMNS", "REFUSAL_FIELDS",
    "STEP_COLUMNS", "FacilityProfile", "HistorySummary", "Month", "ResidentHistory", "WardProfile", "Window",
    "add_openings", "book_id", "facility_history", "history_window", "insert_history", "resident_history",
    "seed_demo_history", "split",
]

HISTORY_MONTHS = 12
SEED = 2024
COUNT_KEY = tuple[str, str, str, str, str]  # month, commune, facility, indicator, key
PERSON_COLUMNS = ("id", "personal_id", "full_name", "birth_date", "birth_date_precision", "sex", "ethnicity",
                  "nationality", "occupation", "phone", "address", "blood_group", "insurance", "created_at",
                  "updated_at", "book_opened_month")
STEP_COLUMNS = ("personal_id", "step", "done_at", "observed", "helper_personal_id", "helper_name", "commune_code")
COUNT_COLUMNS = ("month", "commune_code", "facility_code", "indicator", "key", "value")
_BOOK_IDS = uuid.UUID("5d0c8a54-3f7e-4a8e-9c61-1332b0e20240")  # books of the demo history: uuid5 of the ID

# Check-in methods: a share at the start of the year and at its end (book QR growing, the BHYT card
# fading; the rest falls to the typed number).
_METHODS = {"book_qr": (0.12, 0.55), "printed_card": (0.01, 0.05), "cccd_qr": (0.30, 0.25), "bhyt": (0.37, 0.10)}
# A refused record's fields, as the gateway names them (a bad signature refuses the whole envelope before
# any record is counted, so it is not among them).
REFUSAL_FIELDS = {"XML1.MA_THE_BHYT": 34, "XML1.NGAY_SINH": 15, "XML1.SO_CCCD": 14, "XML1.NGAY_RA": 9,
                  "XML1.MA_BENH_CHINH": 10, "XML2.MA_THUOC": 9, "THONGTINHOSO.NGAYLAP": 5, "HOSO": 4}
# End of treatment (NGAY_RA) to receipt: within 24 hours (shares of that part), then the tail.
_RECEIPT_WITHIN = {300: 2, 900: 5, 3600: 16, 3 * 3600: 24, 6 * 3600: 20, 12 * 3600: 17, 24 * 3600: 16}
_RECEIPT_TAIL = {48 * 3600: 58, 7 * 24 * 3600: 33, 30 * 24 * 3600: 8, None: 1}
# Receipt to visible in the book: seconds, but a recovered envelope waits (hours, once in a while days).
_VISIBLE = {1: 8600, 2: 900, 5: 300, 10: 100, 30: 50, 60: 20, 300: 10, 3600: 10, 12 * 3600: 5, 24 * 3600: 3,
            48 * 3600: 2}
# Visits by month of the year: Tết in the first months, dengue at the end of the rainy season.
_SEASON = {1: 1.04, 2: 0.82, 3: 1.0, 4: 0.97, 5: 0.98, 6: 1.02, 7: 1.03, 8: 1.06, 9: 1.09, 10: 1.05, 11: 1.02,
           12: 1.05}


@dataclass(frozen=True)
class WardProfile:
    """How the pilot went in a ward, by today."""

    coverage: float  # permanent living residents with a book (temporary ones a little fewer)
    launch: float  # of those books, the share already there in the first month
    accounts: float  # adults who signed in with VNeID (the elderly fewer)
    opened: float  # of the level-2 adults with a book, those who opened it
    helped: float  # activations done with a volunteer of the ward (the elderly more)


DEMO_WARD_PROFILES: Mapping[str, WardProfile] = {
    # Quán Thánh: station 01901 sends every visit, so most have a book; few opened it yet: the volunteer's list
    "00013": WardProfile(coverage=0.88, launch=0.35, accounts=0.60, opened=0.32, helped=0.45),
    "00004": WardProfile(coverage=0.97, launch=0.40, accounts=0.86, opened=0.80, helped=0.25),  # Trúc Bạch
    "00008": WardProfile(coverage=0.75, launch=0.25, accounts=0.70, opened=0.62, helped=0.20),  # Liễu Giai
    "00049": WardProfile(coverage=0.66, launch=0.20, accounts=0.55, opened=0.50, helped=0.30),  # Hàng Đào
    "00064": WardProfile(coverage=0.81, launch=0.30, accounts=0.74, opened=0.66, helped=0.22),  # Hàng Gai
}
_DEFAULT_WARD = WardProfile(coverage=0.75, launch=0.3, accounts=0.7, opened=0.6, helped=0.25)


@dataclass(frozen=True)
class FacilityProfile:
    visits: int  # a month at the start of the year
    growth: float  # visits by the end: × (1 + growth)
    public: bool
    book_qr: float = 1.0  # the book QR's share at its check-ins, relative to the usual
    treatment_reads: float = 0.5  # reads of the book during the visit, per visit, by the end of the year
    waiting: float = 0.015  # records waiting for identification (newborns, old ID cards)
    joined: int = 0  # the month of the year (0–11) it started
    silent: tuple[int, ...] = ()  # months it sent no records (its software being replaced)


DEMO_FACILITY_PROFILES: Mapping[str, FacilityProfile] = {
    "01901": FacilityProfile(visits=620, growth=0.25, public=True, book_qr=1.15, treatment_reads=0.35),
    "01902": FacilityProfile(visits=3100, growth=0.12, public=True, treatment_reads=0.6),
    "01903": FacilityProfile(visits=850, growth=0.2, public=False, book_qr=0.8, treatment_reads=0.55),
    "01904": FacilityProfile(visits=560, growth=0.3, public=False, book_qr=0.85, waiting=0.045, joined=2,
                             silent=(6,)),
}


# ------------------------------------------------------------------ the calendar


@dataclass(frozen=True)
class Month:
    key: str  # YYYY-MM
    first: int  # its first day, in days from the window's start
    days: int  # its days in the window (the current month: up to yesterday)
    share: float  # of its calendar days


@dataclass(frozen=True)
class Window:
    """Days from the first of the first month, Vietnam's calendar; today is not in it. An event's time is
    a day and a fraction: the fraction spreads it over the working day, 07:00–21:00, so its month is the
    same in UTC and in Vietnam."""

    start: date
    days: int
    months: tuple[Month, ...]

    def moment(self, offset: float) -> datetime:
        day = int(offset)
        local = datetime.combine(self.start + timedelta(days=day), time(7), VIETNAM_TZ)
        return (local + timedelta(hours=14 * (offset - day))).astimezone(UTC)

    def month(self, offset: float) -> int:
        return bisect.bisect_right([month.first for month in self.months], int(offset)) - 1

    def when(self, rng: random.Random, launch: float, shape: float = 1.3) -> float:
        """A moment of a growing adoption: `launch` of the events in the first month, then more each month."""
        if rng.random() < launch:
            return rng.random() * self.months[0].days
        return self.days * rng.random() ** (1 / shape)


def history_window(today: date, months: int = HISTORY_MONTHS) -> Window:
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    start = date(year, month, 1)
    found = []
    for _ in range(months):
        first = date(year, month, 1)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        following = date(year, month, 1)
        days = (min(following, today) - first).days
        if days > 0:
            found.append(Month(f"{first:%Y-%m}", (first - start).days, days, days / (following - first).days))
    return Window(start, (today - start).days, tuple(found))


# ------------------------------------------------------------------ residents


@dataclass
class ResidentHistory:
    person: dict[str, Any] | None = None  # the book, if any
    steps: list[tuple[Any, ...]] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)  # months the owner opened the book
    volunteer_reads: list[tuple[int, str]] = field(default_factory=list)  # (month, purpose)


def book_id(personal_id: str) -> str:
    return uuid.uuid5(_BOOK_IDS, personal_id).hex


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _stamp(moment: datetime, timespec: str) -> str:
    return moment.isoformat(timespec=timespec)


def _card(personal_id: str, age: int, registered: tuple[str, str] | None, today: date) -> str:
    """A BHYT card as the book keeps it (an InsuranceCard's JSON)."""
    kind = "TE1" if age < 6 else "HT2" if age >= 80 else "HS4" if age < 18 else "GD4"
    return json.dumps({
        "code": f"{kind}01{personal_id[-10:]}", "valid_from": date(today.year, 1, 1).isoformat(),
        "valid_to": date(today.year, 12, 31).isoformat(),
        "registered_facility_code": registered[0] if registered else None,
        "registered_facility_name": registered[1] if registered else None,
    }, ensure_ascii=False)


def resident_history(rng: random.Random, resident: Sequence[Any], profile: WardProfile, window: Window,
                     today: date, *, address: str, volunteers: Sequence[tuple[str, str]],
                     registered: tuple[str, str] | None = None) -> ResidentHistory:
    """One resident's year: `resident` is a row of `residents` (personal_id, full_name, birth_date, sex,
    commune_code, residence, status, hamlet)."""
    personal_id, full_name, birth_text, sex, commune, residence, status, hamlet = resident
    found = ResidentHistory()
    if status != "living":
        return found
    birth = date.fromisoformat(birth_text)
    age = _age(birth, today)
    book_at = None
    if rng.random() < profile.coverage * (0.85 if residence == "temporary" else 1.0):
        book_at = window.when(rng, profile.launch)

    def done(step: ActivationStep, offset: float, helper: tuple[str, str] | None, observed: bool = True) -> bool:
        if offset >= window.days:
            return False
        found.steps.append((personal_id, step.value, _stamp(window.moment(offset), "seconds"), int(observed),
                            helper[0] if helper else None, helper[1] if helper else None,
                            commune if helper else None))
        return True

    opened_at = None
    if age >= 14 and rng.random() < profile.accounts * (0.55 if age >= 75 else 0.85 if age >= 60 else 1.0):
        helper = None
        if volunteers and rng.random() < min(0.9, profile.helped * (1.7 if age >= 60 else 1.0)):
            helper = volunteers[rng.randrange(len(volunteers))]
        first = window.when(rng, 0.12)
        level2 = first if rng.random() < 0.75 else first + rng.uniform(2, 45)
        done(ActivationStep.ACCOUNT, first, helper)
        unseen = helper is not None and rng.random() < 0.1  # ticked by the volunteer, not signed in since
        if done(ActivationStep.LEVEL2, level2, helper, not unseen) and rng.random() < 0.7:
            done(ActivationStep.BHYT_LINKED, level2 if rng.random() < 0.5 else level2 + rng.uniform(0, 30), helper,
                 not unseen)
        if helper and book_at is not None and book_at <= first:  # the volunteer's look-up is a read of the book
            found.volunteer_reads.append((window.month(first), "activation_help"))
        if not unseen and book_at is not None and rng.random() < profile.opened:
            at = max(level2, book_at) + rng.expovariate(1 / 6)
            if done(ActivationStep.BOOK_OPENED, at, helper):
                opened_at = at
                if helper:
                    found.volunteer_reads.append((window.month(at), "assisted_session"))
        if opened_at is not None:
            phone = opened_at + rng.uniform(0, 14)
            if rng.random() < (0.3 if age >= 75 else 0.6 if age >= 60 else 0.92):
                # on their own device the system sees it; a volunteer ticks it when they try it together
                done(ActivationStep.OWN_PHONE, phone, helper, helper is None)
            elif age >= 60 and rng.random() < 0.6:
                done(ActivationStep.CARD_PRINTED, opened_at + rng.uniform(0, 30), helper)
    if opened_at is not None:
        first_month = window.month(opened_at)
        reopen = 0.2 if age >= 70 else 0.38
        found.opened = [first_month] + [index for index in range(first_month + 1, len(window.months))
                                        if rng.random() < reopen * window.months[index].share]
    if book_at is not None:
        created = _stamp(window.moment(book_at), "milliseconds")
        found.person = {
            "id": book_id(personal_id), "personal_id": personal_id, "full_name": full_name, "birth_date": birth_text,
            "birth_date_precision": "day", "sex": sex, "ethnicity": "Kinh", "nationality": "Việt Nam",
            "occupation": None, "phone": None, "address": f"{hamlet}, {address}" if hamlet else address,
            "blood_group": None,
            "insurance": _card(personal_id, age, registered, today) if rng.random() < 0.92 else None,
            "created_at": created, "updated_at": created,
            "book_opened_month": window.months[found.opened[-1]].key if found.opened else None,
        }
    return found


# ------------------------------------------------------------------ facilities


def split(rng: random.Random, total: int, weights: Mapping[Any, float], noise: float = 0.15) -> dict[Any, int]:
    """`total` shared by the weights (each a little off), in whole numbers that add up; zeros left out."""
    if total <= 0:
        return {}
    noisy = {key: weight * rng.uniform(1 - noise, 1 + noise) for key, weight in weights.items() if weight > 0}
    scale = total / sum(noisy.values())
    exact = {key: weight * scale for key, weight in noisy.items()}
    shares = {key: int(value) for key, value in exact.items()}
    for key in sorted(exact, key=lambda key: shares[key] - exact[key])[:total - sum(shares.values())]:
        shares[key] += 1
    return {key: value for key, value in shares.items() if value}


def facility_history(rng: random.Random, code: str, commune: str, profile: FacilityProfile,
                     window: Window) -> Counter[COUNT_KEY]:
    """A facility's counts by month: check-ins by method, reads by purpose, records and refusals,
    the latency buckets; as its events' transactions count them (the facility's commune, or '')."""
    counts: Counter[COUNT_KEY] = Counter()
    last = max(len(window.months) - 1, 1)
    for index, month in enumerate(window.months):
        if index < profile.joined:
            continue
        progress = index / last

        def add(indicator: str, values: Mapping[str, int], key_month: str = month.key) -> None:
            for key, value in values.items():
                counts[key_month, commune, code, indicator, key] += value

        visits = round(profile.visits * (1 + profile.growth * progress) * _SEASON[int(month.key[5:])]
                       * rng.uniform(0.94, 1.06) * month.share)
        shares = {method: start + (end - start) * progress for method, (start, end) in _METHODS.items()}
        shares["book_qr"] *= profile.book_qr
        shares["personal_id"] = max(0.03, 1 - sum(shares.values()))
        check_ins = split(rng, visits, shares)
        add("check_in", check_ins)
        add("read", {"check_in": check_ins.get("book_qr", 0) + check_ins.get("printed_card", 0),
                     "identification": sum(check_ins.get(method, 0) for method in ("cccd_qr", "personal_id", "bhyt")),
                     "treatment": round(visits * profile.treatment_reads * (0.35 + 0.65 * progress)
                                        * rng.uniform(0.9, 1.1))})
        if index in profile.silent:
            continue
        records = round(visits * rng.uniform(0.9, 0.98))
        rejected = round(records * max(0.005, (0.065 - 0.045 * progress) * rng.uniform(0.8, 1.2)))
        waiting = round(records * profile.waiting * rng.uniform(0.7, 1.3))
        accepted = records - rejected - waiting
        add("record", {"accepted": accepted, "rejected": rejected, "waiting_identification": waiting})
        refusals = Counter(split(rng, rejected, REFUSAL_FIELDS, noise=0.3))
        refusals.update(split(rng, round(rejected * 0.12), REFUSAL_FIELDS, noise=0.3))  # a second field refused
        add("refusal", refusals)
        within = min(0.97, (0.72 + 0.2 * progress) * rng.uniform(0.97, 1.03))
        on_time = round(accepted * within)
        late = split(rng, accepted - on_time, _RECEIPT_TAIL)
        add("end_to_receipt", {latency_bucket(bound): value
                               for bound, value in split(rng, on_time, _RECEIPT_WITHIN).items()}
            | {(latency_bucket(bound) if bound else "inf"): value for bound, value in late.items()})
        add("receipt_to_visible", {latency_bucket(bound): value
                                   for bound, value in split(rng, accepted, _VISIBLE, noise=0.3).items()})
    return counts


# ------------------------------------------------------------------ storing


@dataclass(frozen=True)
class HistorySummary:
    books: int = 0
    steps: int = 0
    counts: int = 0  # report_counts rows

    @property
    def seeded(self) -> bool:
        return bool(self.books or self.steps or self.counts)


def insert_history(db: Connection, people: Iterable[Mapping[str, Any]], steps: Iterable[Sequence[Any]],
                   counts: Mapping[COUNT_KEY, int]) -> None:
    """What is already there stays (a book, a step, a count): nothing is added to it."""
    db.executemany(f"INSERT INTO people ({', '.join(PERSON_COLUMNS)}) VALUES ({', '.join('?' * len(PERSON_COLUMNS))}) "
                   "ON CONFLICT DO NOTHING", [[person[column] for column in PERSON_COLUMNS] for person in people])
    db.executemany(f"INSERT INTO activation_steps ({', '.join(STEP_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * len(STEP_COLUMNS))}) ON CONFLICT DO NOTHING", list(steps))
    db.executemany(f"INSERT INTO report_counts ({', '.join(COUNT_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * len(COUNT_COLUMNS))}) ON CONFLICT DO NOTHING",
                   [[*key, value] for key, value in sorted(counts.items()) if value])


def add_openings(counts: Counter[COUNT_KEY], window: Window, commune: str, history: ResidentHistory) -> None:
    for index in history.opened:
        counts[window.months[index].key, commune, "", "book_opened", ""] += 1
    for index, purpose in history.volunteer_reads:
        counts[window.months[index].key, "", "", "read", purpose] += 1


def seed_demo_history(database: Database, today: date | None = None) -> HistorySummary:
    """The demo wards' year (see the module); after the register and the facilities' communes. Once:
    nothing is added where the demo wards already hold books besides the named accounts'."""
    today = today or datetime.now(VIETNAM_TZ).date()
    window = history_window(today)
    accounts = sorted({resident.personal_id for resident in DEMO_RESIDENTS} | {staff[0] for staff in STAFF})
    wards = sorted(DEMO_WARDS)
    with database.transaction() as db:
        for code, profile in DEMO_FACILITY_PROFILES.items():
            db.execute("UPDATE facilities SET public = ? WHERE code = ? AND public IS NULL", [int(profile.public), code])
        accounts_marks, ward_marks = ", ".join("?" * len(accounts)), ", ".join("?" * len(wards))
        if db.execute(f"SELECT 1 FROM people p JOIN residents r ON r.personal_id = p.personal_id "
                      f"WHERE r.commune_code IN ({ward_marks}) AND p.personal_id NOT IN ({accounts_marks}) LIMIT 1",
                      [*wards, *accounts]).fetchone() or not window.months:
            return HistorySummary()
        residents = db.execute(
            "SELECT personal_id, full_name, birth_date, sex, commune_code, residence, status, hamlet FROM residents "
            f"WHERE commune_code IN ({ward_marks}) AND personal_id NOT IN ({accounts_marks}) "
            "ORDER BY commune_code, personal_id", [*wards, *accounts]).fetchall()
        areas = dict(db.execute("SELECT code, name FROM areas").fetchall())
        parents = dict(db.execute("SELECT code, parent_code FROM areas").fetchall())
        facilities = dict(db.execute(
            f"SELECT code, commune_code FROM facilities WHERE code IN ({', '.join('?' * len(FACILITIES))})",
            list(FACILITIES)).fetchall())

        rng = random.Random(SEED)
        by_ward: dict[str, list[Any]] = {}
        for row in residents:
            by_ward.setdefault(row[4], []).append(row)
        names = {resident.personal_id: resident.full_name for resident in DEMO_RESIDENTS}
        demo_volunteers: dict[str, list[tuple[str, str]]] = {}
        for pid, role, _, area in STAFF:
            if role == "volunteer" and area and pid in names:
                demo_volunteers.setdefault(area, []).append((pid, names[pid]))
        people: list[dict[str, Any]] = []
        steps: list[tuple[Any, ...]] = []
        counts: Counter[COUNT_KEY] = Counter()
        for ward, rows in by_ward.items():
            volunteers = list(demo_volunteers.get(ward, []))
            for row in rows:  # the ward's first young adults also help (the demo staffs one volunteer only)
                if len(volunteers) >= 2:
                    break
                if row[6] == "living" and 20 <= _age(date.fromisoformat(row[2]), today) <= 40:
                    volunteers.append((row[0], row[1]))
            district = parents.get(ward) or ""
            address = ", ".join(name for name in (areas.get(ward), areas.get(district), areas.get(parents.get(district)
                                                                                                 or "")) if name)
            registered = "01901" if ward == DEMO_FACILITY_COMMUNES["01901"] else "01902"  # the ward's station
            card_facility = (registered, FACILITIES[registered][0]) if registered in facilities else None
            ward_profile = DEMO_WARD_PROFILES.get(ward, _DEFAULT_WARD)
            for row in rows:
                history = resident_history(rng, row, ward_profile, window, today, address=address, volunteers=volunteers,
                                           registered=card_facility)
                if history.person:
                    people.append(history.person)
                steps.extend(history.steps)
                add_openings(counts, window, ward, history)
        for code, profile in DEMO_FACILITY_PROFILES.items():
            if code in facilities:
                counts.update(facility_history(random.Random(f"{SEED}:{code}"), code,
                                               facilities[code] or "", profile, window))
        insert_history(db, people, steps, counts)
    return HistorySummary(books=len(people), steps=len(steps), counts=sum(1 for value in counts.values() if value))
