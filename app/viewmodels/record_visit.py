"""The record-visit form as data: what the doctor typed, kept as typed; what to correct, said per field;
what will be signed, shown before it is; and what the gateway answered, in words.

The form is a plain mutable object the view writes into on every keystroke (no re-render, so no typed
character is ever replaced by an older value); checks run on leaving a field and before the review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from pydantic import ValidationError

from api_client.identifiers import N_
from api_client.models import (
    VIETNAM_TZ,
    VITAL_LIMITS,
    RecordedVitalSigns,
    RecordVisitRequest,
    RecordVisitResult,
    VitalSigns,
)

from ..i18n import Translator

RE_EXAM_HORIZON = timedelta(days=730)  # a re-examination further away than two years is a typing error
MAX_MEDICINES = 30  # RecordVisitRequest.prescriptions
APPOINTMENT_TIME = time(7, 30)  # the server books the slip at the station's opening (routes/record_visit.py)


# ---------------------------------------------------------------- what is typed


@dataclass
class MedicineLine:
    """One prescription row (XML2): TEN_THUOC, HAM_LUONG, SO_LUONG + DON_VI_TINH, LIEU_DUNG, CACH_DUNG."""

    key: int  # stable across removals, so each row keeps its own fields
    name: str = ""
    strength: str = ""
    quantity: str = ""
    unit: str = ""
    dosage: str = ""
    usage: str = ""

    @property
    def blank(self) -> bool:
        return not any(getattr(self, name).strip() for name in MEDICINE_FIELDS)


MEDICINE_FIELDS = ("name", "strength", "quantity", "unit", "dosage", "usage")


@dataclass(frozen=True)
class VitalField:
    name: str  # VitalSigns field
    label: str  # msgid
    unit: str  # msgid (or a symbol every language writes the same)
    whole: bool = False
    example: str = ""


VITAL_FIELDS = (  # in the order a doctor reads them out (and the XML5 line lists them)
    VitalField("pulse", N_("Pulse"), N_("beats/min"), whole=True, example="80"),
    VitalField("systolic", N_("Systolic BP"), "mmHg", whole=True, example="120"),
    VitalField("diastolic", N_("Diastolic BP"), "mmHg", whole=True, example="80"),
    VitalField("temperature", N_("Temperature"), "°C", example="37.2"),
    VitalField("weight_kg", N_("Weight"), "kg", example="55"),
    VitalField("height_cm", N_("Height"), "cm", example="160"),
    VitalField("spo2", N_("SpO2"), "%", whole=True, example="98"),
    VitalField("glucose", N_("Blood glucose"), "mmol/L", example="6.1"),
)
VITAL_BY_NAME = {v.name: v for v in VITAL_FIELDS}


@dataclass
class RecordVisitForm:
    personal_id: str = ""
    patient_name: str = ""  # from the check-in; empty when the ID was typed
    reason: str = ""
    diagnoses: list[tuple[str, str]] = field(default_factory=list)  # (ICD-10, name), the first is the main one
    medicines: list[MedicineLine] = field(default_factory=lambda: [MedicineLine(1)])
    vitals: dict[str, str] = field(default_factory=dict)  # VitalSigns field → text as typed
    advice: str = ""
    re_exam: str = ""  # dd/mm/yyyy, typed or picked
    _next_key: int = 2

    def set(self, name: str, value: str | None) -> None:
        assert name in ("personal_id", "reason", "advice", "re_exam")
        setattr(self, name, value or "")

    def set_vital(self, name: str, value: str | None) -> None:
        assert name in VITAL_BY_NAME
        self.vitals[name] = value or ""

    def medicine(self, key: int) -> MedicineLine | None:
        return next((line for line in self.medicines if line.key == key), None)

    def set_medicine(self, key: int, name: str, value: str | None) -> None:
        assert name in MEDICINE_FIELDS
        line = self.medicine(key)
        if line is not None:
            setattr(line, name, value or "")

    def add_medicine(self) -> MedicineLine | None:
        if len(self.medicines) >= MAX_MEDICINES:
            return None
        line = MedicineLine(self._next_key)
        self._next_key += 1
        self.medicines.append(line)
        return line

    def remove_medicine(self, key: int) -> None:
        self.medicines = [line for line in self.medicines if line.key != key]

    def add_diagnosis(self, code: str, name: str) -> None:
        if code not in [c for c, _ in self.diagnoses] and len(self.diagnoses) < 13:
            self.diagnoses.append((code, name))

    def remove_diagnosis(self, code: str) -> None:
        self.diagnoses = [d for d in self.diagnoses if d[0] != code]

    def pick_re_exam(self, day: date) -> None:
        self.re_exam = f"{day.day:02d}/{day.month:02d}/{day.year}"


# ---------------------------------------------------------------- checking


def parse_day(text: str) -> date:
    """dd/mm/yyyy, the way dates are written on Vietnamese forms (also d/m/yyyy, with - or .)."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*", text)
    if not match:
        raise ValueError(text)
    day, month, year = (int(part) for part in match.groups())
    return date(year, month, day)


