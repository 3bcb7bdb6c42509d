"""One HOSO, field by field: every problem is named `XMLn.FIELD` so the hospital's IT officer
knows what to fix; a record with any problem is not stored at all."""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from api_client.code_lists import ethnicity_name, nationality_name, occupation_name
from api_client.icd10 import fold, icd10_name
from api_client.identifiers import (
    N_,
    check_bhyt_code,
    check_facility_code,
    check_icd10,
    check_personal_id,
    check_phone,
    personal_id_matches,
)
from api_client.models import (
    VIETNAM_TZ,
    Administrative,
    ClinicalNote,
    Diagnosis,
    DischargePaper,
    InsuranceCard,
    LabResult,
    PrescriptionItem,
    Procedure,
    RecordSummary,
    ReExamAppointment,
    Referral,
    Visit,
)

from .vital_signs import vital_signs_of
from .xml130 import Hoso

FUTURE_TOLERANCE = timedelta(minutes=10)  # clocks of hospital servers drift
SEX = {"1": "male", "2": "female", "3": "undetermined"}
TABLE_NOTES = {
    "XML6": N_("Table {table} (HIV/AIDS care) is not shown in the health book and was not stored."),
    "XML15": N_("Table {table} (tuberculosis) is not shown in the health book and was not stored."),
}
DEFAULT_TABLE_NOTE = N_("Table {table} is not part of the health book and was not stored.")
MODEL_TABLES = {  # where a model's refusal points the sender
    "PrescriptionItem": "XML2", "Procedure": "XML3", "LabResult": "XML4", "ClinicalNote": "XML5",
    "DischargePaper": "XML7", "RecordSummary": "XML8", "Referral": "XML13", "ReExamAppointment": "XML14",
}


EARLIEST = date(1900, 1, 1)  # before it, a date is a typing error (and year 1 broke storage)
LATEST_APPOINTMENT = date(2099, 12, 31)


class OutOfRange(ValueError):
    """A well-written date that cannot be true."""


RENAMED_BY_3176 = {"XML13": {"MA_NOI_DI": "MA_CSKCB_DI", "MA_NOI_DEN": "MA_CSKCB_DEN"}}  # QĐ 130 name: 3176's
CARD_FIELDS = ("MA_THE_BHYT", "MA_DKBD", "GT_THE_TU", "GT_THE_DEN")
CLINIC_OPENS = "0730"  # the time given to an appointment that names only its day (as the record-visit form does)
# What SO_CCCD may hold besides a personal ID: nothing (a newborn), an old 9-digit ID card (CMND), a passport.
IDENTITY_DOCUMENT = re.compile(r"|[0-9]{9}|[A-Z][0-9]{7,8}|[A-Z]{2}[0-9]{7}")


def _moment(value: str) -> datetime:
    """yyyyMMddHHmm, Vietnam time."""
    if len(value) != 12 or not value.isdigit():
        raise ValueError(value)
    return datetime.strptime(value, "%Y%m%d%H%M").replace(tzinfo=VIETNAM_TZ)


def _day(value: str) -> date:
    """yyyyMMdd."""
    if len(value) != 8 or not value.isdigit():
        raise ValueError(value)
    return datetime.strptime(value, "%Y%m%d").date()


def _non_negative(value: str) -> float:
    parsed = float(value)
    if not math.isfinite(parsed) or parsed < 0:  # float() also reads "nan" and "inf"
        raise ValueError(value)
    return parsed


@dataclass
class Problems:
    """Field problems of one record: msgids with their parameters, named `XMLn.FIELD`."""

    items: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)  # read after normalising; the receipt says how

    def add(self, where: str, message: str, **params: Any) -> None:
        self.items.append({"field": where, "message": message, "params": params})

    def warn(self, where: str, message: str, **params: Any) -> None:
        self.warnings.append({"message": message, "params": {"field": where, **params}})

    def __bool__(self) -> bool:
        return bool(self.items)


