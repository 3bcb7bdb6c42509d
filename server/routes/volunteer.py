"""The volunteer's desk (Hỗ trợ người dân): a resident's activation status, never their health data; the
steps the volunteer helped with; the ward's follow-up list; and the ticket for an assisted sign-in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from api_client.models import (
    ActivationLookup,
    ActivationStatus,
    ActivationStep,
    AssistTicket,
    FollowUpPage,
    StaffRole,
    StepDone,
    StepState,
)

from ..deps import Level2CallerDep
from ..errors import (
    assisted_session_not_allowed,
    card_mismatch,
    identify_query_unreadable,
    not_volunteer,
    resident_not_found,
    too_many_attempts,
)
from ..identification import UnreadableQuery, card_differences, read_query
from ..security import Caller
from ..storage.activation import ActivationStore, ResidentIdentity, StepDoneBy

router = APIRouter(prefix="/volunteer", tags=["volunteer"])

LOOKUP_VALID_SECONDS = 2 * 3600  # a visit at someone's door: the checklist can be ticked for two hours


@dataclass(frozen=True)
class Volunteer:
    caller: Caller
    commune_code: str

    def done_by(self) -> StepDoneBy:
        return StepDoneBy(self.caller.personal_id, self.caller.full_name, self.commune_code)

    def as_actor(self) -> dict[str, str | None]:
        return {"name": self.caller.full_name, "role": StaffRole.VOLUNTEER.value, "facility_code": None}


def get_volunteer(request: Request, caller: Level2CallerDep) -> Volunteer:
    """A volunteer with a ward; in a session they lent their device for, the citizen is the caller."""
    if caller.assisted_by is not None:
        raise assisted_session_not_allowed()
    for assignment in request.app.state.store.staff_assignments(caller.personal_id):
        if assignment.role == StaffRole.VOLUNTEER and assignment.area:
            return Volunteer(caller, assignment.area)
    raise not_volunteer()


VolunteerDep = Annotated[Volunteer, Depends(get_volunteer)]


def attempt_keys(request: Request, volunteer: Volunteer) -> list[str]:
    return [f"volunteer:{volunteer.caller.sub}", f"address:{request.client.host if request.client else '-'}"]


def activation_status(activation: ActivationStore, identity: ResidentIdentity) -> ActivationStatus:
    done = activation.steps_of(identity.personal_id)
    names = activation.area_names([record.commune_code for record in done.values() if record.commune_code]
                                  + ([identity.commune_code] if identity.commune_code else []))
    steps = []
    for step in ActivationStep:
        record = done.get(step)
        steps.append(StepState(step=step, done=False) if record is None else StepState(
            step=step, done=True, done_at=datetime.fromisoformat(record.done_at), observed=record.observed,
            helper_name=record.helper_name, place=names.get(record.commune_code or "")))
    return ActivationStatus(
        personal_id=identity.personal_id, full_name=identity.full_name, birth_year=identity.birth_year,
        commune_name=names.get(identity.commune_code or ""), in_register=identity.in_register, steps=steps)


@router.post("/lookup", response_model=ActivationStatus)
def look_up_resident(body: ActivationLookup, request: Request, volunteer: VolunteerDep) -> ActivationStatus:
    """A resident present in person, by the chip ID card's QR or a typed personal ID. The look-up is a
    line in their access log when they have a book; failures count like the counter's."""
    activation: ActivationStore = request.app.state.activation
    throttle = request.app.state.redeem_throttle
    keys = attempt_keys(request, volunteer)
    if wait := throttle.retry_after(keys):
        raise too_many_attempts(wait, looking_up=True)
    if wait := request.app.state.lookup_throttle.reserve([f"volunteer:{volunteer.caller.sub}"])[0]:
        raise too_many_attempts(wait, looking_up=True)  # each look-up counts, found or not
    try:
        query = read_query(body.query)
        if query.method == "bhyt":
            raise UnreadableQuery("volunteers identify by the chip ID card")
    except UnreadableQuery:
        throttle.record_failure(keys)
        raise identify_query_unreadable() from None
    identity = activation.identity(query.number)
    if identity is None:
        throttle.record_failure(keys)
        raise resident_not_found()
    if differences := card_differences(query, identity.full_name, identity.birth_date, identity.precision):
        throttle.record_failure(keys)
        raise card_mismatch(differences)
    moment = request.app.state.settings.clock()
    activation.looked_up(volunteer.caller.personal_id, identity.personal_id, moment)  # for everyone, book or not
    if identity.person_id:
        request.app.state.check_ins.log_read(identity.person_id, moment, volunteer.as_actor(), what="identity",
                                             purpose="activation_help", method=query.method)
    return activation_status(activation, identity)


@router.post("/residents/{personal_id}/steps", response_model=ActivationStatus)
def mark_step_done(personal_id: Annotated[str, Path(pattern=r"^[0-9]{12}$")], body: StepDone, request: Request,
                   volunteer: VolunteerDep) -> ActivationStatus:
    """The volunteer ticks a step done with the resident they have just looked up (present in person):
    who helped, when and in which ward. Any other number is answered like an unknown one, and counted."""
    activation: ActivationStore = request.app.state.activation
    throttle, keys = request.app.state.redeem_throttle, attempt_keys(request, volunteer)
    if wait := throttle.retry_after(keys):
        raise too_many_attempts(wait, looking_up=True)
    since = request.app.state.settings.clock() - LOOKUP_VALID_SECONDS
    identity = activation.identity(personal_id)
    if identity is None or not activation.looked_up_since(volunteer.caller.personal_id, personal_id, since):
        throttle.record_failure(keys)
        raise resident_not_found()
    activation.record_steps(personal_id, [body.step], request.app.state.settings.clock(), observed=False,
                            done_by=volunteer.done_by())
    return activation_status(activation, identity)


@router.get("/follow-up", response_model=FollowUpPage)
def follow_up(request: Request, volunteer: VolunteerDep, limit: Annotated[int, Query(ge=1, le=200)] = 50,
              offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> FollowUpPage:
    """The residents of the volunteer's own ward not yet activated, for the ward's review."""
    return request.app.state.population.follow_up(volunteer.commune_code, limit, offset)


@router.post("/assist-tickets", status_code=201, response_model=AssistTicket)
async def assist_ticket(request: Request, volunteer: VolunteerDep) -> AssistTicket:
    """Lets a citizen sign in themself on this volunteer's device; the provider marks that sign-in as
    assisted (`act`) and keeps it short."""
    answer = await request.app.state.verifier.assist_ticket(volunteer.caller.sub)
    now = request.app.state.settings.clock()
    return AssistTicket(ticket=answer["ticket"], expires_at=datetime.fromtimestamp(now + answer["expires_in"], UTC),
                        session_minutes=round(answer.get("session_seconds", 900) / 60))