def picked_day(value: datetime | date) -> date:
    """The day a DatePicker returned. Flutter sends the local midnight of the chosen day; when it comes
    as an instant (UTC), the nearest midnight is that day, for any time zone from UTC-11 to UTC+11."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return (value + timedelta(hours=12)).date()
        return value.date()
    return value


def parse_number(text: str) -> float:
    """37,2 or 37.2."""
    cleaned = text.strip().replace(" ", "")
    if not re.fullmatch(r"\d+(?:[.,]\d+)?", cleaned):
        raise ValueError(text)
    return float(cleaned.replace(",", "."))


def vital_error(name: str, text: str, t: Translator) -> str | None:
    """What is wrong with one typed vital sign, in the reader's language; None when it is fine or empty."""
    if not text.strip():
        return None
    spec = VITAL_BY_NAME[name]
    low, high = VITAL_LIMITS[name]
    label, unit = t(spec.label), t(spec.unit)
    try:
        value = parse_number(text)
    except ValueError:
        return t("{name}: write a number, for example {example}.", name=label,
                 example=t.number(float(spec.example)))
    if spec.whole and not value.is_integer():
        return t("{name}: write a whole number, for example {example}.", name=label, example=spec.example)
    if not low <= value <= high:
        return t("{name} must be between {low} and {high} {unit}. Check the number.", name=label,
                 low=t.number(low), high=t.number(high), unit=unit)
    return None


def vitals_of(form: RecordVisitForm) -> dict[str, float | int]:
    """The typed vital signs that are numbers (range checks are `vital_error`'s)."""
    values: dict[str, float | int] = {}
    for spec in VITAL_FIELDS:
        text = form.vitals.get(spec.name, "")
        try:
            number = parse_number(text)
        except ValueError:
            continue
        values[spec.name] = int(number) if spec.whole and number.is_integer() else number
    return values


def blood_pressure_error(form: RecordVisitForm, t: Translator) -> str | None:
    values = vitals_of(form)
    systolic, diastolic = values.get("systolic"), values.get("diastolic")
    typed = [bool(form.vitals.get(name, "").strip()) for name in ("systolic", "diastolic")]
    if typed[0] != typed[1]:
        return t("Write both blood pressure numbers, for example 120/80.")
    if systolic is not None and diastolic is not None and diastolic >= systolic:
        return t("The diastolic pressure must be lower than the systolic.")
    return None


def re_exam_error(text: str, today: date, t: Translator) -> str | None:
    if not text.strip():
        return None
    try:
        day = parse_day(text)
    except ValueError:
        return t("Write the re-examination date as dd/mm/yyyy, for example 29/11/2026.")
    if day <= today:
        return t("The re-examination date must be after today.")
    if day > today + RE_EXAM_HORIZON:
        return t("The re-examination date must be within two years from today.")
    return None


def quantity_error(text: str, t: Translator) -> str | None:
    try:
        quantity = parse_number(text)
    except ValueError:
        return t("Each medicine needs a quantity, for example 10.")
    if not 0 < quantity <= 10_000:
        return t("The quantity must be more than 0 and at most 10,000.")
    return None


TEXT_LIMITS = {"name": 255, "strength": 100, "unit": 50, "dosage": 500, "usage": 500}


def medicine_errors(line: MedicineLine, t: Translator) -> dict[str, str]:
    """By field of the row; a row left entirely blank is simply not sent."""
    if line.blank:
        return {}
    errors = {}
    if not line.name.strip():
        errors["name"] = t("Write the medicine's name, or remove this row.")
    if problem := quantity_error(line.quantity, t):
        errors["quantity"] = problem
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(line, name).strip()) > limit:
            errors[name] = t("This text is too long.")
    return errors


