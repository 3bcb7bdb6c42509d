"""Home for the reader: what he takes now, how his sugar and pressure are going, what to do soon; and a
guardian's home with each child's alerts. View-models on the demo book, then the screen headless."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from api_client.models import VIETNAM_TZ, DependentRef, HealthBook, LabResult, PrescriptionItem
from app.i18n import Translator
from app.viewmodels.medicines import build_medicines, daily_dose, supply_days
from app.viewmodels.reminders import Urgency, build_family_alerts, build_reminders
from app.viewmodels.trends import build_trends, lab_series, trend_of
from server.demo import le_minh_an, nguyen_van_hung

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=VIETNAM_TZ)
VI, EN = Translator("vi"), Translator("en")
REFILL_DAY = TODAY - timedelta(days=20)  # the demo's last chronic visit
RUNS_OUT = REFILL_DAY + timedelta(days=30)  # 60 tablets, 2 a day


def book_of(demo) -> HealthBook:
    made = demo(TODAY)
    return HealthBook(person=made.person, history=made.history, visits=made.visits,
                      vaccinations=made.vaccinations, updated_at=NOW)


@pytest.fixture(scope="module")
def hung() -> HealthBook:
    return book_of(nguyen_van_hung)


@pytest.fixture(scope="module")
def an() -> HealthBook:
    return book_of(le_minh_an)


# ---------------------------------------------------------------- current medicines


@pytest.mark.parametrize(("dosage", "per_day"), [
    ("Ngày uống 2 lần, mỗi lần 1 viên", 2),
    ("1 viên/lần * 2 lần/ngày * 30 ngày", 2),
    ("2 viên/ngày", 2),
    ("Mỗi lần uống 2 viên, ngày 3 lần", 6),
    ("1 viên/lần khi sốt trên 38,5 độ", None),
    ("1 gói pha 200ml nước, uống sau mỗi lần đi ngoài", None),
])
def test_the_daily_amount_is_read_from_the_dosage_as_doctors_write_it(dosage, per_day):
    dose = daily_dose(dosage)
    assert (dose.per_day if dose else None) == per_day


def test_a_supply_is_not_computed_across_units():
    pen = PrescriptionItem(name="Insulin glargine", unit="Bút", quantity=1, dosage="10 UI/lần * 1 lần/ngày")
    assert supply_days(pen) is None
    tablets = PrescriptionItem(name="Metformin", unit="Viên", quantity=60, dosage="Ngày uống 2 lần, mỗi lần 1 viên")
    assert supply_days(tablets) == 30


def test_current_medicines_are_the_last_refill_once_each_with_dose_and_run_out_day(hung):
    model = build_medicines(hung, now=NOW, t=VI)
    assert [line.name for line in model.lines] == ["Amlodipin 5mg", "Atorvastatin 20mg", "Losartan 50mg",
                                                    "Metformin 850mg"]
    metformin = model.lines[-1]
    assert metformin.how == "Mỗi lần 1 viên, ngày 2 lần · Uống sau ăn sáng và tối"
    assert metformin.runs_out_on == RUNS_OUT
    assert metformin.runs_out == f"Hết thuốc khoảng ngày {VI.date(RUNS_OUT)} (còn 10 ngày)"
    assert metformin.source == f"Trạm Y tế phường Ba Đình, {VI.date(REFILL_DAY)}"
    # the pneumonia's antibiotic and insulin, and the old fever tablets, are not taken any more
    assert not {"Levofloxacin", "Insulin glargine", "Paracetamol"} & {line.name.split()[0] for line in model.lines}
    english = build_medicines(hung, now=NOW, t=EN).lines[-1]
    assert english.how.startswith("1 viên at a time, 2 times a day") and "in 10 days" in english.runs_out


def test_medicines_are_gone_from_the_list_once_the_supply_ran_out(hung):
    assert build_medicines(hung, now=NOW + timedelta(days=11), t=VI).lines == []


def test_a_child_with_an_old_diarrhoea_course_takes_nothing_now(an):
    assert build_medicines(an, now=NOW, t=VI).lines == []


# ---------------------------------------------------------------- trends


def test_trends_show_sugar_hba1c_pressure_and_weight_in_date_order(hung):
    trends = build_trends(hung, now=NOW, t=VI)
    assert [trend.key for trend in trends] == ["glucose", "hba1c", "blood_pressure", "weight"]
    hba1c = trends[1]
    assert [p.text for p in hba1c.points] == ["7,8 %", "7,6 %", "7,4 %", "7,2 %", "6,9 %"]
    assert all(a.at < b.at for a, b in zip(hba1c.points, hba1c.points[1:], strict=False))
    assert (hba1c.low, hba1c.high, hba1c.range_text) == (4.0, 6.4, "4,0–6,4 %")
    assert hba1c.latest_in_range is False and hba1c.status == "high"
    assert hba1c.sentence == (f"Lần gần nhất 6,9 % ngày {VI.date(REFILL_DAY)}, cao hơn bình thường (4,0–6,4 %)")
    assert "7.8" not in hba1c.summary and "7,8 %" in hba1c.summary  # what a screen reader hears


def test_blood_pressure_is_judged_against_140_90_and_the_latest_is_in_range(hung):
    pressure = trend_of(hung, "blood_pressure", now=NOW, t=VI)
    assert pressure.points[0].text == "158/94 mmHg"
    assert pressure.latest.text == "136/84 mmHg" and pressure.latest_in_range is True
    assert pressure.range_text == "dưới 140/90 mmHg"
    assert [p.in_range for p in pressure.points] == [False, False, False, False, False, False, True]
    assert pressure.sentence.endswith("trong giới hạn bình thường (dưới 140/90 mmHg)")


def test_weight_range_comes_from_his_height_and_english_uses_a_decimal_point(hung):
    weight = trend_of(hung, "weight", now=NOW, t=EN)
    assert weight.range_text == "50.4–62.3 kg"  # BMI 18.5–22.9 at 165 cm
    assert weight.latest.text == "67.2 kg" and weight.status == "high"


def test_glucose_takes_the_labs_reference_and_ignores_urine_glucose():
    assert lab_series(LabResult(name="Glucose niệu", value="Âm tính")) is None
    assert lab_series(LabResult(name="Đường huyết lúc đói", value="6.1")) == "glucose"
    assert lab_series(LabResult(name="HbA1c", value="6.1")) == "hba1c"


def test_a_glucose_in_mg_dl_is_shown_in_mmol_l(hung):
    visit = hung.visits[0]
    in_mg = visit.model_copy(update={"lab_results": [LabResult(
        name="Glucose", value="126", unit="mg/dL", reference_low=70, reference_high=115,
        resulted_at=NOW - timedelta(days=1))]})
    book = hung.model_copy(update={"visits": [in_mg]})
    glucose = trend_of(book, "glucose", now=NOW, t=VI)
    assert glucose.latest.text == "7,0 mmol/L" and glucose.status == "high"


# ---------------------------------------------------------------- reminders


def test_reminders_show_the_coming_reexam(hung):
    [reminder] = build_reminders(hung, now=NOW, t=VI)
    assert reminder.kind == "re_exam"
    assert reminder.text == f"Tái khám ngày {VI.date(TODAY + timedelta(days=10))} lúc 7:30 (còn 10 ngày)"
    assert reminder.detail == "Trạm Y tế phường Ba Đình" and reminder.route.startswith("/visits/")


def test_medicines_running_out_within_a_week_come_before_the_reexam(hung):
    reminders = build_reminders(hung, now=NOW + timedelta(days=4), t=VI)
    assert [r.kind for r in reminders] == ["medicine", "re_exam"]
    assert reminders[0].text == (f"Amlodipin 5mg, Atorvastatin 20mg, Losartan 50mg, Metformin 850mg: hết thuốc khoảng "
                                 f"ngày {VI.date(RUNS_OUT)} (còn 6 ngày)")
    assert reminders[0].urgent


def test_a_missed_reexam_is_the_first_reminder(hung):
    after = NOW + timedelta(days=12)
    [missed] = build_reminders(hung, now=after, t=VI)
    assert missed.kind == "missed_re_exam" and missed.urgency is Urgency.MISSED_RE_EXAM
    assert missed.text == f"Đã lỡ hẹn tái khám ngày {VI.date(TODAY + timedelta(days=10))}"
    assert build_reminders(hung, now=after + timedelta(days=40), t=VI) == []


def test_the_childs_overdue_dose_is_a_reminder_with_its_date(an):
    [overdue] = build_reminders(an, now=NOW, t=VI)
    assert overdue.kind == "vaccine_overdue" and overdue.route == "/vaccinations"
    assert overdue.text == f"Viêm não Nhật Bản, mũi 3 — Quá hạn từ ngày {VI.date(date(2024, 3, 16))}"


def test_a_dose_due_says_from_when(an):
    birth = an.person.birth_date
    young = an.model_copy(update={
        "person": an.person.model_copy(update={"birth_date": TODAY - timedelta(days=70)}),
        "vaccinations": [v.model_copy(update={"given_on": TODAY - timedelta(days=70)})
                         for v in an.vaccinations if v.vaccine_code in ("VGB", "BCG")],
    })
    assert birth != young.person.birth_date
    texts = [r.text for r in build_reminders(young, now=NOW, t=VI) if r.kind == "vaccine_due"]
    due_on = VI.date(TODAY - timedelta(days=70) + timedelta(days=61))
    assert f"DPT-VGB-Hib (5 trong 1), mũi 1 — Đến hạn từ ngày {due_on}" in texts


def test_the_mothers_home_alerts_show_her_sons_overdue_dose(an):
    son = DependentRef(person_id=an.person.person_id, full_name="Lê Minh An", birth_date=an.person.birth_date,
                       relationship="child")
    unreadable = DependentRef(person_id="other", full_name="Lê Thị Bình", birth_date=date(2024, 1, 1),
                              relationship="child")
    [first, second] = build_family_alerts([unreadable, son], {son.person_id: an, "other": None}, now=NOW, t=VI)
    assert first.name == "Lê Minh An" and first.urgent
    assert first.alerts[0].text.startswith("Viêm não Nhật Bản, mũi 3 — Quá hạn từ ngày")
    assert second.unavailable and second.alerts == []


# ---------------------------------------------------------------- the screen


async def test_home_shows_medicines_reminders_and_charts_after_the_allergy(open_app):
    app = await open_app("001055001234")
    texts = app.texts()
    assert texts.index("DỊ ỨNG") < texts.index("Thuốc đang dùng") < texts.index("Nhắc nhở") \
        < texts.index("Diễn biến chỉ số")
    assert "Metformin 850mg" in texts and "Mỗi lần 1 viên, ngày 2 lần · Uống sau ăn sáng và tối" in texts
    assert any(t.startswith("Tái khám ngày ") for t in texts)
    chart = app.by_identifier("trend-chart-hba1c")
    assert chart.label.startswith("HbA1c (đường huyết trung bình 3 tháng): Lần gần nhất 6,9 %")
    assert any(t.startswith("Lần gần nhất 136/84 mmHg") for t in texts)
    await app.click(app.button("Xem tất cả các lần đo"))
    assert app.page.route == "/trends/glucose"
    assert "Tất cả các lần đo" in app.texts() and "8,9 mmol/L" in app.texts()


async def test_the_mothers_home_shows_her_sons_overdue_dose_and_opens_his_book(open_app):
    app = await open_app("001190004567")
    card = app.by_identifier("dependent-0")
    assert card is not None
    texts = app.texts()
    assert any(t.startswith("Viêm não Nhật Bản, mũi 3 — Quá hạn từ ngày") for t in texts)
    await app.click(app.button("Mở sổ của Lê Minh An"))
    assert app.page.route == "/" and "Sổ của Lê Minh An" in app.texts()
    assert app.by_identifier("family-alerts") is None
