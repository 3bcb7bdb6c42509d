"""Home: who this is, what must never be missed (allergies), what comes next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from api_client.identifiers import insurance_benefit_percent
from api_client.models import Allergy, HealthBook, InsuranceCard, Severity

from ..i18n import Translator, local
from .labels import ALLERGY_CATEGORY, RELATIONSHIP, SEVERITY, SEX
from .vaccinations import DoseStatus, build_vaccinations

EXPIRY_WARNING_DAYS = 30


def mask_personal_id(personal_id: str) -> str:
    """Province code and the last three digits: enough to recognise, not enough to misuse."""
    return f"{personal_id[:3]}******{personal_id[-3:]}"


@dataclass(frozen=True)
class AllergyLine:
    substance: str
    detail: str  # "Medicine · severe · Nổi mày đay..."
    severe: bool


@dataclass(frozen=True)
class Insurance:
    code: str
    validity: str
    status: str  # valid | expiring | expired
    status_label: str
    facility: str
    benefit: str  # "Mức hưởng 95%", when the code tells


@dataclass(frozen=True)
class Appointment:
    visit_id: str
    when: str
    where: str
    days_left: str


@dataclass(frozen=True)
class HomeModel:
    name: str
    born: str
    personal_id_masked: str
    personal_id: str
    insurance: Insurance | None
    allergies: list[AllergyLine]
    conditions: list[str]
    appointment: Appointment | None
    next_vaccine: str | None  # "Japanese encephalitis, dose 3 — Overdue"
    next_vaccine_urgent: bool
    representatives: list[str]
    updated: str


def allergy_lines(allergies: list[Allergy], t: Translator) -> list[AllergyLine]:
    return [
        AllergyLine(
            substance=a.substance,
            detail=" · ".join(
                part for part in (t(ALLERGY_CATEGORY[a.category]), t(SEVERITY[a.severity]) if a.severity else "",
                                  a.reaction or "") if part
            ),
            severe=a.severity is Severity.SEVERE,
        )
        for a in allergies
    ]


def insurance_of(card: InsuranceCard | None, today: date, t: Translator) -> Insurance | None:
    """The card with its validity judged against today (valid, expiring within a month, expired)."""
    if card is None:
        return None
    status = "valid"
    if card.valid_to and card.valid_to < today:
        status = "expired"
    elif card.valid_to and (card.valid_to - today).days <= EXPIRY_WARNING_DAYS:
        status = "expiring"
    labels = {"valid": t("Valid"), "expiring": t("Expires soon"), "expired": t("Expired")}
    return Insurance(
        code=card.code,
        validity=t("{start} to {end}", start=t.date(card.valid_from), end=t.date(card.valid_to))
        if card.valid_from and card.valid_to else "",
        status=status,
        status_label=labels[status],
        facility=f"{card.registered_facility_name or ''} ({card.registered_facility_code})"
        if card.registered_facility_code else "",
        benefit=t("Benefit level {percent}%", percent=percent) if (percent := insurance_benefit_percent(card.code)) else "",
    )


def born_line(birth_date: date, precision, sex, t: Translator) -> str:
    return " · ".join((t("Born {date}", date=t.date(birth_date, precision)), t(SEX[sex])))


def build_home(book: HealthBook, *, now: datetime, t: Translator) -> HomeModel:
    person = book.person
    today = local(now).date()
    allergies = allergy_lines(book.history.allergies, t)
    insurance = insurance_of(person.insurance, today, t)
    upcoming = sorted(  # by time only: two appointments cannot be compared as objects
        ((visit.re_exam, visit.id) for visit in book.visits
         if visit.re_exam and visit.re_exam.appointment_at >= now),
        key=lambda pair: pair[0].appointment_at,
    )
    appointment = None
    if upcoming:
        exam, visit_id = upcoming[0][0], upcoming[0][1]
        days = (local(exam.appointment_at).date() - today).days
        appointment = Appointment(
            visit_id=visit_id,
            when=f"{t.time(exam.appointment_at)}, {t.long_date(local(exam.appointment_at).date())}",
            where=exam.facility_name or exam.facility_code or "",
            days_left=t("today") if days == 0 else t.plural("in {count} day", "in {count} days", days),
        )
    schedule = build_vaccinations(person.birth_date, book.vaccinations, today=today, t=t)
    next_due = schedule.next_due
    return HomeModel(
        name=person.full_name,
        born=born_line(person.birth_date, person.birth_date_precision, person.sex, t),
        personal_id_masked=mask_personal_id(person.personal_id),
        personal_id=person.personal_id,
        insurance=insurance,
        allergies=allergies,
        conditions=[f"{c.name} ({c.icd10})" if c.icd10 else c.name for c in book.history.conditions if c.chronic],
        appointment=appointment,
        next_vaccine=f"{next_due.title} — {next_due.status_label}" if next_due else None,
        next_vaccine_urgent=bool(next_due and next_due.status in (DoseStatus.OVERDUE, DoseStatus.DUE)),
        representatives=[
            f"{r.full_name} ({t(RELATIONSHIP[r.relationship])})" + (f" · {r.phone}" if r.phone else "")
            for r in person.representatives
        ],
        updated=t.datetime(book.updated_at),
    )