def field_errors(form: RecordVisitForm, today: date, t: Translator) -> dict[str, str]:
    """Every problem of the form, keyed as the view names its fields:
    personal_id, diagnoses, vital.<name>, vital.blood_pressure, medicine.<key>.<field>, re_exam, reason, advice."""
    errors: dict[str, str] = {}
    if not re.fullmatch(r"\d{12}", form.personal_id.strip()):
        errors["personal_id"] = t("Check the patient's personal ID number (12 digits).")
    if not form.diagnoses:
        errors["diagnoses"] = t("Add at least one diagnosis: search the ICD-10 list and pick one.")
    if len(form.reason.strip()) > 1000:
        errors["reason"] = t("This text is too long.")
    if len(form.advice.strip()) > 2000:
        errors["advice"] = t("This text is too long.")
    for spec in VITAL_FIELDS:
        if problem := vital_error(spec.name, form.vitals.get(spec.name, ""), t):
            errors[f"vital.{spec.name}"] = problem
    both_readable = "vital.systolic" not in errors and "vital.diastolic" not in errors
    if both_readable and (problem := blood_pressure_error(form, t)):
        errors["vital.blood_pressure"] = problem
    for line in form.medicines:
        for name, problem in medicine_errors(line, t).items():
            errors[f"medicine.{line.key}.{name}"] = problem
    if problem := re_exam_error(form.re_exam, today, t):
        errors["re_exam"] = problem
    return errors


def build_request(form: RecordVisitForm, today: date) -> RecordVisitRequest | None:
    """The request the server signs, or None while `field_errors` has anything to say."""
    if field_errors(form, today, Translator("en")):
        return None
    vitals = vitals_of(form)
    try:
        return RecordVisitRequest(
            personal_id=form.personal_id.strip(), reason=form.reason.strip() or None,
            advice=form.advice.strip() or None,
            re_exam_on=parse_day(form.re_exam) if form.re_exam.strip() else None,
            diagnoses=[{"icd10": code, "name": name} for code, name in form.diagnoses],
            prescriptions=[{
                "name": line.name.strip(), "strength": line.strength.strip() or None,
                "quantity": parse_number(line.quantity), "unit": line.unit.strip() or None,
                "dosage": line.dosage.strip() or None, "usage": line.usage.strip() or None,
            } for line in form.medicines if not line.blank],
            vital_signs=RecordedVitalSigns(**vitals) if vitals else None,
        )
    except (ValidationError, ValueError):
        return None


# ---------------------------------------------------------------- what will be signed


@dataclass(frozen=True)
class ReviewMedicine:
    title: str  # "Paracetamol 500 mg"
    quantity: str  # "10 viên"
    how: str  # dose and how to take


@dataclass(frozen=True)
class Review:
    patient: str  # "Nguyễn Văn Hùng · 001055001234"
    reason: str
    diagnoses: list[str]  # "J02.9 · Viêm họng cấp (chính)"
    medicines: list[ReviewMedicine]
    vitals: list[tuple[str, str]]  # ("Mạch", "80 lần/phút")
    re_exam: str
    advice: str


def vital_lines(vitals: VitalSigns | dict, t: Translator) -> list[tuple[str, str]]:
    """(label, value with unit), in the order a doctor reads them; blood pressure as one line."""
    values = vitals.model_dump() if isinstance(vitals, VitalSigns) else dict(vitals)
    lines = []
    for spec in VITAL_FIELDS:
        value = values.get(spec.name)
        if spec.name == "systolic":
            diastolic = values.get("diastolic")
            if value is not None and diastolic is not None:
                lines.append((t("Blood pressure"), f"{t.number(value)}/{t.number(diastolic)} mmHg"))
            continue
        if spec.name == "diastolic" or value is None:
            continue
        lines.append((t(spec.label), f"{t.number(value)} {t(spec.unit)}"))
    return lines


def build_review(request: RecordVisitRequest, patient_name: str, t: Translator) -> Review:
    """Exactly what goes into the signed submission (the request the server turns into XML1-14)."""
    medicines = []
    for item in request.prescriptions:
        quantity = " ".join(part for part in (t.number(item.quantity), item.unit) if part)
        how = " · ".join(part for part in (item.dosage, item.usage) if part)
        medicines.append(ReviewMedicine(" ".join(part for part in (item.name, item.strength) if part),
                                        quantity, how))
    re_exam = ""
    if request.re_exam_on:
        moment = datetime.combine(request.re_exam_on, APPOINTMENT_TIME, VIETNAM_TZ)
        re_exam = f"{t.time(moment)}, {t.long_date(request.re_exam_on)}"  # as the slip in the book says it
    return Review(
        patient=" · ".join(part for part in (patient_name, request.personal_id) if part),
        reason=request.reason or "",
        diagnoses=[f"{d.icd10} · {d.name}" + (f" ({t('Main')})" if i == 0 else "")
                   for i, d in enumerate(request.diagnoses)],
        medicines=medicines,
        vitals=vital_lines(request.vital_signs, t) if request.vital_signs else [],
        re_exam=re_exam,
        advice=request.advice or "",
    )


