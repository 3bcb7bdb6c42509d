"""Nhắc nhở: what needs doing soon, most urgent first: a missed re-exam, an overdue dose, a medicine about to
run out, a dose due, the next re-exam. And a guardian's alerts: the same for each child in their care."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import IntEnum

from api_client.models import DependentRef, HealthBook

from ..i18n import Translator, local
from .medicines import MedicineLine, build_medicines, days_left_text
from .vaccinations import SCHEDULE, DoseStatus, dose_status, shows_schedule

MEDICINE_WARNING_DAYS = 7  # time to book a refill visit before the last pill
MISSED_RE_EXAM_DAYS = 30  # a missed appointment older than this is no longer a reminder


class Urgency(IntEnum):
    """Lower is more urgent; the order reminders are listed in."""

    MISSED_RE_EXAM = 0
    VACCINE_OVERDUE = 1
    MEDICINE_RUNNING_OUT = 2
    VACCINE_DUE = 3
    RE_EXAM = 4


@dataclass(frozen=True)
class Reminder:
    kind: str  # re_exam | missed_re_exam | vaccine_overdue | vaccine_due | medicine
    urgency: Urgency
    text: str  # "Viêm não Nhật Bản, mũi 3 — Quá hạn từ ngày 14/3/2024"
    detail: str
    on: date  # the day it is about
    route: str  # where the reader acts on it
    action: str  # the button's label

    @property
    def urgent(self) -> bool:
        return self.urgency <= Urgency.MEDICINE_RUNNING_OUT


def _re_exams(book: HealthBook, now: datetime, t: Translator) -> list[Reminder]:
    today = local(now).date()
    reminders = []
    for visit in book.visits:
        exam = visit.re_exam
        if exam is None:
            continue
        day = local(exam.appointment_at).date()
        where = exam.facility_name or exam.facility_code or visit.facility_name
        if exam.appointment_at >= now or day == today:
            reminders.append(Reminder(
                kind="re_exam", urgency=Urgency.RE_EXAM,
                text=t("Re-examination on {date} at {time} ({left})", date=t.date(day), time=t.time(exam.appointment_at),
                       left=days_left_text((day - today).days, t)),
                detail=where, on=day, route=f"/visits/{visit.id}", action=t("Open the appointment paper"),
            ))
            continue
        came = any(other.started_at.date() >= day - timedelta(days=1) and other.id != visit.id
                   and (exam.facility_code is None or other.facility_code == exam.facility_code)
                   for other in book.visits)
        if not came and (today - day).days <= MISSED_RE_EXAM_DAYS:
            reminders.append(Reminder(
                kind="missed_re_exam", urgency=Urgency.MISSED_RE_EXAM,
                text=t("Missed re-examination on {date}", date=t.date(day)),
                detail=t("Call {place} to book another day.", place=where), on=day,
                route=f"/visits/{visit.id}", action=t("Open the appointment paper"),
            ))
    return reminders


def _vaccines(book: HealthBook, today: date, t: Translator) -> list[Reminder]:
    birth = book.person.birth_date
    if not shows_schedule(birth, today):
        return []
    received = {(v.vaccine_code, v.dose_number) for v in book.vaccinations}
    reminders = []
    for dose in SCHEDULE:
        given = (dose.vaccine_code, dose.dose_number) in received
        status = dose_status(dose, birth, None, today) if not given else DoseStatus.DONE
        title = t("{vaccine}, dose {number}", vaccine=t(dose.name), number=dose.dose_number)
        if status is DoseStatus.OVERDUE:
            overdue_on = birth + timedelta(days=dose.overdue_age_days)
            reminders.append(Reminder(
                kind="vaccine_overdue", urgency=Urgency.VACCINE_OVERDUE,
                text=t("{dose} — Overdue since {date}", dose=title, date=t.date(overdue_on)),
                detail=t("Take the child to the health station for this dose."), on=overdue_on,
                route="/vaccinations", action=t("See the vaccination schedule"),
            ))
        elif status is DoseStatus.DUE:
            due_on = birth + timedelta(days=dose.due_age_days)
            reminders.append(Reminder(
                kind="vaccine_due", urgency=Urgency.VACCINE_DUE,
                text=t("{dose} — Due since {date}", dose=title, date=t.date(due_on)),
                detail=t("Take the child to the health station for this dose."), on=due_on,
                route="/vaccinations", action=t("See the vaccination schedule"),
            ))
    return reminders


def _medicines(book: HealthBook, now: datetime, t: Translator) -> list[Reminder]:
    """One reminder per day of running out: a month's refill runs out all at once."""
    by_day: dict[date, list[MedicineLine]] = {}
    for line in build_medicines(book, now=now, t=t).lines:
        if line.runs_out_on is not None and line.days_left is not None and line.days_left <= MEDICINE_WARNING_DAYS:
            by_day.setdefault(line.runs_out_on, []).append(line)
    return [
        Reminder(
            kind="medicine", urgency=Urgency.MEDICINE_RUNNING_OUT,
            text=t("{medicines}: runs out around {date} ({left})", medicines=", ".join(line.name for line in lines),
                   date=t.date(day), left=days_left_text(lines[0].days_left or 0, t)),
            detail=t("Book a visit to renew the prescription."), on=day,
            route=f"/visits/{lines[0].visit_id}", action=t("Open the prescription"),
        )
        for day, lines in sorted(by_day.items())
    ]


def build_reminders(book: HealthBook, *, now: datetime, t: Translator) -> list[Reminder]:
    today = local(now).date()
    reminders = _re_exams(book, now, t) + _vaccines(book, today, t) + _medicines(book, now, t)
    return sorted(reminders, key=lambda r: (r.urgency, r.on))


@dataclass(frozen=True)
class DependentAlerts:
    person_id: str
    name: str
    alerts: list[Reminder]  # overdue doses first
    unavailable: bool  # the child's book could not be read just now

    @property
    def urgent(self) -> bool:
        return any(alert.urgent for alert in self.alerts)


def build_family_alerts(dependents: list[DependentRef], books: dict[str, HealthBook | None], *, now: datetime,
                        t: Translator) -> list[DependentAlerts]:
    """One card per dependent, those with something urgent first."""
    cards = [
        DependentAlerts(
            person_id=dependent.person_id, name=dependent.full_name,
            alerts=build_reminders(book, now=now, t=t) if (book := books.get(dependent.person_id)) else [],
            unavailable=books.get(dependent.person_id) is None,
        )
        for dependent in dependents
    ]
    return sorted(cards, key=lambda card: not card.urgent)
