"""The citizen's own book and their dependents' books (QĐ 1332 groups), and the same book read by
the medical staff treating its owner today."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from api_client.identifiers import N_
from api_client.models import (
    ActivationStep,
    DependentRef,
    HealthBook,
    Me,
    Representative,
    RepresentativeRole,
    RepresentativeUpdate,
    Visit,
    VisitPage,
)

from ..deps import (
    CallerDep,
    CheckInsDep,
    ClinicStaff,
    ClinicStaffDep,
    Level2CallerDep,
    OwnPersonId,
    ReadablePersonId,
    StoreDep,
    TreatedPersonId,
    note_assisted_read,
)
from ..errors import ApiError, Detail, not_found
from ..storage.activation import StepDoneBy
from ..storage.protocols import BookRepository, CheckInRepository

router = APIRouter(tags=["book"])

Limit = Annotated[int, Query(ge=1, le=100, description="Visits per page")]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get("/me", response_model=Me)
def read_me(caller: CallerDep, store: StoreDep, request: Request) -> Me:
    """Who is signed in. Answers at level 1 too, so the app can explain the upgrade. A sign-in is also
    what the volunteers' checklist sees of an account (exists, level 2, BHYT card linked), and a sign-in
    on a volunteer's device is a line in the citizen's access log, once."""
    person_id = store.person_id_for(caller.personal_id) if caller.is_level2 else None
    moment = request.app.state.settings.clock()
    seen = [ActivationStep.ACCOUNT] + [ActivationStep.LEVEL2] * caller.is_level2
    seen += [ActivationStep.BHYT_LINKED] * caller.bhyt_linked
    helper = caller.assisted_by
    done_by = StepDoneBy(helper.personal_id, helper.full_name, None) if helper else None
    request.app.state.activation.record_steps(caller.personal_id, seen, moment, observed=True, done_by=done_by)
    if person_id:
        note_assisted_read(request, caller, person_id)
    return Me(
        full_name=caller.full_name,
        personal_id=caller.personal_id,
        identity_level=2 if caller.is_level2 else 1,
        can_read_book=caller.is_level2 and person_id is not None,
        person_id=person_id,
        roles=store.staff_assignments(caller.personal_id) if caller.is_level2 and not helper else [],
        dependents=store.dependents_of(person_id) if person_id else [],
        assisted_by=helper.full_name if helper else None,
        assisted_until=datetime.fromtimestamp(caller.expires_at, UTC) if helper else None,
    )


def _book(store: BookRepository, person_id: str) -> JSONResponse:
    book = store.book(person_id)
    if book is None:
        raise not_found("book")
    return JSONResponse(book)


def _visit(store: BookRepository, person_id: str, visit_id: str) -> JSONResponse:
    visit = store.visit(person_id, visit_id)
    if visit is None:
        raise not_found("visit")
    return JSONResponse(visit)


@router.get("/me/book", response_model=HealthBook)
def read_own_book(person_id: OwnPersonId, store: StoreDep, caller: Level2CallerDep, request: Request) -> JSONResponse:
    """The citizen's own book; its first opening is a step of their activation."""
    helper, moment = caller.assisted_by, request.app.state.settings.clock()
    request.app.state.activation.record_steps(
        caller.personal_id, [ActivationStep.BOOK_OPENED], moment, observed=True,
        done_by=StepDoneBy(helper.personal_id, helper.full_name, None) if helper else None)
    request.app.state.activation.book_opened(person_id, caller.personal_id, moment)
    return _book(store, person_id)


@router.get("/me/visits", response_model=VisitPage)
def list_own_visits(person_id: OwnPersonId, store: StoreDep, limit: Limit = 20, offset: Offset = 0) -> JSONResponse:
    """Newest first."""
    return JSONResponse(store.visits_page(person_id, limit, offset))


@router.get("/me/visits/{visit_id}", response_model=Visit)
def read_own_visit(visit_id: str, person_id: OwnPersonId, store: StoreDep) -> JSONResponse:
    return _visit(store, person_id, visit_id)


