"""Request dependencies: the store, the verified caller, level 2, and whose book may be read.

Those that ask the database are plain functions, as are the routes that do: FastAPI runs them in its
thread pool, so no query ever holds up the event loop the web app's sessions share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Request

from api_client.models import CLINIC_ROLES, MEDICAL_ROLES, VIETNAM_TZ, StaffAssignment, StaffRole

from .errors import (
    assisted_session_not_allowed,
    identity_level_insufficient,
    not_authenticated,
    not_clinic_staff,
    not_found,
    not_medical_staff,
)
from .security import Caller
from .storage.protocols import BookRepository, CheckInRepository


async def get_store(request: Request) -> BookRepository:
    return request.app.state.store


async def get_caller(request: Request) -> Caller:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise not_authenticated()
    return await request.app.state.verifier.verify(token.strip())


async def get_level2_caller(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    """Level 2 before any health data leaves the server."""
    if not caller.is_level2:
        raise identity_level_insufficient()
    return caller


async def get_check_ins(request: Request) -> CheckInRepository:
    return request.app.state.check_ins


StoreDep = Annotated[BookRepository, Depends(get_store)]
CheckInsDep = Annotated[CheckInRepository, Depends(get_check_ins)]
CallerDep = Annotated[Caller, Depends(get_caller)]
Level2CallerDep = Annotated[Caller, Depends(get_level2_caller)]


def note_assisted_read(request: Request, caller: Caller, person_id: str) -> None:
    """A book opened in a session on a volunteer's device: one line in that book's access log per session,
    whichever route read it first (the citizen's own book or a dependent's)."""
    helper = caller.assisted_by
    if helper is None:
        return
    moment = request.app.state.settings.clock()
    if request.app.state.activation.start_assisted_session(caller.session_id, person_id, helper.personal_id, moment):
        request.app.state.check_ins.log_read(
            person_id, moment, {"name": helper.full_name, "role": StaffRole.VOLUNTEER.value, "facility_code": None},
            what="book", purpose="assisted_session", method=None)


def get_own_person_id(request: Request, store: StoreDep, caller: Level2CallerDep) -> str:
    person_id = store.person_id_for(caller.personal_id)
    if person_id is None:
        raise not_found("own_book")
    note_assisted_read(request, caller, person_id)
    return person_id


OwnPersonId = Annotated[str, Depends(get_own_person_id)]


def readable_person_id(store: BookRepository, own_person_id: str, person_id: str) -> str:
    """The caller's own book or a dependent's; anyone else's is answered exactly like a missing one."""
    if person_id == own_person_id or store.is_guardian(own_person_id, person_id):
        return person_id
    raise not_found("book")


def get_readable_person_id(
    person_id: Annotated[str, Path(max_length=64)], request: Request, store: StoreDep, own_person_id: OwnPersonId,
    caller: Level2CallerDep,
) -> str:
    readable = readable_person_id(store, own_person_id, person_id)
    note_assisted_read(request, caller, readable)
    return readable


ReadablePersonId = Annotated[str, Depends(get_readable_person_id)]


@dataclass(frozen=True)
class ClinicStaff:
    caller: Caller
    assignment: StaffAssignment
    facility_code: str  # the assignment's, which a clinic role always has

    def as_actor(self) -> dict[str, str]:
        """How the citizen will see who looked (Ai đã xem sổ của tôi)."""
        return {"name": self.caller.full_name, "role": self.assignment.role, "facility_code": self.facility_code}


def get_clinic_staff(request: Request, caller: Level2CallerDep) -> ClinicStaff:
    """Reception or medical staff of a facility; citizens, volunteers and officials are refused, and so is
    staff signed in on a volunteer's device (it is in the volunteer's hands)."""
    if caller.assisted_by is not None:
        raise assisted_session_not_allowed()
    for assignment in request.app.state.store.staff_assignments(caller.personal_id):
        if assignment.role in CLINIC_ROLES and assignment.facility_code:
            return ClinicStaff(caller, assignment, assignment.facility_code)
    raise not_clinic_staff()


ClinicStaffDep = Annotated[ClinicStaff, Depends(get_clinic_staff)]


def get_scanning_caller(request: Request, caller: Level2CallerDep) -> Caller:
    """Who may have a camera picture read for a QR code: a desk's staff, or a volunteer reading a
    resident's chip ID card. It reads codes only; what a code opens is checked where it is used."""
    if caller.assisted_by is not None:
        raise assisted_session_not_allowed()
    for assignment in request.app.state.store.staff_assignments(caller.personal_id):
        if (assignment.role in CLINIC_ROLES and assignment.facility_code) or (
                assignment.role == StaffRole.VOLUNTEER and assignment.area):
            return caller
    raise not_clinic_staff()


ScanningCallerDep = Annotated[Caller, Depends(get_scanning_caller)]


async def get_medical_staff(staff: ClinicStaffDep) -> ClinicStaff:
    """Who may write into a book: medical staff, never the reception desk alone."""
    if staff.assignment.role not in MEDICAL_ROLES:
        raise not_medical_staff()
    return staff


MedicalStaffDep = Annotated[ClinicStaff, Depends(get_medical_staff)]


def get_treated_person_id(
    person_id: Annotated[str, Path(max_length=64)], request: Request, staff: ClinicStaffDep, check_ins: CheckInsDep,
) -> str:
    """Medical staff read a whole book only while its owner is in their facility's queue today, waiting
    or with the doctor. Every other case (a receptionist, another facility, another day, a patient done
    or gone, an id that is nobody's) gets the very answer of a book that does not exist."""
    today = datetime.fromtimestamp(request.app.state.settings.clock(), VIETNAM_TZ).date().isoformat()
    if staff.assignment.role in MEDICAL_ROLES and check_ins.under_treatment(person_id, staff.facility_code, today):
        return person_id
    raise not_found("book")


TreatedPersonId = Annotated[str, Depends(get_treated_person_id)]
