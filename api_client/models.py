"""The health book's wire contract (QĐ 1332/QĐ-BYT field groups), shared by the server and the app.

Field names are English snake_case; the XML 130/4750 field each one comes from is noted where
it is not obvious. Identifiers are validated here (see `identifiers.py`). Times are aware
datetimes (Vietnam, UTC+7); calendar facts (birth, vaccination, document dates) are dates.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from enum import IntEnum, StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .identifiers import (
    N_,
    BhytCode,
    FacilityCode,
    Icd10Code,
    PersonalId,
    PhoneNumber,
    personal_id_matches,
)

VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")


# Surrounding spaces are stripped before the length is checked: the schema says so with this pattern, which
# a blank value (a scanner's lone line end) fails too.
NOT_BLANK = r"\S"


class RequestModel(BaseModel):
    """What a client sends for the server to act on or store (a FastAPI body, a facility's upload).

    Strict: a field the server does not know is refused (422 "This field is not accepted here."), never
    dropped. A newer app sending a field to an older server must learn it was not kept, and a typing
    mistake in a field name must not lose what was typed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_character(cls, value: Any) -> Any:
        """No name, code or note holds a NUL character, and PostgreSQL cannot store one."""
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError("text_nul", N_("This text contains a NUL character (\\u0000). Remove it."))
        return value


class ResponseModel(BaseModel):
    """What the server sends and the app parses (and caches on the phone).

    Lenient: a field it does not know is ignored, so an installed app keeps working when the server
    adds one (phones update late, or never). Only fields the server writes itself, or has already
    checked through a `RequestModel`, reach these, so ignoring is safe on the server side too."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


# ---------------------------------------------------------------- code lists


class Sex(StrEnum):
    MALE = "male"  # GIOI_TINH 1
    FEMALE = "female"  # 2
    UNDETERMINED = "undetermined"  # 3


class DatePrecision(StrEnum):
    """XML dates may leave day or month unknown (`19600000`); never invent them."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class VisitType(StrEnum):
    """MA_LOAI_KCB (QĐ 824/QĐ-BYT)."""

    OUTPATIENT_EXAM = "01"
    OUTPATIENT_TREATMENT = "02"
    INPATIENT = "03"
    DAY_INPATIENT = "04"
    CHRONIC_OUTPATIENT = "05"
    COMMUNE_STAY = "06"
    REFILL = "07"
    CHRONIC_WITH_SERVICES = "08"
    INPATIENT_UNDER_4H = "09"


class TreatmentOutcome(IntEnum):
    """KET_QUA_DTRI."""

    CURED = 1
    IMPROVED = 2
    UNCHANGED = 3
    WORSE = 4
    DIED = 5
    SEVERE_DISCHARGED_ON_REQUEST = 6
    UNDETERMINED = 7
    DIED_OUTSIDE_HOSPITAL = 8


class DischargeType(IntEnum):
    """MA_LOAI_RV."""

    DISCHARGED = 1
    REFERRED_MEDICAL = 2
    ABSCONDED = 3
    LEFT_ON_REQUEST = 4
    REFERRED_ON_REQUEST = 5


class AllergyCategory(StrEnum):
    """QĐ 831 split: thuốc / thực phẩm / hóa chất - mỹ phẩm / khác."""

    DRUG = "drug"
    FOOD = "food"
    CHEMICAL = "chemical"
    OTHER = "other"


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class Relationship(StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    GRANDPARENT = "grandparent"
    SPOUSE = "spouse"
    CHILD = "child"
    SIBLING = "sibling"
    OTHER = "other"


class RepresentativeRole(StrEnum):
    """QĐ 1332 fields 12-15: guardian, main caregiver, legal representative."""

    GUARDIAN = "guardian"
    CAREGIVER = "caregiver"
    LEGAL_REPRESENTATIVE = "legal_representative"


class RiskFactorKind(StrEnum):
    TOBACCO = "tobacco"
    ALCOHOL = "alcohol"
    DRUGS = "drugs"
    PHYSICAL_INACTIVITY = "physical_inactivity"
    OCCUPATIONAL = "occupational"
    ENVIRONMENTAL = "environmental"
    OTHER = "other"


class DisabilityDegree(StrEnum):
    """Luật Người khuyết tật 2010: nhẹ / nặng / đặc biệt nặng."""

    MILD = "mild"
    SEVERE = "severe"
    ESPECIALLY_SEVERE = "especially_severe"


class VaccinationProgramme(StrEnum):
    EPI = "epi"  # Tiêm chủng mở rộng (free, national)
    SERVICE = "service"  # tiêm chủng dịch vụ (paid)


class StaffRole(StrEnum):
    RECEPTIONIST = "receptionist"
    DOCTOR = "doctor"
    NURSE = "nurse"  # điều dưỡng
    MIDWIFE = "midwife"  # hộ sinh: often the only clinician at a commune station
    VOLUNTEER = "volunteer"
    OFFICIAL = "official"
    STATION_HEAD = "station_head"  # trạm trưởng, giám đốc: manages the staff of their own facility
    ADMIN = "admin"  # the health department's IT: facilities, gateway credentials, staff of a province


# ---------------------------------------------------------------- A. administrative


class InsuranceCard(ResponseModel):
    code: BhytCode  # MA_THE_BHYT
    valid_from: date | None = None  # GT_THE_TU
    valid_to: date | None = None  # GT_THE_DEN
    registered_facility_code: FacilityCode | None = None  # MA_DKBD
    registered_facility_name: str | None = None

    @model_validator(mode="after")
    def _validity_in_order(self) -> InsuranceCard:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise PydanticCustomError(
                "card_validity_order", N_("The card's end date is before its start date.")
            )
        return self


class Representative(ResponseModel):
    """Guardian, main caregiver or legal representative (QĐ 1332 fields 12-15)."""

    role: RepresentativeRole
    full_name: str = Field(min_length=1, max_length=255)
    relationship: Relationship
    personal_id: PersonalId | None = None
    phone: PhoneNumber | None = None


class Administrative(ResponseModel):
    person_id: str
    full_name: str = Field(min_length=1, max_length=255)  # HO_TEN
    birth_date: date  # NGAY_SINH
    birth_date_precision: DatePrecision = DatePrecision.DAY
    sex: Sex  # GIOI_TINH
    personal_id: PersonalId  # SO_CCCD
    ethnicity: str | None = None  # MA_DANTOC (name)
    nationality: str | None = None  # MA_QUOCTICH (name)
    occupation: str | None = None  # MA_NGHE_NGHIEP (name)
    phone: PhoneNumber | None = None  # DIEN_THOAI
    address: str | None = None  # DIA_CHI
    blood_group: str | None = Field(default=None, max_length=5)  # NHOM_MAU
    insurance: InsuranceCard | None = None
    representatives: list[Representative] = []

    @field_validator("personal_id")
    @classmethod
    def _personal_id_matches_person(cls, value: str, info: ValidationInfo) -> str:
        birth_date, sex = info.data.get("birth_date"), info.data.get("sex")
        if birth_date and sex and not personal_id_matches(value, birth_date.year, sex):
            raise PydanticCustomError(
                "personal_id_mismatch",
                N_("The personal ID number does not match the birth year or the sex."),
            )
        return value


# ---------------------------------------------------------------- B. history


class Condition(ResponseModel):
    icd10: Icd10Code | None = None
    name: str = Field(min_length=1)
    diagnosed_year: int | None = Field(default=None, ge=1900, le=2100)
    chronic: bool = True
    note: str | None = None


class Allergy(ResponseModel):
    category: AllergyCategory
    substance: str = Field(min_length=1)
    reaction: str | None = None
    severity: Severity | None = None
    noted_year: int | None = Field(default=None, ge=1900, le=2100)


class RiskFactor(ResponseModel):
    kind: RiskFactorKind
    detail: str | None = None


class FamilyHistoryItem(ResponseModel):
    relative: Relationship
    condition: str = Field(min_length=1)
    icd10: Icd10Code | None = None


class Surgery(ResponseModel):
    name: str = Field(min_length=1)
    year: int | None = Field(default=None, ge=1900, le=2100)
    facility_name: str | None = None
    note: str | None = None


class Disability(ResponseModel):
    kind: str = Field(min_length=1)
    degree: DisabilityDegree | None = None
    note: str | None = None


class History(ResponseModel):
    conditions: list[Condition] = []
    allergies: list[Allergy] = []
    risk_factors: list[RiskFactor] = []
    family_history: list[FamilyHistoryItem] = []
    surgeries: list[Surgery] = []
    disabilities: list[Disability] = []


# ---------------------------------------------------------------- C. visits


class Diagnosis(ResponseModel):
    icd10: Icd10Code
    name: str = Field(min_length=1)
    main: bool = False  # MA_BENH_CHINH (exactly one) vs MA_BENH_KT


class LabResult(ResponseModel):
    """XML4. The XML carries no reference range; facilities that know it send it in the record."""

    code: str | None = None  # MA_CHI_SO
    name: str = Field(min_length=1)  # TEN_CHI_SO
    value: str = ""  # GIA_TRI (text: "8.9", "Âm tính")
    unit: str | None = None  # DON_VI_DO
    reference_low: float | None = None
    reference_high: float | None = None
    reference_text: str | None = None
    description: str | None = None  # MO_TA
    conclusion: str | None = None  # KET_LUAN
    resulted_at: datetime | None = None  # NGAY_KQ
    reader: str | None = None  # MA_BS_DOC_KQ: who read the result
    reader_name: str | None = None  # from the facility's practitioner list


class Procedure(ResponseModel):
    """XML3 service lines and XML1.MA_PTTT_QT."""

    code: str | None = None
    name: str = Field(min_length=1)
    performed_at: datetime | None = None
    quantity: float | None = None


class PrescriptionItem(ResponseModel):
    """XML2."""

    drug_code: str | None = None  # MA_THUOC
    name: str = Field(min_length=1)  # TEN_THUOC
    strength: str | None = None  # HAM_LUONG
    unit: str | None = None  # DON_VI_TINH
    route: str | None = None  # DUONG_DUNG
    dosage: str | None = None  # LIEU_DUNG
    usage: str | None = None  # CACH_DUNG
    quantity: float = Field(ge=0)  # SO_LUONG
    prescribed_at: datetime | None = None  # NGAY_YL
    prescriber: str | None = None  # MA_BAC_SI (practising-certificate number)
    prescriber_name: str | None = None  # from the facility's practitioner list


class ClinicalNote(ResponseModel):
    """XML5."""

    recorded_at: datetime | None = None  # THOI_DIEM_DBLS
    note: str | None = None  # DIEN_BIEN_LS
    stage: str | None = None  # GIAI_DOAN_BENH
    consultation: str | None = None  # HOI_CHAN
    surgery: str | None = None  # PHAU_THUAT


class DischargePaper(ResponseModel):
    """XML7 Giấy ra viện."""

    archive_number: str | None = None  # SO_LUU_TRU
    admitted_at: datetime  # NGAY_VAO
    discharged_at: datetime  # NGAY_RA
    diagnosis: str  # CHAN_DOAN_RV
    treatment_method: str | None = None  # PP_DIEUTRI
    notes: str | None = None  # GHI_CHU
    leave_days: int | None = Field(default=None, ge=0)  # SO_NGAY_NGHI
    doctor_name: str | None = None  # TEN_BS
    issued_on: date  # NGAY_CT


class RecordSummary(ResponseModel):
    """XML8 Tóm tắt hồ sơ bệnh án (QĐ 1332 §3.6, fields 41-45)."""

    disease_course: str | None = None  # QT_BENHLY
    key_results: str | None = None  # TOMTAT_KQ
    treatment_method: str | None = None  # PP_DIEUTRI
    outcome: TreatmentOutcome | None = None  # KET_QUA_DTRI
    notes: str | None = None  # GHI_CHU
    issued_on: date | None = None  # NGAY_CT


class Referral(ResponseModel):
    """XML13 Giấy chuyển tuyến."""

    number: str  # GIAY_CHUYEN_TUYEN
    to_facility_code: FacilityCode  # MA_NOI_DEN
    to_facility_name: str | None = None
    clinical_signs: str | None = None  # DAU_HIEU_LS
    diagnosis: str | None = None  # CHAN_DOAN_RV
    disease_course: str | None = None  # QT_BENHLY
    key_results: str | None = None  # TOMTAT_KQ
    treatment_method: str | None = None  # PP_DIEUTRI
    reason: Literal["meets_criteria", "patient_request"] | None = None  # MA_LYDO_CT
    next_treatment: str | None = None  # HUONG_DIEU_TRI
    transport: str | None = None  # PHUONGTIEN_VC
    doctor_name: str | None = None
    issued_on: date


class ReExamAppointment(ResponseModel):
    """XML14 Giấy hẹn khám lại."""

    number: str  # SO_GIAYHEN_KL
    appointment_at: datetime  # NGAY_HEN_KL
    facility_code: FacilityCode | None = None  # MA_CSKCB
    facility_name: str | None = None
    diagnosis: str | None = None  # CHAN_DOAN_RV
    doctor_name: str | None = None
    issued_on: date  # NGAY_CT


# Sinh hiệu: what is plausible in a person, children included; outside it a value is a typing error.
VITAL_LIMITS: dict[str, tuple[float, float]] = {
    "pulse": (20, 250),  # lần/phút
    "systolic": (50, 300),  # mmHg
    "diastolic": (20, 200),  # mmHg
    "temperature": (30, 45),  # °C
    "weight_kg": (0.3, 350),
    "height_cm": (20, 250),
    "spo2": (50, 100),  # %
    "glucose": (1, 40),  # mmol/L
}


def _vital(name: str, *, whole: bool = False):
    low, high = VITAL_LIMITS[name]
    return Field(default=None, ge=int(low) if whole else low, le=int(high) if whole else high)


class VitalSigns(ResponseModel):
    """Sinh hiệu measured at the visit. QĐ 130 has a field for the weight only (XML1 CAN_NANG); the
    others travel as text in XML5 DIEN_BIEN_LS, the way hospital software writes them."""

    pulse: int | None = _vital("pulse", whole=True)  # Mạch, lần/phút
    systolic: int | None = _vital("systolic", whole=True)  # Huyết áp tâm thu, mmHg
    diastolic: int | None = _vital("diastolic", whole=True)  # Huyết áp tâm trương, mmHg
    temperature: float | None = _vital("temperature")  # Nhiệt độ, °C
    weight_kg: float | None = _vital("weight_kg")  # Cân nặng
    height_cm: float | None = _vital("height_cm")  # Chiều cao
    spo2: int | None = _vital("spo2", whole=True)  # SpO2, %
    glucose: float | None = _vital("glucose")  # Đường huyết, mmol/L
    measured_at: datetime | None = None  # THOI_DIEM_DBLS of the note they were read from

    @model_validator(mode="after")
    def _blood_pressure_pair(self) -> VitalSigns:
        if (self.systolic is None) != (self.diastolic is None):
            raise PydanticCustomError("visit_blood_pressure_pair",
                                      N_("Write both blood pressure numbers, for example 120/80."))
        if self.systolic is not None and self.diastolic is not None and self.diastolic >= self.systolic:
            raise PydanticCustomError("visit_blood_pressure_order",
                                      N_("The diastolic pressure must be lower than the systolic."))
        return self

    @property
    def empty(self) -> bool:
        return all(getattr(self, name) is None for name in VITAL_LIMITS)


class Visit(ResponseModel):
    """One episode of care (one MA_LK)."""

    id: str
    facility_code: FacilityCode  # MA_CSKCB
    facility_name: str
    department: str | None = None  # MA_KHOA (name)
    visit_type: VisitType
    started_at: datetime  # NGAY_VAO
    admitted_at: datetime | None = None  # NGAY_VAO_NOI_TRU
    ended_at: datetime | None = None  # NGAY_RA
    reason: str | None = None  # LY_DO_VV / LY_DO_VNT
    admission_diagnosis: str | None = None  # CHAN_DOAN_VAO
    diagnosis_text: str | None = None  # CHAN_DOAN_RV
    diagnoses: list[Diagnosis] = []
    lab_results: list[LabResult] = []
    procedures: list[Procedure] = []
    prescriptions: list[PrescriptionItem] = []
    clinical_notes: list[ClinicalNote] = []
    outcome: TreatmentOutcome | None = None
    discharge_type: DischargeType | None = None
    doctor_advice: str | None = None  # GHI_CHU
    weight_kg: float | None = Field(default=None, gt=0, lt=500)  # CAN_NANG
    vital_signs: VitalSigns | None = None  # read from XML5 DIEN_BIEN_LS (and CAN_NANG)
    treatment_days: int | None = Field(default=None, ge=0)  # SO_NGAY_DTRI
    record_summary: RecordSummary | None = None
    discharge_paper: DischargePaper | None = None
    referral: Referral | None = None
    re_exam: ReExamAppointment | None = None
    signed_at: datetime | None = None  # when the facility signed, if its signature says so (a signed property)
    signed_by: str | None = None  # the facility certificate's subject, serial and issuer
    received_at: datetime | None = None
    incomplete: bool = False  # some rows the facility sent were refused; its resend of the MA_LK replaces this

    @field_validator("diagnoses")
    @classmethod
    def _main_diagnosis_first(cls, diagnoses: list[Diagnosis]) -> list[Diagnosis]:
        if sum(d.main for d in diagnoses) > 1:
            raise PydanticCustomError("diagnosis_main_count", N_("A visit has exactly one main diagnosis."))
        return sorted(diagnoses, key=lambda d: not d.main)

    @model_validator(mode="after")
    def _ends_after_start(self) -> Visit:
        if self.ended_at and self.ended_at < self.started_at:
            raise PydanticCustomError("visit_end_before_start", N_("The visit ends before it starts."))
        return self

    @property
    def main_diagnosis(self) -> Diagnosis | None:
        return self.diagnoses[0] if self.diagnoses and self.diagnoses[0].main else None


class VisitSummary(ResponseModel):
    id: str
    facility_code: str
    facility_name: str
    visit_type: VisitType
    started_at: datetime
    ended_at: datetime | None = None
    main_diagnosis: Diagnosis | None = None
    has_documents: bool = False


class VisitPage(ResponseModel):
    items: list[VisitSummary]
    total: int
    limit: int
    offset: int


# ---------------------------------------------------------------- vaccinations


class Vaccination(ResponseModel):
    vaccine_code: str  # key into the immunisation schedule, e.g. "BCG", "DPT-VGB-Hib"
    vaccine_name: str
    dose_number: int = Field(ge=1, le=10)
    given_on: date
    facility_name: str | None = None
    batch: str | None = None
    programme: VaccinationProgramme = VaccinationProgramme.EPI


# ---------------------------------------------------------------- the book and the caller


class HealthBook(ResponseModel):
    person: Administrative
    history: History
    visits: list[Visit]  # newest first
    vaccinations: list[Vaccination]  # oldest first
    updated_at: datetime


class StaffAssignment(ResponseModel):
    role: StaffRole
    facility_code: str | None = None
    facility_name: str | None = None
    area: str | None = None  # a code of the national list: a volunteer's commune, an official's area
    area_name: str | None = None


class DependentRef(ResponseModel):
    person_id: str
    full_name: str
    birth_date: date
    relationship: Relationship


# May record a visit of a patient checked in today, and read the whole book of one admitted today.
MEDICAL_ROLES = frozenset({StaffRole.DOCTOR, StaffRole.NURSE, StaffRole.MIDWIFE})
CLINIC_ROLES = frozenset({StaffRole.RECEPTIONIST, *MEDICAL_ROLES})  # may check patients in


class Me(ResponseModel):
    """Who is signed in. Served at level 1 too: it carries no health data. `assisted_by` names the
    volunteer on whose device the citizen signed in (the session then ends by `assisted_until`)."""

    full_name: str
    personal_id: str
    identity_level: Literal[1, 2]
    can_read_book: bool
    person_id: str | None = None  # None when no book exists yet
    roles: list[StaffAssignment] = []
    dependents: list[DependentRef] = []
    assisted_by: str | None = None
    assisted_until: datetime | None = None

    @property
    def clinic_assignment(self) -> StaffAssignment | None:
        """Where this person works at a reception or clinic desk, if anywhere."""
        return next((r for r in self.roles if r.role in CLINIC_ROLES and r.facility_code), None)

    @property
    def records_visits(self) -> bool:
        assignment = self.clinic_assignment
        return assignment is not None and assignment.role in MEDICAL_ROLES

    @property
    def administers(self) -> bool:
        """A province's administrator or a facility's head: the administration console is theirs."""
        return any(r.role in (StaffRole.ADMIN, StaffRole.STATION_HEAD) for r in self.roles)


class RepresentativeUpdate(RequestModel):
    """What a citizen may state about their own main caregiver or legal representative."""

    role: Literal[RepresentativeRole.CAREGIVER, RepresentativeRole.LEGAL_REPRESENTATIVE]
    full_name: str = Field(min_length=1, max_length=255)
    relationship: Relationship
    personal_id: PersonalId | None = None
    phone: PhoneNumber


class ErrorDetail(ResponseModel):
    field: str | None = None
    message: str


class ErrorBody(ResponseModel):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorEnvelope(ResponseModel):
    error: ErrorBody


# ---------------------------------------------------------------- check-in at the counter


class CheckInCodeRequest(RequestModel):
    person_id: str | None = Field(default=None, max_length=64)  # a dependent's; the caller's own when absent


class CheckInCode(ResponseModel):
    """What the citizen's QR shows: `code` is opaque, random, and good for one check-in only."""

    id: str
    code: str
    person_id: str
    expires_at: datetime


class CheckInCodeStatus(StrEnum):
    ACTIVE = "active"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


class CheckInCodeState(ResponseModel):
    id: str
    status: CheckInCodeStatus
    expires_at: datetime
    used_at: datetime | None = None
    facility_name: str | None = None
    queue_number: int | None = None  # once the check-in made with the code is admitted
    admitted_at: datetime | None = None


class RedeemRequest(RequestModel):
    code: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)


class CardSecondFactor(StrEnum):
    BIRTH_YEAR = "birth_year"
    PIN = "pin"  # 4 digits chosen at issue


CARD_CODE_PREFIX = "SSKC1."  # tells a printed card's QR from a check-in code and an ID card's


class CardRedeemRequest(RequestModel):
    """A printed check-in card at the counter: first the code alone (the answer says which second factor
    to ask for), then the code with what the patient said."""

    code: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)
    second_factor: str | None = Field(default=None, min_length=1, max_length=8, pattern=NOT_BLANK)


