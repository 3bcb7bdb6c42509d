"""Check-in screens: the QR countdown, the counter's patient summary, the queue, who looked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from api_client.identifiers import N_
from api_client.models import AccessLogEntry, PatientSummary, QueueEntry, StaffRole

from ..i18n import Translator, local
from .home import AllergyLine, Insurance, allergy_lines, born_line, insurance_of
from .labels import RELATIONSHIP, SEX, VISIT_TYPE

STAFF_ROLE = {
    StaffRole.RECEPTIONIST: N_("Reception"),
    StaffRole.DOCTOR: N_("Doctor"),
    StaffRole.VOLUNTEER: N_("Volunteer"),
    StaffRole.OFFICIAL: N_("Health official"),
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


def queue_lines(entries: list[QueueEntry], t: Translator) -> list[tuple[str, str]]:
    return [
        (str(e.queue_number), f"{e.full_name} · {e.birth_year} · {t(SEX[e.sex])} · {t.time(e.admitted_at)}")
        for e in entries
    ]


@dataclass(frozen=True)
class AccessRow:
    when: str
    who: str
    where: str
    what: str


def build_access_log(entries: list[AccessLogEntry], t: Translator) -> list[AccessRow]:
    return [
        AccessRow(
            when=t.datetime(e.at),
            who=f"{e.actor_name} ({t(STAFF_ROLE[e.actor_role])})",
            where=f"{e.facility_name} ({e.facility_code})" if e.facility_name else (e.facility_code or ""),
            what=t("Read the patient summary with your QR code") if e.via_code else t("Read the patient summary"),
        )
        for e in entries
    ]

