"""History (tiền sử): diseases, allergies, risk factors, family, surgeries, disabilities."""

from __future__ import annotations

from dataclasses import dataclass

from api_client.models import History

from ..i18n import Translator
from .labels import ALLERGY_CATEGORY, DISABILITY_DEGREE, RELATIONSHIP, RISK_FACTOR, SEVERITY


@dataclass(frozen=True)
class HistoryRow:
    primary: str
    secondary: str
    alert: bool = False


@dataclass(frozen=True)
class HistorySection:
    key: str
    title: str
    rows: list[HistoryRow]


def _join(*parts: str | None) -> str:
    return " · ".join(part for part in parts if part)


def build_history(history: History, t: Translator) -> list[HistorySection]:
    return [
        HistorySection("allergies", t("Allergies"), [
            HistoryRow(
                a.substance,
                _join(t(ALLERGY_CATEGORY[a.category]), a.reaction, t(SEVERITY[a.severity]) if a.severity else None,
                      t("since {year}", year=a.noted_year) if a.noted_year else None),
                alert=True,
            )
            for a in history.allergies
        ]),
        HistorySection("conditions", t("Diseases"), [
            HistoryRow(
                f"{c.name} ({c.icd10})" if c.icd10 else c.name,
                _join(t("Long-term") if c.chronic else t("Past"),
                      t("since {year}", year=c.diagnosed_year) if c.diagnosed_year else None, c.note),
            )
            for c in history.conditions
        ]),
        HistorySection("risk_factors", t("Risk factors"), [
            HistoryRow(t(RISK_FACTOR[r.kind]), r.detail or "") for r in history.risk_factors
        ]),
        HistorySection("family_history", t("Family history"), [
            HistoryRow(f.condition + (f" ({f.icd10})" if f.icd10 else ""), t(RELATIONSHIP[f.relative]))
            for f in history.family_history
        ]),
        HistorySection("surgeries", t("Surgeries"), [
            HistoryRow(s.name, _join(str(s.year) if s.year else None, s.facility_name, s.note))
            for s in history.surgeries
        ]),
        HistorySection("disabilities", t("Disabilities"), [
            HistoryRow(d.kind, _join(t(DISABILITY_DEGREE[d.degree]) if d.degree else None, d.note))
            for d in history.disabilities
        ]),
    ]
