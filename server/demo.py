"""Demo population: the named pilot accounts, and a generator of synthetic citizens for scale.

    python -m server.demo --people N --data-dir DIR

Dates are relative to the day of seeding, so the "upcoming" re-exam stays upcoming. All
identifiers are fake; drug and lab codes are placeholders, not the MoH common code sets.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from api_client.models import (
    VIETNAM_TZ,
    Administrative,
    Allergy,
    ClinicalNote,
    Condition,
    Diagnosis,
    Disability,
    DischargePaper,
    FacilityUpdate,
    FamilyHistoryItem,
    History,
    InsuranceCard,
    LabResult,
    PrescriptionItem,
    Procedure,
    RecordSummary,
    ReExamAppointment,
    Referral,
    Representative,
    RiskFactor,
    StaffAssign,
    Surgery,
    Vaccination,
    Visit,
)

from .gateway.vital_signs import vital_signs_of
from .storage import BookStore, new_id, open_store
from .storage.db import DATABASE_URL_VARIABLE

FACILITIES = {
    "01901": ("Trạm Y tế phường Ba Đình", "health_station"),
    "01902": ("Bệnh viện Đa khoa Ba Đình", "hospital"),
    "01903": ("Bệnh viện Tim mạch Thăng Long", "hospital"),
    "01904": ("Bệnh viện Phụ sản Thăng Long", "hospital"),
}

STAFF = [
    ("001192006789", "receptionist", "01901", None),
    ("001098003456", "volunteer", None, "00013"),  # Tổ công nghệ số cộng đồng of Phường Quán Thánh
    ("001180005678", "official", None, "01"),  # Sở Y tế Hà Nội
    ("001075001111", "official", None, "001"),  # Trung tâm Y tế quận Ba Đình
    ("001183002222", "official", None, "00013"),  # Trạm trưởng Trạm Y tế phường Quán Thánh
    ("001085007890", "doctor", "01902", None),
    ("001191006543", "nurse", "01902", None),
]


@dataclass
class Book:
    person: Administrative
    history: History = field(default_factory=History)
    visits: list[Visit] = field(default_factory=list)
    vaccinations: list[Vaccination] = field(default_factory=list)


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), VIETNAM_TZ)


def facility(code: str) -> dict[str, str]:
    return {"facility_code": code, "facility_name": FACILITIES[code][0]}


def dx(code: str, name: str, main: bool = False) -> Diagnosis:
    return Diagnosis(icd10=code, name=name, main=main)


def drug(name: str, strength: str, unit: str, quantity: float, dosage: str, usage: str,
         when: datetime | None) -> PrescriptionItem:
    return PrescriptionItem(
        name=name, strength=strength, unit=unit, route="1.01", quantity=quantity, dosage=dosage,
        usage=usage, prescribed_at=when,
    )


def lab(name: str, value: str, unit: str | None, low: float | None, high: float | None, when: datetime | None,
        text: str | None = None) -> LabResult:
    return LabResult(name=name, value=value, unit=unit, reference_low=low, reference_high=high,
                     reference_text=text, resulted_at=when)


def vaccine(code: str, name: str, dose: int, day: date, place: str, batch: str, programme: str = "epi") -> Vaccination:
    return Vaccination(vaccine_code=code, vaccine_name=name, dose_number=dose, given_on=day,
                       facility_name=place, batch=batch, programme=programme)


def with_vital_signs(visit: Visit) -> Visit:
    """The vital signs read from the visit's DIEN_BIEN_LS notes, as the gateway reads a facility's XML5."""
    return visit.model_copy(update={"vital_signs": vital_signs_of(visit.clinical_notes, weight_kg=visit.weight_kg)})


def _signed(visit_end: datetime) -> dict[str, datetime]:
    return {"signed_at": visit_end + timedelta(hours=2), "received_at": visit_end + timedelta(hours=2, seconds=1)}


# ------------------------------------------------------------------ the named pilot accounts


def nguyen_van_hung(today: date) -> Book:
    """Elderly, hypertension and type 2 diabetes, penicillin allergy, an inpatient stay, a referral."""
    person = Administrative(
        person_id=new_id(), full_name="Nguyễn Văn Hùng", birth_date=date(1955, 3, 12), sex="male",
        personal_id="001055001234", ethnicity="Kinh", nationality="Việt Nam", occupation="Hưu trí",
        phone="0120001234", address="Số 12 phố Quán Thánh, phường Ba Đình, Hà Nội", blood_group="O+",
        insurance=InsuranceCard(
            code="HT3010123456789", valid_from=date(today.year, 1, 1), valid_to=date(today.year, 12, 31),
            registered_facility_code="01901", registered_facility_name=FACILITIES["01901"][0],
        ),
        representatives=[
            Representative(role="caregiver", full_name="Nguyễn Văn Minh", relationship="child", phone="0120005555")
        ],
    )
    history = History(
        conditions=[
            Condition(icd10="I10", name="Tăng huyết áp vô căn", diagnosed_year=2012),
            Condition(icd10="E11", name="Đái tháo đường type 2", diagnosed_year=2016),
        ],
        allergies=[
            Allergy(category="drug", substance="Penicillin (kháng sinh nhóm beta-lactam)",
                    reaction="Nổi mày đay toàn thân, khó thở", severity="severe", noted_year=2015),
        ],
        risk_factors=[
            RiskFactor(kind="tobacco", detail="Hút thuốc lá 20 năm, đã bỏ từ năm 2010"),
            RiskFactor(kind="physical_inactivity", detail="Ít vận động"),
        ],
        family_history=[
            FamilyHistoryItem(relative="father", condition="Đột quỵ não", icd10="I64"),
            FamilyHistoryItem(relative="mother", condition="Đái tháo đường type 2", icd10="E11"),
        ],
        surgeries=[Surgery(name="Phẫu thuật đục thủy tinh thể mắt phải (Phaco)", year=2019,
                          facility_name="Bệnh viện Mắt Hà Nội")],
        disabilities=[Disability(kind="Khuyết tật nghe, nói", degree="mild", note="Nghe kém tai trái, dùng máy trợ thính")],
    )
    visits: list[Visit] = []

    day = today - timedelta(days=400)
    start, end = at(day, 7, 30), at(day, 10, 15)
    visits.append(Visit(
        id=new_id(), **facility("01901"), visit_type="01", started_at=start, ended_at=end,
        reason="Khám định kỳ tăng huyết áp, đái tháo đường",
        diagnosis_text="Tăng huyết áp; Đái tháo đường type 2",
        diagnoses=[dx("I10", "Tăng huyết áp vô căn", True), dx("E11.9", "Đái tháo đường type 2 không biến chứng")],
        lab_results=[
            lab("Glucose máu lúc đói", "8.9", "mmol/L", 3.9, 6.4, at(day, 8, 45)),
            lab("HbA1c", "7.8", "%", 4.0, 6.4, at(day, 9)),
            lab("Creatinin", "98", "µmol/L", 62, 106, at(day, 9)),
        ],
        clinical_notes=[ClinicalNote(recorded_at=at(day, 7, 45),
                                     note="Mạch: 84 lần/phút; Huyết áp: 158/94 mmHg; Cân nặng: 68,5 kg")],
        prescriptions=[
            drug("Amlodipin", "5mg", "Viên", 30, "1 viên/lần * 1 lần/ngày * 30 ngày", "Uống buổi sáng sau ăn", at(day, 9, 30)),
            drug("Metformin", "850mg", "Viên", 60, "1 viên/lần * 2 lần/ngày * 30 ngày", "Uống sau ăn sáng và tối", at(day, 9, 30)),
        ],
        outcome=3, discharge_type=1, weight_kg=68.5, treatment_days=0,
        doctor_advice="Ăn nhạt, hạn chế đường bột, đi bộ 30 phút mỗi ngày",
        **_signed(end),
    ))

    day = today - timedelta(days=200)
    start, admitted, end = at(day, 21, 10), at(day, 22, 30), at(day + timedelta(days=5), 9)
    visits.append(Visit(
        id=new_id(), **facility("01902"), department="Khoa Nội tổng hợp", visit_type="03",
        started_at=start, admitted_at=admitted, ended_at=end,
        reason="Sốt cao, ho khạc đờm, khó thở 3 ngày", admission_diagnosis="Theo dõi viêm phổi",
        diagnosis_text="Viêm phổi; Tăng huyết áp; Đái tháo đường type 2; tiền sử dị ứng penicillin",
        diagnoses=[
            dx("J18.9", "Viêm phổi, không đặc hiệu", True),
            dx("I10", "Tăng huyết áp vô căn"),
            dx("E11.9", "Đái tháo đường type 2 không biến chứng"),
            dx("Z88.0", "Tiền sử dị ứng penicillin"),
        ],
        lab_results=[
            lab("Số lượng bạch cầu (WBC)", "15.6", "G/L", 4.0, 10.0, at(day, 22)),
            lab("CRP", "86", "mg/L", None, 5.0, at(day, 22, 15)),
            lab("Glucose máu", "11.2", "mmol/L", 3.9, 6.4, at(day, 22, 15)),
            LabResult(name="X-quang ngực thẳng", description="Đám mờ thùy dưới phổi phải",
                      conclusion="Hình ảnh viêm phổi thùy dưới phải", resulted_at=at(day, 23)),
        ],
        procedures=[Procedure(name="Chụp X-quang ngực thẳng", performed_at=at(day, 22, 40))],
        clinical_notes=[
            ClinicalNote(recorded_at=at(day, 21, 30), note="Sốt 39°C, ho khạc đờm vàng, ran nổ đáy phổi phải. "
                         "Mạch 96 lần/phút, huyết áp 140/85 mmHg, SpO2 94%."),
            ClinicalNote(recorded_at=at(day + timedelta(days=2), 8), note="Hết sốt, còn ho ít, ăn uống được."),
        ],
        prescriptions=[
            drug("Levofloxacin", "750mg/150ml", "Chai", 5, "1 chai/lần * 1 lần/ngày * 1 ngày", "Truyền tĩnh mạch chậm", at(day, 23)),
            drug("Paracetamol", "500mg", "Viên", 10, "1 viên/lần khi sốt trên 38,5 độ", "Cách nhau ít nhất 4 giờ", at(day, 23)),
            drug("Insulin glargine", "100UI/ml", "Bút", 1, "10 UI/lần * 1 lần/ngày", "Tiêm dưới da buổi tối", at(day, 23)),
        ],
        outcome=1, discharge_type=1, treatment_days=6, weight_kg=66.0,
        doctor_advice="Không dùng kháng sinh nhóm penicillin. Tái khám tại trạm y tế sau 2 tuần.",
        record_summary=RecordSummary(
            disease_course="Sốt 39 độ, ho khạc đờm vàng, khó thở nhẹ 3 ngày. Nhập viện điều trị kháng sinh "
                           "levofloxacin 5 ngày, hết sốt sau 48 giờ.",
            key_results="Bạch cầu 15,6 G/L; CRP 86 mg/L; X-quang: viêm phổi thùy dưới phải.",
            treatment_method="Kháng sinh levofloxacin (dị ứng penicillin), hạ sốt, kiểm soát đường huyết bằng insulin.",
            outcome=1, issued_on=end.date(),
        ),
        discharge_paper=DischargePaper(
            archive_number="LT-" + str(day.year) + "-0441", admitted_at=start, discharged_at=end,
            diagnosis="Viêm phổi (J18.9); Tăng huyết áp (I10); Đái tháo đường type 2 (E11.9)",
            treatment_method="Điều trị nội khoa",
            notes="Không dùng kháng sinh nhóm penicillin. Uống thuốc huyết áp, tiểu đường đều đặn.",
            leave_days=0, doctor_name="BS. Ngô Thanh Bình", issued_on=end.date(),
        ),
        **_signed(end),
    ))

    day = today - timedelta(days=60)
    start, end = at(day, 8), at(day, 10, 30)
    visits.append(Visit(
        id=new_id(), **facility("01902"), visit_type="01", started_at=start, ended_at=end,
        reason="Đau ngực trái, hồi hộp khi gắng sức",
        diagnosis_text="Tăng huyết áp chưa kiểm soát; theo dõi bệnh tim thiếu máu cục bộ",
        diagnoses=[dx("I10", "Tăng huyết áp vô căn", True), dx("I20.9", "Cơn đau thắt ngực, không đặc hiệu")],
        lab_results=[
            LabResult(name="Điện tâm đồ", conclusion="Nhịp xoang 88 lần/phút, dày thất trái", resulted_at=at(day, 9)),
            lab("Cholesterol toàn phần", "6.8", "mmol/L", None, 5.2, at(day, 9, 30)),
            lab("LDL-C", "4.3", "mmol/L", None, 3.4, at(day, 9, 30)),
        ],
        clinical_notes=[ClinicalNote(recorded_at=at(day, 8, 10),
                                     note="Đau ngực trái khi gắng sức. Mạch 88 lần/phút, huyết áp 165/95 mmHg.")],
        outcome=3, discharge_type=2,
        referral=Referral(
            number="CT-" + day.strftime("%Y%m%d") + "-0088", to_facility_code="01903",
            to_facility_name=FACILITIES["01903"][0],
            clinical_signs="Đau ngực trái khi gắng sức, huyết áp 165/95 mmHg",
            diagnosis="Tăng huyết áp (I10); theo dõi cơn đau thắt ngực (I20.9)",
            key_results="Điện tâm đồ: dày thất trái; LDL-C 4,3 mmol/L",
            treatment_method="Amlodipin 5mg, Metformin 850mg",
            reason="meets_criteria", next_treatment="Siêu âm tim, đánh giá bệnh mạch vành",
            transport="Tự túc", doctor_name="BS. Ngô Thanh Bình", issued_on=day,
        ),
        **_signed(end),
    ))

    day = today - timedelta(days=45)
    start, end = at(day, 8, 30), at(day, 11)
    visits.append(Visit(
        id=new_id(), **facility("01903"), visit_type="01", started_at=start, ended_at=end,
        reason="Khám theo giấy chuyển tuyến", diagnosis_text="Tăng huyết áp; rối loạn lipid máu",
        diagnoses=[dx("I10", "Tăng huyết áp vô căn", True), dx("E78.5", "Rối loạn lipid máu")],
        lab_results=[LabResult(name="Siêu âm tim", description="Thất trái dày nhẹ, EF 62%",
                               conclusion="Dày thất trái, chức năng tâm thu bảo tồn", resulted_at=at(day, 9, 30))],
        procedures=[Procedure(name="Siêu âm Doppler tim", performed_at=at(day, 9, 15))],
        prescriptions=[
            drug("Losartan", "50mg", "Viên", 30, "1 viên/lần * 1 lần/ngày * 30 ngày", "Uống buổi sáng", at(day, 10, 30)),
            drug("Atorvastatin", "20mg", "Viên", 30, "1 viên/lần * 1 lần/ngày * 30 ngày", "Uống buổi tối", at(day, 10, 30)),
        ],
        outcome=2, discharge_type=1, doctor_advice="Tiếp tục điều trị tại tuyến cơ sở",
        **_signed(end),
    ))

    day = today - timedelta(days=20)
    start, end = at(day, 7, 40), at(day, 9, 50)
    next_exam = at(today + timedelta(days=10), 7, 30)
    visits.append(Visit(
        id=new_id(), **facility("01901"), visit_type="05", started_at=start, ended_at=end,
        reason="Khám và lĩnh thuốc bệnh mạn tính",
        diagnosis_text="Tăng huyết áp; Đái tháo đường type 2; Rối loạn lipid máu",
        diagnoses=[
            dx("I10", "Tăng huyết áp vô căn", True), dx("E11.9", "Đái tháo đường type 2 không biến chứng"),
            dx("E78.5", "Rối loạn lipid máu"),
        ],
        lab_results=[
            lab("Glucose máu lúc đói", "7.1", "mmol/L", 3.9, 6.4, at(day, 8, 30)),
            lab("HbA1c", "6.9", "%", 4.0, 6.4, at(day, 8, 45)),
            lab("Kali máu", "4.2", "mmol/L", 3.5, 5.0, at(day, 8, 45)),
        ],
        clinical_notes=[ClinicalNote(recorded_at=at(day, 7, 50),
                                     note="Mạch: 76 lần/phút; Huyết áp: 136/84 mmHg; Cân nặng: 67,2 kg")],
        prescriptions=[
            drug("Amlodipin", "5mg", "Viên", 30, "1 viên/lần * 1 lần/ngày * 30 ngày", "Uống buổi sáng sau ăn", at(day, 9, 30)),
            drug("Losartan", "50mg", "Viên", 30, "1 viên/lần * 1 lần/ngày * 30 ngày", "Uống buổi sáng", at(day, 9, 30)),
            drug("Metformin", "850mg", "Viên", 60, "Ngày uống 2 lần, mỗi lần 1 viên", "Uống sau ăn sáng và tối", at(day, 9, 30)),
            drug("Atorvastatin", "20mg", "Viên", 30, "1 viên/lần * 1 lần/ngày * 30 ngày", "Uống buổi tối", at(day, 9, 30)),
        ],
        outcome=2, discharge_type=1, weight_kg=67.2, treatment_days=30,
        doctor_advice="Đo huyết áp tại nhà mỗi sáng, ghi lại kết quả. Không dùng penicillin.",
        re_exam=ReExamAppointment(
            number="HKL-" + day.strftime("%Y%m%d") + "-0812", appointment_at=next_exam, facility_code="01901",
            facility_name=FACILITIES["01901"][0], diagnosis="Tăng huyết áp (I10); Đái tháo đường type 2 (E11.9)",
            doctor_name="BS. Phạm Thu Hà", issued_on=day,
        ),
        **_signed(end),
    ))

    # Quarterly chronic re-exams at his station between those (listed last: tests pick the visits above by
    # position): the sugar and the pressure slowly come down, for Home's trends.
    for days_ago, glucose, hba1c, pressure, weight in (
        (310, "8.4", "7.6", "152/92", 68.1),
        (220, "7.9", "7.4", "146/90", 67.6),
        (130, "7.6", "7.2", "148/88", 66.4),
    ):
        day = today - timedelta(days=days_ago)
        start, end = at(day, 7, 30), at(day, 9, 40)
        visits.append(Visit(
            id=new_id(), **facility("01901"), visit_type="05", started_at=start, ended_at=end,
            reason="Khám và lĩnh thuốc bệnh mạn tính",
            diagnosis_text="Tăng huyết áp; Đái tháo đường type 2",
            diagnoses=[dx("I10", "Tăng huyết áp vô căn", True), dx("E11.9", "Đái tháo đường type 2 không biến chứng")],
            lab_results=[
                lab("Glucose máu lúc đói", glucose, "mmol/L", 3.9, 6.4, at(day, 8, 30)),
                lab("HbA1c", hba1c, "%", 4.0, 6.4, at(day, 8, 45)),
            ],
            clinical_notes=[ClinicalNote(recorded_at=at(day, 7, 45), note=(
                f"Mạch: 80 lần/phút; Huyết áp: {pressure} mmHg; Cân nặng: {weight:.1f} kg; Chiều cao: 165 cm"
                .replace(".", ",")))],
            prescriptions=[
                drug("Amlodipin", "5mg", "Viên", 30, "1 viên/lần * 1 lần/ngày * 30 ngày", "Uống buổi sáng sau ăn",
                     at(day, 9, 30)),
                drug("Metformin", "850mg", "Viên", 60, "Ngày uống 2 lần, mỗi lần 1 viên", "Uống sau ăn sáng và tối",
                     at(day, 9, 30)),
            ],
            outcome=2, discharge_type=1, weight_kg=weight, treatment_days=30,
            doctor_advice="Ăn nhạt, hạn chế đường bột, đi bộ 30 phút mỗi ngày",
            **_signed(end),
        ))

    vaccinations = [
        vaccine("COVID-19", "COVID-19 (AstraZeneca)", 1, date(2021, 8, 20), "Trạm Y tế phường Ba Đình", "A1234"),
        vaccine("COVID-19", "COVID-19 (AstraZeneca)", 2, date(2021, 10, 22), "Trạm Y tế phường Ba Đình", "A2291"),
        vaccine("COVID-19", "COVID-19 (Pfizer)", 3, date(2022, 3, 15), "Trạm Y tế phường Ba Đình", "FK0312"),
        vaccine("PCV13", "Phế cầu (Prevenar 13)", 1, date(2024, 5, 10), "Trung tâm tiêm chủng VNVC Ba Đình", "PV5521", "service"),
        vaccine("INFLUENZA", "Cúm mùa (Vaxigrip Tetra)", 1, today - timedelta(days=40), "Trạm Y tế phường Ba Đình", "VX2026-11", "service"),
    ]
    return Book(person, history, [with_vital_signs(visit) for visit in visits], vaccinations)


def tran_thi_mai(today: date) -> Book:
    """Pregnant, prenatal visits; mother and guardian of Lê Minh An."""
    person = Administrative(
        person_id=new_id(), full_name="Trần Thị Mai", birth_date=date(1990, 7, 21), sex="female",
        personal_id="001190004567", ethnicity="Kinh", nationality="Việt Nam", occupation="Giáo viên",
        phone="0120004567", address="Số 5 ngõ 12 phố Đội Cấn, phường Ba Đình, Hà Nội", blood_group="A+",
        insurance=InsuranceCard(
            code="DN4010190004567", valid_from=date(today.year, 1, 1), valid_to=date(today.year, 12, 31),
            registered_facility_code="01904", registered_facility_name=FACILITIES["01904"][0],
        ),
    )
    history = History(
        allergies=[Allergy(category="food", substance="Tôm, cua (hải sản có vỏ)", reaction="Ngứa, nổi mẩn đỏ",
                           severity="mild", noted_year=2010)],
        family_history=[FamilyHistoryItem(relative="mother", condition="Tăng huyết áp", icd10="I10")],
        conditions=[Condition(icd10="Z34.8", name="Đang mang thai lần 2", chronic=False,
                              diagnosed_year=(today - timedelta(days=196)).year)],
    )
    visits = []
    birth = date(2022, 2, 14)
    start, end = at(birth - timedelta(days=1), 22), at(birth + timedelta(days=2), 10)
    visits.append(Visit(
        id=new_id(), **facility("01904"), department="Khoa Sản", visit_type="03", started_at=start,
        admitted_at=start + timedelta(minutes=30), ended_at=end, reason="Chuyển dạ, thai 39 tuần",
        diagnosis_text="Đẻ thường một thai", diagnoses=[dx("O80", "Đẻ thường một thai", True)],
        outcome=1, discharge_type=1, treatment_days=4,
        discharge_paper=DischargePaper(
            archive_number="LT-2022-0117", admitted_at=start, discharged_at=end,
            diagnosis="Đẻ thường một thai (O80); con trai 3.200 g", treatment_method="Đỡ đẻ thường",
            notes="Cho con bú mẹ hoàn toàn 6 tháng đầu", leave_days=0, doctor_name="BS. Lý Thu Trang",
            issued_on=end.date(),
        ),
        **_signed(end),
    ))
    for weeks_ago, week, labs, exam_in in (
        (16, 12, [
            lab("Huyết sắc tố (HGB)", "118", "g/L", 120, 160, None),
            lab("HBsAg test nhanh", "Âm tính", None, None, None, None, text="Âm tính"),
            LabResult(name="Siêu âm thai", description="Một thai sống trong buồng tử cung, CRL 55 mm",
                      conclusion="Thai 12 tuần"),
        ], None),
        (8, 20, [lab("Glucose lúc đói (nghiệm pháp 75g)", "5.0", "mmol/L", None, 5.1, None)], None),
        (1, 27, [LabResult(name="Siêu âm thai", conclusion="Thai 27 tuần, phát triển bình thường")], 18),
    ):
        day = today - timedelta(weeks=weeks_ago)
        start, end = at(day, 8), at(day, 10, 30)
        visits.append(Visit(
            id=new_id(), **facility("01904"), visit_type="01", started_at=start, ended_at=end,
            reason="Khám thai định kỳ", diagnosis_text=f"Thai {week} tuần, thai kỳ bình thường",
            diagnoses=[dx("Z34.8", "Giám sát thai bình thường khác", True)],
            lab_results=[item.model_copy(update={"resulted_at": at(day, 9, 30)}) for item in labs],
            prescriptions=[drug("Sắt fumarat + Acid folic", "162mg + 0,75mg", "Viên", 30,
                                "1 viên/lần * 1 lần/ngày * 30 ngày", "Uống trước bữa sáng 1 giờ", at(day, 10))],
            outcome=7, discharge_type=1, weight_kg=54.0 + (week - 12) * 0.45,
            re_exam=ReExamAppointment(
                number="HKL-" + day.strftime("%Y%m%d") + "-0120", appointment_at=at(today + timedelta(days=exam_in), 8),
                facility_code="01904", facility_name=FACILITIES["01904"][0], diagnosis="Khám thai định kỳ",
                doctor_name="BS. Lý Thu Trang", issued_on=day,
            ) if exam_in else None,
            **_signed(end),
        ))
    vaccinations = [
        vaccine("TD", "Uốn ván - bạch hầu (Td)", 1, today - timedelta(weeks=12), "Trạm Y tế phường Ba Đình", "TD2611"),
        vaccine("TD", "Uốn ván - bạch hầu (Td)", 2, today - timedelta(weeks=8), "Trạm Y tế phường Ba Đình", "TD2614"),
        vaccine("COVID-19", "COVID-19 (Pfizer)", 1, date(2021, 9, 3), "Trạm Y tế phường Ba Đình", "FE3592"),
        vaccine("COVID-19", "COVID-19 (Pfizer)", 2, date(2021, 9, 24), "Trạm Y tế phường Ba Đình", "FF2587"),
    ]
    return Book(person, history, visits, vaccinations)


def le_minh_an(today: date) -> Book:
    """A child on the national immunisation schedule (TT 38/2017): JE dose 3 never given."""
    birth = date(2022, 2, 14)
    person = Administrative(
        person_id=new_id(), full_name="Lê Minh An", birth_date=birth, sex="male", personal_id="001222008901",
        ethnicity="Kinh", nationality="Việt Nam", address="Số 5 ngõ 12 phố Đội Cấn, phường Ba Đình, Hà Nội",
        insurance=InsuranceCard(
            code="TE1010122008901", valid_from=birth, valid_to=date(2028, 2, 13),
            registered_facility_code="01901", registered_facility_name=FACILITIES["01901"][0],
        ),
        representatives=[
            Representative(role="guardian", full_name="Trần Thị Mai", relationship="mother",
                           personal_id="001190004567", phone="0120004567"),
        ],
    )
    station = FACILITIES["01901"][0]
    doses = [
        ("VGB", "Viêm gan B sơ sinh", 1, birth),
        ("BCG", "BCG (phòng lao)", 1, birth + timedelta(days=6)),
        ("DPT-VGB-Hib", "DPT-VGB-Hib (5 trong 1)", 1, date(2022, 4, 14)),
        ("OPV", "Bại liệt uống (bOPV)", 1, date(2022, 4, 14)),
        ("DPT-VGB-Hib", "DPT-VGB-Hib (5 trong 1)", 2, date(2022, 5, 16)),
        ("OPV", "Bại liệt uống (bOPV)", 2, date(2022, 5, 16)),
        ("DPT-VGB-Hib", "DPT-VGB-Hib (5 trong 1)", 3, date(2022, 6, 14)),
        ("OPV", "Bại liệt uống (bOPV)", 3, date(2022, 6, 14)),
        ("IPV", "Bại liệt tiêm (IPV)", 1, date(2022, 7, 14)),
        ("MV", "Sởi", 1, date(2022, 11, 14)),
        ("JE", "Viêm não Nhật Bản", 1, date(2023, 2, 20)),
        ("JE", "Viêm não Nhật Bản", 2, date(2023, 3, 6)),
        ("MR", "Sởi - Rubella (MR)", 1, date(2023, 8, 14)),
        ("DPT", "Bạch hầu - ho gà - uốn ván (DPT) nhắc lại", 4, date(2023, 8, 14)),
    ]
    vaccinations = [
        vaccine(code, name, dose, day, station, f"{code[:3]}{day:%y%m}")
        for code, name, dose, day in doses
        if day <= today
    ]
    visits = []
    for days_ago, reason, code, name, medicines in (
        (300, "Sốt, ho, sổ mũi 2 ngày", "J06.9", "Viêm đường hô hấp trên cấp",
         [drug("Paracetamol", "150mg/5ml", "Chai", 1, "5ml/lần * 3 lần/ngày * 3 ngày", "Uống khi sốt trên 38,5 độ", None)]),
        (30, "Đi ngoài phân lỏng 5 lần/ngày", "A09", "Tiêu chảy và viêm dạ dày ruột nhiễm trùng",
         [drug("Oresol", "4,1g", "Gói", 10, "1 gói pha 200ml nước, uống sau mỗi lần đi ngoài", "Uống từng ngụm nhỏ", None),
          drug("Kẽm gluconat", "10mg", "Gói", 10, "1 gói/lần * 1 lần/ngày * 10 ngày", "Uống sau ăn", None)]),
    ):
        day = today - timedelta(days=days_ago)
        start, end = at(day, 9), at(day, 9, 45)
        visits.append(Visit(
            id=new_id(), **facility("01901"), visit_type="01", started_at=start, ended_at=end, reason=reason,
            diagnosis_text=name, diagnoses=[dx(code, name, True)],
            prescriptions=[m.model_copy(update={"prescribed_at": at(day, 9, 30)}) for m in medicines],
            outcome=2, discharge_type=1, weight_kg=round(11.0 + (day - birth).days / 365 * 2.1, 1),
            doctor_advice="Cho trẻ uống nhiều nước, ăn thức ăn mềm. Đưa trẻ đi khám ngay nếu sốt cao, li bì.",
            **_signed(end),
        ))
    return Book(person, History(), visits, vaccinations)


def simple_book(
    today: date, *, personal_id: str, full_name: str, birth: date, sex: str, occupation: str,
    conditions: list[Condition] | None = None, visit_days_ago: int = 90, bhyt: str | None = None,
) -> Book:
    """A short book for the staff and level-1 demo accounts: one ordinary visit."""
    person = Administrative(
        person_id=new_id(), full_name=full_name, birth_date=birth, sex=sex, personal_id=personal_id,
        ethnicity="Kinh", nationality="Việt Nam", occupation=occupation, address="Phường Ba Đình, Hà Nội",
        insurance=InsuranceCard(code=bhyt, valid_from=date(today.year, 1, 1), valid_to=date(today.year, 12, 31),
                                registered_facility_code="01901", registered_facility_name=FACILITIES["01901"][0])
        if bhyt else None,
    )
    day = today - timedelta(days=visit_days_ago)
    start, end = at(day, 8), at(day, 9)
    main = conditions[0] if conditions else Condition(icd10="Z00.0", name="Khám sức khỏe tổng quát", chronic=False)
    visit = Visit(
        id=new_id(), **facility("01901"), visit_type="01", started_at=start, ended_at=end,
        reason="Khám sức khỏe định kỳ", diagnosis_text=main.name, diagnoses=[dx(main.icd10 or "Z00.0", main.name, True)],
        outcome=7 if not conditions else 3, discharge_type=1, **_signed(end),
    )
    return Book(person, History(conditions=conditions or []), [visit], [])


def pilot_books(today: date) -> list[Book]:
    return [
        nguyen_van_hung(today),
        tran_thi_mai(today),
        le_minh_an(today),
        simple_book(today, personal_id="001048002345", full_name="Phạm Văn Tư", birth=date(1948, 11, 2), sex="male",
                    occupation="Hưu trí", bhyt="HT3010148002345",
                    conditions=[Condition(icd10="J44.9", name="Bệnh phổi tắc nghẽn mạn tính", diagnosed_year=2018)]),
        simple_book(today, personal_id="001192006789", full_name="Hoàng Thị Lan", birth=date(1992, 5, 9), sex="female",
                    occupation="Nhân viên y tế", bhyt="DN4010192006789"),
        simple_book(today, personal_id="001098003456", full_name="Đỗ Minh Quân", birth=date(1998, 9, 30), sex="male",
                    occupation="Sinh viên", bhyt="SV4010198003456"),
        simple_book(today, personal_id="001180005678", full_name="Vũ Thị Hạnh", birth=date(1980, 12, 3), sex="female",
                    occupation="Công chức", bhyt="HC4010180005678"),
        simple_book(today, personal_id="001085007890", full_name="Ngô Thanh Bình", birth=date(1985, 6, 18), sex="male",
                    occupation="Bác sĩ", bhyt="DN4010185007890"),
    ]


def save_book(store: BookStore, book: Book) -> str:
    person_id = store.save_person(book.person)
    store.save_history(person_id, book.history)
    for visit in book.visits:
        store.save_visit(person_id, visit)
    for vaccination in book.vaccinations:
        store.add_vaccination(person_id, vaccination)
    return person_id


GATEWAY_FACILITIES = ("01901", "01902")
# Practising-certificate numbers (CCHN) as the Hà Nội health department writes them.
PRACTITIONERS = {
    "01901": [("000318/HNO-CCHN", "Nguyễn Thị Thu", "BS."), ("002741/HNO-CCHN", "Đỗ Văn Nam", "YS.")],
    "01902": [("004567/HNO-CCHN", "Lê Minh Đức", "BSCKI."), ("005120/HNO-CCHN", "Phạm Thu Hà", "BS."),
              ("006233/HNO-CCHN", "Vũ Hoàng Long", "BS.")],
}


STAFF_NAMES = {
    "001192006789": "Hoàng Thị Lan", "001098003456": "Đỗ Minh Quân", "001180005678": "Vũ Thị Hạnh",
    "001075001111": "Lê Văn Đức", "001183002222": "Nguyễn Thị Thu", "001085007890": "Ngô Thanh Bình",
    "001191006543": "Đặng Thu Hương",
}
DEMO_PROVINCE = "01"


def seed_administration(administration) -> None:
    """The demo's facilities and staff, made through the administration console's own code (checked and
    audited as an administrator's would be); what is already there is left as it is."""
    from .admin.service import DEMO, Scope
    from .areas import AREAS
    from .demo_history import DEMO_FACILITY_PROFILES
    from .population import DEMO_FACILITY_COMMUNES

    scope = Scope(provinces=(DEMO_PROVINCE,), head_of=())
    with administration.store.transaction():
        administration.population.save_areas(AREAS)
        for code, (name, kind) in FACILITIES.items():
            if administration.store.facility(code) is None:
                profile = DEMO_FACILITY_PROFILES.get(code)
                administration.save_facility(DEMO, scope, FacilityUpdate(
                    code=code, name=name, kind=kind, public=profile.public if profile else True, bhyt_contract=True,
                    commune_code=DEMO_FACILITY_COMMUNES[code]))
        for personal_id, role, facility_code, area in STAFF:
            if administration.store.ever_assigned(personal_id, role, facility_code, area):
                continue  # a role an administrator ended stays ended
            administration.assign(DEMO, scope, StaffAssign(personal_id=personal_id, full_name=STAFF_NAMES[personal_id],
                                                           role=role, facility_code=facility_code, area=area))


def seed_practitioners(store: BookStore) -> None:
    """The demo facilities' practitioner lists, unless a facility has sent its own."""
    from api_client.models import Practitioner

    for code, people in PRACTITIONERS.items():
        if not store.practitioners(code):
            store.save_practitioners(code, [Practitioner(code=number, full_name=name, title=title)
                                            for number, name, title in people])


def seed_gateway_credentials(administration, data_dir: Path) -> None:
    """API key, signing key and certificate for the demo facilities, where their software would keep
    them (data/demo/facilities/<code>/), issued and registered through the administration console's code."""
    from .admin.service import DEMO, Scope
    from .gateway.signing import load_credentials, new_credentials, save_credentials

    scope = Scope(provinces=(DEMO_PROVINCE,), head_of=())
    for code in GATEWAY_FACILITIES:
        folder = data_dir / "demo" / "facilities" / code
        if not (folder / "api_key").exists():
            save_credentials(folder, new_credentials(code, FACILITIES[code][0]))
        credentials = load_credentials(folder)
        if not administration.store.key_known(credentials.api_key):  # revoked or rotated away: left so
            with administration.store.transaction():
                administration.issue_key(DEMO, scope, code, 0, api_key=credentials.api_key)
                administration.register_certificate(DEMO, scope, code, credentials.cert_pem)


def seed_pilot(store: BookStore, today: date | None = None) -> None:
    """Facilities, staff and the named accounts; the guardian is saved before the child. One
    transaction: a start killed while seeding leaves nothing, and the next start seeds again."""
    from .admin.service import Administration

    today = today or date.today()
    with store.transaction():
        seed_administration(Administration(store.database, lambda: datetime.now().timestamp()))
        for book in pilot_books(today):
            save_book(store, book)


# ------------------------------------------------------------------ synthetic citizens for scale

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
                "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_NAMES = {"male": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công"],
                "female": ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Thùy", "Hồng"]}
