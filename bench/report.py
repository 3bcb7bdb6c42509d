"""The officials' pilot report at a province's scale: a year of a province of `--people` residents.

    python -m bench.report --people 1000000 [--database postgresql://USER@HOST/DB | sqlite] [--jobs 2]
                           [--data-dir DIR] [--reuse] [--runs 7] [--build-only]

Builds, unless `--reuse` finds it built already:
- the demo, through the server's own start-up (facilities, accounts, the demo wards and their year);
- residents of Hà Nội (01) to `--people` in all, the demo's included: in its communes outside the demo
  wards and in synthetic communes (codes 9xxxx, under synthetic districts 981–999 named "mô phỏng": the
  national list has no such codes), about 8 000 a commune; with books, activation steps and books opened
  as `server.demo_history` makes them for the demo wards, one commune at a time in `--jobs` processes
  (COPY on PostgreSQL);
- a station in each of those communes, a district health centre in each district and a private hospital in
  every third, each with a year of `report_counts` (check-ins, reads, records, refusals, latencies);
- an official of the province (a staff assignment `official` for area 01), through the store.
Then starts `python main.py` and times `GET /api/v1/reports/pilot` for last month, for the province and for
its largest commune, as that official (a token signed with the provider's key, as the other benches do):
one warm-up, then `--runs` requests each; medians. The PostgreSQL database must exist and be empty (or
hold a population built before, with --reuse). Last line: `people=<n> province_report_ms=<x>
commune_report_ms=<y>`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from api_client.models import VIETNAM_TZ, Area, AreaLevel
from main import StackConfig, close_stack, create_stack
from server.demo import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES
from server.demo_history import (
    COUNT_KEY,
    STEP_COLUMNS,
    FacilityProfile,
    WardProfile,
    add_openings,
    facility_history,
    history_window,
    resident_history,
    split,
)
from server.population import DEMO_WARDS
from server.storage import BookStore, open_database
from server.storage.books import now_utc
from server.storage.db import Database, bulk_insert
from server.storage.population import PopulationStore

from .book import mint_tokens
from .stack import running_stack

PROVINCE = "01"
PER_COMMUNE = 8000
COMMUNES_PER_DISTRICT = 12
SYNTHETIC_DISTRICTS = tuple(str(code) for code in range(981, 1000))
OFFICIAL = ("001180009990", "Lương Thị Thanh", "1980-04-21")  # Sở Y tế's statistician (the serial no resident has)
ID_PREFIXES = ("001", "037", "020", "091", "030", "034", "036", "038")  # where residents were registered at birth
SLOTS = 980_000  # serials a prefix gives: 010000–699999 and 710000–999999 (the demo's are below and between)
AGE_BANDS = ((0, 5, 6), (6, 17, 15), (18, 39, 31), (40, 59, 26), (60, 79, 17), (80, 95, 5))
SEXES = ("male", "female")


def personal_id(index: int, birth: date, sex: str) -> str:
    prefix, slot = ID_PREFIXES[index // SLOTS], index % SLOTS
    serial = 10_000 + slot if slot < 690_000 else 710_000 + slot - 690_000
    century = (birth.year // 100 - 19) * 2 + (sex == "female")
    return f"{prefix}{century}{birth.year % 100:02d}{serial:06d}"


def residents_of(rng: random.Random, commune: str, size: int, first_index: int, today: date) -> list[list[Any]]:
    """A commune's register, as `residents` holds it (personal_id … hamlet)."""
    year_start = date(today.year, 1, 1)
    found = []
    for index in range(first_index, first_index + size):
        sex = SEXES[rng.random() < 0.5]
        low, high, _ = rng.choices(AGE_BANDS, weights=[band[2] for band in AGE_BANDS])[0]
        birth = year_start - timedelta(days=rng.randint(low * 365 + 1, high * 365 + 364))
        age = today.year - birth.year
        roll = rng.random()
        status = "living" if roll < 0.88 else "moved" if roll < 0.96 or age < 60 else "deceased"
        residence = "temporary" if rng.random() < (0.3 if 18 <= age < 40 else 0.08) else "permanent"
        name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES[sex])} {rng.choice(GIVEN_NAMES[sex])}"
        found.append([personal_id(index, birth, sex), name, birth.isoformat(), sex, commune, residence, status,
                      f"Tổ dân phố {rng.randint(1, 20)}"])
    return found