class Row:
    """One row of one table, read with the rules of QĐ 130/4750."""

    def __init__(self, table: str, values: dict[str, str], problems: Problems, latest: date = LATEST_APPOINTMENT) -> None:
        """`latest`: the last day an event of the record can have happened (tomorrow, for clock drift).
        Fields renamed by QĐ 3176 are read under their QĐ 130 names too."""
        renamed = {old: values[new] for old, new in RENAMED_BY_3176.get(table, {}).items()
                   if not values.get(old) and values.get(new)}
        self.table, self.values, self.problems, self.latest = table, {**values, **renamed}, problems, latest

    def newest_card(self) -> None:
        """QĐ 4750: when the card changed during the episode, each card field lists every card, in order,
        separated by ';'. The book keeps the newest; every number listed must still be a card number."""
        for name in CARD_FIELDS:
            parts = [part.strip() for part in self.values.get(name, "").split(";") if part.strip()]
            if name == "MA_THE_BHYT":
                for part in parts[:-1]:
                    try:
                        check_bhyt_code(part)
                    except PydanticCustomError as error:
                        self.problems.add(self._where(name), error.message_template)
            if len(parts) > 1:
                self.values = {**self.values, name: parts[-1]}

    def _where(self, name: str) -> str:
        return f"{self.table}.{name}"

    def text(self, name: str, *, required: bool = False, max_length: int | None = None) -> str | None:
        value = self.values.get(name, "").strip()
        if not value:
            if required:
                self.problems.add(self._where(name), N_("This field is required."))
            return None
        if max_length and len(value) > max_length:
            self.problems.add(self._where(name), N_("Longer than {limit} characters."), limit=max_length)
            return None
        return value

    def moment(self, name: str, *, required: bool = False, future: bool = False) -> datetime | None:
        """A time of something that happened, or (`future`) of an appointment; an appointment written as
        a day alone (yyyyMMdd, as some software does) is read as the opening of that day, with a warning."""
        value = self.values.get(name, "").strip()
        if future and len(value) == 8 and value.isdigit():
            self.values = {**self.values, name: value + CLINIC_OPENS}
            self.problems.warn(self._where(name), N_("{field}: the day {value} was read without a time."),
                               value=value)
        return self._parsed(name, lambda value: self._in_range(_moment(value), future), required=required,
                            problem=N_("Write the time as yyyyMMddHHmm (12 digits), for example 202611220830."))

    def day(self, name: str, *, required: bool = False, future: bool = False) -> date | None:
        return self._parsed(name, lambda value: self._in_range(_day(value), future), required=required,
                            problem=N_("Write the date as yyyyMMdd (8 digits), for example 20261122."))

    def _in_range(self, value: Any, future: bool) -> Any:
        day = value.date() if isinstance(value, datetime) else value
        if not EARLIEST <= day <= (LATEST_APPOINTMENT if future else self.latest):
            raise OutOfRange(value)
        return value

    def number(self, name: str, *, required: bool = False) -> float | None:
        value = self.values.get(name, "").strip()
        if "," in value and "." not in value and value.count(",") == 1:  # a decimal comma, as Excel writes it
            self.values = {**self.values, name: value.replace(",", ".")}
            self.problems.warn(self._where(name), N_("{field}: the decimal comma in {value} was read as a dot."),
                               value=value)
        return self._parsed(name, _non_negative, required=required,
                            problem=N_("Write a number that is not negative, with a dot for decimals."))

    def choice(self, name: str, allowed: tuple[str, ...], *, required: bool = False) -> str | None:
        value = self.text(name, required=required)
        if value is not None and value not in allowed:
            self.problems.add(self._where(name), N_("Must be one of: {values}."), values=", ".join(allowed))
            return None
        return value

    def checked(self, name: str, check: Callable[[str], str], *, required: bool = False) -> str | None:
        """Through an identifier check of api_client, whose error says what is wrong."""
        return self._parsed(name, check, required=required)

    def _parsed(self, name: str, parse: Callable[[str], Any], *, required: bool, problem: str = "") -> Any:
        """The field's text through `parse`; a refusal is recorded against the field, never raised."""
        value = self.text(name, required=required)
        if value is None:
            return None
        try:
            return parse(value)
        except PydanticCustomError as error:
            self.problems.add(self._where(name), error.message_template)
        except OutOfRange:
            self.problems.add(self._where(name), N_("This date cannot be right: it is before 1900 or in the future "
                                                    "(after tomorrow; an appointment, after 2099)."))
        except ValueError:
            self.problems.add(self._where(name), problem)
        return None

    def icd10_list(self, name: str) -> list[str]:
        codes = []
        for part in (self.text(name) or "").split(";"):
            if part.strip():
                try:
                    codes.append(check_icd10(part))
                except PydanticCustomError as error:
                    self.problems.add(self._where(name), error.message_template)
        if len(codes) > 12:
            self.problems.add(self._where(name), N_("At most 12 codes, separated by ';'."))
        return codes


