"""The facility's correction desk: citizens' open "this is wrong" requests, each answered by the
medical staff: declined with a reason the citizen reads, or corrected (the record resent from the
facility's software, which also answers it by itself)."""

from __future__ import annotations

from functools import partial

import flet as ft

from api_client.errors import ApiError, Offline

from .. import theme
from ..components import banner, card, empty_state, heading, info_row, loading, page_column, text, use_ui
from ..services import SessionContext
from ..services.corrections import CorrectionService
from ..services.session import user_message
from ..viewmodels.corrections import DeskRow, build_desk, decline_reason_error


@ft.component
def CorrectionDeskView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    requests, set_requests = ft.use_state(None)
    error, set_error = ft.use_state(None)
    declining, set_declining = ft.use_state(None)  # the id whose reason is being written
    reason_error, set_reason_error = ft.use_state(None)
    done, set_done = ft.use_state(None)  # what the last answer was, said once
    reason_ref = ft.use_ref(None)
    medical = state.me is not None and state.me.records_visits

    async def guard() -> None:
        if state.me is None:
            await session.navigate("/sign-in")
        elif not medical:
            await session.navigate("/reception" if state.me.clinic_assignment else "/")

    ft.use_effect(guard, [state.me is None])

    def service() -> CorrectionService:
        return CorrectionService(session.books.client)

    async def load() -> None:
        if not medical:
            return
        set_error(None)
        try:
            set_requests(await service().desk())
        except (ApiError, Offline) as failure:
            set_error(user_message(failure, t))

    ft.use_effect(load, [medical])

    async def answered(message: str) -> None:
        set_declining(None)
        set_reason_error(None)
        set_done(message)
        await load()

    async def decline(row: DeskRow) -> None:
        reason = (reason_ref.current.value if reason_ref.current else "") or ""
        if problem := decline_reason_error(reason, t):
            set_reason_error(problem)
            return
        try:
            await service().decline(row.request, reason.strip())
        except (ApiError, Offline) as failure:
            set_reason_error(user_message(failure, t))
            return
        await answered(t("Declined: the citizen can read your reason."))

    async def corrected(row: DeskRow) -> None:
        try:
            await service().corrected(row.request)
        except (ApiError, Offline) as failure:
            set_error(user_message(failure, t))
            return
        await answered(t("Marked as corrected."))

    def start_declining(row: DeskRow) -> None:
        set_reason_error(None)
        set_declining(row.request.id)

    if not medical:
        return page_column([text(t("Opening…"), ui)], ui)
    assignment = state.me.clinic_assignment if state.me else None
    header = ft.Row([
        ft.Column([heading(t("Correction requests"), ui, level=1),
                   text(assignment.facility_name or assignment.facility_code if assignment else "", ui,
                        color=theme.MUTED)], spacing=0, expand=True),
    ], vertical_alignment=ft.CrossAxisAlignment.START)
    label_style = ft.ButtonStyle(text_style=ft.TextStyle(size=ui.type.body))  # grows in large-text mode
    back = ft.TextButton(t("Back to reception"), icon=ft.Icons.ARROW_BACK, height=theme.TOUCH_TARGET,
                         on_click=session.go("/reception"), style=label_style)
    controls: list[ft.Control] = [
        back,
        header,
        text(t("Citizens report what they think is wrong in records your facility sent. Correct the record in your "
               "software and send it again (that answers the request by itself), or decline with a reason."), ui,
             color=theme.MUTED),
    ]
    if done:
        controls.append(banner(done, ui, tone="info", icon=ft.Icons.CHECK_CIRCLE_OUTLINE, identifier="desk-answered"))
    if error:
        controls.append(banner(error, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE, identifier="desk-error"))
    if requests is None and not error:
        controls.append(loading(t("Loading…"), ui))
    elif requests is not None and not requests:
        controls.append(card([empty_state(t("No open correction requests."), ui, ft.Icons.TASK_ALT)]))
    for row in build_desk(requests or [], t):
        lines: list[ft.Control] = [
            text(row.patient, ui, bold=True),
            *([text(row.record, ui, color=theme.PRIMARY)] if row.record else []),
            info_row(t("Item"), row.item, ui),
            info_row(t("The citizen's note"), row.note, ui),
            text(row.sent, ui, size=ui.type.small, color=theme.MUTED),
        ]
        if declining == row.request.id:
            lines += [
                ft.TextField(ref=reason_ref, label=t("Why is it not corrected?"), multiline=True, min_lines=2,
                             max_length=500, text_size=ui.type.body, label_style=ft.TextStyle(size=ui.type.body),
                             error=reason_error, autofocus=True),
                ft.Row([
                    ft.FilledButton(t("Decline"), icon=ft.Icons.BLOCK, height=theme.TOUCH_TARGET,
                                    on_click=partial(decline, row), style=label_style),
                    ft.TextButton(t("Cancel"), height=theme.TOUCH_TARGET, on_click=lambda: set_declining(None), style=label_style),
                ], wrap=True, spacing=theme.SPACE_S),
            ]
        else:
            lines.append(ft.Row([
                ft.FilledButton(t("Corrected and sent again"), icon=ft.Icons.TASK_ALT, height=theme.TOUCH_TARGET,
                                on_click=partial(corrected, row), style=label_style),
                ft.OutlinedButton(t("Decline"), icon=ft.Icons.BLOCK, height=theme.TOUCH_TARGET,
                                  on_click=partial(start_declining, row), style=label_style),
            ], wrap=True, spacing=theme.SPACE_S))
        controls.append(ft.Semantics(identifier="desk-correction", container=True, content=card(lines)))
    return page_column(controls, ui)
