"""Check-in screens: the QR countdown, the counter's patient summary, the queue, who looked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from api_client.identifiers import N_
from api_client.models import CARD_CODE_PREFIX, AccessLogEntry, PatientSummary, QueueEntry, StaffRole

from ..i18n import Translator, local
from .home import AllergyLine, Insurance, allergy_lines, born_line, insurance_of
from .labels import RELATIONSHIP, SEX, VISIT_TYPE

STAFF_ROLE = {
    StaffRole.RECEPTIONIST: N_("Reception"),
    StaffRole.DOCTOR: N_("Doctor"),
    StaffRole.NURSE: N_("Nurse"),
    StaffRole.MIDWIFE: N_("Midwife"),
    StaffRole.VOLUNTEER: N_("Volunteer"),
    StaffRole.OFFICIAL: N_("Health official"),
    StaffRole.STATION_HEAD: N_("Head of the facility"),
    StaffRole.ADMIN: N_("Administrator"),
}


def countdown(seconds_left: int) -> str:
    """4:05, read at a glance."""
    return f"{seconds_left // 60}:{seconds_left % 60:02d}"


@dataclass(frozen=True)
class SummaryModel:
    name: str
    born: str
    personal_id: str
    insurance: Insurance | None
    allergies: list[AllergyLine]
    conditions: list[str]
    medicines: list[tuple[str, str]]  # (medicine, how and since when)
    last_visits: list[str]
    vaccinations: list[str]
    guardians: list[str]


def build_summary(summary: PatientSummary, *, now: datetime, t: Translator) -> SummaryModel:
    today = local(now).date()
    return SummaryModel(
        name=summary.full_name,
        born=born_line(summary.birth_date, summary.birth_date_precision, summary.sex, t),
        personal_id=summary.personal_id,
        insurance=insurance_of(summary.insurance, today, t),
        allergies=allergy_lines(summary.allergies, t),
        conditions=[f"{c.name} ({c.icd10})" if c.icd10 else c.name for c in summary.conditions],
        medicines=[
            (" ".join(part for part in (m.name, m.strength) if part),
             " · ".join(part for part in (m.dosage, t("prescribed {date} at {facility}",
                                                        date=t.date(m.prescribed_on), facility=m.facility_name))
                        if part))
            for m in summary.current_medicines
        ],
        last_visits=[
            " · ".join(part for part in (
                t.date(local(v.started_at).date()), v.facility_name,
                f"{v.main_diagnosis.name} ({v.main_diagnosis.icd10})" if v.main_diagnosis else t(VISIT_TYPE[v.visit_type]),
            ) if part)
            for v in summary.last_visits
        ],
        vaccinations=[
            t("{vaccine}, dose {number}", vaccine=v.vaccine_name, number=v.dose_number) + f" · {t.date(v.given_on)}"
            for v in sorted(summary.vaccinations, key=lambda v: v.given_on, reverse=True)
        ],
        guardians=[
            f"{g.full_name} ({t(RELATIONSHIP[g.relationship])})" + (f" · {g.phone}" if g.phone else "")
            for g in summary.guardians
        ],
    )


QUEUE_STATUS = {  # label, tone
    "waiting": (N_("Waiting"), "warning"),
    "with_doctor": (N_("With the doctor"), "success"),
    "done": (N_("Done"), "neutral"),
    "left": (N_("Left"), "neutral"),
}


@dataclass(frozen=True)
class QueueRow:
    check_in_id: str
    person_id: str
    number: str
    line: str  # "Nguyễn Văn Hùng · 1955 · Nam · 08:05"
    status: str
    status_label: str
    tone: str

    @property
    def open(self) -> bool:
        """Still in front of the staff today: the doctor may read the book, the desk may change the status."""
        return self.status in ("waiting", "with_doctor")


def queue_rows(entries: list[QueueEntry], t: Translator) -> list[QueueRow]:
    """By number; the finished ones after those still waiting, so the desk sees who is next."""
    rows = []
    for e in sorted(entries, key=lambda e: (e.status in ("done", "left"), e.queue_number)):
        label, tone = QUEUE_STATUS[e.status]
        rows.append(QueueRow(
            check_in_id=e.check_in_id, person_id=e.person_id, number=str(e.queue_number),
            line=f"{e.full_name} · {e.birth_year} · {t(SEX[e.sex])} · {t.time(e.admitted_at)}",
            status=e.status, status_label=t(label), tone=tone,
        ))
    return rows


_PERSONAL_ID = re.compile(r"[0-9]{12}")
_BHYT = re.compile(r"[A-Za-z]{2}[0-9]{13}")


def scan_kind(scanned: str) -> str:
    """What the desk's one field received: "identify" for a chip ID card's QR text, a typed personal ID
    or a BHYT number; "card" for a printed check-in card; "code" for the book's own QR code (or its
    code typed from the screen)."""
    value = scanned.strip()
    if "".join(value.split()).upper().startswith(CARD_CODE_PREFIX):
        return "card"
    if "|" in value or _PERSONAL_ID.fullmatch(value) or _BHYT.fullmatch(value.replace(" ", "")):
        return "identify"
    return "code"


METHOD_LABEL = {
    "book_qr": N_("with the health book's QR code"),
    "printed_card": N_("with the printed check-in card"),
    "cccd_qr": N_("with the chip ID card"),
    "personal_id": N_("with the personal ID number"),
    "bhyt": N_("with the health insurance number"),
}


def limited_notice(summary_method: str, t: Translator) -> str:
    return t("Identified {how}: only identity and allergies are shown. The full summary needs the patient's "
             "health book QR code.", how=t(METHOD_LABEL[summary_method]))


@dataclass(frozen=True)
class AccessRow:
    when: str
    who: str
    where: str
    what: str


ACCESS_WHAT = {
    "patient_summary": N_("Read the patient summary"),
    "identity": N_("Looked up identity and allergies"),
    "book": N_("Read the whole health book"),
    "visits": N_("Read the list of visits"),
    "visit": N_("Read one visit in full"),
    "corrections": N_("Read your correction requests"),
}
ACCESS_PURPOSE = {
    "check_in": N_("for check-in"),
    "identification": N_("to identify you at the counter"),
    "treatment": N_("for your treatment"),
    "activation_help": N_("to help you set up your health book"),
    "correction": N_("to answer them"),
}


def access_what(entry: AccessLogEntry, t: Translator) -> str:
    if entry.purpose == "assisted_session":  # the citizen signed in on a volunteer's device
        return t("Assisted by volunteer {name} at {time}", name=entry.actor_name, time=t.datetime(entry.at))
    return " ".join(part for part in (t(ACCESS_WHAT[entry.what]), t(ACCESS_PURPOSE[entry.purpose]),
                                      t(METHOD_LABEL[entry.method]) if entry.method else "") if part)


def build_access_log(entries: list[AccessLogEntry], t: Translator) -> list[AccessRow]:
    """Who, where, when, what and why, as Estonia's data tracker tells its citizens."""
    return [
        AccessRow(
            when=t.datetime(e.at),
            who=f"{e.actor_name} ({t(STAFF_ROLE[e.actor_role])})",
            where=f"{e.facility_name} ({e.facility_code})" if e.facility_name else (e.facility_code or ""),
            what=access_what(e, t),
        )
        for e in entries
    ]
