"""The national immunisation schedule (Thông tư 38/2017/TT-BYT) and where a child stands in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from api_client.identifiers import N_
from api_client.models import Vaccination

from ..i18n import Translator
from .labels import PROGRAMME


class DoseStatus(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    DUE = "due"
    UPCOMING = "upcoming"


@dataclass(frozen=True)
class ScheduledDose:
    vaccine_code: str
    dose_number: int
    name: str  # msgid
    due_age_days: int  # from this age the dose is due
    overdue_age_days: int  # after this age it is overdue


def _months(n: float) -> int:
    return round(n * 30.44)


# Ages per TT 38/2017 (TCMR). JE dose 2 is 1-2 weeks after dose 1; dose 3 a year after dose 2.
SCHEDULE: tuple[ScheduledDose, ...] = (
    ScheduledDose("VGB", 1, N_("Hepatitis B, birth dose"), 0, 1),
    ScheduledDose("BCG", 1, N_("BCG (tuberculosis)"), 0, _months(1)),
    ScheduledDose("DPT-VGB-Hib", 1, N_("DPT-HepB-Hib (5 in 1)"), _months(2), _months(3)),
    ScheduledDose("OPV", 1, N_("Oral polio (bOPV)"), _months(2), _months(3)),
    ScheduledDose("DPT-VGB-Hib", 2, N_("DPT-HepB-Hib (5 in 1)"), _months(3), _months(4)),
    ScheduledDose("OPV", 2, N_("Oral polio (bOPV)"), _months(3), _months(4)),
    ScheduledDose("DPT-VGB-Hib", 3, N_("DPT-HepB-Hib (5 in 1)"), _months(4), _months(5)),
    ScheduledDose("OPV", 3, N_("Oral polio (bOPV)"), _months(4), _months(5)),
    ScheduledDose("IPV", 1, N_("Injected polio (IPV)"), _months(5), _months(6)),
    ScheduledDose("MV", 1, N_("Measles"), _months(9), _months(10)),
    ScheduledDose("JE", 1, N_("Japanese encephalitis"), _months(12), _months(13)),
    ScheduledDose("JE", 2, N_("Japanese encephalitis"), _months(12) + 14, _months(14)),
    ScheduledDose("MR", 1, N_("Measles-rubella (MR)"), _months(18), _months(19)),
    ScheduledDose("DPT", 4, N_("DPT booster"), _months(18), _months(19)),
    ScheduledDose("JE", 3, N_("Japanese encephalitis"), _months(24), _months(25)),
)
SCHEDULE_AGE_LIMIT_DAYS = 6 * 365  # the programme's childhood doses; older people see their doses only

STATUS_LABEL = {
    DoseStatus.DONE: N_("Done"),
    DoseStatus.OVERDUE: N_("Overdue"),
    DoseStatus.DUE: N_("Due now"),
    DoseStatus.UPCOMING: N_("Not yet due"),
}


@dataclass(frozen=True)
class ScheduleRow:
    title: str  # "Japanese encephalitis, dose 3"
    status: DoseStatus
    status_label: str
    when: str  # given on / due from
    given: Vaccination | None


@dataclass(frozen=True)
class DoseRow:
    title: str
    given_on: str
    place: str
    batch: str
    programme: str


@dataclass(frozen=True)
class VaccinationsModel:
    schedule: list[ScheduleRow]  # empty for adults
    doses: list[DoseRow]  # newest first
    next_due: ScheduleRow | None


def shows_schedule(birth_date: date, today: date) -> bool:
    return (today - birth_date).days < SCHEDULE_AGE_LIMIT_DAYS


def dose_status(dose: ScheduledDose, birth_date: date, given: Vaccination | None, today: date) -> DoseStatus:
    if given is not None:
        return DoseStatus.DONE
    age = (today - birth_date).days
    if age >= dose.overdue_age_days:
        return DoseStatus.OVERDUE
    if age >= dose.due_age_days:
        return DoseStatus.DUE
    return DoseStatus.UPCOMING


def build_vaccinations(birth_date: date, vaccinations: list[Vaccination], *, today: date, t: Translator) -> VaccinationsModel:
    received = {(v.vaccine_code, v.dose_number): v for v in vaccinations}
    schedule: list[ScheduleRow] = []
    if shows_schedule(birth_date, today):
        for dose in SCHEDULE:
            given = received.get((dose.vaccine_code, dose.dose_number))
            status = dose_status(dose, birth_date, given, today)
            when = (
                t("Given on {date}", date=t.date(given.given_on)) if given
                else t("Due starting {date}", date=t.date(birth_date + timedelta(days=dose.due_age_days)))
            )
            schedule.append(ScheduleRow(
                title=t("{vaccine}, dose {number}", vaccine=t(dose.name), number=dose.dose_number),
                status=status, status_label=t(STATUS_LABEL[status]), when=when, given=given,
            ))
    pending = [row for row in schedule if row.status is not DoseStatus.DONE]
    order = {DoseStatus.OVERDUE: 0, DoseStatus.DUE: 1, DoseStatus.UPCOMING: 2}
    next_due = min(pending, key=lambda row: order[row.status], default=None)
    doses = [
        DoseRow(
            title=t("{vaccine}, dose {number}", vaccine=v.vaccine_name, number=v.dose_number),
            given_on=t.date(v.given_on), place=v.facility_name or "", batch=v.batch or "",
            programme=t(PROGRAMME[v.programme]),
        )
        for v in sorted(vaccinations, key=lambda v: v.given_on, reverse=True)
    ]
    return VaccinationsModel(schedule=schedule, doses=doses, next_due=next_due)
