"""Báo thông tin sai: a citizen (or a guardian, for a child) says one item of the book is wrong; the
request goes to the facility that signed it, whose medical staff answer it: corrected (by resending the
record through the gateway, which answers it by itself, or by saying so) or declined with a reason.

Who answers: the doctors, nurses and midwives of that facility, never its reception desk alone (they
read a note about a health record). The desk shows what finds the record and nothing more of the book,
and each listing is a line in the patients' access logs ("correction").

A vaccination keeps only the name of the place that gave it. The request goes to the facility of that
exact name; failing that, to the health station of the commune the population register says the person
lives in; failing both, it is refused with where to go instead (the commune health station keeps the
vaccination register and corrects it there)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from api_client.identifiers import N_
from api_client.models import (
    MEDICAL_ROLES,
    CorrectionDecline,
    CorrectionDone,
    CorrectionRequest,
    CorrectionRequestCreate,
    CorrectionStatus,
    CorrectionTarget,
    DeskCorrectionRequest,
    Vaccination,
    vaccination_ref,
)

from ..deps import ClinicStaff, ClinicStaffDep, Level2CallerDep, OwnPersonId, ReadablePersonId, StoreDep
from ..errors import ApiError, not_found
from ..security import Caller
from ..storage.corrections import DuplicateCorrection, TooManyOpenCorrections
from ..storage.protocols import BookRepository, CorrectionRepository

router = APIRouter(tags=["corrections"])
RequestId = Annotated[str, Path(max_length=64)]

_ROW_LISTS = {
    CorrectionTarget.LAB_RESULT: "lab_results", CorrectionTarget.PRESCRIPTION: "prescriptions",
    CorrectionTarget.PROCEDURE: "procedures", CorrectionTarget.DIAGNOSIS: "diagnoses",
}
_PAPERS = {CorrectionTarget.DISCHARGE_PAPER: "discharge_paper", CorrectionTarget.REFERRAL: "referral",
           CorrectionTarget.RE_EXAM: "re_exam"}


def target_not_found() -> ApiError:
    return ApiError(404, "correction_target_not_found",
                    N_("This item is not in the health book any more. Open the book again and choose what is wrong."))


def vaccination_place_unknown() -> ApiError:
    return ApiError(422, "vaccination_place_unknown",
                    N_("The book does not say which health facility gave this vaccination, so the request cannot be "
                       "sent. Bring your vaccination record to your commune health station: it corrects the "
                       "vaccination register."))


def duplicate_correction() -> ApiError:
    return ApiError(409, "correction_already_open",
                    N_("You already reported this item and the facility has not answered yet. Follow it under "
                       "Correction requests, or withdraw it to write it again."))


def too_many_open() -> ApiError:
    return ApiError(409, "too_many_open_corrections",
                    N_("This book already has 20 requests waiting for an answer. Wait for the facilities to "
                       "answer, or withdraw some of them."))


def correction_not_found() -> ApiError:
    return ApiError(404, "correction_not_found",
                    N_("This correction request was not found, or it has already been answered or withdrawn."))


def not_answering_staff() -> ApiError:
    return ApiError(403, "not_medical_staff",
                    N_("Only the doctors, nurses and midwives of the facility can read and answer correction "
                       "requests. Ask one of them to open the desk."))


def corrections(request: Request) -> CorrectionRepository:
    return request.app.state.corrections


def now(request: Request) -> datetime:
    return datetime.fromtimestamp(request.app.state.settings.clock(), UTC)


def _row_label(kind: CorrectionTarget, row: dict[str, Any]) -> str:
    if kind is CorrectionTarget.PRESCRIPTION:
        return " ".join(part for part in (row.get("name"), row.get("strength")) if part)
    if kind is CorrectionTarget.DIAGNOSIS:
        return f"{row.get('icd10', '')} {row.get('name', '')}".strip()
    return row.get("name") or ""


def visit_target(store: BookRepository, person_id: str, body: CorrectionRequestCreate) -> tuple[str, str]:
    """The facility that signed the visit and what the citizen saw of the item, or 404."""
    visit = store.visit(person_id, body.visit_id) if body.visit_id else None
    if visit is None:
        raise not_found("visit")
    kind = body.target_kind
    if kind is CorrectionTarget.VISIT:
        if body.target_ref:
            raise target_not_found()
        main = next((d for d in visit.get("diagnoses") or [] if d.get("main")), None)
        label = (main or {}).get("name") or visit.get("diagnosis_text") or visit.get("facility_name") or ""
    elif kind in _PAPERS:
        paper = visit.get(_PAPERS[kind])
        if not paper or body.target_ref:
            raise target_not_found()
        label = paper.get("number") or paper.get("archive_number") or ""
    else:
        rows = visit.get(_ROW_LISTS[kind]) or []
        if not (body.target_ref.isascii() and body.target_ref.isdigit()) or int(body.target_ref) >= len(rows):
            raise target_not_found()
        label = _row_label(kind, rows[int(body.target_ref)])
    return visit["facility_code"], label[:200]


def vaccination_target(request: Request, store: BookRepository, person_id: str,
                       body: CorrectionRequestCreate) -> tuple[str, str]:
    book = store.book(person_id) or {}
    dose = next((Vaccination.model_validate(v) for v in book.get("vaccinations", [])
                 if vaccination_ref(Vaccination.model_validate(v)) == body.target_ref), None)
    if dose is None or body.visit_id:
        raise target_not_found()
    repository = corrections(request)
    facility_code = (repository.facility_named(dose.facility_name) if dose.facility_name else None) or \
        repository.commune_station_of((book.get("person") or {}).get("personal_id"))
    if facility_code is None:
        raise vaccination_place_unknown()
    return facility_code, f"{dose.vaccine_name} ({dose.dose_number})"[:200]


def open_request(request: Request, store: BookRepository, caller: Caller, person_id: str,
                 body: CorrectionRequestCreate) -> CorrectionRequest:
    if body.target_kind is CorrectionTarget.VACCINATION:
        facility_code, label = vaccination_target(request, store, person_id, body)
    else:
        facility_code, label = visit_target(store, person_id, body)
    try:
        row = corrections(request).open_request(
            person_id, facility_code=facility_code, target_kind=body.target_kind.value, visit_id=body.visit_id,
            target_ref=body.target_ref, target_label=label, note=body.note, created_by=caller.personal_id,
            now=now(request))
    except DuplicateCorrection:
        raise duplicate_correction() from None
    except TooManyOpenCorrections:
        raise too_many_open() from None
    return CorrectionRequest.model_validate(row)


def withdraw(request: Request, person_id: str, request_id: str) -> Response:
    if not corrections(request).withdraw(person_id, request_id, now(request)):
        raise correction_not_found()
    return Response(status_code=204)


# ---------------------------------------------------------------- the citizen and the guardian


@router.post("/me/corrections", status_code=201, response_model=CorrectionRequest)
def report_own(body: CorrectionRequestCreate, request: Request, caller: Level2CallerDep, person_id: OwnPersonId,
               store: StoreDep) -> CorrectionRequest:
    """"This is wrong" about one item of the caller's own book, sent to the facility that signed it."""
    return open_request(request, store, caller, person_id, body)


