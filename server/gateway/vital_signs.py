"""Vital signs (sinh hiệu) in QĐ 130 XML: only the weight has a field (XML1 CAN_NANG); the rest is text
in XML5 DIEN_BIEN_LS, written however the hospital software or the doctor writes it:

    Mạch: 80 lần/phút; Huyết áp: 120/80 mmHg; Nhiệt độ: 37,2 °C; Cân nặng: 55 kg   (our form)
    Mạch 80 l/p, HA 120/80 mmHg, T 37°C, NĐ 37,5, SpO2 98%                          (common HIS shapes)
    M: 82 l/ph - HA: 130/80mmHg - t°: 37.5 - CN 3200 g - CC 1m60 - ĐMMM 110 mg/dl

`line_of` writes the first shape; `vital_signs_of` reads any of them. Reading never raises and never
refuses a visit: a value that cannot be a person's is left out, and text with no vital sign in it
gives no vital signs (the note itself is kept as it is).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import ValidationError

from api_client.icd10 import fold
from api_client.models import VITAL_LIMITS, ClinicalNote, VitalSigns

MG_DL_PER_MMOL_L = 18.0  # glucose
_SEP = r"\s*(?:[:=]|\()?\s*"  # between a label and its number: "Mạch: 80", "HA=120/80", "Mạch (l/p) 80"
_NUM = r"(\d{1,4}(?:[.,]\d+)?)"  # "37,5" and "37.5"; a comma followed by a space ends the number
_INT = r"(\d{1,3})"


def _label(*names: str) -> str:
    """Alternatives in folded text (lower case, no diacritics, đ as d), as whole words."""
    return r"(?<![\w])(?:" + "|".join(names) + r")(?![\w])"


# Each pattern runs over the folded note; the first reading that can be a person's wins. Short labels
# that mean something else too (P, CC: millilitres, M) count only with their unit.
_PULSE = [
    re.compile(r"(?<!mao )" + _label("mach", "nhip tim", "tan so tim", "pulse") + _SEP + _INT + r"(?![\d/])"),
    re.compile(_label("m", "hr", "f") + _SEP + _INT + r"\s*(?:l/p|l/ph|lan/p|lan/ph|lan/phut|ck/p|ck/ph|nhip/p|bpm)"),
]
_PRESSURE = [re.compile(_label("huyet ap", "ha", "bp", "h/a") + r"(?:\s+[^\d\s/:=,;.]+){0,3}?"  # "HA tay phải"
                        + _SEP + _INT + r"\s*/\s*" + _INT + r"(?![\d/])")]
_TEMPERATURE = [
    re.compile(_label("nhiet do", "nhiet", "nd", "temp", "t", "t°", "t0", "to") + _SEP + _NUM + r"(?![\d/])"),
    re.compile(_NUM + r"\s*(?:°\s*c|℃|do\s*c|oc)(?![\w])"),  # "37,5 °C" with no label
]
_WEIGHT = [
    re.compile(_label("can nang", "cn", "weight") + _SEP + _NUM + r"\s*(kg|g|gr|gram)?(?![\w/])"),
    re.compile(_label("p", "w") + _SEP + _NUM + r"\s*(kg)(?![\w/])"),
]
_HEIGHT = [
    re.compile(_label("chieu cao", "cc", "height") + _SEP + r"(\d)\s*m\s*(\d{1,2})(?![\d])"),  # 1m60
    re.compile(_label("chieu cao", "height") + _SEP + _NUM + r"\s*(cm|m)?(?![\w/])"),
    re.compile(_label("cc") + _SEP + _NUM + r"\s*(cm|m)(?![\w/])"),
]
_SPO2 = [re.compile(_label("spo2", "sp02", "spo 2", "sao2", "spo₂") + _SEP + _INT + r"(?![\d/])")]
_GLUCOSE = [
    re.compile(_label("duong huyet", "duong mau mao mach", "duong mau", "glucose mau", "glucose", "glu",
                      "dh", "dmmm", "dmm") + _SEP + _NUM + r"\s*(mmol/l|mg/dl|mg%)?(?![\d/])"),
]


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _fits(name: str, value: float) -> bool:
    low, high = VITAL_LIMITS[name]
    return low <= value <= high


def _weight(match: re.Match[str]) -> float | None:
    value, unit = _number(match.group(1)), match.group(2)
    if unit in ("g", "gr", "gram") or (unit is None and value >= 1000):  # a newborn weighed in grams
        return round(value / 1000, 3)
    return value


def _height(match: re.Match[str]) -> float:
    if match.re is _HEIGHT[0]:  # 1m60, 1m6
        metres, rest = match.group(1), match.group(2)
        return int(metres) * 100 + int(rest.ljust(2, "0"))
    value, unit = _number(match.group(1)), match.group(2)
    return round(value * 100, 1) if unit == "m" or (unit is None and value < 3) else value


def _glucose(match: re.Match[str]) -> float:
    value, unit = _number(match.group(1)), match.group(2)
    if unit in ("mg/dl", "mg%") or (unit is None and value > VITAL_LIMITS["glucose"][1]):
        return round(value / MG_DL_PER_MMOL_L, 1)
    return value


def _blank(text: str, match: re.Match[str]) -> str:
    """The text with a reading taken out, so no other sign reads the same words ("đường máu mao mạch")."""
    return text[:match.start()] + " " * (match.end() - match.start()) + text[match.end():]


def _first(patterns: list[re.Pattern[str]], text: str, name: str, convert) -> tuple[float | None, str]:
    for pattern in patterns:
        for match in pattern.finditer(text):
            try:
                value = convert(match)
            except (ValueError, ZeroDivisionError):
                continue
            if value is not None and _fits(name, value):
                return value, _blank(text, match)
    return None, text


def _pressure(match: re.Match[str]) -> tuple[int, int] | None:
    systolic, diastolic = int(match.group(1)), int(match.group(2))
    if _fits("systolic", systolic) and _fits("diastolic", diastolic) and diastolic < systolic:
        return systolic, diastolic
    return None


def read_vitals(text: str | None) -> dict[str, float]:
    """The vital signs in one DIEN_BIEN_LS text, by VitalSigns field; {} when there are none.
    The longest, least ambiguous labels are read first and taken out of the text."""
    if not text:
        return {}
    folded = fold(text)
    found: dict[str, float] = {}
    for pattern in _PRESSURE:
        for match in pattern.finditer(folded):
            pair = _pressure(match)
            if pair:
                found["systolic"], found["diastolic"] = pair
                folded = _blank(folded, match)
                break
        if "systolic" in found:
            break
    for name, patterns, convert in (
        ("glucose", _GLUCOSE, _glucose),
        ("spo2", _SPO2, lambda m: int(m.group(1))),
        ("height_cm", _HEIGHT, _height),
        ("weight_kg", _WEIGHT, _weight),
        ("temperature", _TEMPERATURE, lambda m: _number(m.group(1))),
        ("pulse", _PULSE, lambda m: int(m.group(1))),
    ):
        value, folded = _first(patterns, folded, name, convert)
        if value is not None:
            found[name] = value
    return found


def vital_signs_of(notes: Iterable[ClinicalNote], weight_kg: float | None = None) -> VitalSigns | None:
    """The vital signs of a visit: from its latest XML5 note that has any (an inpatient stay has one
    note a day; the last is how the patient left), the weight from XML1 CAN_NANG when the note has none."""
    try:
        ordered = sorted(enumerate(notes), key=lambda pair: (pair[1].recorded_at is not None,
                                                             pair[1].recorded_at, pair[0]))
        for _, note in reversed(ordered):
            found = read_vitals(note.note)
            if found:
                if weight_kg is not None and "weight_kg" not in found and _fits("weight_kg", weight_kg):
                    found["weight_kg"] = weight_kg
                return VitalSigns(**found, measured_at=note.recorded_at)
        if weight_kg is not None and _fits("weight_kg", weight_kg):
            return VitalSigns(weight_kg=weight_kg)
    except (ValidationError, TypeError, ValueError):  # never a reason to refuse the visit
        return None
    return None


def _decimal(value: float) -> str:
    """Vietnamese decimal comma, no trailing zeros: 37,2 / 55 / 6,1."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def line_of(vitals: VitalSigns) -> str:
    """The XML5 DIEN_BIEN_LS line our form writes (a signed document: in Vietnamese, whatever the
    doctor's screen language)."""
    parts = []
    if vitals.pulse is not None:
        parts.append(f"Mạch: {vitals.pulse} lần/phút")
    if vitals.systolic is not None and vitals.diastolic is not None:
        parts.append(f"Huyết áp: {vitals.systolic}/{vitals.diastolic} mmHg")
    if vitals.temperature is not None:
        parts.append(f"Nhiệt độ: {_decimal(vitals.temperature)} °C")
    if vitals.weight_kg is not None:
        parts.append(f"Cân nặng: {_decimal(vitals.weight_kg)} kg")
    if vitals.height_cm is not None:
        parts.append(f"Chiều cao: {_decimal(vitals.height_cm)} cm")
    if vitals.spo2 is not None:
        parts.append(f"SpO2: {vitals.spo2} %")
    if vitals.glucose is not None:
        parts.append(f"Đường huyết: {_decimal(vitals.glucose)} mmol/L")
    return "; ".join(parts)