class CardPrompt(ResponseModel):
    """What the receptionist asks before the summary shows."""

    first_name: str
    second_factor: CardSecondFactor


class IdentifyRequest(RequestModel):
    """What the counter read or typed when the patient has no QR: the chip ID card's QR text
    (`personal ID|old ID|name|ddmmyyyy|Nam/Nữ|address|ddmmyyyy`), a 12-digit personal ID, or a
    15-character BHYT card code."""

    query: str = Field(min_length=1, max_length=500, pattern=NOT_BLANK)


class CurrentMedicine(ResponseModel):
    name: str
    strength: str | None = None
    dosage: str | None = None
    usage: str | None = None
    prescribed_on: date
    facility_name: str


class PatientSummary(ResponseModel):
    """What the counter needs, allergies first (International Patient Summary in spirit)."""

    person_id: str
    full_name: str
    birth_date: date
    birth_date_precision: DatePrecision = DatePrecision.DAY
    sex: Sex
    personal_id: str
    insurance: InsuranceCard | None = None
    allergies: list[Allergy]
    conditions: list[Condition]
    current_medicines: list[CurrentMedicine]
    last_visits: list[VisitSummary]
    vaccinations: list[Vaccination]
    guardians: list[Representative]


class CheckInStatus(StrEnum):
    SCANNED = "scanned"  # the code was redeemed and the summary shown
    ADMITTED = "admitted"  # "Tiếp nhận": the patient is in today's queue