GIVEN_NAMES = {"male": ["Hùng", "Dũng", "Nam", "Long", "Tuấn", "Bình", "Sơn", "Hải", "Khánh", "Phúc", "Trung", "Việt"],
               "female": ["Lan", "Hoa", "Hương", "Mai", "Linh", "Trang", "Thảo", "Hà", "Yến", "Nga", "Ngân", "Vy"]}
PROVINCES = {"001": ("Hà Nội", "01"), "037": ("Ninh Bình", "37"), "020": ("Lạng Sơn", "20"), "091": ("Kiên Giang", "91")}
COMMON_VISITS = [
    ("J06.9", "Viêm đường hô hấp trên cấp", [("Paracetamol", "500mg", 10, "1 viên/lần * 3 lần/ngày * 3 ngày")]),
    ("I10", "Tăng huyết áp vô căn", [("Amlodipin", "5mg", 30, "1 viên/lần * 1 lần/ngày * 30 ngày")]),
    ("E11.9", "Đái tháo đường type 2 không biến chứng", [("Metformin", "850mg", 60, "1 viên/lần * 2 lần/ngày * 30 ngày")]),
    ("K29.7", "Viêm dạ dày, không đặc hiệu", [("Omeprazol", "20mg", 28, "1 viên/lần * 2 lần/ngày * 14 ngày")]),
    ("M54.5", "Đau thắt lưng", [("Meloxicam", "7,5mg", 10, "1 viên/lần * 1 lần/ngày * 10 ngày")]),
    ("J20.9", "Viêm phế quản cấp", [("Acetylcystein", "200mg", 15, "1 gói/lần * 3 lần/ngày * 5 ngày")]),
    ("A09", "Tiêu chảy và viêm dạ dày ruột nhiễm trùng", [("Oresol", "4,1g", 10, "1 gói sau mỗi lần đi ngoài")]),
    ("N39.0", "Nhiễm khuẩn đường tiết niệu", [("Ciprofloxacin", "500mg", 14, "1 viên/lần * 2 lần/ngày * 7 ngày")]),
    ("H10.9", "Viêm kết mạc", [("Natri clorid 0,9%", "10ml", 2, "Nhỏ mắt 3 lần/ngày")]),
]


