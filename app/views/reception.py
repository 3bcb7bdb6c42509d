"""The reception desk (tiếp đón): scan the citizen's QR, read the summary, admit to today's queue.

A USB/HID scanner types into the focused field and presses Enter; paste works the same way. Where
there is a camera, pictures taken every half second are decoded on the server.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from functools import partial

import flet as ft

from api_client.errors import ApiError, Offline

from .. import theme
from ..components import (
    Ui,
    banner,
    button_style,
    card,
    heading,
    icon_button,
    info_row,
    page_column,
    section,
    status_chip,
    text,
    use_ui,
)
from ..components.camera_scanner import CameraScanner
from ..services import SessionContext
from ..services.session import user_message
from ..viewmodels.check_in import QueueRow, SummaryModel, build_summary, limited_notice, queue_rows, scan_kind
from .home import allergy_banner

IDENTITY_FIELD_WIDTH = 250  # identity facts side by side on a desk screen, one under another on a phone
QUEUE_REFRESH_SECONDS = 4
QUEUE_COLUMN_WIDTH = 440


def identity_card(model: SummaryModel, ui: Ui, action: ft.Control | None) -> ft.Control:
    """Name and the admit button on one line: at a desk, both are on screen without scrolling."""
    t = ui.t
    facts = [info_row(t("Personal ID number"), model.personal_id, ui)]
    insurance_chip = None
    if model.insurance:
        tone = {"valid": "success", "expiring": "warning", "expired": "danger"}[model.insurance.status]
        insurance_chip = status_chip(model.insurance.status_label, ui, tone)
        facts += [
            info_row(t("Health insurance card"), model.insurance.code, ui),
            info_row(t("Validity"), model.insurance.validity, ui),
            *([info_row(t("Benefit"), model.insurance.benefit, ui)] if model.insurance.benefit else []),
            info_row(t("Registered primary care facility"), model.insurance.facility, ui),
        ]
    else:
        facts.append(info_row(t("Health insurance card"), t("No card linked"), ui))
    facts += [info_row(t("Guardian or caregiver"), guardian, ui) for guardian in model.guardians]
    name = ft.Column([
        ft.Semantics(identifier="patient-name", content=ft.Text(model.name, size=ui.type.headline,
                                                               weight=ft.FontWeight.BOLD)),
        ft.Row([text(model.born, ui, color=theme.MUTED), *([insurance_chip] if insurance_chip else [])],
               wrap=True, spacing=theme.SPACE_S),
    ], spacing=2, expand=True)
    if action is None:
        top: ft.Control = name
    elif ui.wide:
        top = ft.Row([name, action], vertical_alignment=ft.CrossAxisAlignment.START)
    else:  # a phone: the button under the name, full width (a Wrap cannot hold an expanding child)
        name.expand = False
        top = ft.Column([name, action], spacing=theme.SPACE_S, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
    if ui.wide:
        facts_block: ft.Control = ft.Row([ft.Container(f, width=IDENTITY_FIELD_WIDTH) for f in facts], wrap=True,
                                         spacing=theme.SPACE_M, run_spacing=theme.SPACE_S)
    else:
        facts_block = ft.Column(facts, spacing=theme.SPACE_S)
    return card([top, facts_block], identifier="patient-identity")


def summary_details(model: SummaryModel, ui: Ui) -> list[ft.Control]:
    """What a full check-in adds: conditions, medicines, visits, vaccinations."""
    t = ui.t
    nothing = [text(t("Nothing recorded"), ui, color=theme.MUTED)]
    return [
        section(t("Long-term conditions"), [text(c, ui) for c in model.conditions] or nothing, ui),
        section(t("Current medicines"), [
            ft.Column([text(name, ui, bold=True), text(detail, ui, size=ui.type.small, color=theme.MUTED)], spacing=2)
            for name, detail in model.medicines
        ] or nothing, ui, identifier="current-medicines"),
        section(t("Last visits"), [text(v, ui) for v in model.last_visits] or nothing, ui),
        section(t("Vaccinations"), [text(v, ui, size=ui.type.small) for v in model.vaccinations] or nothing, ui),
    ]


def queue_tile(row: QueueRow, ui: Ui, *, medical: bool, on_status, on_open) -> ft.Control:
    t = ui.t
    actions: list[ft.Control] = []
    if row.open:
        if row.status == "waiting":
            actions.append(ft.TextButton(t("Call in"), icon=ft.Icons.CAMPAIGN, style=button_style(ui), on_click=partial(on_status, row, "with_doctor")))
        elif medical:
            actions.append(ft.TextButton(t("Finish the visit"), icon=ft.Icons.TASK_ALT, style=button_style(ui), on_click=partial(on_status, row, "done")))
        actions.append(ft.TextButton(t("Left"), icon=ft.Icons.DIRECTIONS_WALK, style=button_style(ui), on_click=partial(on_status, row, "left")))
        if medical:
            actions.append(ft.TextButton(t("Open the health book"), icon=ft.Icons.MENU_BOOK,
                                         style=button_style(ui), on_click=partial(on_open, row)))
    return ft.Semantics(identifier=f"queue-{row.number}", container=True, content=ft.Container(
        ft.Column([
            ft.Row([status_chip(row.number, ui, "neutral"), status_chip(row.status_label, ui, row.tone)],
                   spacing=theme.SPACE_S),
            ft.Container(text(row.line, ui), on_click=partial(on_open, row), ink=True,
                         tooltip=t("Open the patient")),
            ft.Row(actions, wrap=True, spacing=0) if actions else ft.Container(),
        ], spacing=theme.SPACE_XS),
        padding=theme.SPACE_S, border_radius=theme.RADIUS, border=ft.Border.all(1, "#D5DCE3"),
    ))


@ft.component
def ReceptionView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    check_in, set_check_in = ft.use_state(None)
    admitted, set_admitted = ft.use_state(None)
    error, set_error = ft.use_state(None)
    ask_again, set_ask_again = ft.use_state(None)  # the server's "already in today's queue" message
    queue, set_queue = ft.use_state([])
    camera_on, set_camera_on = ft.use_state(False)
    scans, set_scans = ft.use_state(0)  # a new, empty, focused field after each scan
    answer_ref = ft.use_ref(None)
    busy, set_busy = ft.use_state(False)
    card_prompt, set_card_prompt = ft.use_state(None)  # (code, CardPrompt): a printed card waits for its answer
    cards_revoked, set_cards_revoked = ft.use_state(False)
    assignment = state.me.clinic_assignment if state.me else None
    medical = state.me is not None and state.me.records_visits

    async def guard() -> None:
        if state.me is None:
            await session.navigate("/sign-in")
        elif assignment is None:
            await session.navigate("/")

    ft.use_effect(guard, [state.me is None])

    async def refresh_queue() -> None:
        with contextlib.suppress(ApiError, Offline):  # the scan still works; the queue shows again on the next refresh
            set_queue(await session.check_in.queue())

    async def keep_queue_fresh() -> None:
        """Other desks and the doctors change the queue: it follows within a few seconds."""
        while assignment is not None:
            await refresh_queue()
            await asyncio.sleep(QUEUE_REFRESH_SECONDS)

    ft.use_effect(keep_queue_fresh, [assignment is not None], cleanup=lambda: None)  # unmounting stops it

    def start(new_check_in) -> None:
        set_check_in(new_check_in)
        set_admitted(None)
        set_ask_again(None)
        set_error(None)
        set_card_prompt(None)
        set_cards_revoked(False)

    async def look_up(code: str) -> None:
        code = code.strip()
        if not code or busy:
            return
        set_busy(True)
        start(None)
        try:
            kind = scan_kind(code)
            if kind == "card":  # a printed card: its owner answers the second factor first
                set_card_prompt((code, await session.check_in.present_card(code)))
            else:
                start(await (session.check_in.identify(code) if kind == "identify" else session.check_in.redeem(code)))
        except (ApiError, Offline) as failure:
            set_error(user_message(failure, t))
        finally:
            set_busy(False)
            set_camera_on(False)
            set_scans(scans + 1)

    async def answer_card(event: ft.Event) -> None:
        if card_prompt is None or busy:
            return
        answer = (answer_ref.current.value or "").strip() if answer_ref.current else ""
        if not answer:
            return
        set_busy(True)
        try:
            start(await session.check_in.present_card(card_prompt[0], answer))
        except ApiError as failure:
            set_error(user_message(failure, t))
            if failure.status != 403:  # a wrong answer may be tried again; a revoked or unknown card not
                set_card_prompt(None)
        except Offline as failure:
            set_error(user_message(failure, t))
        finally:
            set_busy(False)

    async def report_lost() -> None:
        try:
            await session.check_in.report_cards_lost(check_in)
            set_cards_revoked(True)
        except (ApiError, Offline) as failure:
            set_error(user_message(failure, t))

    async def submitted(event: ft.Event) -> None:
        await look_up(event.control.value or "")

    async def admit(again: bool = False) -> None:
        try:
            set_admitted(await session.check_in.admit(check_in, again=again))
            set_ask_again(None)
            await refresh_queue()
        except ApiError as failure:
            if failure.code == "already_admitted_today":
                set_ask_again(failure.message)
            else:
                set_error(user_message(failure, t))
        except Offline as failure:
            set_error(user_message(failure, t))

    async def change_status(row: QueueRow, status: str) -> None:
        try:
            await session.check_in.set_status(row.check_in_id, status)
        except (ApiError, Offline) as failure:
            set_error(user_message(failure, t))
        await refresh_queue()

    async def open_patient(row: QueueRow) -> None:
        """A doctor opens the book of the patient in front of them; the desk reopens the summary."""
        if medical and row.open:
            await session.navigate(f"/patients/{row.person_id}")
            return
        try:
            start(await session.check_in.reopen(row.check_in_id))
        except (ApiError, Offline) as failure:
            set_error(user_message(failure, t))

    async def record() -> None:
        state.recording_for = (check_in.summary.personal_id, check_in.summary.full_name)
        await session.navigate("/record-visit")

    if assignment is None:
        return page_column([text(t("Opening…"), ui)], ui)

    other_language = {"vi": ("en", "English"), "en": ("vi", "Tiếng Việt")}[state.language]
    title = ft.Column([heading(t("Reception"), ui, level=1),
                       text(assignment.facility_name or assignment.facility_code, ui, color=theme.MUTED)],
                      spacing=0, expand=ui.wide)
    tools = [
        ft.TextButton(other_language[1], icon=ft.Icons.TRANSLATE, height=theme.TOUCH_TARGET,
                      style=button_style(ui), on_click=partial(session.set_language, other_language[0])),
        icon_button(ft.Icons.MENU_BOOK, t("My own health book"), session.go("/")),
        *([ft.TextButton(t("Correction requests"), icon=ft.Icons.FACT_CHECK_OUTLINED, height=theme.TOUCH_TARGET,
                         style=button_style(ui), on_click=session.go("/clinic/corrections"))] if medical else []),  # answered by medical staff
        icon_button(ft.Icons.LOGOUT, t("Sign out"), session.sign_out),
    ]
    header: ft.Control = ft.Row([title, *tools]) if ui.wide else ft.Column([title, ft.Row(tools, wrap=True)])
    scan_field = ft.TextField(
        key=f"scan-{scans}", autofocus=card_prompt is None, label=t("Scan or type the patient's code or number"),
        hint_text=t("Health book QR, chip ID card, 12-digit ID or BHYT number"), prefix_icon=ft.Icons.QR_CODE_SCANNER,
        on_submit=submitted, text_size=ui.type.body, disabled=busy, expand=True,
    )
    desk: list[ft.Control] = [card([
        ft.Row([scan_field]),
        ft.OutlinedButton(t("Stop the camera") if camera_on else t("Use the camera"),
                          icon=ft.Icons.VIDEOCAM_OFF if camera_on else ft.Icons.PHOTO_CAMERA,
                          style=button_style(ui, wraps=True), on_click=lambda: set_camera_on(not camera_on)),
        CameraScanner(session.check_in.decode, look_up, set_error,
                      t("No camera was found on this device. Use the scanner or paste the code."))
        if camera_on else ft.Container(),
    ], identifier="scan-card")]
    if card_prompt is not None:
        prompt = card_prompt[1]
        question = (t("Ask {name} for their birth year.", name=prompt.first_name)
                    if prompt.second_factor == "birth_year"
                    else t("Ask {name} for the 4-digit PIN of their card.", name=prompt.first_name))
        desk.append(card([
            heading(t("Printed check-in card"), ui, level=2),
            text(question, ui),
            ft.Row([ft.TextField(ref=answer_ref, key=f"card-answer-{scans}", autofocus=True,
                                 label=t("Birth year") if prompt.second_factor == "birth_year" else t("PIN"),
                                 keyboard_type=ft.KeyboardType.NUMBER, max_length=4, text_size=ui.type.body,
                                 password=prompt.second_factor != "birth_year", on_submit=answer_card,
                                 expand=True)]),
            ft.FilledButton(t("Confirm and open the summary"), icon=ft.Icons.HOW_TO_REG,
                            style=button_style(ui, wraps=True), on_click=answer_card),
        ], identifier="card-second-factor"))
    if busy:
        desk.append(ft.ProgressBar())
    if error:
        desk.append(banner(error, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE, identifier="scan-error"))
    if check_in is not None:
        model = build_summary(check_in.summary, now=datetime.now(UTC), t=t)
        if admitted is None:
            action: ft.Control = ft.FilledButton(t("Check in"), icon=ft.Icons.HOW_TO_REG,
                                                 height=theme.TOUCH_TARGET + 8, style=button_style(ui), on_click=partial(admit, False))
        else:
            action = ft.Semantics(identifier="admitted", live_region=True, content=status_chip(
                t("Queue number {number}", number=admitted.queue_number), ui, "success"))
        desk += [allergy_banner(model.allergies, ui), identity_card(model, ui, action)]
        if ask_again:
            desk.append(card([
                banner(ask_again, ui, tone="warning", icon=ft.Icons.WARNING_AMBER, identifier="admit-again"),
                ft.Row([ft.FilledButton(t("Give a second number"), style=button_style(ui, wraps=True), on_click=partial(admit, True)),
                        ft.TextButton(t("Do not admit again"), style=button_style(ui, wraps=True), on_click=lambda: set_ask_again(None))], wrap=True),
            ]))
        if admitted is not None:
            desk.append(banner(t("Checked in. Queue number {number}.", number=admitted.queue_number), ui,
                               tone="info", icon=ft.Icons.CHECK_CIRCLE, identifier="admitted-banner"))
            if medical:  # only medical staff record a visit or read the whole book
                desk.append(ft.Row([
                    ft.FilledButton(t("Record the visit"), icon=ft.Icons.EDIT_NOTE,
                                    style=button_style(ui, wraps=True), on_click=record),
                    ft.OutlinedButton(t("Open the health book"), icon=ft.Icons.MENU_BOOK,
                                      style=button_style(ui, wraps=True), on_click=session.go(f"/patients/{check_in.summary.person_id}")),
                ], wrap=True))
        if cards_revoked:
            desk.append(banner(t("Every printed check-in card of this patient now stops working. They can print "
                                 "a new one in the app, or with a volunteer's help."), ui, tone="info",
                               icon=ft.Icons.CREDIT_CARD_OFF, identifier="cards-revoked"))
        else:
            desk.append(ft.Row([ft.TextButton(t("The patient lost their check-in card"), icon=ft.Icons.CREDIT_CARD_OFF,
                                              style=button_style(ui, wraps=True), on_click=report_lost)], wrap=True))
        if check_in.limited:
            desk.append(banner(limited_notice(check_in.method, t), ui, tone="info", icon=ft.Icons.BADGE,
                               identifier="limited-summary"))
        else:
            desk += summary_details(model, ui)
    rows = [queue_tile(row, ui, medical=medical, on_status=change_status, on_open=open_patient)
            for row in queue_rows(queue, t)]
    queue_section = section(t("Today's queue"), rows or [text(t("Nobody has been checked in today yet."), ui,
                                                               color=theme.MUTED)], ui, identifier="queue")
    if not ui.wide:
        return page_column([header, *desk, queue_section], ui)
    column = ft.Column(desk, spacing=theme.SPACE_M, scroll=ft.ScrollMode.AUTO, expand=True,
                       horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
    side = ft.Column([queue_section], scroll=ft.ScrollMode.AUTO, width=QUEUE_COLUMN_WIDTH,
                     horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
    return ft.Container(ft.Column([header, ft.Row([column, side], expand=True, spacing=theme.SPACE_L,
                                                  vertical_alignment=ft.CrossAxisAlignment.START)],
                                  expand=True, spacing=theme.SPACE_M),
                        padding=theme.SPACE_L, expand=True)