def build_commune(database: str | None, data_dir: str, commune: str, size: int, first_index: int,
                  address: str, station: tuple[str, str], today_text: str) -> tuple[int, int, int]:
    """One commune: its register, books, activation steps and books opened, in one transaction. Returns
    (residents, books, steps)."""
    today = date.fromisoformat(today_text)
    window = history_window(today)
    rng = random.Random(f"bench:{commune}")
    register = residents_of(rng, commune, size, first_index, today)
    profile = WardProfile(coverage=rng.uniform(0.62, 0.97), launch=rng.uniform(0.2, 0.45),
                          accounts=rng.uniform(0.5, 0.88), opened=rng.uniform(0.35, 0.8), helped=rng.uniform(0.15, 0.45))
    volunteers = [(row[0], row[1]) for row in register
                  if row[6] == "living" and 20 <= today.year - int(row[2][:4]) <= 40][:3]
    people: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    counts: Counter[COUNT_KEY] = Counter()
    for row in register:
        history = resident_history(rng, row, profile, window, today, address=address, volunteers=volunteers,
                                   registered=station)
        if history.person:
            people.append(history.person)
        steps.extend(dict(zip(STEP_COLUMNS, step, strict=True)) for step in history.steps)
        add_openings(counts, window, commune, history)
    stamp = now_utc()
    columns = ("personal_id", "full_name", "birth_date", "sex", "commune_code", "residence", "status", "hamlet")
    store = open_database(Path(data_dir) / "book.db", database)
    try:
        with store.transaction() as db:
            bulk_insert(db, "residents", [{**dict(zip(columns, row, strict=True)), "updated_at": stamp}
                                          for row in register])
            bulk_insert(db, "people", people)
            bulk_insert(db, "activation_steps", steps)
            db.executemany(  # the volunteers' reads have no commune: shared by every commune, so added to
                "INSERT INTO report_counts (month, commune_code, facility_code, indicator, key, value) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (month, commune_code, facility_code, indicator, key) "
                "DO UPDATE SET value = report_counts.value + excluded.value",
                [[*key, value] for key, value in sorted(counts.items())])
    finally:
        store.close()
    return len(register), len(people), len(steps)