def synthetic_book(rng: random.Random, serial: int, today: date) -> Book:
    sex = rng.choice(["male", "female"])
    birth = today - timedelta(days=rng.randint(0, 90 * 365))
    province = rng.choice(list(PROVINCES))
    century_digit = (birth.year // 100 - 19) * 2 + (sex == "female")
    personal_id = f"{province}{century_digit}{birth.year % 100:02d}{serial % 1_000_000:06d}"
    full_name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES[sex])} {rng.choice(GIVEN_NAMES[sex])}"
    province_name, province_2 = PROVINCES[province]
    station = f"{province_2}{rng.randint(100, 999)}"
    person = Administrative(
        person_id=new_id(), full_name=full_name, birth_date=birth, sex=sex, personal_id=personal_id,
        ethnicity="Kinh", nationality="Việt Nam", address=f"Số {rng.randint(1, 200)}, {province_name}",
        insurance=InsuranceCard(code=f"GD4{province_2}{serial % 10**10:010d}", valid_from=date(today.year, 1, 1),
                                valid_to=date(today.year, 12, 31), registered_facility_code=station,
                                registered_facility_name=f"Trạm Y tế {station}"),
    )
    visits = []
    for _ in range(rng.randint(0, 8)):
        code, name, medicines = rng.choice(COMMON_VISITS)
        day = today - timedelta(days=rng.randint(1, 5 * 365))
        start = at(day, rng.randint(7, 16), rng.choice([0, 15, 30, 45]))
        end = start + timedelta(minutes=rng.randint(20, 120))
        visits.append(Visit(
            id=new_id(), facility_code=station, facility_name=f"Trạm Y tế {station}", visit_type="01",
            started_at=start, ended_at=end, diagnosis_text=name, diagnoses=[dx(code, name, True)],
            prescriptions=[drug(n, s, "Viên", q, d, "Uống sau ăn", end) for n, s, q, d in medicines],
            outcome=2, discharge_type=1, **_signed(end),
        ))
    vaccinations = []
    if (today - birth).days < 6 * 365:
        for code, name, dose, age_days in (("VGB", "Viêm gan B sơ sinh", 1, 0), ("BCG", "BCG (phòng lao)", 1, 7),
                                           ("DPT-VGB-Hib", "DPT-VGB-Hib (5 trong 1)", 1, 61)):
            if birth + timedelta(days=age_days) <= today:
                vaccinations.append(vaccine(code, name, dose, birth + timedelta(days=age_days), "Trạm Y tế", "LOT1"))
    return Book(person, History(), visits, vaccinations)


def generate(store: BookStore, people: int, *, seed: int = 1955, today: date | None = None, batch: int = 2000) -> int:
    """Add `people` synthetic books in batches of one transaction each; returns the visits written."""
    today = today or date.today()
    rng = random.Random(seed)
    start_serial = store.count_people() + 1
    visits = 0
    for first in range(0, people, batch):
        books = [synthetic_book(rng, start_serial + first + i, today) for i in range(min(batch, people - first))]
        store.import_books(books)
        visits += sum(len(book.visits) for book in books)
    return visits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000, help="synthetic citizens to add")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--seed", type=int, default=1955)
    parser.add_argument("--database", default=os.environ.get(DATABASE_URL_VARIABLE),
                        help="postgresql://USER@HOST/DB (default: $SSKDT_DATABASE_URL, else SQLite in the data dir)")
    args = parser.parse_args(argv)
    store = open_store(args.data_dir / "book.db", args.database)
    try:
        if store.count_people() == 0:
            seed_pilot(store)
        visits = generate(store, args.people, seed=args.seed)
    finally:
        store.database.close()
    where = "PostgreSQL" if args.database else args.data_dir / "book.db"
    print(f"added people={args.people} visits={visits} in {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