# How the patient was identified: the book's own QR, or a chip ID card / number anyone could copy.
CheckInMethod = Literal["book_qr", "printed_card", "cccd_qr", "personal_id", "bhyt"]
QueueStatus = Literal["waiting", "with_doctor", "done", "left"]


class CheckIn(ResponseModel):
    id: str
    facility_code: str
    checked_at: datetime
    status: CheckInStatus
    queue_number: int | None = None
    method: CheckInMethod = "book_qr"
    limited: bool = False  # True: the summary holds identity and allergies only
    summary: PatientSummary


class AdmitRequest(RequestModel):
    again: bool = False  # a second queue number for someone already in today's queue


class QueueEntry(ResponseModel):
    check_in_id: str
    person_id: str
    queue_number: int
    full_name: str
    birth_year: int
    sex: Sex
    admitted_at: datetime
    status: QueueStatus


class QueueStatusUpdate(RequestModel):
    status: QueueStatus


class AccessLogEntry(ResponseModel):
    """One read of a book by someone other than its owner or guardian."""

    at: datetime
    actor_name: str
    actor_role: StaffRole
    facility_code: str | None = None
    facility_name: str | None = None
    what: Literal["patient_summary", "identity", "book", "visits", "visit", "corrections"]
    purpose: Literal["check_in", "identification", "treatment", "assisted_session", "activation_help", "correction"]
    method: CheckInMethod | None = None  # how the patient was identified; None for treatment reads
    via_code: bool  # method == "book_qr"


