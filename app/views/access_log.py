"""Ai đã xem sổ của tôi: every read of the book by someone other than its owner or guardian."""

from __future__ import annotations

import flet as ft

from api_client.errors import ApiError, Offline

from .. import theme
from ..components import card, empty_state, error_state, heading, loading, page_column, text, use_ui
from ..services import SessionContext
from ..services.session import user_message
from ..viewmodels.check_in import build_access_log


@ft.component
def AccessLogView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    entries, set_entries = ft.use_state(None)
    error, set_error = ft.use_state(None)
    person_id = state.active_person_id

    async def load() -> None:
        if state.me is None or person_id is None:
            return
        set_error(None)
        try:
            own = person_id == state.me.person_id
            set_entries(await session.check_in.access_log(None if own else person_id))
        except (ApiError, Offline) as failure:
            set_error(user_message(failure, t))

    ft.use_effect(load, [person_id])
    controls: list[ft.Control] = [
        heading(t("Who has looked at my book"), ui, level=1),
        text(t("Every time someone other than you or your guardian reads your book, it is written here."), ui,
             color=theme.MUTED),
    ]
    if error:
        controls.append(error_state(error, ui, on_retry=load))
    elif entries is None:
        controls.append(loading(t("Loading…"), ui))
    elif not entries:
        controls.append(card([empty_state(t("Nobody else has looked at this book yet."), ui, ft.Icons.LOCK_OUTLINE)]))
    else:
        controls += [
            ft.Semantics(identifier="access-entry", container=True, content=card([
                text(row.when, ui, bold=True), text(row.who, ui),
                *([text(row.where, ui, color=theme.PRIMARY)] if row.where else []),  # a volunteer has no facility
                text(row.what, ui, size=ui.type.small, color=theme.MUTED),
            ]))
            for row in build_access_log(entries, t)
        ]
    return page_column(controls, ui)
