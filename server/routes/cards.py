"""Printed check-in cards: issued by the citizen (or a guardian for a child, or in an assisted session),
printed from the code only the answer to issuing holds, revoked when lost; at the counter, the card's
code and then a second factor (birth year or PIN) before the summary shows."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Request, Response

from api_client.models import (
    VIETNAM_TZ,
    ActivationStep,
    CardPrintRequest,
    CardPrompt,
    CardRedeemRequest,
    CheckIn,
    CheckInCard,
    CheckInCardRequest,
    CheckInStatus,
    IssuedCheckInCard,
)
from locales import negotiate

from ..deps import ClinicStaffDep, Level2CallerDep, OwnPersonId, StoreDep, readable_person_id
from ..errors import birth_year_unknown, card_refused, check_in_not_found, not_found, too_many_attempts
from ..storage import new_id
from ..storage.activation import StepDoneBy
from ..storage.cards import CheckInCardStore
from ..storage.check_ins import iso
from ..storage.protocols import BookRepository
from .check_in import attempt_keys, check_in_response, new_check_in, now

log = logging.getLogger("server.cards")
router = APIRouter(tags=["check-in cards"])


def first_name(full_name: str) -> str:
    """The given name, which Vietnamese names put last: all a card shows of its owner."""
    return full_name.split()[-1] if full_name.split() else ""


def readable_ids(store: BookRepository, own_person_id: str) -> list[str]:
    return [own_person_id, *(dependent.person_id for dependent in store.dependents_of(own_person_id))]


def find_card(request: Request, store: BookRepository, own_person_id: str, card_id: str) -> dict:
    cards: CheckInCardStore = request.app.state.cards
    for card in cards.cards_of(readable_ids(store, own_person_id)):
        if card["id"] == card_id:
            return card
    raise card_refused("card_not_found")


@router.post("/me/check-in-cards", status_code=201, response_model=IssuedCheckInCard)
def issue_card(request: Request, caller: Level2CallerDep, own_person_id: OwnPersonId, store: StoreDep,
               body: Annotated[CheckInCardRequest | None, Body()] = None) -> IssuedCheckInCard:
    """A new card for the caller or a dependent. The code is in this answer only: print it now."""
    body = body or CheckInCardRequest()
    person_id = readable_person_id(store, own_person_id, body.person_id or own_person_id)
    person = store.person(person_id)
    if person is None:
        raise not_found("book")
    if not body.pin and not (person.get("birth_date") or "")[:4].isdigit():
        raise birth_year_unknown()  # no answer could ever open a birth-year card
    moment = now(request)
    card, code = request.app.state.cards.issue(person_id, first_name(person["full_name"]), body.second_factor,
                                               body.pin, caller.personal_id, moment)
    if person.get("personal_id"):
        helper = caller.assisted_by
        request.app.state.activation.record_steps(
            person["personal_id"], [ActivationStep.CARD_PRINTED], moment, observed=True,
            done_by=StepDoneBy(helper.personal_id, helper.full_name, None) if helper else None)
    return IssuedCheckInCard.model_validate({**card, "code": code})


@router.get("/me/check-in-cards", response_model=list[CheckInCard])
def list_cards(request: Request, own_person_id: OwnPersonId, store: StoreDep) -> list[CheckInCard]:
    """The caller's cards and their dependents', newest first, revoked ones too (so a lost one shows)."""
    return [CheckInCard.model_validate(card)
            for card in request.app.state.cards.cards_of(readable_ids(store, own_person_id))]


@router.delete("/me/check-in-cards/{card_id}", status_code=204)
def revoke_card(card_id: str, request: Request, own_person_id: OwnPersonId, store: StoreDep) -> Response:
    card = find_card(request, store, own_person_id, card_id)
    request.app.state.cards.revoke(card["person_id"], card_id, now(request))
    return Response(status_code=204)


@router.post("/me/check-in-cards/{card_id}/print", response_class=Response,
             responses={200: {"content": {"application/pdf": {}}, "description": "The card, ready to print"}})
def print_card(card_id: str, body: CardPrintRequest, request: Request, own_person_id: OwnPersonId,
               store: StoreDep) -> Response:
    """The card as a PDF (ID-1 card size or A6), from the code the answer to issuing held."""
    from ..printing import check_in_card_pdf

    card = find_card(request, store, own_person_id, card_id)
    if card["revoked_at"] or not request.app.state.cards.holds_code(card["person_id"], card_id, body.code):
        raise card_refused("card_not_found")
    pdf = check_in_card_pdf(code=body.code, first_name=card["first_name"], second_factor=card["second_factor"],
                            size=body.size, language=negotiate(request.headers.get("accept-language")))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="the-kham-benh.pdf"', "Cache-Control": "no-store"})


@router.post("/clinic/card-check-ins", response_model=None,
             responses={200: {"model": CardPrompt, "description": "Ask the patient for this second factor"},
                        201: {"model": CheckIn, "description": "Checked in: the patient summary"}})
def present_card(body: CardRedeemRequest, request: Request, staff: ClinicStaffDep) -> Response:
    """A printed card at the counter. Unknown, revoked and wrongly answered cards count towards the desk's
    limit, and wrong answers also towards the card's own (its PIN has only 10 000 values)."""
    throttle, card_throttle = request.app.state.redeem_throttle, request.app.state.card_throttle
    keys = attempt_keys(request, staff)
    if wait := throttle.retry_after(keys):
        raise too_many_attempts(wait)
    cards: CheckInCardStore = request.app.state.cards
    card = cards.by_code(body.code)
    if card is None or card.revoked:
        throttle.record_failure(keys)
        raise card_refused("card_revoked" if card else "card_not_found")
    card_keys = [f"card:{card.id}"]
    if wait := card_throttle.retry_after(card_keys):
        raise too_many_attempts(wait)
    if body.second_factor is None:
        prompt = CardPrompt(first_name=card.first_name, second_factor=card.second_factor)
        return Response(prompt.model_dump_json(), 200, media_type="application/json")
    # Each answer is counted as wrong before it is checked: a burst of guesses gets five answers, not thirty.
    reserved = []
    for limit, limit_keys, refusal in ((throttle, keys, too_many_attempts), (card_throttle, card_keys, too_many_attempts),
                                       (request.app.state.card_month_throttle, card_keys,
                                        lambda _wait: card_refused("card_suspended"))):
        wait, at = limit.reserve(limit_keys)
        if wait:
            raise refusal(wait)
        reserved.append((limit, limit_keys, at))
    if not cards.second_factor_matches(card, body.second_factor):
        log.info("check-in card refused: wrong second factor (card %s)", card.id[:8])
        raise card_refused("second_factor_wrong")
    for limit, limit_keys, at in reserved:
        limit.forgive(limit_keys, at)
    moment = now(request)
    check_in_id = new_id()
    cards.check_in_with(card, moment, new_check_in(check_in_id, staff))
    return check_in_response(request.app.state.store, request.app.state.check_ins, card.person_id, moment,
                             status_code=201, id=check_in_id, facility_code=staff.facility_code,
                             checked_at=iso(moment), status=CheckInStatus.SCANNED, queue_number=None, method="printed_card",
                             limited=False)


@router.delete("/clinic/check-ins/{check_in_id}/cards", status_code=204)
def revoke_cards_at_the_station(check_in_id: str, request: Request, staff: ClinicStaffDep) -> Response:
    """A patient identified at this facility today reports their card lost: every card of theirs stops
    working. A check-in of another day or facility is answered like a missing one."""
    found = request.app.state.check_ins.check_in(check_in_id)
    today = datetime.fromtimestamp(now(request), VIETNAM_TZ).date().isoformat()
    if found is None or found["facility_code"] != staff.facility_code or found.get("day") != today:
        raise check_in_not_found()
    request.app.state.cards.revoke_all(found["person_id"], now(request))
    return Response(status_code=204)
