"""The pilot report for health officials: indicators worked out on a small hand-built population with known
answers (the < 5 rule, moved and deceased residents left out, the 24-hour share from the latency buckets,
the previous period, districts summing their communes), officials kept to their own area, and their
written assessment kept with who wrote it and when."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from api_client.models import (
    VIETNAM_TZ,
    ActivationStep,
    Administrative,
    Area,
    AreaLevel,
    PilotReport,
    ReportPeriodKind,
    Residence,
    ResidentStatus,
    Sex,
)
from server.reports.indicators import INDICATORS, Kind
from server.reports.periods import (
    NOT_STARTED,
    PeriodRefused,
    is_provisional,
    last_ended_month,
    parse_period,
    previous_period,
)
from server.storage import new_id
from server.storage.activation import StepDoneBy
from server.storage.population import ResidentRow
from server.storage.report_counts import count, latency_bucket

from ..conftest import bearer
from ..support import book_rows, sign_in

PROVINCE_OFFICIAL, DISTRICT_OFFICIAL, COMMUNE_OFFICIAL = "001180005678", "001075001111", "001183002222"
HUNG, RECEPTIONIST, VOLUNTEER, DOCTOR = "001055001234", "001192006789", "001098003456", "001085007890"

# A province of the list with a hand-built tree under it: two wards of one city, one of another.
PROVINCE, CITY, TOWN = "91", "899", "906"
WARD_A, WARD_B, WARD_C = "30730", "30733", "30769"
TREE = [
    Area(code=CITY, name="Thành phố Rạch Giá", level=AreaLevel.DISTRICT, parent_code=PROVINCE),
    Area(code=TOWN, name="Thành phố Hà Tiên", level=AreaLevel.DISTRICT, parent_code=PROVINCE),
    Area(code=WARD_A, name="Phường Vĩnh Thanh Vân", level=AreaLevel.COMMUNE, parent_code=CITY),
    Area(code=WARD_B, name="Phường Vĩnh Thanh", level=AreaLevel.COMMUNE, parent_code=CITY),
    Area(code=WARD_C, name="Phường Tô Châu", level=AreaLevel.COMMUNE, parent_code=TOWN),
]
# Facilities: public and non-public in ward A, one of unknown ownership and one that sends nothing in B.
F1, F2, F3, F4, F5 = "91001", "91002", "91003", "91004", "91005"
FACILITIES = {F1: ("Trạm Y tế phường Vĩnh Thanh Vân", WARD_A, 1), F2: ("Phòng khám Đa khoa Tâm Đức", WARD_A, 0),
              F3: ("Trạm Y tế phường Tô Châu", WARD_C, 1), F4: ("Trạm Y tế phường Vĩnh Thanh", WARD_B, 1),
              F5: ("Phòng khám Bác sĩ gia đình An Bình", WARD_B, None)}


def pid(serial: int) -> str:
    """A personal ID of Kiên Giang (091) for a man born in 1980."""
    return f"091080{serial:06d}"


# serial: (ward, residence, status, has a book)
RESIDENTS = {
    **{n: (WARD_A, Residence.PERMANENT, ResidentStatus.LIVING, n <= 6) for n in range(1, 9)},  # a01–a08
    9: (WARD_A, Residence.TEMPORARY, ResidentStatus.LIVING, True),
    10: (WARD_A, Residence.TEMPORARY, ResidentStatus.LIVING, False),
    11: (WARD_A, Residence.PERMANENT, ResidentStatus.MOVED, True),  # left out everywhere
    12: (WARD_A, Residence.PERMANENT, ResidentStatus.DECEASED, True),  # left out everywhere
    **{n: (WARD_B, Residence.PERMANENT, ResidentStatus.LIVING, n <= 25) for n in range(21, 27)},  # b21–b26
    **{n: (WARD_C, Residence.PERMANENT, ResidentStatus.LIVING, n <= 42) for n in range(41, 44)},  # c41–c43
    44: (WARD_C, Residence.PERMANENT, ResidentStatus.DECEASED, True),
}


def api_of(stack):
    return next(app for mounted, app, _ in stack.parts if mounted == "/api")


def month_label(moment: datetime) -> str:
    return moment.astimezone(VIETNAM_TZ).strftime("%Y-%m")


@pytest.fixture
def moments(clock) -> tuple[float, float]:
    """Now, and a moment of the month before (noon of its last day)."""
    now = datetime.fromtimestamp(clock(), VIETNAM_TZ)
    before = datetime.combine(now.date().replace(day=1) - timedelta(days=1), time(12), VIETNAM_TZ)
    return now.timestamp(), before.timestamp()


@pytest.fixture
def pilot(stack, moments, data_dir):
    """The hand-built province, through the real stores; returns this month's and last month's labels."""
    api = api_of(stack)
    now, before = moments
    population, books, activation, reports = (api.state.population, api.state.store, api.state.activation,
                                              api.state.reports)
    population.save_areas(TREE)
    population.import_residents([
        ResidentRow(personal_id=pid(n), full_name=f"Cư dân {n}", birth_date=date(1980, 1, 1), sex=Sex.MALE,
                    commune_code=ward, residence=residence, status=status, hamlet="Khu phố 1")
        for n, (ward, residence, status, _book) in RESIDENTS.items()])
    for n, (_ward, _residence, _status, book) in RESIDENTS.items():
        if book:
            books.save_person(Administrative(person_id=new_id(), full_name=f"Cư dân {n}", birth_date=date(1980, 1, 1),
                                             sex=Sex.MALE, personal_id=pid(n)))
    # a01–a05 had their book already last month; the others were made this month
    last_month_at = datetime.fromtimestamp(before, UTC).isoformat(timespec="milliseconds")
    book_rows(data_dir, "UPDATE people SET created_at = ? WHERE personal_id IN (?, ?, ?, ?, ?)",
              [last_month_at, *(pid(n) for n in range(1, 6))])
    # level 2 last month for a01–a05 and the one who moved; BHYT linked this month for a01–a03
    for n in (1, 2, 3, 4, 5, 11):
        activation.record_steps(pid(n), [ActivationStep.LEVEL2], before, observed=True)
    for n in (1, 2, 3):
        activation.record_steps(pid(n), [ActivationStep.BHYT_LINKED], now, observed=True)
    # volunteers: a01 (twice), a02–a04 in ward A; a06 in an assisted sign-in (no ward recorded); b21 in B;
    # a07 on his own (not helped); a08 helped last month
    helper = StepDoneBy("001098003456", "Đỗ Minh Quân", WARD_A)
    for n in (1, 2, 3, 4):
        activation.record_steps(pid(n), [ActivationStep.ACCOUNT], now, observed=False, done_by=helper)
    activation.record_steps(pid(1), [ActivationStep.CARD_PRINTED], now, observed=False, done_by=helper)
    activation.record_steps(pid(6), [ActivationStep.ACCOUNT], now, observed=True,
                            done_by=StepDoneBy("001098003456", "Đỗ Minh Quân", None))
    activation.record_steps(pid(7), [ActivationStep.ACCOUNT], now, observed=True)
    activation.record_steps(pid(21), [ActivationStep.ACCOUNT], now, observed=False,
                            done_by=StepDoneBy("001098003456", "Đỗ Minh Quân", WARD_B))
    activation.record_steps(pid(8), [ActivationStep.ACCOUNT], before, observed=False, done_by=helper)

    for code, (name, ward, _public) in FACILITIES.items():
        books.save_facility(code, name, "health_station")
        population.set_facility_commune(code, ward)
    with reports.transaction() as db:
        for code, (_name, _ward, public) in FACILITIES.items():
            db.execute("UPDATE facilities SET public = ? WHERE code = ?", [public, code])
        counted = [
            (F1, "record", "accepted", 40), (F1, "record", "rejected", 6), (F1, "record", "waiting_identification", 4),
            (F1, "refusal", "XML1.MA_THE_BHYT", 4), (F1, "refusal", "XML1.NGAY_RA", 2),
            (F1, "check_in", "book_qr", 30), (F1, "check_in", "printed_card", 5), (F1, "check_in", "cccd_qr", 3),
            (F1, "check_in", "personal_id", 2), (F1, "check_in", "bhyt", 1),
            (F1, "read", "check_in", 35), (F1, "read", "identification", 6), (F1, "read", "treatment", 12),
            (F1, "end_to_receipt", latency_bucket(3000), 10), (F1, "end_to_receipt", latency_bucket(20 * 3600), 20),
            (F1, "end_to_receipt", latency_bucket(30 * 3600), 8), (F1, "end_to_receipt", latency_bucket(10**8), 2),
            (F1, "receipt_to_visible", latency_bucket(0.4), 38), (F1, "receipt_to_visible", latency_bucket(1.5), 2),
            (F2, "record", "accepted", 10), (F2, "end_to_receipt", latency_bucket(200), 10),
            (F2, "check_in", "book_qr", 5),
            (F3, "record", "accepted", 3), (F3, "end_to_receipt", latency_bucket(86400), 3),
            (F5, "record", "accepted", 5), (F5, "record", "rejected", 1), (F5, "refusal", "HOSO", 1),
        ]
        for facility, indicator, key, value in counted:
            count(db, now, indicator, key, facility_code=facility, value=value)
        # counted before F2's ward was known: it still belongs to F2, and so to ward A
        count(db, now, "record", "accepted", commune_code="", facility_code=F2, value=5)
        count(db, now, "book_opened", commune_code=WARD_A, value=7)
        count(db, now, "book_opened", commune_code=WARD_C, value=2)
        count(db, before, "record", "accepted", facility_code=F1, value=20)
        count(db, before, "check_in", "book_qr", facility_code=F1, value=10)
    for serial in ("MA_LK_1", "MA_LK_2"):
        api.state.submissions.hold_unidentified(F1, serial, {"full_name": "?"}, "{}")
    api.state.store.add_staff(PROVINCE_OFFICIAL, "official", area=PROVINCE)
    api.state.store.add_staff(DISTRICT_OFFICIAL, "official", area=CITY)
    api.state.store.add_staff(COMMUNE_OFFICIAL, "official", area=WARD_A)
    return month_label(datetime.fromtimestamp(now, UTC)), month_label(datetime.fromtimestamp(before, UTC))


@pytest.fixture
def as_(login):
    async def _headers(personal_id: str) -> dict[str, str]:
        return bearer(await login(personal_id))

    return _headers


async def read_report(http, headers, area: str | None, period: str | None, **params) -> dict:
    answer = await http.get("/api/v1/reports/pilot", headers=headers,
                            params={key: value for key, value in (("area", area), ("period", period), *params.items())
                                    if value is not None})
    assert answer.status_code == 200, answer.text
    PilotReport.model_validate(answer.json())
    return answer.json()


def figures(report: dict, code: str) -> dict[str, dict]:
    return next(unit for unit in report["units"] if unit["code"] == code)["values"]


def shown(report: dict, code: str, indicator: str) -> float | None:
    value = figures(report, code)[indicator]
    return None if value["suppressed"] else value["value"]


# ---------------------------------------------------------------- the figures


async def test_coverage_of_the_register_leaves_out_moved_and_deceased_and_hides_small_counts(http, as_, pilot):
    this_month, _ = pilot
    report = await read_report(http, await as_(PROVINCE_OFFICIAL), PROVINCE, this_month)
    a = figures(report, WARD_A)
    assert a["residents"]["value"] == 10 and a["residents_with_book"]["value"] == 7  # not the moved nor the deceased
    assert (a["permanent_with_book_pct"]["value"], a["permanent_with_book_pct"]["numerator"],
            a["permanent_with_book_pct"]["denominator"]) == (75.0, 6, 8)
    assert (a["stable_with_book_pct"]["value"], a["stable_with_book_pct"]["denominator"]) == (70.0, 10)
    assert a["level2_accounts"]["value"] == 5  # the one who moved is not counted
    assert a["bhyt_linked"] == {"value": None, "numerator": None, "denominator": None, "suppressed": True,
                                "previous": 0, "previous_suppressed": False}  # 3 people: "< 5"; 0 before is shown
    assert a["books_opened"]["value"] == 7 and a["assisted_activations"]["value"] == 5

    b = figures(report, WARD_B)
    assert (b["residents"]["value"], b["permanent_with_book_pct"]["value"]) == (6, 83.3)
    assert b["level2_accounts"]["value"] == 0 and not b["level2_accounts"]["suppressed"]
    assert b["assisted_activations"]["suppressed"]  # one resident helped

    c = figures(report, WARD_C)  # 3 living residents, 2 with a book: everything about them is "< 5"
    assert c["residents"]["suppressed"] and c["residents_with_book"]["suppressed"]
    assert c["permanent_with_book_pct"] | {"previous": None} == {
        "value": None, "numerator": None, "denominator": None, "suppressed": True, "previous": None,
        "previous_suppressed": True}
    assert c["books_opened"]["suppressed"]

    city = figures(report, CITY)
    assert city["residents"]["value"] == 16 and city["residents_with_book"]["value"] == 12
    assert city["permanent_with_book_pct"]["value"] == 78.6  # 11 of 14
    assert city["stable_with_book_pct"]["value"] == 75.0  # 12 of 16
    assert city["assisted_activations"]["value"] == 6  # 5 + 1: shown once the sum reaches 5
    assert city["bhyt_linked"]["suppressed"]
    province = figures(report, PROVINCE)
    assert (province["residents"]["value"], province["residents_with_book"]["value"]) == (19, 14)
    assert province["permanent_with_book_pct"]["value"] == 76.5 and province["stable_with_book_pct"]["value"] == 73.7
    assert province["permanent_with_book_pct"]["numerator"] == 13 and province["books_opened"]["value"] == 9
    targets = {definition["id"]: definition["target"] for definition in report["indicators"]}
    assert targets["permanent_with_book_pct"] == 95 and targets["stable_with_book_pct"] == 100


async def test_visits_check_ins_and_latencies_by_facility_commune_and_district(http, as_, pilot):
    this_month, _ = pilot
    report = await read_report(http, await as_(PROVINCE_OFFICIAL), PROVINCE, this_month)
    a = figures(report, WARD_A)
    assert a["visits_received"]["value"] == 55  # 40 + 10 + 5 counted before F2's ward was known
    assert (a["visits_public"]["value"], a["visits_non_public"]["value"]) == (40, 15)
    assert (a["records_received"]["value"], a["records_refused"]["value"]) == (65, 6)
    assert (a["records_refused_pct"]["value"], a["records_refused_pct"]["numerator"]) == (9.2, 6)
    assert a["visits_waiting_identification"]["value"] == 2
    assert [a[f"check_ins_{method}"]["value"] for method in ("book_qr", "printed_card", "chip_card", "number")] == [
        35, 5, 3, 3]
    assert [a[f"reads_{purpose}"]["value"] for purpose in ("check_in", "identification", "treatment")] == [35, 6, 12]
    # NGAY_RA to receipt: 10 within 5 min, 10 within 1 h, 20 within 24 h, 8 within 48 h, 2 later than 30 days
    assert (a["end_to_receipt_median_hours"]["value"], a["end_to_receipt_p95_hours"]["value"]) == (24.0, 48.0)
    assert (a["end_to_receipt_within_24h_pct"]["value"], a["end_to_receipt_within_24h_pct"]["numerator"],
            a["end_to_receipt_within_24h_pct"]["denominator"]) == (80.0, 40, 50)
    assert (a["receipt_to_visible_median_seconds"]["value"], a["receipt_to_visible_p95_seconds"]["value"],
            a["receipt_to_visible_within_24h_pct"]["value"]) == (1.0, 1.0, 100.0)

    f1 = next(unit for unit in report["units"] if unit["code"] == F1)
    assert (f1["level"], f1["parent_code"], f1["public"]) == ("facility", WARD_A, True)
    assert "residents" not in f1["values"] and "visits_public" not in f1["values"]  # activity only
    assert f1["values"]["end_to_receipt_within_24h_pct"]["value"] == 75.0  # 30 of 40
    assert f1["values"]["end_to_receipt_p95_hours"]["value"] == 48.0
    assert f1["values"]["visits_received"]["previous"] == 20

    b = figures(report, WARD_B)
    assert (b["visits_received"]["value"], b["visits_public"]["value"], b["visits_non_public"]["value"]) == (5, 0, 0)
    assert b["records_refused_pct"]["value"] == 16.7  # 1 of 6 records: events, shown
    assert b["silent_facilities"]["value"] == 1
    c = figures(report, WARD_C)
    assert c["visits_received"]["value"] == 3
    assert c["records_refused_pct"]["suppressed"] and c["end_to_receipt_within_24h_pct"]["suppressed"]  # of 3
    assert c["end_to_receipt_median_hours"]["value"] == 24.0

    province = figures(report, PROVINCE)
    assert province["visits_received"]["value"] == 63 and province["visits_received"]["previous"] == 20
    assert province["check_ins_book_qr"]["previous"] == 10 and province["silent_facilities"]["value"] == 1
    assert report["silent_facilities"] == [F4]
    assert report["refusal_reasons"] == [{"field": "XML1.MA_THE_BHYT", "count": 4},
                                         {"field": "XML1.NGAY_RA", "count": 2}, {"field": "HOSO", "count": 1}]
    assert report["trend"][-1] == {"month": this_month, "visits": 63, "check_ins": 46}
    assert report["trend"][-2]["visits"] == 20 and report["trend"][-2]["check_ins"] == 10
    assert len(report["trend"]) == 12


async def test_every_unit_is_the_sum_of_the_units_under_it(http, as_, pilot):
    this_month, _ = pilot
    report = await read_report(http, await as_(PROVINCE_OFFICIAL), PROVINCE, this_month)
    assert [unit["code"] for unit in report["units"]] == [PROVINCE, CITY, TOWN, WARD_A, WARD_B, WARD_C,
                                                          F1, F2, F3, F4, F5]
    children = {PROVINCE: [CITY, TOWN], CITY: [WARD_A, WARD_B], TOWN: [WARD_C]}
    counts = [indicator.id for indicator in INDICATORS if indicator.kind in (Kind.PEOPLE, Kind.EVENTS)]
    checked = 0
    for parent, units in children.items():
        for indicator in counts:
            parts = [figures(report, code)[indicator] for code in units]
            if any(part["suppressed"] for part in parts):
                continue
            assert figures(report, parent)[indicator]["value"] == sum(part["value"] for part in parts), indicator
            checked += 1
    assert checked > 50
    for ward in (WARD_A, WARD_C):  # a commune's activity is its facilities'
        facilities = [code for code, (_, where, _) in FACILITIES.items() if where == ward]
        assert figures(report, ward)["check_ins_book_qr"]["value"] == sum(
            figures(report, code)["check_ins_book_qr"]["value"] for code in facilities)


async def test_the_previous_period_stands_at_its_own_end(http, as_, pilot):
    this_month, last_month = pilot
    report = await read_report(http, await as_(PROVINCE_OFFICIAL), WARD_A, this_month)
    assert report["period"]["label"] == this_month and report["previous_period"]["label"] == last_month
    assert report["provisional"]  # this month has not ended
    a = figures(report, WARD_A)
    assert (a["residents_with_book"]["value"], a["residents_with_book"]["previous"]) == (7, 5)
    assert a["permanent_with_book_pct"]["previous"] == 62.5  # 5 of 8
    assert (a["level2_accounts"]["value"], a["level2_accounts"]["previous"]) == (5, 5)
    assert a["assisted_activations"]["previous"] is None and a["assisted_activations"]["previous_suppressed"]
    assert a["residents"]["previous"] is None  # the register keeps no history
    assert [unit["code"] for unit in report["units"]] == [WARD_A, F1, F2]

    before = await read_report(http, await as_(PROVINCE_OFFICIAL), WARD_A, last_month)
    assert not before["provisional"]
    a = figures(before, WARD_A)
    assert (a["residents_with_book"]["value"], a["visits_received"]["value"], a["check_ins_book_qr"]["value"]) == (
        5, 20, 10)
    assert a["visits_received"]["previous"] == 0 and a["visits_received"]["value"] == a["records_received"]["value"]

    year = await read_report(http, await as_(PROVINCE_OFFICIAL), WARD_A, this_month[:4])
    assert year["period"]["kind"] == "year" and year["previous_period"]["label"] == str(int(this_month[:4]) - 1)
    expected = 75 if last_month[:4] == this_month[:4] else 55
    assert figures(year, WARD_A)["visits_received"]["value"] == expected


async def test_a_real_check_in_is_counted_in_the_facility_and_its_ward(http, as_, clock):
    headers = await as_(COMMUNE_OFFICIAL)  # the head of Quán Thánh's station, where 01901 stands
    this_month = datetime.fromtimestamp(clock(), VIETNAM_TZ).strftime("%Y-%m")
    before = await read_report(http, headers, None, this_month)
    assert before["area"]["code"] == "00013"
    code = (await http.post("/api/v1/me/check-in-codes", headers=await as_(HUNG))).json()["code"]
    checked_in = await http.post("/api/v1/clinic/check-ins", json={"code": code}, headers=await as_(RECEPTIONIST))
    assert checked_in.status_code == 201, checked_in.text
    after = await read_report(http, headers, None, this_month)
    for unit in ("00013", "01901"):
        for indicator in ("check_ins_book_qr", "reads_check_in"):
            assert figures(after, unit)[indicator]["value"] == figures(before, unit)[indicator]["value"] + 1


async def test_no_persons_data_is_in_the_report(http, as_, pilot):
    this_month, _ = pilot
    answer = await http.get("/api/v1/reports/pilot", params={"area": PROVINCE, "period": this_month},
                            headers=await as_(PROVINCE_OFFICIAL))
    text = answer.text
    assert "Cư dân" not in text and pid(1) not in text and "Đỗ Minh Quân" not in text
    assert "Trạm Y tế phường Vĩnh Thanh Vân" in text and "Phường Tô Châu" in text


# ---------------------------------------------------------------- who may read what


async def test_officials_read_their_own_area_and_what_is_inside_it_only(http, as_, pilot):
    this_month, _ = pilot

    async def status(personal_id: str, area: str) -> tuple[int, str]:
        answer = await http.get("/api/v1/reports/pilot", params={"area": area, "period": this_month},
                                headers=await as_(personal_id))
        return answer.status_code, answer.json().get("error", {}).get("code", "")

    for area in (PROVINCE, CITY, TOWN, WARD_A, WARD_C):
        assert (await status(PROVINCE_OFFICIAL, area))[0] == 200
    assert (await status(DISTRICT_OFFICIAL, CITY))[0] == 200 and (await status(DISTRICT_OFFICIAL, WARD_B))[0] == 200
    for area in (TOWN, WARD_C, PROVINCE, "01"):
        assert await status(DISTRICT_OFFICIAL, area) == (403, "area_not_allowed")
    assert (await status(COMMUNE_OFFICIAL, WARD_A))[0] == 200
    for area in (WARD_B, CITY, PROVINCE):
        assert await status(COMMUNE_OFFICIAL, area) == (403, "area_not_allowed")
    assert await status(PROVINCE_OFFICIAL, "99999") == (404, "area_not_found")
    areas = (await http.get("/api/v1/reports/areas", headers=await as_(DISTRICT_OFFICIAL))).json()
    codes = [area["code"] for area in areas]
    assert codes[0] == "001" and CITY in codes and WARD_A in codes and WARD_B in codes
    assert TOWN not in codes and WARD_C not in codes and PROVINCE not in codes and "01" not in codes


async def test_citizens_and_staff_who_are_not_officials_are_refused(http, as_, pilot, stack, clock):
    this_month, _ = pilot
    for personal_id in (HUNG, RECEPTIONIST, VOLUNTEER, DOCTOR):
        headers = await as_(personal_id)
        answer = await http.get("/api/v1/reports/pilot", params={"area": WARD_A, "period": this_month},
                                headers=headers)
        assert (answer.status_code, answer.json()["error"]["code"]) == (403, "not_official")
        assert (await http.get("/api/v1/reports/areas", headers=headers)).status_code == 403
        assert (await http.put("/api/v1/reports/pilot/assessment", params={"area": WARD_A, "period": this_month},
                               json={"effectiveness": "Tốt"}, headers=headers)).status_code == 403
    assert (await http.get("/api/v1/reports/pilot", params={"period": this_month})).status_code == 401
    # an official signed in on a volunteer's device (an assisted session) gets nothing either
    ticket = (await http.post("/api/v1/volunteer/assist-tickets", headers=await as_(VOLUNTEER))).json()["ticket"]
    tokens = await sign_in(stack, PROVINCE_OFFICIAL, clock=clock, assist_ticket=ticket)
    answer = await http.get("/api/v1/reports/pilot", params={"period": this_month}, headers=bearer(tokens))
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "assisted_session_not_allowed")


async def test_an_official_never_reads_a_persons_book(http, as_, pilot):
    person_id = (await http.get("/api/v1/me", headers=await as_(HUNG))).json()["person_id"]
    for official in (PROVINCE_OFFICIAL, DISTRICT_OFFICIAL, COMMUNE_OFFICIAL):
        headers = await as_(official)
        assert (await http.get(f"/api/v1/people/{person_id}/book", headers=headers)).status_code == 404
        assert (await http.get(f"/api/v1/people/{person_id}/visits", headers=headers)).status_code == 404
        assert (await http.get(f"/api/v1/people/{person_id}/access-log", headers=headers)).status_code == 404
        assert (await http.get(f"/api/v1/clinic/patients/{person_id}/book", headers=headers)).status_code == 403
        assert (await http.post("/api/v1/clinic/identify", json={"query": HUNG}, headers=headers)).status_code == 403


# ---------------------------------------------------------------- periods and formats


@pytest.mark.parametrize("period", ["2026-13", "2026-H3", "26-03", "March", "2026-02-30..2026-03-31",
                                    "2026-03-31..2026-03-01", "1999", "2999-01", "2000-01-01..2026-12-31"])
async def test_nonsense_periods_are_refused_naming_the_field(http, as_, pilot, period):
    answer = await http.get("/api/v1/reports/pilot", params={"period": period}, headers=await as_(PROVINCE_OFFICIAL))
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "period_invalid" and error["details"][0]["field"] == "period"


async def test_without_a_period_the_last_ended_month_is_read_and_exports_answer(http, as_, pilot, clock):
    headers = await as_(COMMUNE_OFFICIAL)
    report = await read_report(http, headers, None, None)
    today = datetime.fromtimestamp(clock(), VIETNAM_TZ).date()
    assert report["period"]["label"] == last_ended_month(today).label and not report["provisional"]
    assert report["area"]["code"] == "00013"  # the first of the official's areas
    for export in ("xlsx", "pdf"):
        answer = await http.get("/api/v1/reports/pilot", params={"area": WARD_A, "format": export},
                                headers=headers)
        assert answer.status_code in (200, 501), answer.text
        if answer.status_code == 200:
            assert answer.headers["content-disposition"].startswith("attachment;")
            assert len(answer.content) > 100
        else:
            assert answer.json()["error"]["code"] == "export_unavailable"


def test_periods_in_vietnams_calendar_and_the_ones_before():
    today = date(2026, 7, 10)
    march = parse_period("2026-03", today)
    assert (march.kind, march.start, march.end) == (ReportPeriodKind.MONTH, date(2026, 3, 1), date(2026, 3, 31))
    assert previous_period(march).label == "2026-02" and previous_period(parse_period("2026-01", today)).label == "2025-12"
    first_half = parse_period("2026-h1", today)
    assert (first_half.label, first_half.end) == ("2026-H1", date(2026, 6, 30))
    assert previous_period(first_half).label == "2025-H2"
    assert previous_period(parse_period("2026-H2", today)).label == "2026-H1"
    assert previous_period(parse_period("2025", today)).label == "2024"
    days = parse_period("2026-01-15..2026-03-31", today)
    before = previous_period(days)
    assert (before.start, before.end) == (date(2025, 10, 31), date(2026, 1, 14))
    assert (before.end - before.start) == (days.end - days.start)
    assert not is_provisional(parse_period("2026-06", today), today)  # ready from 1 July
    assert is_provisional(parse_period("2026-07", today), today) and is_provisional(parse_period("2026-H2", today), today)
    with pytest.raises(PeriodRefused) as refused:
        parse_period("2026-08", today)
    assert refused.value.message == NOT_STARTED
    assert last_ended_month(date(2026, 1, 1)).label == "2025-12"


# ---------------------------------------------------------------- the official's own sections


async def test_the_assessment_is_saved_with_who_and_when_and_comes_back_with_the_report(http, as_, pilot, clock):
    this_month, last_month = pilot
    sections = {"effectiveness": "Tỷ lệ người dân có sổ tăng rõ.", "difficulties": "Người cao tuổi chưa có điện thoại.",
                "proposals": "Tăng cường tổ công nghệ số cộng đồng."}
    saved = await http.put("/api/v1/reports/pilot/assessment", params={"area": WARD_A, "period": this_month},
                           json=sections, headers=await as_(COMMUNE_OFFICIAL))
    assert saved.status_code == 200, saved.text
    assessment = saved.json()
    assert {key: assessment[key] for key in sections} == sections
    assert assessment["written_by"] == "Nguyễn Thị Thu"
    assert abs(datetime.fromisoformat(assessment["written_at"]).timestamp() - clock()) < 2

    report = await read_report(http, await as_(DISTRICT_OFFICIAL), WARD_A, this_month)
    assert report["assessment"] == assessment
    assert (await read_report(http, await as_(DISTRICT_OFFICIAL), WARD_A, last_month))["assessment"]["written_by"] is None
    assert (await read_report(http, await as_(DISTRICT_OFFICIAL), CITY, this_month))["assessment"]["effectiveness"] == ""

    clock.advance(60)
    again = await http.put("/api/v1/reports/pilot/assessment", params={"area": WARD_A, "period": this_month},
                           json={"effectiveness": "Đã rà soát lại."}, headers=await as_(DISTRICT_OFFICIAL))
    assert again.json()["written_by"] == "Lê Văn Đức" and again.json()["proposals"] == ""
    refused = await http.put("/api/v1/reports/pilot/assessment", params={"area": WARD_B, "period": this_month},
                             json=sections, headers=await as_(COMMUNE_OFFICIAL))
    assert refused.status_code == 403
    unknown_field = await http.put("/api/v1/reports/pilot/assessment", params={"area": WARD_A, "period": this_month},
                                   json={"summary": "…"}, headers=await as_(COMMUNE_OFFICIAL))
    assert unknown_field.status_code == 422