# ---------------------------------------------------------------- the gateway's receipt


class Practitioner(RequestModel):
    """One line of a facility's practitioner list: who MA_BAC_SI / MA_BS_DOC_KQ codes are."""

    code: str = Field(min_length=1, max_length=255)  # practising-certificate number (CCHN)
    full_name: str = Field(min_length=1, max_length=255)
    title: str | None = Field(default=None, max_length=50)  # "BS.", "BSCKI.", "ĐD.", "YS."


# Strict both ways: a facility PUTs it and it is stored; GET gives it back to the facility's software, not the app.
class PractitionerList(RequestModel):
    practitioners: list[Practitioner] = Field(max_length=5000)

    @field_validator("practitioners")
    @classmethod
    def _codes_unique(cls, value: list[Practitioner]) -> list[Practitioner]:
        codes = [p.code for p in value]
        if len(set(codes)) != len(codes):
            raise PydanticCustomError("duplicate_code", N_("Each practitioner code may appear only once."))
        return value



class RecordReceipt(ResponseModel):
    ma_lk: str | None
    status: Literal["accepted", "rejected", "waiting_identification"]
    incomplete: bool = False  # accepted without the rows named in `errors`
    visit_id: str | None = None
    person_created: bool = False
    errors: list[ErrorDetail] = []  # field: "XML1.MA_THE_BHYT"
    notes: list[str] = []