@dataclass
class RecordOutcome:
    ma_lk: str | None
    person: Administrative | None = None
    visit: Visit | None = None
    problems: Problems = field(default_factory=Problems)
    notes: list[dict[str, Any]] = field(default_factory=list)
    # No personal ID yet (an old 9-digit ID card, a passport, a newborn): who the record says it is, so
    # the visit can wait for identification instead of being lost.
    unidentified: dict[str, Any] | None = None
    left_out: list[dict[str, Any]] = field(default_factory=list)  # rows of XML2–14 refused, by field
    card: InsuranceCard | None = None  # the card the record names: a known person's card on file follows it


def birth_of(row: Row) -> tuple[date | None, str]:
    """NGAY_SINH is yyyyMMddHHmm; unknown day, month or time are zeros (19600000 0000)."""
    value = row.text("NGAY_SINH", required=True)
    if value is None:
        return None, "day"
    try:
        if len(value) not in (8, 12) or not value.isdigit():
            raise ValueError
        year, month, day = int(value[:4]), int(value[4:6]), int(value[6:8])
        birth, precision = (date(year, 1, 1), "year") if month == 0 else (
            (date(year, month, 1), "month") if day == 0 else (date(year, month, day), "day"))
    except ValueError:
        row.problems.add(row._where("NGAY_SINH"),
                         N_("Write the birth date as yyyyMMddHHmm; use 00 for an unknown day or month."))
        return None, "day"
    if not EARLIEST <= birth <= row.latest:
        row.problems.add(row._where("NGAY_SINH"), N_("The birth date cannot be before 1900 or in the future."))
        return None, "day"
    return birth, precision


def phone_of(row: Row) -> str | None:
    """DIEN_THOAI is the patient's or a relative's phone, written every way people write phones: a
    number we cannot read is left out with a warning rather than refusing the visit."""
    value = row.text("DIEN_THOAI")
    if value is None:
        return None
    try:
        return check_phone(value.replace("-", "")[:20])
    except PydanticCustomError:
        row.problems.warn(row._where("DIEN_THOAI"), N_("{field}: the phone number {value} was not kept (it must "
                                                         "start with 0 or +84 and have 10 or 11 digits)."), value=value)
        return None


def diagnoses_of(row: Row) -> list[Diagnosis]:
    """MA_BENH_CHINH first, then MA_BENH_KT; names from CHAN_DOAN_RV when it lists one per code."""
    main = row.checked("MA_BENH_CHINH", check_icd10, required=True)
    others = row.icd10_list("MA_BENH_KT")
    codes = ([main] if main else []) + others
    names = [part.strip() for part in (row.text("CHAN_DOAN_RV") or "").split(";") if part.strip()]
    if len(names) != len(codes):
        names = [icd10_name(code) or (names[0] if i == 0 and names else code) for i, code in enumerate(codes)]
    return [Diagnosis(icd10=code, name=name, main=i == 0 and main is not None)
            for i, (code, name) in enumerate(zip(codes, names, strict=True))]


def read_record(
    hoso: Hoso, *, sender: str, facility_name: str | None, now: datetime, received_at: datetime,
    person_with: Callable[[str], Administrative | None], signer: str | None = None,
    signed_at: datetime | None = None, practitioner_name: Callable[[str | None], str | None] = lambda code: None,
) -> RecordOutcome:
    """The record's person and visit, or the problems that keep it out; never half of it."""
    outcome = RecordOutcome(hoso.ma_lk)
    try:
        _read_into(outcome, hoso, sender=sender, facility_name=facility_name, now=now,
                   received_at=received_at, person_with=person_with, signer=signer, signed_at=signed_at,
                   practitioner_name=practitioner_name)
    except ValidationError as error:  # a model rule that the field checks do not cover
        table = MODEL_TABLES.get(error.title, "XML1")
        for detail in error.errors():
            outcome.problems.add(f"{table}." + ".".join(str(part) for part in detail["loc"]).upper(), detail["msg"])
        outcome.person = outcome.visit = None
    outcome.notes.extend(outcome.problems.warnings)
    return outcome


