"""An address the app does not know."""

from __future__ import annotations

import flet as ft

from .. import theme
from ..components import empty_state, page_column, use_ui
from ..services import SessionContext


@ft.component
def NotFoundView():
    _state, ui = use_ui()
    session = ft.use_context(SessionContext)
    return page_column([
        empty_state(ui.t("This page does not exist."), ui, ft.Icons.SEARCH_OFF),
        ft.FilledButton(ui.t("Go to the home page"), icon=ft.Icons.HOME, height=theme.TOUCH_TARGET,
                        on_click=session.go("/")),
    ], ui)