def plan(people: int, already: int, real_communes: list[Area], seed: int = 13) -> tuple[list[Area], dict[str, int]]:
    """The synthetic districts and communes the province needs, and every bench commune's size."""
    remaining = max(0, people - already)
    wanted = max(len(real_communes), -(-remaining // PER_COMMUNE))
    synthetic = min(wanted - len(real_communes), len(SYNTHETIC_DISTRICTS) * COMMUNES_PER_DISTRICT)
    areas: list[Area] = []
    for index in range(synthetic):
        district = SYNTHETIC_DISTRICTS[index // COMMUNES_PER_DISTRICT]
        if index % COMMUNES_PER_DISTRICT == 0:
            areas.append(Area(code=district, name=f"Quận Mô phỏng {district}", level=AreaLevel.DISTRICT,
                              parent_code=PROVINCE))
        areas.append(Area(code=f"9{index + 1:04d}", name=f"Phường Mô phỏng {index + 1}", level=AreaLevel.COMMUNE,
                          parent_code=district))
    communes = [*real_communes, *(area for area in areas if area.level == AreaLevel.COMMUNE)]
    rng = random.Random(seed)
    sizes = split(rng, remaining, {area.code: rng.uniform(0.6, 1.4) for area in communes}, noise=0)
    return areas, {area.code: sizes.get(area.code, 0) for area in communes}


def build(database: str | None, data_dir: Path, people: int, jobs: int) -> str:
    close_stack(create_stack(StackConfig(public_url="http://127.0.0.1:1", data_dir=data_dir,
                                         database_url=database), web=False))
    today = datetime.now(VIETNAM_TZ).date()
    window = history_window(today)
    db = open_database(data_dir / "book.db", database)
    population, books = PopulationStore(db), BookStore(db)
    try:
        real = [area for area in population.areas_under(PROVINCE, AreaLevel.COMMUNE) if area.code not in DEMO_WARDS]
        areas, sizes = plan(people, population.count_residents(), real)
        population.save_areas(areas)
        named = {area.code: area for area in [population.area(PROVINCE), *population.areas_under(PROVINCE)] if area}
        districts: dict[str, list[str]] = {}
        for code in sizes:
            districts.setdefault(named[code].parent_code or "", []).append(code)
        facilities = bench_facilities(db, named, sizes, districts)
        if not any(a.role == "official" and a.area == PROVINCE for a in books.staff_assignments(OFFICIAL[0])):
            books.add_staff(OFFICIAL[0], "official", area=PROVINCE)
        counts: Counter[COUNT_KEY] = Counter()
        for code, (commune, profile) in facilities.items():
            counts.update(facility_history(random.Random(f"bench:{code}"), code, commune, profile, window))
        with db.transaction() as connection:
            bulk_insert(connection, "report_counts", [
                dict(zip(("month", "commune_code", "facility_code", "indicator", "key"), key, strict=True))
                | {"value": value} for key, value in sorted(counts.items()) if value])
    finally:
        db.close()

    first, work = 0, []
    for code, size in sizes.items():
        district = named[named[code].parent_code or ""]
        address = f"{named[code].name}, {district.name}, {named[PROVINCE].name}"
        station = next(f for f, (commune, _) in facilities.items() if commune == code)
        work.append((database, str(data_dir), code, size, first, address, (station, f"Trạm Y tế {named[code].name}"),
                     today.isoformat()))
        first += size
    totals = [0, 0, 0]
    with ProcessPoolExecutor(jobs) as pool:
        for done in pool.map(build_commune, *zip(*work, strict=True)):
            totals = [total + part for total, part in zip(totals, done, strict=True)]
    db = open_database(data_dir / "book.db", database)
    try:
        with db.connection() as connection:
            connection.execute("ANALYZE")
    finally:
        db.close()
    return (f"residents={totals[0]} books={totals[1]} steps={totals[2]} facilities={len(facilities)} "
            f"report_counts={len(counts)}")


def bench_facilities(db: Database, named: dict[str, Area], sizes: dict[str, int],
                     districts: dict[str, list[str]]) -> dict[str, tuple[str, FacilityProfile]]:
    """A station per bench commune, a district health centre per district (Ba Đình has the demo's
    hospital), a private hospital in every third district: codes 9xxxx, each with its commune and profile."""
    rng = random.Random(29)
    made: dict[str, tuple[str, FacilityProfile]] = {}
    rows: list[list[Any]] = []

    def add(name: str, kind: str, commune: str, public: bool, visits: float, book_qr: float = 1.0) -> None:
        code = f"9{len(made) + 1:04d}"
        made[code] = (commune, FacilityProfile(
            visits=max(20, round(visits)), growth=rng.uniform(0.05, 0.35), public=public, book_qr=book_qr,
            treatment_reads=rng.uniform(0.3, 0.65), joined=rng.choice((0, 0, 0, 0, 0, 0, 1, 2, 3, 4)),
            silent=(rng.randrange(12),) if rng.random() < 0.1 else ()))
        rows.append([code, name, kind, PROVINCE, f"{named[commune].name}, {named[PROVINCE].name}", commune, int(public)])

    for code, size in sizes.items():
        add(f"Trạm Y tế {named[code].name}", "health_station", code, True, size * 0.075, rng.uniform(0.8, 1.3))
    for index, (district, communes) in enumerate(sorted(districts.items())):
        population = sum(sizes[code] for code in communes)
        if district != "001":
            add(f"Trung tâm Y tế {named[district].name}", "hospital", communes[0], True, population * 0.03)
        if index % 3 == 0:
            add(f"Bệnh viện Đa khoa tư nhân Mô phỏng {index + 1}", "hospital", communes[-1], False,
                population * 0.012, rng.uniform(0.6, 0.9))
    with db.transaction() as connection:
        connection.executemany(
            "INSERT INTO facilities (code, name, kind, province_code, address, commune_code, public) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING", rows)
    return made


def largest_commune(database: str | None, data_dir: Path) -> tuple[int, str]:
    db = open_database(data_dir / "book.db", database)
    try:
        with db.connection() as connection:
            people = connection.execute("SELECT count(*) FROM residents").fetchone()[0]
            commune = connection.execute("SELECT commune_code FROM residents GROUP BY commune_code "
                                         "ORDER BY count(*) DESC, commune_code LIMIT 1").fetchone()[0]
    finally:
        db.close()
    return int(people), commune


def last_month(today: date) -> str:
    return f"{today.replace(day=1) - timedelta(days=1):%Y-%m}"


def time_report(http: httpx.Client, token: str, area: str, period: str, runs: int) -> float:
    """Median milliseconds of the report's JSON, after one warm-up."""
    latencies = []
    for run in range(runs + 1):
        started = time.perf_counter()
        response = http.get("/api/v1/reports/pilot", params={"area": area, "period": period},
                            headers={"Authorization": f"Bearer {token}"})
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"GET /api/v1/reports/pilot?area={area}&period={period}: {response.status_code} "
                             f"{response.text[:300]}")
        if run:
            latencies.append(elapsed)
    print(f"area={area} period={period} runs={runs} min_ms={min(latencies):.1f} max_ms={max(latencies):.1f}",
          flush=True)
    return statistics.median(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("--people", type=int, default=1_000_000, help="residents in all, the demo's included")
    parser.add_argument("--database", default="sqlite", help="postgresql://USER@HOST/DB, or 'sqlite' (default)")
    parser.add_argument("--jobs", type=int, default=2, help="processes building the population")
    parser.add_argument("--data-dir", type=Path, help="keep the data dir here (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="measure the population already in the data dir")
    parser.add_argument("--runs", type=int, default=7, help="timed requests per report")
    parser.add_argument("--build-only", action="store_true", help="build, then stop")
    args = parser.parse_args()
    database = None if args.database == "sqlite" else args.database
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        if not args.reuse:
            started = time.perf_counter()
            built = build(database, data_dir, args.people, args.jobs)
            print(f"built {built} in {time.perf_counter() - started:.0f} s", flush=True)
        people, commune = largest_commune(database, data_dir)
        print(f"backend={'postgresql' if database else 'sqlite'} people={people} commune={commune}", flush=True)
        if args.build_only:
            return
        period = last_month(datetime.now(VIETNAM_TZ).date())
        with running_stack(data_dir, database=database) as url, httpx.Client(base_url=url, timeout=120) as http:
            [token] = mint_tokens(data_dir, url, [OFFICIAL])
            province_ms = time_report(http, token, PROVINCE, period, args.runs)
            commune_ms = time_report(http, token, commune, period, args.runs)
        print(f"people={people} province_report_ms={province_ms:.1f} commune_report_ms={commune_ms:.1f}")


if __name__ == "__main__":
    main()
