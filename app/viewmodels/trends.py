"""Diễn biến chỉ số: repeated results and vital signs as series, each against its normal range.

Normal ranges: the laboratory's own reference range when its result carries one (the latest result's);
otherwise the standards below, each with its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from babel.numbers import format_decimal

from api_client.icd10 import fold
from api_client.identifiers import N_
from api_client.models import HealthBook, LabResult

from ..i18n import Translator, local

MG_DL_PER_MMOL_L = 18.0

# Fasting plasma glucose 3.9–6.4 mmol/L: the reference printed by Vietnamese hospital laboratories
# (e.g. Bạch Mai); diabetes is diagnosed from 7.0 (QĐ 5481/QĐ-BYT 2020).
GLUCOSE_RANGE = (3.9, 6.4)
HBA1C_RANGE = (4.0, 6.4)  # %, diabetes from 6.5 (QĐ 5481/QĐ-BYT 2020)
# Blood pressure: hypertension from 140/90 mmHg (QĐ 3192/QĐ-BYT 2010 "Hướng dẫn chẩn đoán và điều trị
# tăng huyết áp"; Hội Tim mạch Việt Nam 2022). Below that counts as in range here.
SYSTOLIC_LIMIT, DIASTOLIC_LIMIT = 140, 90
# Weight: BMI 18.5–22.9 for adults in Asia (WHO Western Pacific 2000, used by Viện Dinh dưỡng), when a height
# is known; children are judged on growth charts, not here.
ADULT_BMI = (18.5, 22.9)
ADULT_AGE = 18

TITLES = {
    "glucose": N_("Blood sugar (glucose)"),
    "hba1c": N_("HbA1c (average sugar over 3 months)"),
    "blood_pressure": N_("Blood pressure"),
    "weight": N_("Weight"),
}
SERIES_ORDER = ("glucose", "hba1c", "blood_pressure", "weight")

_HBA1C = re.compile(r"\b(?:hba1c|a1c|hba 1c)\b")
_GLUCOSE = re.compile(r"\b(?:glucose|glucoza|duong huyet|duong mau|glu)\b")
_NOT_BLOOD = re.compile(r"\b(?:nieu|nuoc tieu|urine|dich)\b")  # urine or fluid glucose is another test


@dataclass(frozen=True)
class TrendPoint:
    at: datetime
    value: float
    second: float | None  # the diastolic pressure of a blood pressure point
    day: str  # "12/3/2026"
    text: str  # "7,8 %", "150/92 mmHg"
    in_range: bool | None  # None when there is no range


@dataclass(frozen=True)
class Trend:
    key: str  # glucose | hba1c | blood_pressure | weight
    title: str
    unit: str
    points: list[TrendPoint]  # oldest first
    low: float | None  # the normal band of the main value (systolic for blood pressure)
    high: float | None
    second_high: float | None  # the diastolic limit, for blood pressure
    range_text: str  # "4,0–6,4 %", "dưới 140/90 mmHg"
    latest: TrendPoint
    status: str  # high | low | normal | unknown
    sentence: str  # "Lần gần nhất 6,9 % ngày 2/11/2026, cao hơn bình thường (4,0–6,4 %)"
    summary: str  # for screen readers: the sentence and every value in order

    @property
    def latest_in_range(self) -> bool | None:
        return self.latest.in_range


def decimal(value: float, t: Translator, places: int = 1) -> str:
    """7,8 (vi) / 7.8 (en): one decimal kept, so 4,0 reads as a measured value."""
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, pattern, locale=t.language)


def lab_value(result: LabResult) -> float | None:
    match = re.search(r"-?\d+(?:[.,]\d+)?", result.value or "")
    if not match or not re.fullmatch(r"\s*[<>≤≥]?\s*-?\d+(?:[.,]\d+)?\s*\S*\s*", result.value):
        return None  # "Âm tính", "7,8 - 8,1": not one number
    return float(match.group(0).replace(",", "."))


def lab_series(result: LabResult) -> str | None:
    name = fold(f"{result.code or ''} {result.name}")
    if _HBA1C.search(name):
        return "hba1c"
    if _GLUCOSE.search(name) and not _NOT_BLOOD.search(name):
        return "glucose"
    return None


def _status(value: float, low: float | None, high: float | None) -> str:
    if high is not None and value > high:
        return "high"
    if low is not None and value < low:
        return "low"
    return "normal" if (low is not None or high is not None) else "unknown"


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def build_trends(book: HealthBook, *, now: datetime, t: Translator) -> list[Trend]:
    """Series with at least one point, in a fixed order (sugar first: the reason most readers come)."""
    raw: dict[str, list[tuple[datetime, float, float | None]]] = {key: [] for key in SERIES_ORDER}
    lab_ranges: dict[str, tuple[datetime, float | None, float | None]] = {}
    heights: list[tuple[datetime, float]] = []
    for visit in book.visits:
        lab_glucose_days = set()
        for result in visit.lab_results:
            key = lab_series(result)
            value = lab_value(result) if key else None
            if key is None or value is None:
                continue
            low, high = result.reference_low, result.reference_high
            if key == "glucose" and fold(result.unit or "") in ("mg/dl", "mg%"):
                value = round(value / MG_DL_PER_MMOL_L, 1)
                low = low / MG_DL_PER_MMOL_L if low is not None else None
                high = high / MG_DL_PER_MMOL_L if high is not None else None
            when = result.resulted_at or visit.started_at
            raw[key].append((when, value, None))
            if key == "glucose":
                lab_glucose_days.add(local(when).date())
            if (low is not None or high is not None) and (key not in lab_ranges or when > lab_ranges[key][0]):
                lab_ranges[key] = (when, low, high)
        vitals = visit.vital_signs
        measured = (vitals.measured_at if vitals and vitals.measured_at else None) or visit.started_at
        if vitals and vitals.glucose is not None and local(measured).date() not in lab_glucose_days:
            raw["glucose"].append((measured, vitals.glucose, None))  # a finger-prick when no lab that day
        if vitals and vitals.systolic is not None and vitals.diastolic is not None:
            raw["blood_pressure"].append((measured, float(vitals.systolic), float(vitals.diastolic)))
        weight = (vitals.weight_kg if vitals else None) or visit.weight_kg
        if weight is not None:
            raw["weight"].append((measured, weight, None))
        if vitals and vitals.height_cm:
            heights.append((measured, vitals.height_cm))

    today = local(now).date()
    adult_height = max(heights)[1] if heights and _age(book.person.birth_date, today) >= ADULT_AGE else None
    return [_trend(key, sorted(raw[key], key=lambda point: point[0]), _bounds(key, lab_ranges, adult_height), t)
            for key in SERIES_ORDER if raw[key]]


@dataclass(frozen=True)
class Bounds:
    unit: str
    places: int  # decimals shown
    low: float | None
    high: float | None
    second_high: float | None = None  # the diastolic limit

    def in_range(self, value: float, second: float | None) -> bool | None:
        if self.low is None and self.high is None:
            return None
        if _status(value, self.low, self.high) != "normal":
            return False
        return second is None or self.second_high is None or second <= self.second_high

    def shown(self, value: float, second: float | None, t: Translator) -> str:
        if second is not None:
            return f"{decimal(value, t, 0)}/{decimal(second, t, 0)} {self.unit}"
        return f"{decimal(value, t, self.places)} {self.unit}"


def _bounds(key: str, lab_ranges: dict[str, tuple[datetime, float | None, float | None]],
            adult_height_cm: float | None) -> Bounds:
    if key in ("glucose", "hba1c"):
        unit = "mmol/L" if key == "glucose" else "%"
        low, high = lab_ranges[key][1:] if key in lab_ranges else (GLUCOSE_RANGE if key == "glucose" else HBA1C_RANGE)
        return Bounds(unit, 1, low, high)
    if key == "blood_pressure":
        return Bounds("mmHg", 0, None, SYSTOLIC_LIMIT - 1, DIASTOLIC_LIMIT - 1)
    if adult_height_cm is None:
        return Bounds("kg", 1, None, None)
    metres = adult_height_cm / 100
    return Bounds("kg", 1, round(ADULT_BMI[0] * metres ** 2, 1), round(ADULT_BMI[1] * metres ** 2, 1))


def _trend(key: str, raw: list[tuple[datetime, float, float | None]], bounds: Bounds, t: Translator) -> Trend:
    low, high, unit, places = bounds.low, bounds.high, bounds.unit, bounds.places
    points = [TrendPoint(at=when, value=value, second=second, day=t.date(local(when).date()),
                         text=bounds.shown(value, second, t), in_range=bounds.in_range(value, second))
              for when, value, second in raw]
    latest = points[-1]
    if key == "blood_pressure":
        range_text = t("below {limit}", limit=f"{SYSTOLIC_LIMIT}/{DIASTOLIC_LIMIT} {unit}")
        status = "normal" if latest.in_range else "high"
    elif low is not None and high is not None:
        range_text = f"{decimal(low, t, places)}–{decimal(high, t, places)} {unit}"
        status = _status(latest.value, low, high)
    elif high is not None:
        range_text = t("below {limit}", limit=f"{decimal(high, t, places)} {unit}")
        status = _status(latest.value, low, high)
    elif low is not None:
        range_text = t("above {limit}", limit=f"{decimal(low, t, places)} {unit}")
        status = _status(latest.value, low, high)
    else:
        range_text, status = "", "unknown"
    said = {
        "high": N_("Latest {value} on {date}, higher than normal ({range})"),
        "low": N_("Latest {value} on {date}, lower than normal ({range})"),
        "normal": N_("Latest {value} on {date}, within the normal range ({range})"),
        "unknown": N_("Latest {value} on {date}"),
    }[status]
    sentence = t(said, value=latest.text, date=latest.day, range=range_text)
    summary = t("{title}: {sentence}. All values, oldest first: {values}.", title=t(TITLES[key]),
                sentence=sentence, values="; ".join(f"{p.day} {p.text}" for p in points))
    return Trend(key=key, title=t(TITLES[key]), unit=unit, points=points, low=low, high=high,
                 second_high=bounds.second_high, range_text=range_text, latest=latest, status=status, sentence=sentence, summary=summary)


def trend_of(book: HealthBook, key: str, *, now: datetime, t: Translator) -> Trend | None:
    return next((trend for trend in build_trends(book, now=now, t=t) if trend.key == key), None)
