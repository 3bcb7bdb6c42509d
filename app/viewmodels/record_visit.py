"""The record-visit form as data: what was typed becomes a request, or says what to correct."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import ValidationError

from api_client.identifiers import N_
from api_client.models import RecordVisitRequest


@dataclass(frozen=True)
class MedicineLine:
    name: str = ""
    strength: str = ""
    dosage: str = ""
    usage: str = ""
    quantity: str = ""


def parse_day(text: str) -> date | None:
    """dd/mm/yyyy, the way dates are written on Vietnamese forms."""
    return datetime.strptime(text.strip(), "%d/%m/%Y").date()


def build_record_request(
    *, personal_id: str, reason: str, diagnoses: list[tuple[str, str]], medicines: list[MedicineLine],
    advice: str, re_exam: str, today: date,
) -> tuple[RecordVisitRequest | None, list[str]]:
    problems: list[str] = []
    if not diagnoses:
        problems.append(N_("Add at least one diagnosis: search the ICD-10 list and pick one."))
    re_exam_on = None
    if re_exam.strip():
        try:
            re_exam_on = parse_day(re_exam)
            if re_exam_on <= today:
                problems.append(N_("The re-examination date must be after today."))
        except ValueError:
            problems.append(N_("Write the re-examination date as dd/mm/yyyy, for example 29/11/2026."))
    lines = []
    for line in medicines:
        if not line.name.strip():
            continue
        try:
            quantity = float(line.quantity.replace(",", "."))
        except ValueError:
            problems.append(N_("Each medicine needs a quantity, for example 10."))
            continue
        lines.append({"name": line.name, "strength": line.strength or None, "dosage": line.dosage or None,
                      "usage": line.usage or None, "quantity": quantity, "unit": None})
    if problems:
        return None, problems
    try:
        return RecordVisitRequest(
            personal_id=personal_id, reason=reason or None, advice=advice or None, re_exam_on=re_exam_on,
            diagnoses=[{"icd10": code, "name": name} for code, name in diagnoses], prescriptions=lines,
        ), []
    except ValidationError as error:
        if any(e["loc"][0] == "personal_id" for e in error.errors()):
            return None, [N_("Check the patient's personal ID number (12 digits).")]
        return None, [N_("Some values are not valid. Check the quantities and lengths.")]
