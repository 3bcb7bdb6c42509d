"""Visits: the list grouped by year and searchable, and one visit as readable sections and papers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from api_client.code_lists import route_name
from api_client.icd10 import fold
from api_client.identifiers import N_
from api_client.models import LabResult, Visit

from ..i18n import Translator, local
from .labels import DISCHARGE, OUTCOME, VISIT_TYPE
from .record_visit import vital_lines


def search_text(visit: Visit) -> str:
    parts = [visit.facility_name, visit.diagnosis_text or "", visit.reason or ""]
    parts += [f"{d.icd10} {d.name}" for d in visit.diagnoses]
    parts += [f"{p.name} {p.strength or ''}" for p in visit.prescriptions]
    return fold(" ".join(parts))


def matches(visit: Visit, query: str) -> bool:
    words = fold(query).split()
    haystack = search_text(visit)
    return all(word in haystack for word in words)


@dataclass(frozen=True)
class VisitRow:
    visit_id: str
    date: str
    facility: str
    kind: str
    diagnosis: str
    papers: list[str]


@dataclass(frozen=True)
class YearGroup:
    year: int
    rows: list[VisitRow]


def papers_of(visit: Visit, t: Translator) -> list[str]:
    papers = []
    if visit.discharge_paper:
        papers.append(t("Discharge paper"))
    if visit.referral:
        papers.append(t("Referral"))
    if visit.re_exam:
        papers.append(t("Re-examination appointment"))
    return papers


def build_visit_list(visits: list[Visit], query: str, t: Translator) -> list[YearGroup]:
    """Newest first, grouped by year, filtered by facility, diagnosis or medicine."""
    groups: dict[int, list[VisitRow]] = {}
    for visit in sorted(visits, key=lambda v: v.started_at, reverse=True):
        if query.strip() and not matches(visit, query):
            continue
        main = visit.main_diagnosis
        groups.setdefault(local(visit.started_at).year, []).append(VisitRow(
            visit_id=visit.id,
            date=t.date(local(visit.started_at).date()),
            facility=visit.facility_name,
            kind=t(VISIT_TYPE[visit.visit_type]),
            diagnosis=f"{main.name} ({main.icd10})" if main else (visit.diagnosis_text or ""),
            papers=papers_of(visit, t),
        ))
    return [YearGroup(year, rows) for year, rows in groups.items()]


# ------------------------------------------------------------------ one visit


class LabFlag(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    LOW = "low"
    ABNORMAL = "abnormal"
    UNKNOWN = "unknown"  # no reference to compare with


LAB_FLAG_LABEL = {LabFlag.HIGH: N_("High"), LabFlag.LOW: N_("Low"), LabFlag.ABNORMAL: N_("Abnormal")}


def parse_number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


def lab_flag(lab: LabResult) -> LabFlag:
    number = parse_number(lab.value) if lab.value else None
    if number is not None and (lab.reference_low is not None or lab.reference_high is not None):
        if lab.reference_low is not None and number < lab.reference_low:
            return LabFlag.LOW
        if lab.reference_high is not None and number > lab.reference_high:
            return LabFlag.HIGH
        return LabFlag.NORMAL
    if lab.reference_text and lab.value:
        return LabFlag.NORMAL if fold(lab.value) == fold(lab.reference_text) else LabFlag.ABNORMAL
    return LabFlag.UNKNOWN


def reference_range(lab: LabResult, t: Translator) -> str:
    low, high = lab.reference_low, lab.reference_high
    unit = f" {lab.unit}" if lab.unit else ""
    if low is not None and high is not None:
        return f"{t.number(low)}–{t.number(high)}{unit}"
    if high is not None:
        return f"≤ {t.number(high)}{unit}"
    if low is not None:
        return f"≥ {t.number(low)}{unit}"
    return lab.reference_text or ""


@dataclass(frozen=True)
class LabRow:
    name: str
    value: str  # "15,6 G/L"
    reference: str  # "4–10 G/L"
    flag: LabFlag
    flag_label: str  # "" when normal or unknown
    note: str  # description and conclusion of imaging and the like


@dataclass(frozen=True)
class MedicineRow:
    name: str  # "Amlodipin 5mg"
    dosage: str
    usage: str
    quantity: str  # "30 Viên"
    route: str = ""  # "Uống", from the Ministry's DUONG_DUNG code
    prescriber: str = ""  # "BS. Trần Thị Bình", when the facility listed its practitioners


@dataclass(frozen=True)
class Paper:
    """A document the citizen may show instead of the paper one (XML7/XML13/XML14)."""

    kind: str  # discharge | referral | re_exam
    title: str
    fields: list[tuple[str, str]]


@dataclass(frozen=True)
class VisitDetail:
    title: str
    facility: str
    kind: str
    dates: str
    facts: list[tuple[str, str]]  # reason, outcome, ... (label, value)
    diagnoses: list[tuple[str, str, bool]]  # (code, name, main)
    labs: list[LabRow]
    procedures: list[tuple[str, str]]
    medicines: list[MedicineRow]
    summary: list[tuple[str, str]]
    progress: list[tuple[str, str]] = field(default_factory=list)  # (when, what) from XML5
    papers: list[Paper] = field(default_factory=list)
    signature: str = ""
    incomplete: str = ""  # some rows the facility sent were refused: say that something may be missing
    vitals: list[tuple[str, str]] = field(default_factory=list)  # ("Mạch", "80 lần/phút"), in the reader's numbers
    vitals_measured: str = ""  # when, if the note says


def _facts(pairs: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    return [(label, value) for label, value in pairs if value]


def signature_line(visit: Visit, t: Translator) -> str:
    """Who signed, and when if the signature says so; otherwise when the book received it, said as such."""
    if visit.signed_at:
        return t("Digitally signed by {facility} at {time}", facility=visit.facility_name,
                 time=t.datetime(local(visit.signed_at)))
    if visit.signed_by and visit.received_at:
        return t("Digitally signed by {facility}; received by the health book at {time}",
                 facility=visit.facility_name, time=t.datetime(local(visit.received_at)))
    return ""


def build_visit_detail(visit: Visit, t: Translator) -> VisitDetail:
    started, ended = local(visit.started_at), local(visit.ended_at) if visit.ended_at else None
    dates = t.datetime(started) if ended is None else f"{t.datetime(started)} – {t.datetime(ended)}"
    labs = []
    for lab in visit.lab_results:
        flag = lab_flag(lab)
        value = lab.value
        number = parse_number(value) if value else None
        if number is not None:
            value = t.number(number)
        labs.append(LabRow(
            name=lab.name,
            value=f"{value} {lab.unit}".strip() if value else "",
            reference=reference_range(lab, t),
            flag=flag,
            flag_label=t(LAB_FLAG_LABEL[flag]) if flag in LAB_FLAG_LABEL else "",
            note=" — ".join(part for part in (lab.description, lab.conclusion,
                                              t("read by {name}", name=lab.reader_name) if lab.reader_name else None)
                            if part),
        ))
    medicines = [
        MedicineRow(
            name=" ".join(part for part in (item.name, item.strength) if part),
            dosage=item.dosage or "", usage=item.usage or "",
            quantity=" ".join(part for part in (t.number(item.quantity), item.unit) if part),
            route=route_name(item.route) or "", prescriber=item.prescriber_name or "",
        )
        for item in visit.prescriptions
    ]
    summary = []
    if visit.record_summary:
        s = visit.record_summary
        summary = _facts([
            (t("Course of the illness"), s.disease_course),
            (t("Key test results"), s.key_results),
            (t("Treatment"), s.treatment_method),
            (t("Notes"), s.notes),
        ])
    papers = []
    if visit.discharge_paper:
        p = visit.discharge_paper
        papers.append(Paper("discharge", t("Discharge paper"), _facts([
            (t("Number"), p.archive_number),
            (t("Admitted"), t.datetime(p.admitted_at)),
            (t("Discharged"), t.datetime(p.discharged_at)),
            (t("Diagnosis"), p.diagnosis),
            (t("Treatment"), p.treatment_method),
            (t("Advice"), p.notes),
            (t("Days of leave"), str(p.leave_days) if p.leave_days else None),
            (t("Doctor"), p.doctor_name),
            (t("Issued on"), t.date(p.issued_on)),
        ])))
    if visit.referral:
        r = visit.referral
        papers.append(Paper("referral", t("Referral"), _facts([
            (t("Number"), r.number),
            (t("Referred to"), f"{r.to_facility_name or ''} ({r.to_facility_code})".strip()),
            (t("Clinical signs"), r.clinical_signs),
            (t("Diagnosis"), r.diagnosis),
            (t("Key test results"), r.key_results),
            (t("Treatment so far"), r.treatment_method),
            (t("Next treatment"), r.next_treatment),
            (t("Reason"), t("Meets the referral criteria") if r.reason == "meets_criteria"
             else t("At the patient's request") if r.reason else None),
            (t("Transport"), r.transport),
            (t("Doctor"), r.doctor_name),
            (t("Issued on"), t.date(r.issued_on)),
        ])))
    if visit.re_exam:
        a = visit.re_exam
        papers.append(Paper("re_exam", t("Re-examination appointment"), _facts([
            (t("Number"), a.number),
            (t("Come back on"), f"{t.time(a.appointment_at)}, {t.long_date(local(a.appointment_at).date())}"),
            (t("Where"), a.facility_name or a.facility_code),
            (t("Diagnosis"), a.diagnosis),
            (t("Doctor"), a.doctor_name),
            (t("Issued on"), t.date(a.issued_on)),
        ])))
    progress = [
        (t.datetime(note.recorded_at) if note.recorded_at else "",
         " ".join(part for part in (note.note, note.surgery, note.consultation) if part))
        for note in visit.clinical_notes
    ]
    main = visit.main_diagnosis
    return VisitDetail(
        title=main.name if main else (visit.diagnosis_text or t(VISIT_TYPE[visit.visit_type])),
        facility=f"{visit.facility_name} ({visit.facility_code})",
        kind=t(VISIT_TYPE[visit.visit_type]),
        dates=dates,
        facts=_facts([
            (t("Department"), visit.department),
            (t("Reason for the visit"), visit.reason),
            (t("Diagnosis on admission"), visit.admission_diagnosis),
            (t("Outcome"), t(OUTCOME[visit.outcome]) if visit.outcome else None),
            (t("Discharge"), t(DISCHARGE[visit.discharge_type]) if visit.discharge_type else None),
            (t("Weight"), f"{t.number(visit.weight_kg)} kg"
             if visit.weight_kg and not (visit.vital_signs and visit.vital_signs.weight_kg) else None),
            (t("Doctor's advice"), visit.doctor_advice),
        ]),
        diagnoses=[(d.icd10, d.name, d.main) for d in visit.diagnoses],
        labs=labs,
        procedures=[(p.name, t.datetime(p.performed_at) if p.performed_at else "") for p in visit.procedures],
        medicines=medicines,
        summary=summary,
        progress=progress,
        papers=papers,
        signature=signature_line(visit, t),
        incomplete=t("Part of what {facility} sent for this visit could not be read, so this page may be "
                     "missing something. The facility has been told and will send it again.",
                     facility=visit.facility_name) if visit.incomplete else "",
        vitals=vital_lines(visit.vital_signs, t) if visit.vital_signs else [],
        vitals_measured=t("Measured at {time}", time=t.datetime(visit.vital_signs.measured_at))
        if visit.vital_signs and visit.vital_signs.measured_at else "",
    )