class SubmissionReceipt(ResponseModel):
    submission_id: str
    facility_code: str
    received_at: datetime
    accepted: int
    rejected: int
    waiting_identification: int = 0  # kept until the person's ID number comes: see /gateway/unidentified
    records: list[RecordReceipt]
    duplicate_of: str | None = None  # the same bytes were received before: this is that receipt, nothing stored


class SubmissionStatus(StrEnum):
    RECEIVED = "received"  # archived, being processed
    PROCESSED = "processed"  # every record accepted or rejected by name: see the receipt
    REFUSED = "refused"  # the whole envelope (key, signature, XML): see `refusal`
    QUARANTINED = "quarantined"  # failed on our side while recovering; kept for the operators


class SubmissionRefusal(ResponseModel):
    code: str
    message: str


class SubmissionSummary(ResponseModel):
    """One envelope a facility sent, as its IT officer looks back on it."""

    submission_id: str
    received_at: datetime
    status: SubmissionStatus
    accepted: int | None = None
    rejected: int | None = None


class SubmissionPage(ResponseModel):
    items: list[SubmissionSummary]  # newest first
    limit: int
    offset: int
    total: int


class UnidentifiedVisit(ResponseModel):
    """A visit a facility sent without a personal ID number, kept until the person is identified."""

    ma_lk: str
    received_at: datetime
    document: str | None  # what SO_CCCD held: an old ID card or passport number, or nothing
    full_name: str
    birth_date: date
    sex: Sex
    card: str | None = None