# ---------------------------------------------------------------- the gateway's answer in words

FIELD_NAMES = {  # XMLn.FIELD of the receipt, and the request's own field paths
    "XML1.SO_CCCD": N_("Personal ID number"), "XML1.MA_BENH_CHINH": N_("Main diagnosis"),
    "XML1.MA_BENH_KT": N_("Other diagnoses"), "XML1.CHAN_DOAN_RV": N_("Diagnoses"),
    "XML1.LY_DO_VV": N_("Reason for the visit"), "XML1.GHI_CHU": N_("Doctor's advice"),
    "XML1.CAN_NANG": N_("Weight"), "XML1.NGAY_TAI_KHAM": N_("Re-examination date"),
    "XML1.NGAY_VAO": N_("Time of the visit"), "XML1.NGAY_RA": N_("Time of the visit"),
    "XML2.TEN_THUOC": N_("Medicine"), "XML2.HAM_LUONG": N_("Strength"), "XML2.SO_LUONG": N_("Quantity"),
    "XML2.DON_VI_TINH": N_("Unit"), "XML2.LIEU_DUNG": N_("Dose"), "XML2.CACH_DUNG": N_("How to take"),
    "XML5.DIEN_BIEN_LS": N_("Vital signs"), "XML14.NGAY_HEN_KL": N_("Re-examination date"),
    "XML14.SO_GIAYHEN_KL": N_("Re-examination appointment"),
    "personal_id": N_("Personal ID number"), "reason": N_("Reason for the visit"),
    "advice": N_("Doctor's advice"), "re_exam_on": N_("Re-examination date"), "diagnoses": N_("Diagnoses"),
    "prescriptions": N_("Prescription"), "vital_signs": N_("Vital signs"),
}
REQUEST_PARTS = {
    "name": N_("Medicine"), "strength": N_("Strength"), "quantity": N_("Quantity"), "unit": N_("Unit"),
    "dosage": N_("Dose"), "usage": N_("How to take"), "icd10": N_("ICD-10 code"),
    **{spec.name: spec.label for spec in VITAL_FIELDS},
}


def field_name(where: str | None, t: Translator) -> str:
    """A receipt's or a refusal's field, as the doctor knows it: "XML2.SO_LUONG" → "Số lượng",
    "prescriptions.1.quantity" → "Thuốc 2: Số lượng"."""
    if not where:
        return ""
    if where in FIELD_NAMES:
        return t(FIELD_NAMES[where])
    parts = where.split(".")
    if parts[0] in ("prescriptions", "diagnoses") and len(parts) >= 2 and parts[1].isdigit():
        number = int(parts[1]) + 1
        whole = t("Medicine {number}", number=number) if parts[0] == "prescriptions" else t(
            "Diagnosis {number}", number=number)
        return f"{whole}: {t(REQUEST_PARTS[parts[2]])}" if len(parts) > 2 and parts[2] in REQUEST_PARTS else whole
    if parts[0] == "vital_signs" and len(parts) > 1 and parts[1] in REQUEST_PARTS:
        return t(REQUEST_PARTS[parts[1]])
    return where  # a field we have no name for: the sender's IT officer knows it by this one


@dataclass(frozen=True)
class Receipt:
    accepted: bool
    title: str
    lines: list[str]  # each refused field by name, then the gateway's notes
    reference: str = ""


def said(detail: dict, t: Translator) -> str:
    name = field_name(detail.get("field"), t)
    return f"{name}: {detail.get('message', '')}" if name else detail.get("message", "")


def receipt_in_words(result: RecordVisitResult, patient_name: str, t: Translator) -> Receipt:
    """The gateway accepted the visit: whose book it is in, and what (if anything) was left out."""
    name = result.full_name or patient_name
    title = (t("Saved in the health book of {name}.", name=name) if name
             else t("Saved in the patient's health book."))
    [record] = result.receipt.records or [None]
    lines: list[str] = []
    if record is not None:
        if record.errors:
            lines.append(t("These parts were not stored; correct them and record the visit again:"))
            lines += [said(error.model_dump(), t) for error in record.errors]
        lines += list(record.notes)
    return Receipt(True, title, lines, t("Receipt number: {number}", number=result.receipt.submission_id[:12]))


def refusal_in_words(message: str, details: list[dict], t: Translator) -> Receipt:
    """The gateway (or the server before it) refused: its message, then each refused field by name."""
    return Receipt(False, message, [said(detail, t) for detail in details])
