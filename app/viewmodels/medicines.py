"""Thuốc đang dùng: the medicines a person takes now, read from their recent prescriptions.

What "now" means here (a prescription says what was dispensed, not what is swallowed):
- Each drug counts once, by its name: the newest prescription of it wins (a re-exam renews the month's supply).
- When the dosage says how much a day ("2 viên/ngày", "1 viên/lần * 2 lần/ngày", "Ngày uống 2 lần, mỗi lần
  1 viên") and the quantity is in the same unit, the supply lasts quantity ÷ daily amount days from the day it
  was prescribed; the medicine is current until then, and the day it runs out is shown.
- When it cannot be computed ("khi sốt", insulin in units from a pen), a chronic-care prescription (visit types
  05, 07, 08: a month's refill under BHYT) counts for CHRONIC_SUPPLY_DAYS, any other for SHORT_COURSE_DAYS.
- Medicines given during an inpatient stay whose supply ended before discharge were taken on the ward: not current.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from api_client.icd10 import fold
from api_client.models import HealthBook, PrescriptionItem, Visit, VisitType

from ..i18n import Translator, local

CHRONIC_SUPPLY_DAYS = 30  # an outpatient chronic prescription under BHYT covers at most 30 days (TT 52/2017)
SHORT_COURSE_DAYS = 10  # an acute course (antibiotic, fever) when the dosage gives no duration
CHRONIC_VISIT_TYPES = {VisitType.CHRONIC_OUTPATIENT, VisitType.REFILL, VisitType.CHRONIC_WITH_SERVICES}

_AMOUNT = r"(\d+(?:[.,]\d+)?)"
_UNIT = r"([a-z]+)"
# Folded text (lower case, no diacritics): "1 vien/lan", "moi lan 1 vien", "moi lan uong 1 vien"
_PER_DOSE = [re.compile(_AMOUNT + r"\s*" + _UNIT + r"\s*/\s*lan\b"),
             re.compile(r"moi lan\s*(?:uong|dung|tiem|ngam|xit)?\s*" + _AMOUNT + r"\s*" + _UNIT)]
# "2 lan/ngay", "ngay uong 2 lan", "ngay 2 lan"
_TIMES_A_DAY = [re.compile(r"(\d+)\s*lan\s*/\s*ngay"),
                re.compile(r"ngay\s*(?:uong|dung|tiem|ngam|xit)?\s*(\d+)\s*lan\b")]
_PER_DAY = re.compile(_AMOUNT + r"\s*" + _UNIT + r"\s*/\s*ngay")  # "2 vien/ngay"


@dataclass(frozen=True)
class DailyDose:
    per_dose: float | None
    times: int | None
    per_day: float
    unit: str  # as written in the dosage, folded ("vien")


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def daily_dose(dosage: str | None) -> DailyDose | None:
    """How much a day the dosage says, or None when it does not say (as needed, per episode)."""
    if not dosage:
        return None
    folded = fold(dosage)
    per_dose = next((m for p in _PER_DOSE if (m := p.search(folded))), None)
    times = next((m for p in _TIMES_A_DAY if (m := p.search(folded))), None)
    if per_dose and times:
        amount, count = _number(per_dose.group(1)), int(times.group(1))
        return DailyDose(amount, count, amount * count, per_dose.group(2))
    per_day = _PER_DAY.search(folded)
    if per_day and per_day.group(2) != "lan":
        return DailyDose(None, None, _number(per_day.group(1)), per_day.group(2))
    return None


def supply_days(item: PrescriptionItem) -> int | None:
    """Days the dispensed quantity lasts, when the dosage and the quantity speak of the same unit."""
    dose = daily_dose(item.dosage)
    if dose is None or dose.per_day <= 0 or not item.quantity:
        return None
    if item.unit and fold(item.unit) != dose.unit:
        return None  # "10 UI/lần" from "1 Bút": cannot be divided
    return math.floor(item.quantity / dose.per_day)


@dataclass(frozen=True)
class MedicineLine:
    key: str  # the folded drug name: one line per drug
    name: str  # "Metformin 850mg"
    how: str  # "Mỗi lần 1 viên, ngày 2 lần · Uống sau ăn sáng và tối"
    source: str  # "Trạm Y tế phường Ba Đình, 2/11/2026"
    prescribed_on: date
    runs_out_on: date | None
    days_left: int | None
    runs_out: str  # "Hết thuốc khoảng ngày 2/12/2026 (còn 10 ngày)", "" when unknown
    visit_id: str


@dataclass(frozen=True)
class MedicinesModel:
    lines: list[MedicineLine]  # soonest to run out first
    explanation: str


def _plain_dosage(item: PrescriptionItem, t: Translator) -> str:
    dose = daily_dose(item.dosage)
    unit = (item.unit or "").lower()
    if dose and dose.per_dose is not None and dose.times is not None and unit:
        return t.plural("{amount} {unit} at a time, {count} time a day", "{amount} {unit} at a time, {count} times a day",
                        dose.times, amount=t.number(dose.per_dose), unit=unit)
    if dose and unit:
        return t("{amount} {unit} a day", amount=t.number(dose.per_day), unit=unit)
    return item.dosage or ""


def _prescribed_on(item: PrescriptionItem, visit: Visit) -> date:
    return local(item.prescribed_at or visit.ended_at or visit.started_at).date()


def _runs_out(item: PrescriptionItem, visit: Visit) -> tuple[date, bool]:
    """The last day the supply covers, and whether it was computed from the dose (else assumed)."""
    start = _prescribed_on(item, visit)
    days = supply_days(item)
    if days is not None:
        return start + timedelta(days=days), True
    assumed = CHRONIC_SUPPLY_DAYS if visit.visit_type in CHRONIC_VISIT_TYPES else SHORT_COURSE_DAYS
    return start + timedelta(days=assumed), False


def days_left_text(days: int, t: Translator) -> str:
    return t("today") if days == 0 else t.plural("in {count} day", "in {count} days", days)


def build_medicines(book: HealthBook, *, now: datetime, t: Translator) -> MedicinesModel:
    today = local(now).date()
    newest: dict[str, tuple[PrescriptionItem, Visit]] = {}
    for visit in book.visits:
        for item in visit.prescriptions:
            key = fold(item.name).strip()
            known = newest.get(key)
            if known is None or _prescribed_on(item, visit) > _prescribed_on(*known):
                newest[key] = (item, visit)
    lines: list[MedicineLine] = []
    for key, (item, visit) in newest.items():
        last_day, computed = _runs_out(item, visit)
        if last_day < today:
            continue
        if visit.ended_at and last_day < local(visit.ended_at).date():
            continue  # used up on the ward
        days_left = (last_day - today).days
        runs_out = ""
        if computed:
            runs_out = t("Runs out around {date} ({left})", date=t.date(last_day), left=days_left_text(days_left, t))
        how = " · ".join(part for part in (_plain_dosage(item, t), item.usage or "") if part)
        lines.append(MedicineLine(
            key=key, name=" ".join(part for part in (item.name, item.strength or "") if part), how=how,
            source=f"{visit.facility_name}, {t.date(_prescribed_on(item, visit))}",
            prescribed_on=_prescribed_on(item, visit), runs_out_on=last_day if computed else None,
            days_left=days_left if computed else None, runs_out=runs_out, visit_id=visit.id,
        ))
    lines.sort(key=lambda line: (line.runs_out_on is None, line.runs_out_on or today, line.name))
    return MedicinesModel(lines=lines, explanation=t(
        "From your recent prescriptions whose supply has not run out yet. Ask your doctor before stopping a medicine."))