def _read_into(
    outcome: RecordOutcome, hoso: Hoso, *, sender: str, facility_name: str | None, now: datetime,
    received_at: datetime, person_with: Callable[[str], Administrative | None], signer: str | None,
    signed_at: datetime | None, practitioner_name: Callable[[str | None], str | None],
) -> RecordOutcome:
    problems = outcome.problems
    latest = (now + timedelta(days=1)).date()
    for table in hoso.ignored:
        outcome.notes.append({"message": TABLE_NOTES.get(table, DEFAULT_TABLE_NOTE), "params": {"table": table}})
    for table in hoso.unreadable:
        problems.add(table, N_("The table could not be read: NOIDUNGFILE must be base64 of well-formed XML."))
    rows = hoso.tables.get("XML1")
    if not rows:
        problems.add("XML1", N_("Every HOSO needs its XML1 (visit summary) table."))
        return outcome
    x1 = Row("XML1", rows[0], problems, latest)
    ma_lk = x1.text("MA_LK", required=True, max_length=100)
    facility_code = x1.checked("MA_CSKCB", check_facility_code, required=True)
    if facility_code and facility_code != sender:
        problems.add("XML1.MA_CSKCB", N_("The record is from facility {record}, but the envelope is from {sender}."),
                     record=facility_code, sender=sender)

    # the person
    document = x1.text("SO_CCCD", max_length=20) or ""
    personal_id = x1.checked("SO_CCCD", check_personal_id) if IDENTITY_DOCUMENT.fullmatch(document) is None else None
    full_name = x1.text("HO_TEN", required=True, max_length=255)
    birth, precision = birth_of(x1)
    sex = SEX.get(x1.choice("GIOI_TINH", ("1", "2", "3"), required=True) or "")
    if personal_id and birth and sex and not personal_id_matches(personal_id, birth.year, sex):
        problems.add("XML1.SO_CCCD", N_("The personal ID number does not match the birth year or the sex."))
    blood_group = x1.text("NHOM_MAU", max_length=5)
    phone = phone_of(x1)
    x1.newest_card()
    card_code = x1.text("MA_THE_BHYT")
    card = None
    if card_code:
        try:
            card = InsuranceCard(
                code=check_bhyt_code(card_code), valid_from=x1.day("GT_THE_TU", future=True), valid_to=x1.day("GT_THE_DEN", future=True),
                registered_facility_code=x1.checked("MA_DKBD", check_facility_code),
            )
        except PydanticCustomError as error:
            problems.add("XML1.MA_THE_BHYT", error.message_template)
        except ValidationError:
            problems.add("XML1.GT_THE_DEN", N_("The card's end date is before its start date."))

    # the visit
    started = x1.moment("NGAY_VAO", required=True)
    admitted = x1.moment("NGAY_VAO_NOI_TRU")
    ended = x1.moment("NGAY_RA")
    if started and started > now + FUTURE_TOLERANCE:
        problems.add("XML1.NGAY_VAO", N_("The visit cannot start in the future."))
    if started and ended and ended < started:
        problems.add("XML1.NGAY_RA", N_("The visit ends before it starts."))
    visit_type = x1.choice("MA_LOAI_KCB", tuple(f"{n:02d}" for n in range(1, 10)), required=True)
    outcome_code = x1.choice("KET_QUA_DTRI", tuple(str(n) for n in range(1, 9)))
    discharge = x1.choice("MA_LOAI_RV", tuple(str(n) for n in range(1, 6)))
    weight = x1.number("CAN_NANG")
    treatment_days = x1.number("SO_NGAY_DTRI")
    diagnoses = diagnoses_of(x1)

    partial = Problems()  # rows of XML2–14 left out: the visit is stored without them, marked incomplete

    def rows_of(table: str, build: Callable[[Row], Any], *, first_only: bool = False) -> list[Any]:
        """Each row of a table other than XML1 on its own: a row with a problem is left out and named."""
        kept = []
        for values in hoso.tables.get(table, [])[:1] if first_only else hoso.tables.get(table, []):
            row = Row(table, values, Problems(), latest)
            try:
                item = build(row)
            except ValidationError as error:  # a model rule the field checks do not cover
                for detail in error.errors():
                    row.problems.add(f"{table}." + ".".join(str(part) for part in detail["loc"]).upper(),
                                     detail["msg"])
                item = None
            problems.warnings.extend(row.problems.warnings)
            if row.problems:
                partial.items.extend(row.problems.items)
            elif item is not None:
                kept.append(item)
        return kept

    def prescription(row: Row) -> PrescriptionItem | None:
        name = row.text("TEN_THUOC", required=True, max_length=1024)
        quantity = row.number("SO_LUONG", required=True)
        if name is None or quantity is None:
            return None
        return PrescriptionItem(
            drug_code=row.text("MA_THUOC"), name=name, strength=row.text("HAM_LUONG"),
            unit=row.text("DON_VI_TINH"), route=row.text("DUONG_DUNG"), dosage=row.text("LIEU_DUNG"),
            usage=row.text("CACH_DUNG"), quantity=quantity, prescribed_at=row.moment("NGAY_YL"),
            prescriber=(prescriber := row.text("MA_BAC_SI")), prescriber_name=practitioner_name(prescriber),
        )

    def procedure(row: Row) -> Procedure | None:
        name = row.text("TEN_DICH_VU")
        if not name:  # rows with only TEN_VAT_TU are supplies, not procedures
            return None
        return Procedure(code=row.text("MA_DICH_VU"), name=name, quantity=row.number("SO_LUONG"),
                         performed_at=row.moment("NGAY_TH_YL") or row.moment("NGAY_YL"))

    def lab_result(row: Row) -> LabResult | None:
        name = row.text("TEN_CHI_SO", required=True)
        if not name:
            return None
        return LabResult(code=row.text("MA_CHI_SO"), name=name, value=row.text("GIA_TRI") or "",
                         unit=row.text("DON_VI_DO"), description=row.text("MO_TA"),
                         conclusion=row.text("KET_LUAN"), resulted_at=row.moment("NGAY_KQ"),
                         reader=(reader := row.text("MA_BS_DOC_KQ")), reader_name=practitioner_name(reader))

    def clinical_note(row: Row) -> ClinicalNote:
        return ClinicalNote(recorded_at=row.moment("THOI_DIEM_DBLS"), note=row.text("DIEN_BIEN_LS"),
                            stage=row.text("GIAI_DOAN_BENH"), consultation=row.text("HOI_CHAN"),
                            surgery=row.text("PHAU_THUAT"))

    def discharge_paper_of(row: Row) -> DischargePaper | None:
        admitted_at, discharged_at = row.moment("NGAY_VAO", required=True), row.moment("NGAY_RA", required=True)
        diagnosis, issued = row.text("CHAN_DOAN_RV", required=True), row.day("NGAY_CT", required=True)
        leave = row.number("SO_NGAY_NGHI")
        if not (admitted_at and discharged_at and diagnosis and issued):
            return None
        return DischargePaper(
            archive_number=row.text("SO_LUU_TRU"), admitted_at=admitted_at, discharged_at=discharged_at,
            diagnosis=diagnosis, treatment_method=row.text("PP_DIEUTRI"), notes=row.text("GHI_CHU"),
            leave_days=int(leave) if leave is not None else None, doctor_name=row.text("TEN_BS"), issued_on=issued,
        )

    def summary_of(row: Row) -> RecordSummary:
        result = row.choice("KET_QUA_DTRI", tuple(str(n) for n in range(1, 9)))
        return RecordSummary(
            disease_course=row.text("QT_BENHLY"), key_results=row.text("TOMTAT_KQ"),
            treatment_method=row.text("PP_DIEUTRI"), outcome=int(result) if result else None,
            notes=row.text("GHI_CHU"), issued_on=row.day("NGAY_CT"),
        )

    def referral_of(row: Row) -> Referral | None:
        number_, destination = row.text("GIAY_CHUYEN_TUYEN", required=True), row.checked(
            "MA_NOI_DEN", check_facility_code, required=True)
        reason = row.choice("MA_LYDO_CT", ("1", "2"))
        issued = row.day("NGAY_CT") or (ended or started or received_at).date()
        if not (number_ and destination):
            return None
        return Referral(
            number=number_, to_facility_code=destination, clinical_signs=row.text("DAU_HIEU_LS"),
            diagnosis=row.text("CHAN_DOAN_RV"), disease_course=row.text("QT_BENHLY"),
            key_results=row.text("TOMTAT_KQ"), treatment_method=row.text("PP_DIEUTRI"),
            reason={"1": "meets_criteria", "2": "patient_request"}.get(reason or ""),
            next_treatment=row.text("HUONG_DIEU_TRI"), transport=row.text("PHUONGTIEN_VC"),
            doctor_name=row.text("TEN_BS"), issued_on=issued,
        )

    def re_exam_of(row: Row) -> ReExamAppointment | None:
        number_, when, issued = (row.text("SO_GIAYHEN_KL", required=True),
                                 row.moment("NGAY_HEN_KL", required=True, future=True),
                                 row.day("NGAY_CT", required=True))
        place = row.checked("MA_CSKCB", check_facility_code) or facility_code
        if not (number_ and when and issued):
            return None
        return ReExamAppointment(number=number_, appointment_at=when, facility_code=place,
                                 facility_name=facility_name if place == sender else None,
                                 diagnosis=row.text("CHAN_DOAN_RV"), doctor_name=row.text("TEN_BS"),
                                 issued_on=issued)

    prescriptions = rows_of("XML2", prescription)
    procedures = rows_of("XML3", procedure)
    labs = rows_of("XML4", lab_result)
    notes = rows_of("XML5", clinical_note)
    discharge_paper = next(iter(rows_of("XML7", discharge_paper_of, first_only=True)), None)
    summary = next(iter(rows_of("XML8", summary_of, first_only=True)), None)
    referral = next(iter(rows_of("XML13", referral_of, first_only=True)), None)
    re_exam = next(iter(rows_of("XML14", re_exam_of, first_only=True)), None)
    if re_exam is None and (first_date := (x1.text("NGAY_TAI_KHAM") or "").split(";")[0].strip()):
        # no slip (XML14), only the date in XML1: the book still shows when to come back
        when = Row("XML1", {"NGAY_TAI_KHAM": first_date}, problems, latest).moment("NGAY_TAI_KHAM", future=True)
        if when is not None:
            re_exam = ReExamAppointment(number="", appointment_at=when, facility_code=facility_code,
                                        facility_name=facility_name, issued_on=(ended or started or received_at).date())
    outcome.left_out = partial.items

    outcome.ma_lk = ma_lk
    if problems:
        return outcome
    assert full_name is not None and birth is not None  # both required: a missing one is a problem, returned above

    if personal_id is None:
        outcome.unidentified = {"document": document or None, "full_name": full_name, "birth_date": birth.isoformat(),
                                "sex": sex, "card": card.code if card else None}
    existing = person_with(personal_id) if personal_id else None
    if existing is not None and (fold(existing.full_name) != fold(full_name) or existing.birth_date.year != birth.year):
        problems.add("XML1.SO_CCCD", N_("This personal ID number belongs to someone else in the health book (the name "
                                        "or the birth year differ). Check the number before sending again."))
        return outcome
    outcome.card = card
    outcome.person = None if personal_id is None else existing or Administrative(
        person_id=uuid.uuid4().hex, full_name=full_name, birth_date=birth, birth_date_precision=precision,
        sex=sex, personal_id=personal_id, ethnicity=ethnicity_name(x1.text("MA_DANTOC")),
        nationality=nationality_name(x1.text("MA_QUOCTICH")), occupation=occupation_name(x1.text("MA_NGHE_NGHIEP")),
        address=x1.text("DIA_CHI"), phone=phone, blood_group=blood_group, insurance=card,
    )
    outcome.visit = Visit(
        id=uuid.uuid4().hex, facility_code=facility_code, facility_name=facility_name or facility_code,
        department=x1.text("MA_KHOA"), visit_type=visit_type, started_at=started, admitted_at=admitted,
        ended_at=ended, reason=x1.text("LY_DO_VV") or x1.text("LY_DO_VNT"),
        admission_diagnosis=x1.text("CHAN_DOAN_VAO"), diagnosis_text=x1.text("CHAN_DOAN_RV"), diagnoses=diagnoses,
        lab_results=labs, procedures=procedures, prescriptions=prescriptions, clinical_notes=notes,
        outcome=int(outcome_code) if outcome_code else None, discharge_type=int(discharge) if discharge else None,
        doctor_advice=x1.text("GHI_CHU"), weight_kg=weight or None,
        vital_signs=vital_signs_of(notes, weight_kg=weight or None),
        treatment_days=int(treatment_days) if treatment_days is not None else None, record_summary=summary,
        discharge_paper=discharge_paper, referral=referral, re_exam=re_exam,
        signed_at=signed_at, signed_by=signer, received_at=received_at, incomplete=bool(outcome.left_out),
    )
    return outcome
