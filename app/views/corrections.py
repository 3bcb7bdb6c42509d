"""Yêu cầu sửa thông tin: what the citizen reported as wrong, where it went, and the facility's answer."""

from __future__ import annotations

from functools import partial

import flet as ft

from api_client.errors import ApiError, Offline

from .. import theme
from ..components import (
    card,
    empty_state,
    error_state,
    heading,
    info_row,
    loading,
    page_column,
    status_chip,
    text,
    use_ui,
)
from ..services import SessionContext
from ..services.corrections import CorrectionService
from ..services.session import user_message
from ..viewmodels.corrections import CorrectionRow, build_corrections


@ft.component
def CorrectionsView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    requests, set_requests = ft.use_state(None)
    error, set_error = ft.use_state(None)
    person_id = state.active_person_id
    own = state.me is not None and person_id == state.me.person_id

    def service() -> CorrectionService:
        return CorrectionService(session.books.client)  # whoever is signed in now (an assisted session too)

    async def load() -> None:
        if state.me is None or person_id is None:
            return
        set_error(None)
        try:
            set_requests(await service().requests(None if own else person_id))
        except (ApiError, Offline) as failure:
            set_error(user_message(failure, t))

    ft.use_effect(load, [person_id])

    async def withdraw(row: CorrectionRow) -> None:
        try:
            await service().withdraw(row.id, None if own else person_id)
        except (ApiError, Offline) as failure:
            set_error(user_message(failure, t))
            return
        await load()

    controls: list[ft.Control] = [
        heading(t("Correction requests"), ui, level=1),
        text(t("When something in the book is wrong, press \"Report wrong information\" beside it. The facility "
               "that recorded it answers here."), ui, color=theme.MUTED),
    ]
    if error:
        controls.append(error_state(error, ui, on_retry=load))
    elif requests is None:
        controls.append(loading(t("Loading…"), ui))
    elif not requests:
        controls.append(card([empty_state(t("You have not reported anything yet."), ui, ft.Icons.FACT_CHECK_OUTLINED)]))
    else:
        controls += [request_card(row, ui, on_withdraw=partial(withdraw, row)) for row in build_corrections(requests, t)]
    return page_column(controls, ui)


def request_card(row: CorrectionRow, ui, *, on_withdraw) -> ft.Control:
    t = ui.t
    lines: list[ft.Control] = [
        ft.Row([status_chip(row.status, ui, row.tone)], wrap=True),
        text(row.item, ui, bold=True),
        info_row(t("Facility"), row.facility, ui),
        *([text(row.visit, ui, size=ui.type.small, color=theme.MUTED)] if row.visit else []),
        info_row(t("What you wrote"), row.note, ui),
        text(row.sent, ui, size=ui.type.small, color=theme.MUTED),
        *([text(row.answered, ui, size=ui.type.small, color=theme.MUTED)] if row.answered else []),
        *([info_row(t("The facility's note"), row.answer_note, ui)] if row.answer_note else []),
    ]
    if row.can_withdraw:
        lines.append(ft.OutlinedButton(t("Withdraw the request"), icon=ft.Icons.UNDO, height=theme.TOUCH_TARGET,
                                       on_click=on_withdraw,
                                       style=ft.ButtonStyle(text_style=ft.TextStyle(size=ui.type.body))))
    return ft.Semantics(identifier="correction-request", container=True, content=card(lines))