class SubmissionDetail(SubmissionSummary):
    receipt: SubmissionReceipt | None = None
    refusal: SubmissionRefusal | None = None


class RecordedDiagnosis(RequestModel):
    icd10: Icd10Code
    name: str = Field(min_length=1, max_length=255)


class RecordedMedicine(RequestModel):
    name: str = Field(min_length=1, max_length=255)
    strength: str | None = Field(default=None, max_length=100)
    unit: str | None = Field(default=None, max_length=50)
    dosage: str | None = Field(default=None, max_length=500)
    usage: str | None = Field(default=None, max_length=500)
    quantity: float = Field(gt=0, le=10_000)


class RecordedVitalSigns(VitalSigns):
    """VitalSigns as the record-visit form sends them: strict like any request (a vital the server does
    not know would be lost), while a Visit's `vital_signs` stay lenient for the phones that read them."""

    model_config = ConfigDict(extra="forbid")


class RecordVisitRequest(RequestModel):
    """What a ward station without hospital software records after a visit (Ghi nhận lần khám);
    the server turns it into the same signed QĐ 130 submission a hospital sends."""

    personal_id: PersonalId
    reason: str | None = Field(default=None, max_length=1000)
    diagnoses: list[RecordedDiagnosis] = Field(min_length=1, max_length=13)  # the first is the main one
    prescriptions: list[RecordedMedicine] = Field(default=[], max_length=30)
    advice: str | None = Field(default=None, max_length=2000)
    re_exam_on: date | None = None
    vital_signs: RecordedVitalSigns | None = None  # weight into XML1 CAN_NANG; all of them as a line of XML5


class RecordVisitResult(ResponseModel):
    visit_id: str
    person_id: str
    full_name: str | None = None  # whose book it went into, for the receipt in words
    receipt: SubmissionReceipt


# ---------------------------------------------------------------- areas, residents, activation, printed cards


class AreaLevel(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"  # xã, phường, thị trấn


class Area(ResponseModel):
    code: str  # the national list's: 2 digits a province, 3 a district, 5 a commune
    name: str
    level: AreaLevel
    parent_code: str | None = None


class Residence(StrEnum):
    PERMANENT = "permanent"  # thường trú
    TEMPORARY = "temporary"  # tạm trú


class ResidentStatus(StrEnum):
    LIVING = "living"
    MOVED = "moved"
    DECEASED = "deceased"


class ActivationStep(StrEnum):
    """The checklist a volunteer walks with a resident, in order."""

    ACCOUNT = "account"  # VNeID installed, account exists
    LEVEL2 = "level2"  # level 2 at the commune police, with the chip ID card
    BHYT_LINKED = "bhyt_linked"  # the BHYT card linked in VNeID
    BOOK_OPENED = "book_opened"  # the health book opened once
    OWN_PHONE = "own_phone"  # the check-in QR tried on their own phone
    CARD_PRINTED = "card_printed"  # a printed check-in card, for those without a smartphone


# Done with these, a resident counts as activated (the phone and the card are alternatives).
ACTIVATED_WITH = (ActivationStep.ACCOUNT, ActivationStep.LEVEL2, ActivationStep.BOOK_OPENED)


class StepState(ResponseModel):
    step: ActivationStep
    done: bool
    done_at: datetime | None = None
    observed: bool = False  # seen by the system itself (a sign-in, a read, a card), not only ticked
    helper_name: str | None = None
    place: str | None = None  # the commune where a volunteer helped


class ActivationStatus(ResponseModel):
    """What a volunteer sees of a resident present in person: never any health data."""

    personal_id: str
    full_name: str
    birth_year: int | None = None
    commune_name: str | None = None
    in_register: bool
    steps: list[StepState]

    @property
    def activated(self) -> bool:
        done = {state.step for state in self.steps if state.done}
        return all(step in done for step in ACTIVATED_WITH)


class ActivationLookup(RequestModel):
    """The resident's chip ID card QR text or typed 12-digit personal ID (as at the counter)."""

    query: str = Field(min_length=1, max_length=500, pattern=NOT_BLANK)


class StepDone(RequestModel):
    step: ActivationStep


class FollowUpResident(ResponseModel):
    """One line of a ward's follow-up list: name, birth year, hamlet and where they stand; nothing more."""

    full_name: str
    birth_year: int
    hamlet: str | None = None
    residence: Residence
    next_step: ActivationStep


class FollowUpPage(ResponseModel):
    commune_code: str
    commune_name: str
    total: int
    limit: int
    offset: int
    residents: list[FollowUpResident]


class AssistTicket(ResponseModel):
    """Starts a citizen's sign-in on a volunteer's device: good once, for a few minutes."""

    ticket: str
    expires_at: datetime
    session_minutes: int


class CheckInCardRequest(RequestModel):
    """With a `pin`, the counter asks for it; without, for the birth year."""

    person_id: str | None = Field(default=None, max_length=64)  # a dependent's; the caller's own by default
    pin: str | None = Field(default=None, pattern=r"^[0-9]{4}$")

    @property
    def second_factor(self) -> CardSecondFactor:
        return CardSecondFactor.PIN if self.pin else CardSecondFactor.BIRTH_YEAR


class CheckInCard(ResponseModel):
    id: str
    person_id: str
    first_name: str
    second_factor: CardSecondFactor
    issued_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class IssuedCheckInCard(CheckInCard):
    """Only the answer to issuing holds the code: it is stored as a hash and cannot be shown again."""

    code: str


class CardPrintRequest(RequestModel):
    code: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)
    size: Literal["id1", "a6"] = "id1"


