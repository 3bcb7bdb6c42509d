"""Settings: language, large text, and signing out (which erases what this device keeps)."""

from __future__ import annotations

import flet as ft

from .. import theme
from ..components import loading, page_column, section, text, use_ui
from ..services import SessionContext
from .sign_in import language_switch


@ft.component
def SettingsView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t

    async def set_large_text(event) -> None:
        await session.set_large_text(bool(event.control.value))

    if state.me is None:  # signing out: this may re-render once before the sign-in screen replaces it
        return loading(t("Opening…"), ui)

    return page_column([
        section(t("Language"), [language_switch(state, session, ui)], ui, identifier="settings-language"),
        section(t("Display"), [
            ft.Switch(label=t("Large text"), value=state.large_text, on_change=set_large_text,
                      label_text_style=ft.TextStyle(size=ui.type.body)),
            text(t("Makes all text bigger; screens rearrange to fit."), ui, size=ui.type.small, color=theme.MUTED),
        ], ui),
        section(t("Privacy"), [
            text(t("See every time a health facility read your book."), ui),
            ft.TextButton(t("Who has looked at my book"), icon=ft.Icons.VISIBILITY, height=theme.TOUCH_TARGET,
                          on_click=session.go("/access-log")),
        ], ui),
        section(t("Account"), [
            text(t("Signed in as {name}", name=state.me.full_name), ui),
            ft.OutlinedButton(t("Sign out"), icon=ft.Icons.LOGOUT, height=theme.TOUCH_TARGET,
                              on_click=session.sign_out),
            text(t("Signing out erases the health data kept on this device."), ui, size=ui.type.small,
                 color=theme.MUTED),
        ], ui, identifier="settings-account"),
    ], ui)
