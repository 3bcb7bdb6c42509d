"""Correction requests as the citizen follows them and as the facility's desk answers them."""

from __future__ import annotations

from dataclasses import dataclass

from api_client.identifiers import N_
from api_client.models import CorrectionRequest, CorrectionStatus, CorrectionTarget, DeskCorrectionRequest

from ..i18n import Translator, local

TARGET_KIND = {
    CorrectionTarget.VISIT: N_("Visit"),
    CorrectionTarget.LAB_RESULT: N_("Test result"),
    CorrectionTarget.PRESCRIPTION: N_("Medicine"),
    CorrectionTarget.PROCEDURE: N_("Procedure"),
    CorrectionTarget.DIAGNOSIS: N_("Diagnosis"),
    CorrectionTarget.VACCINATION: N_("Vaccination"),
    CorrectionTarget.DISCHARGE_PAPER: N_("Discharge paper"),
    CorrectionTarget.REFERRAL: N_("Referral paper"),
    CorrectionTarget.RE_EXAM: N_("Re-examination appointment"),
}
STATUS_TONE = {CorrectionStatus.OPEN: "warning", CorrectionStatus.CORRECTED: "success",
               CorrectionStatus.DECLINED: "danger", CorrectionStatus.WITHDRAWN: "neutral"}


def item_line(request: CorrectionRequest, t: Translator) -> str:
    """"Test result: Glucose" — what was reported, in the words the citizen saw."""
    kind = t(TARGET_KIND[request.target_kind])
    return f"{kind}: {request.target_label}" if request.target_label else kind


def status_label(request: CorrectionRequest, t: Translator) -> str:
    if request.status is CorrectionStatus.OPEN:
        return t("Waiting for the facility's answer")
    if request.status is CorrectionStatus.CORRECTED:
        return t("Corrected")
    if request.status is CorrectionStatus.DECLINED:
        return t("Not corrected: {reason}", reason=request.answer_note or "—")
    return t("Withdrawn")


@dataclass(frozen=True)
class CorrectionRow:
    id: str
    item: str
    facility: str
    visit: str  # "Visit of 3 Oct 2026", empty for a vaccination
    sent: str
    note: str
    status: str
    tone: str
    answered: str  # when the facility answered, empty while open
    answer_note: str  # what the facility added when it corrected
    can_withdraw: bool


def build_corrections(requests: list[CorrectionRequest], t: Translator) -> list[CorrectionRow]:
    """Open ones first (they are what the citizen waits on), then the rest, each newest first."""
    ordered = sorted(requests, key=lambda r: (r.status is not CorrectionStatus.OPEN, -r.created_at.timestamp()))
    return [
        CorrectionRow(
            id=r.id,
            item=item_line(r, t),
            facility=r.facility_name or r.facility_code,
            visit=t("Visit of {date}", date=t.date(local(r.visit_started_at).date())) if r.visit_started_at else "",
            sent=t("Sent on {date}", date=t.datetime(r.created_at)),
            note=r.note,
            status=status_label(r, t),
            tone=STATUS_TONE[r.status],
            answered=t("Answered on {date}", date=t.datetime(r.answered_at))
            if r.answered_at and r.status in (CorrectionStatus.CORRECTED, CorrectionStatus.DECLINED) else "",
            answer_note=r.answer_note or "" if r.status is CorrectionStatus.CORRECTED else "",
            can_withdraw=r.status is CorrectionStatus.OPEN,
        )
        for r in ordered
    ]


@dataclass(frozen=True)
class DeskRow:
    request: DeskCorrectionRequest
    patient: str  # "Nguyễn Văn Hùng (1955)"
    record: str  # where to find it: the visit's date and MA_LK
    item: str
    note: str
    sent: str


def build_desk(requests: list[DeskCorrectionRequest], t: Translator) -> list[DeskRow]:
    rows = []
    for r in requests:
        record = [t("Visit of {date}", date=t.date(local(r.visit_started_at).date()))] if r.visit_started_at else []
        if r.ma_lk:
            record.append(t("MA_LK {key}", key=r.ma_lk))
        elif r.visit_id:
            record.append(t("Visit ID {id}", id=r.visit_id))
        rows.append(DeskRow(
            request=r, patient=f"{r.patient_name} ({r.birth_year})" if r.birth_year else r.patient_name,
            record=" · ".join(record), item=item_line(r, t), note=r.note,
            sent=t("Sent on {date}", date=t.datetime(r.created_at)),
        ))
    return rows


def decline_reason_error(reason: str, t: Translator) -> str | None:
    """The desk must say why: a refusal without a reason tells the citizen nothing."""
    return None if reason.strip() else t("Write the reason: the citizen will read it.")