# ---------------------------------------------------------------- the pilot report for officials


class ReportPeriodKind(StrEnum):
    MONTH = "month"  # 2026-11
    HALF_YEAR = "half_year"  # 2026-H1
    YEAR = "year"  # 2026
    RANGE = "range"  # 2026-01-15..2026-03-31


class ReportPeriod(ResponseModel):
    label: str  # as asked: 2026-11, 2026-H1, 2026, 2026-01-15..2026-03-31
    kind: ReportPeriodKind
    start: date  # first day
    end: date  # last day, included


class IndicatorDefinition(ResponseModel):
    """What a figure means, shown next to it (msgids translated for the reader)."""

    id: str
    name: str
    definition: str
    numerator: str | None = None
    denominator: str | None = None
    unit: Literal["count", "percent", "hours", "seconds"]
    target: float | None = None  # the plans' target, e.g. 95 (%)
    levels: list[AreaLevel | Literal["facility"]]  # where it is computed


class IndicatorValue(ResponseModel):
    value: float | None = None  # None: not computed here, or hidden (`suppressed`)
    numerator: int | None = None
    denominator: int | None = None
    suppressed: bool = False  # a count under 5 people, shown as "< 5"
    previous: float | None = None  # the same figure for the previous period
    previous_suppressed: bool = False


class ReportUnit(ResponseModel):
    code: str  # area code, or the facility's code
    name: str
    level: AreaLevel | Literal["facility"]
    parent_code: str | None = None  # a facility's commune; a commune's district; ...
    public: bool | None = None  # facilities: public or non-public
    values: dict[str, IndicatorValue]


class RefusalReason(ResponseModel):
    field: str  # e.g. XML1.MA_THE_BHYT, or "signature"
    count: int


class MonthTrend(ResponseModel):
    month: str  # YYYY-MM
    visits: int
    check_ins: int


class ReportAssessment(ResponseModel):
    """The official's own sections of the report; "Kết quả thực hiện" is the figures."""

    effectiveness: str = ""  # Đánh giá hiệu quả
    difficulties: str = ""  # Khó khăn, vướng mắc
    proposals: str = ""  # Đề xuất, kiến nghị
    written_by: str | None = None
    written_at: datetime | None = None


class ReportAssessmentUpdate(RequestModel):
    effectiveness: str = Field(default="", max_length=20_000)
    difficulties: str = Field(default="", max_length=20_000)
    proposals: str = Field(default="", max_length=20_000)


class PilotReport(ResponseModel):
    area: Area
    period: ReportPeriod
    previous_period: ReportPeriod
    generated_at: datetime
    indicators: list[IndicatorDefinition]
    units: list[ReportUnit]  # the area first, then every unit under it (districts, communes, facilities)
    refusal_reasons: list[RefusalReason]  # the most frequent, for the whole area
    silent_facilities: list[str]  # codes of facilities of the area that sent nothing in the period
    trend: list[MonthTrend]  # the twelve months up to the period's end
    assessment: ReportAssessment
    provisional: bool = False  # the period has not ended yet: its figures may still change


# ---------------------------------------------------------------- corrections ("Báo thông tin sai")


class CorrectionTarget(StrEnum):
    """What a citizen says is wrong: a whole visit, one row of it, one of its papers, or a vaccination."""

    VISIT = "visit"
    LAB_RESULT = "lab_result"
    PRESCRIPTION = "prescription"
    PROCEDURE = "procedure"
    DIAGNOSIS = "diagnosis"
    VACCINATION = "vaccination"
    DISCHARGE_PAPER = "discharge_paper"
    REFERRAL = "referral"
    RE_EXAM = "re_exam"


class CorrectionStatus(StrEnum):
    OPEN = "open"  # waiting for the facility
    CORRECTED = "corrected"  # the facility resent the record, or said it did
    DECLINED = "declined"  # with the facility's reason
    WITHDRAWN = "withdrawn"  # by the citizen


CORRECTION_NOTE_MAX = 1000


def vaccination_ref(vaccination: Vaccination) -> str:
    """How a correction names one dose (vaccinations have no id on the wire): vaccine, dose, date."""
    return f"{vaccination.vaccine_code}|{vaccination.dose_number}|{vaccination.given_on.isoformat()}"


class CorrectionRequestCreate(RequestModel):
    """`target_ref`: the row's position in the visit's list ("0", "1", …) for results, medicines,
    procedures and diagnoses; `vaccination_ref` for a dose; empty for a visit or one of its papers."""

    visit_id: str | None = Field(default=None, min_length=1, max_length=64)
    target_kind: CorrectionTarget
    target_ref: str = Field(default="", max_length=200)
    note: str = Field(min_length=1, pattern=NOT_BLANK)

    @field_validator("note")
    @classmethod
    def _note_short_enough(cls, value: str) -> str:
        if len(value) > CORRECTION_NOTE_MAX:
            raise PydanticCustomError(
                "visit_correction_note_too_long",
                N_("Write at most 1000 characters: say briefly what is wrong and what is right."))
        return value