@router.get("/me/dependents", response_model=list[DependentRef])
def list_dependents(person_id: OwnPersonId, store: StoreDep) -> list[DependentRef]:
    return store.dependents_of(person_id)


@router.put("/me/representative", response_model=Representative)
def set_own_representative(update: RepresentativeUpdate, person_id: OwnPersonId, store: StoreDep) -> Representative:
    """State one's main caregiver or legal representative (QĐ 1332 fields 12-15), who is also whom the
    emergency card says to call. A child's guardian is not set here: for a child the legal representative
    is the guardian, whom the facilities' records name."""
    person = store.person(person_id) or {}
    own: list[Detail] = [{"field": field, "message": message} for field, value, message in (
        ("phone", update.phone, N_("This is your own phone number. Give the number of someone who can be called "
                                   "for you.")),
        ("personal_id", update.personal_id, N_("This is your own personal ID number.")),
    ) if value is not None and value == person.get(field)]
    if own:
        raise ApiError(422, "representative_is_self", N_("The person to call for you must be someone else."),
                       details=own)
    representative = Representative(**update.model_dump())
    store.set_representative(person_id, representative)
    return representative


@router.delete("/me/representative/{role}", status_code=204)
def remove_own_representative(role: Literal[RepresentativeRole.CAREGIVER, RepresentativeRole.LEGAL_REPRESENTATIVE],
                              person_id: OwnPersonId, store: StoreDep) -> Response:
    """No longer name a caregiver or legal representative; answered alike whether one was named or not."""
    store.remove_representative(person_id, role)
    return Response(status_code=204)


@router.get("/people/{person_id}/book", response_model=HealthBook)
def read_book(person_id: ReadablePersonId, store: StoreDep) -> JSONResponse:
    return _book(store, person_id)


@router.get("/people/{person_id}/visits", response_model=VisitPage)
def list_visits(person_id: ReadablePersonId, store: StoreDep, limit: Limit = 20, offset: Offset = 0) -> JSONResponse:
    return JSONResponse(store.visits_page(person_id, limit, offset))


@router.get("/people/{person_id}/visits/{visit_id}", response_model=Visit)
def read_visit(visit_id: str, person_id: ReadablePersonId, store: StoreDep) -> JSONResponse:
    return _visit(store, person_id, visit_id)


def _log_treatment(request: Request, check_ins: CheckInRepository, staff: ClinicStaff, person_id: str, what: str) -> None:
    """The citizen sees each of these reads in "who looked at my book", with what was read."""
    check_ins.log_read(person_id, request.app.state.settings.clock(), staff.as_actor(), what=what,
                       purpose="treatment", method=None)


@router.get("/clinic/patients/{person_id}/book", response_model=HealthBook, tags=["clinic"])
def read_patient_book(person_id: TreatedPersonId, request: Request, staff: ClinicStaffDep, store: StoreDep,
                            check_ins: CheckInsDep) -> JSONResponse:
    """The whole book, for medical staff of the facility where the patient is admitted today."""
    response = _book(store, person_id)
    _log_treatment(request, check_ins, staff, person_id, "book")
    return response


@router.get("/clinic/patients/{person_id}/visits", response_model=VisitPage, tags=["clinic"])
def list_patient_visits(person_id: TreatedPersonId, request: Request, staff: ClinicStaffDep, store: StoreDep,
                              check_ins: CheckInsDep, limit: Limit = 20, offset: Offset = 0) -> JSONResponse:
    page = store.visits_page(person_id, limit, offset)
    _log_treatment(request, check_ins, staff, person_id, "visits")
    return JSONResponse(page)


@router.get("/clinic/patients/{person_id}/visits/{visit_id}", response_model=Visit, tags=["clinic"])
def read_patient_visit(visit_id: str, person_id: TreatedPersonId, request: Request, staff: ClinicStaffDep,
                             store: StoreDep, check_ins: CheckInsDep) -> JSONResponse:
    response = _visit(store, person_id, visit_id)
    _log_treatment(request, check_ins, staff, person_id, "visit")
    return response
