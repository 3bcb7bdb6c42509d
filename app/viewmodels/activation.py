"""The volunteer's desk: a resident's activation checklist and the ward's follow-up list, as display rows.

Pure functions: wire models and a translator in, words out. Nothing of a health book is ever here: the
models carry none, and the rows say only which steps are done, when and by whom.
"""

from __future__ import annotations

from dataclasses import dataclass

from api_client.identifiers import N_
from api_client.models import (
    ACTIVATED_WITH,
    ActivationStatus,
    ActivationStep,
    FollowUpPage,
    Me,
    StaffAssignment,
    StaffRole,
    StepState,
)

from ..i18n import Translator, local

STEP_LABEL = {
    ActivationStep.ACCOUNT: N_("VNeID account"),
    ActivationStep.LEVEL2: N_("Level 2 identity"),
    ActivationStep.BHYT_LINKED: N_("Health insurance card linked"),
    ActivationStep.BOOK_OPENED: N_("Health book opened"),
    ActivationStep.OWN_PHONE: N_("Check-in QR tried on own phone"),
    ActivationStep.CARD_PRINTED: N_("Printed check-in card"),
}

# Read aloud to an elderly resident as much as by the volunteer: one thing to do, where, with what.
STEP_GUIDANCE = {
    ActivationStep.ACCOUNT: N_(
        "Install the VNeID app from CH Play or the App Store, and register with the resident's own ID card "
        "number and own phone number. The resident chooses the password and keeps it to themselves."),
    ActivationStep.LEVEL2: N_(
        "Go to the commune or ward police with the chip ID card to activate level 2. It is free."),
    ActivationStep.BHYT_LINKED: N_("In VNeID, under the document wallet, add the health insurance card."),
    ActivationStep.BOOK_OPENED: N_("Sign in to the electronic health book with VNeID and open the book."),
    ActivationStep.OWN_PHONE: N_(
        "Open the check-in QR code on the resident's own phone and try having it scanned."),
    ActivationStep.CARD_PRINTED: N_(
        "For residents without a smartphone: print a check-in card with a QR code. Remind them to bring it "
        "to every visit."),
}


def step_label(step: ActivationStep, t: Translator) -> str:
    return t(STEP_LABEL[step])


def step_guidance(step: ActivationStep, t: Translator) -> str:
    return t(STEP_GUIDANCE[step])


def volunteer_assignment(me: Me | None) -> StaffAssignment | None:
    """The ward this account helps residents of, if it is a volunteer's."""
    if me is None:
        return None
    return next((r for r in me.roles if r.role == StaffRole.VOLUNTEER), None)


@dataclass(frozen=True)
class ChecklistRow:
    step: ActivationStep
    number: int
    label: str
    done: bool
    state_label: str  # said in words, never by colour alone
    done_text: str | None  # when and by whom, or that the system saw it
    guidance: str
    can_mark: bool


def done_text(state: StepState, t: Translator) -> str | None:
    """"Done at 09:12 2/12/2026 — Đỗ Minh Quân, Phường Quán Thánh", or what the system itself recorded."""
    if not state.done:
        return None
    when = None
    if state.done_at is not None:
        moment = local(state.done_at)
        when = {"time": t.time(moment), "date": t.date(moment.date())}
    if state.observed:
        return t("Recorded by the system at {time} {date}", **when) if when else t("Recorded by the system")
    who = ", ".join(part for part in (state.helper_name, state.place) if part)
    if when is None:
        return who or None
    return t("Done at {time} {date} — {who}", who=who, **when) if who else t("Done at {time} {date}", **when)


def checklist_rows(status: ActivationStatus, t: Translator) -> list[ChecklistRow]:
    """Every step, in the order they are walked, whether or not the server listed it."""
    by_step = {state.step: state for state in status.steps}
    rows = []
    for number, step in enumerate(ActivationStep, start=1):
        state = by_step.get(step) or StepState(step=step, done=False)
        rows.append(ChecklistRow(
            step=step, number=number, label=step_label(step, t), done=state.done,
            state_label=t("Step done") if state.done else t("Not done yet"),
            done_text=done_text(state, t), guidance=step_guidance(step, t), can_mark=not state.done,
        ))
    return rows


@dataclass(frozen=True)
class ResidentModel:
    name: str
    details: str  # "Born 1950 · Phường Quán Thánh"
    activated: bool
    overall: str  # Đã kích hoạt / Chưa kích hoạt xong
    still_to_do: str | None  # the steps activation still needs
    register_note: str | None
    rows: list[ChecklistRow]


def build_resident(status: ActivationStatus, t: Translator) -> ResidentModel:
    done = {state.step for state in status.steps if state.done}
    missing = [step_label(step, t) for step in ACTIVATED_WITH if step not in done]
    details = [t("Born {year}", year=status.birth_year) if status.birth_year else "", status.commune_name or ""]
    return ResidentModel(
        name=status.full_name,
        details=" · ".join(part for part in details if part),
        activated=status.activated,
        overall=t("Activated") if status.activated else t("Not fully activated yet"),
        still_to_do=t("Still to do: {steps}", steps=", ".join(missing)) if missing else None,
        register_note=None if status.in_register else t(
            "Not in the ward's population register yet. Ask the ward's committee to add them."),
        rows=checklist_rows(status, t),
    )


@dataclass(frozen=True)
class FollowUpRow:
    name: str
    details: str  # "Born 1950 · Thôn Đông"
    next_step: str  # "Next step: Level 2 identity"


def follow_up_rows(page: FollowUpPage, t: Translator) -> list[FollowUpRow]:
    """Name, birth year, hamlet and the next step: nothing more of anyone."""
    return [
        FollowUpRow(
            name=resident.full_name,
            details=" · ".join(part for part in (t("Born {year}", year=resident.birth_year), resident.hamlet or "")
                               if part),
            next_step=t("Next step: {step}", step=step_label(resident.next_step, t)),
        )
        for resident in page.residents
    ]


def follow_up_count(page: FollowUpPage, t: Translator) -> str:
    if page.total == 0:
        return t("Everyone in {ward} is activated.", ward=page.commune_name)
    return t.plural("{count} resident not yet fully activated in {ward}",
                    "{count} residents not yet fully activated in {ward}", page.total, ward=page.commune_name)


def more_to_show(page: FollowUpPage) -> bool:
    return page.total > len(page.residents)


def merge_pages(shown: FollowUpPage, following: FollowUpPage) -> FollowUpPage:
    """The list so far with the next page after it; the count is the newest one the server gave."""
    return following.model_copy(update={
        "offset": shown.offset, "limit": len(shown.residents) + len(following.residents),
        "residents": [*shown.residents, *following.residents],
    })