class CorrectionRequest(ResponseModel):
    """One request as its sender follows it."""

    id: str
    person_id: str
    facility_code: str
    facility_name: str | None = None
    target_kind: CorrectionTarget
    visit_id: str | None = None
    visit_started_at: datetime | None = None
    target_ref: str = ""
    target_label: str = ""  # what the citizen saw: a result's or medicine's name, a vaccine and its dose
    note: str
    status: CorrectionStatus
    created_at: datetime
    answered_at: datetime | None = None
    answer_note: str | None = None  # the facility's reason when declined, or what it corrected


class DeskCorrectionRequest(CorrectionRequest):
    """One open request on a facility's desk: enough to find the record, nothing more of the book."""

    patient_name: str
    birth_year: int | None = None
    ma_lk: str | None = None  # the facility's own key of the visit, when it came through the gateway


class CorrectionDecline(RequestModel):
    reason: str = Field(min_length=1, max_length=500, pattern=NOT_BLANK)


class CorrectionDone(RequestModel):
    note: str | None = Field(default=None, max_length=500)


# ---------------------------------------------------------------- administration (Quản trị)


class FacilityKind(StrEnum):
    HOSPITAL = "hospital"
    DISTRICT_CENTRE = "district_centre"  # trung tâm y tế quận, huyện
    POLYCLINIC = "polyclinic"  # phòng khám đa khoa
    HEALTH_STATION = "health_station"  # trạm y tế xã, phường
    PRIVATE_CLINIC = "private_clinic"  # phòng khám tư nhân
    OTHER = "other"


FACILITY_STAFF_ROLES = (StaffRole.RECEPTIONIST, StaffRole.DOCTOR, StaffRole.NURSE, StaffRole.MIDWIFE,
                        StaffRole.STATION_HEAD)


class FacilityUpdate(RequestModel):
    """A facility as the health department registers it; the code is the national MA_CSKCB."""

    code: FacilityCode
    name: str = Field(min_length=2, max_length=200, pattern=NOT_BLANK)
    kind: FacilityKind
    public: bool
    bhyt_contract: bool  # has a contract with the social insurance (khám chữa bệnh BHYT)
    commune_code: str = Field(pattern=r"^[0-9]{5}$")
    address: str | None = Field(default=None, max_length=300)


class AdminFacility(ResponseModel):
    code: str
    name: str
    kind: str | None = None
    public: bool | None = None
    bhyt_contract: bool | None = None
    commune_code: str | None = None
    commune_name: str | None = None
    district_code: str | None = None
    district_name: str | None = None
    address: str | None = None
    active: bool = True
    deactivated_at: datetime | None = None
    last_submission_at: datetime | None = None
    active_keys: int = 0
    active_certificates: int = 0


class FacilityImportResult(ResponseModel):
    created: int
    updated: int


class KeyIssue(RequestModel):
    """A new API key; keys already working keep working for `overlap_hours` (0: end now), so the
    facility's software can switch without a refused envelope."""

    overlap_hours: int = Field(default=168, ge=0, le=720)


class GatewayKey(ResponseModel):
    key_id: str
    issued_at: datetime
    issued_by: str | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    active: bool


class IssuedKey(ResponseModel):
    """The key itself, shown once: only its hash is stored."""

    key_id: str
    api_key: str
    issued_at: datetime


class FacilityCertificate(ResponseModel):
    id: str  # SHA-256 of the certificate (DER), hex
    subject: str
    key: str  # "RSA 2048", "EC P-256"
    not_before: datetime | None = None
    not_after: datetime | None = None
    registered_at: datetime
    registered_by: str | None = None
    revoked_at: datetime | None = None
    active: bool


class FacilityCredentialsView(ResponseModel):
    facility_code: str
    keys: list[GatewayKey]
    certificates: list[FacilityCertificate]


class StaffAssign(RequestModel):
    """A person given a role: at a facility, or for a volunteer's ward or an official's area."""

    personal_id: PersonalId
    full_name: str = Field(min_length=2, max_length=120, pattern=NOT_BLANK)
    role: StaffRole
    facility_code: FacilityCode | None = None
    area: str | None = Field(default=None, pattern=r"^([0-9]{2}|[0-9]{3}|[0-9]{5})$")


class StaffEntry(ResponseModel):
    id: int
    personal_id: str
    full_name: str | None = None
    role: StaffRole
    facility_code: str | None = None
    facility_name: str | None = None
    area: str | None = None
    area_name: str | None = None
    started_at: datetime | None = None
    assigned_by: str | None = None


class AuditEntry(ResponseModel):
    id: int
    at: datetime
    actor_personal_id: str
    actor_name: str | None = None
    action: str
    facility_code: str | None = None
    personal_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class AdminScope(ResponseModel):
    """What the caller administers: a province (administrator) and/or facilities (their heads)."""

    provinces: list[Area]
    facilities: list[str]


class FileUpload(RequestModel):
    """A file sent to the console: a certificate (PEM or DER) or a CSV list, base64-encoded."""

    file_name: str | None = Field(default=None, max_length=200)
    content_base64: str = Field(min_length=4, max_length=4_000_000, pattern=r"^[A-Za-z0-9+/=\s]+$")