@router.get("/me/corrections", response_model=list[CorrectionRequest])
def list_own(request: Request, person_id: OwnPersonId) -> list[CorrectionRequest]:
    """Newest first, with each one's status and the facility's answer."""
    return [CorrectionRequest.model_validate(row) for row in corrections(request).of_person(person_id)]


@router.delete("/me/corrections/{request_id}", status_code=204)
def withdraw_own(request_id: RequestId, request: Request, person_id: OwnPersonId) -> Response:
    return withdraw(request, person_id, request_id)


@router.post("/people/{person_id}/corrections", status_code=201, response_model=CorrectionRequest)
def report_for(body: CorrectionRequestCreate, request: Request, caller: Level2CallerDep, person_id: ReadablePersonId,
               store: StoreDep) -> CorrectionRequest:
    """A guardian's request about a dependent's book (anyone else's book answers 404)."""
    return open_request(request, store, caller, person_id, body)


@router.get("/people/{person_id}/corrections", response_model=list[CorrectionRequest])
def list_for(request: Request, person_id: ReadablePersonId) -> list[CorrectionRequest]:
    return [CorrectionRequest.model_validate(row) for row in corrections(request).of_person(person_id)]


@router.delete("/people/{person_id}/corrections/{request_id}", status_code=204)
def withdraw_for(request_id: RequestId, request: Request, person_id: ReadablePersonId) -> Response:
    return withdraw(request, person_id, request_id)


# ---------------------------------------------------------------- the facility's desk


def answering_staff(staff: ClinicStaff) -> ClinicStaff:
    if staff.assignment.role not in MEDICAL_ROLES:
        raise not_answering_staff()
    return staff


@router.get("/clinic/corrections", response_model=list[DeskCorrectionRequest], tags=["clinic"])
def desk(request: Request, staff: ClinicStaffDep,
         status: Annotated[CorrectionStatus, Query()] = CorrectionStatus.OPEN) -> list[DeskCorrectionRequest]:
    """The facility's open requests, oldest first (only open ones are listed: an answered request is the
    citizen's to follow)."""
    answering_staff(staff)
    if status is not CorrectionStatus.OPEN:
        return []
    rows = corrections(request).open_at(staff.facility_code, staff.as_actor(), now(request))
    return [DeskCorrectionRequest.model_validate(row) for row in rows]


def answer(request: Request, staff: ClinicStaff, person_id: str, request_id: str, status: CorrectionStatus,
           note: str | None) -> CorrectionRequest:
    answering_staff(staff)
    repository = corrections(request)
    if not repository.answer(staff.facility_code, person_id, request_id, status=status, note=note,
                             answered_by=staff.caller.personal_id, now=now(request)):
        raise correction_not_found()
    row = repository.request_of(person_id, request_id)
    assert row is not None, "just answered"
    return CorrectionRequest.model_validate(row)


@router.post("/clinic/corrections/{person_id}/{request_id}/decline", response_model=CorrectionRequest,
             tags=["clinic"])
def decline(person_id: RequestId, request_id: RequestId, body: CorrectionDecline, request: Request,
            staff: ClinicStaffDep) -> CorrectionRequest:
    """The record stays as it is; the reason is shown to the citizen."""
    return answer(request, staff, person_id, request_id, CorrectionStatus.DECLINED, body.reason)


@router.post("/clinic/corrections/{person_id}/{request_id}/corrected", response_model=CorrectionRequest,
             tags=["clinic"])
def corrected(person_id: RequestId, request_id: RequestId, request: Request, staff: ClinicStaffDep,
              body: CorrectionDone | None = None) -> CorrectionRequest:
    """Corrected and resent (a resend through the gateway also answers by itself)."""
    return answer(request, staff, person_id, request_id, CorrectionStatus.CORRECTED, body.note if body else None)
