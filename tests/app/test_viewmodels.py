"""View-models as plain functions: what each screen will say, with the clock and language fixed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from api_client.models import VIETNAM_TZ, HealthBook, History, InsuranceCard, LabResult, Vaccination
from app.i18n import Translator
from app.viewmodels.history import build_history
from app.viewmodels.home import build_home, mask_personal_id
from app.viewmodels.vaccinations import DoseStatus, build_vaccinations
from app.viewmodels.visits import LabFlag, build_visit_detail, build_visit_list, lab_flag, reference_range
from server.demo import le_minh_an, nguyen_van_hung, tran_thi_mai

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=VIETNAM_TZ)
VI, EN = Translator("vi"), Translator("en")


def book_of(demo) -> HealthBook:
    made = demo(TODAY)
    return HealthBook(person=made.person, history=made.history, visits=made.visits,
                      vaccinations=made.vaccinations, updated_at=NOW)


@pytest.fixture(scope="module")
def hung() -> HealthBook:
    return book_of(nguyen_van_hung)


def test_home_puts_the_severe_penicillin_allergy_first_and_masks_the_id(hung):
    home = build_home(hung, now=NOW, t=VI)
    [allergy] = home.allergies
    assert allergy.substance.startswith("Penicillin") and allergy.severe
    assert allergy.detail == "Thuốc · nặng · Nổi mày đay toàn thân, khó thở"
    assert home.personal_id_masked == "001******234" and "055001" not in home.personal_id_masked
    assert home.born == "Sinh ngày 12/03/1955 · Nam"
    assert home.conditions == ["Tăng huyết áp vô căn (I10)", "Đái tháo đường type 2 (E11)"]


def test_home_shows_the_next_reexam_with_the_days_left(hung):
    appointment = build_home(hung, now=NOW, t=VI).appointment
    assert appointment.when == "7:30, 2 tháng 12, 2026"
    assert appointment.days_left == "còn 10 ngày"
    english = build_home(hung, now=NOW, t=EN).appointment
    assert english.when == "07:30, 2 December 2026" and english.days_left == "in 10 days"


def test_home_shows_the_soonest_of_two_reexams(hung):
    """A second appointment (a station's form adds one beside the hospital's) must not break Home."""
    booked = next(v for v in hung.visits if v.re_exam)
    later = booked.re_exam.model_copy(update={"appointment_at": booked.re_exam.appointment_at + timedelta(days=30)})
    second = booked.model_copy(update={"id": "second", "re_exam": later})
    book = hung.model_copy(update={"visits": [second, *hung.visits]})
    assert build_home(book, now=NOW, t=VI).appointment.when == "7:30, 2 tháng 12, 2026"


def test_a_past_appointment_is_not_next(hung):
    assert build_home(hung, now=NOW + timedelta(days=11), t=VI).appointment is None


@pytest.mark.parametrize(
    ("valid_to", "status"),
    [(date(2026, 12, 31), "valid"), (date(2026, 12, 10), "expiring"), (date(2026, 11, 1), "expired")],
)
def test_insurance_card_validity_is_judged_against_today(hung, valid_to, status):
    card = InsuranceCard(code="HT3010123456789", valid_from=date(2026, 1, 1), valid_to=valid_to)
    person = hung.person.model_copy(update={"insurance": card})
    assert build_home(hung.model_copy(update={"person": person}), now=NOW, t=VI).insurance.status == status


def test_the_cards_benefit_level_is_spelled_out(hung):
    assert build_home(hung, now=NOW, t=VI).insurance.benefit == "Mức hưởng 95%"
    assert build_home(hung, now=NOW, t=EN).insurance.benefit == "Benefit level 95%"


def test_a_mild_allergy_is_listed_without_the_severe_mark():
    book = book_of(tran_thi_mai)
    assert [a.severe for a in build_home(book, now=NOW, t=VI).allergies] == [False]  # shellfish, mild


def test_visits_are_grouped_by_year_newest_first(hung):
    groups = build_visit_list(hung.visits, "", VI)
    assert [g.year for g in groups] == sorted({g.year for g in groups}, reverse=True)
    dates = [row.date for group in groups for row in group.rows]
    assert len(dates) == 8  # the demo's five visits and three quarterly chronic re-exams
    assert groups[0].rows[0].papers == ["Giấy hẹn khám lại"]


@pytest.mark.parametrize(
    ("query", "found"),
    [("metformin", 5), ("viem phoi", 1), ("VIÊM PHỔI", 1), ("tim mach", 1), ("J18.9", 1), ("losartan 50", 2),
     ("xyz", 0)],
)
def test_visits_are_searchable_without_diacritics(hung, query, found):
    assert sum(len(g.rows) for g in build_visit_list(hung.visits, query, VI)) == found


def lab(value: str, low=None, high=None, text=None) -> LabResult:
    return LabResult(name="x", value=value, unit="mmol/L", reference_low=low, reference_high=high, reference_text=text)


@pytest.mark.parametrize(
    ("result", "flag"),
    [
        (lab("8.9", 3.9, 6.4), LabFlag.HIGH),
        (lab("3,1", 3.9, 6.4), LabFlag.LOW),
        (lab("5.0", 3.9, 6.4), LabFlag.NORMAL),
        (lab("86", None, 5), LabFlag.HIGH),
        (lab("Dương tính", text="Âm tính"), LabFlag.ABNORMAL),
        (lab("âm tính", text="Âm tính"), LabFlag.NORMAL),
        (lab("7.1"), LabFlag.UNKNOWN),
    ],
)
def test_out_of_range_results_are_flagged(result, flag):
    assert lab_flag(result) is flag


def test_reference_ranges_use_the_readers_number_format():
    assert reference_range(lab("1", 3.9, 6.4), VI) == "3,9–6,4 mmol/L"
    assert reference_range(lab("1", 3.9, 6.4), EN) == "3.9–6.4 mmol/L"
    assert reference_range(lab("1", None, 5), VI) == "≤ 5 mmol/L"


def test_the_inpatient_visit_reads_as_its_papers(hung):
    inpatient = next(v for v in hung.visits if v.visit_type == "03")
    detail = build_visit_detail(inpatient, VI)
    assert detail.title == "Viêm phổi, không đặc hiệu"
    assert detail.diagnoses[0] == ("J18.9", "Viêm phổi, không đặc hiệu", True)
    assert [p.kind for p in detail.papers] == ["discharge"]
    fields = dict(detail.papers[0].fields)
    assert fields["Chẩn đoán"].startswith("Viêm phổi (J18.9)")
    assert fields["Bác sĩ"] == "BS. Ngô Thanh Bình"
    wbc = next(row for row in detail.labs if row.name.startswith("Số lượng bạch cầu"))
    assert (wbc.value, wbc.flag_label, wbc.reference) == ("15,6 G/L", "Cao", "4–10 G/L")
    assert detail.medicines[0].name == "Levofloxacin 750mg/150ml"
    assert dict(detail.summary)["Kết quả cận lâm sàng có giá trị chẩn đoán"].startswith("Bạch cầu")
    assert detail.signature.startswith("Đã ký số bởi Bệnh viện Đa khoa Ba Đình")


def test_referral_and_reexam_papers_are_readable(hung):
    referral = next(v for v in hung.visits if v.referral)
    fields = dict(build_visit_detail(referral, VI).papers[0].fields)
    assert fields["Chuyển đến"] == "Bệnh viện Tim mạch Thăng Long (01903)"
    assert fields["Lý do chuyển tuyến"] == "Đủ điều kiện chuyển tuyến"
    reexam = next(v for v in hung.visits if v.re_exam)
    assert dict(build_visit_detail(reexam, EN).papers[0].fields)["Come back on"] == "07:30, 2 December 2026"


def test_child_schedule_marks_done_and_overdue_doses():
    child = book_of(le_minh_an)
    model = build_vaccinations(child.person.birth_date, child.vaccinations, today=TODAY, t=VI)
    statuses = {row.title: row.status for row in model.schedule}
    assert statuses["BCG (phòng lao), mũi 1"] is DoseStatus.DONE
    assert statuses["Viêm não Nhật Bản, mũi 3"] is DoseStatus.OVERDUE
    assert model.next_due.title == "Viêm não Nhật Bản, mũi 3"
    assert model.doses[0].given_on == "14/08/2023"  # newest first


@pytest.mark.parametrize(
    ("age_days", "status"),
    [(30, DoseStatus.UPCOMING), (65, DoseStatus.DUE), (120, DoseStatus.OVERDUE)],
)
def test_a_babys_first_5_in_1_dose_goes_from_upcoming_to_due_to_overdue(age_days, status):
    birth = TODAY - timedelta(days=age_days)
    given = [Vaccination(vaccine_code="VGB", vaccine_name="VGB", dose_number=1, given_on=birth),
             Vaccination(vaccine_code="BCG", vaccine_name="BCG", dose_number=1, given_on=birth)]
    model = build_vaccinations(birth, given, today=TODAY, t=EN)
    row = next(r for r in model.schedule if r.title == "DPT-HepB-Hib (5 in 1), dose 1")
    assert row.status is status
    assert model.next_due.status is status


def test_adults_see_their_doses_without_the_childhood_schedule(hung):
    model = build_vaccinations(hung.person.birth_date, hung.vaccinations, today=TODAY, t=VI)
    assert model.schedule == [] and model.next_due is None
    assert model.doses[0].title.startswith("Cúm mùa") and model.doses[0].programme == "Tiêm chủng dịch vụ"


def test_history_has_every_group_and_says_when_one_is_empty(hung):
    sections = {s.key: s for s in build_history(hung.history, VI)}
    assert list(sections) == ["allergies", "conditions", "risk_factors", "family_history", "surgeries", "disabilities"]
    assert sections["allergies"].rows[0].alert
    assert sections["family_history"].rows[0].secondary == "Bố"
    assert all(not s.rows for s in build_history(History(), VI))


def test_mask_keeps_province_and_last_digits():
    assert mask_personal_id("001190004567") == "001******567"
