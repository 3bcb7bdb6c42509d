"""Settings: language, large text, the book as a file to take elsewhere, and signing out (which erases what
this device keeps)."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from api_client.errors import ApiError, Offline

from .. import theme
from ..components import banner, button_style, loading, page_column, section, text, use_ui
from ..i18n import local
from ..services import SessionContext
from ..services.session import user_message
from .emergency_contact import EmergencyCardSection
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
            ft.TextButton(t("Correction requests"), icon=ft.Icons.FACT_CHECK_OUTLINED, height=theme.TOUCH_TARGET,
                          on_click=session.go("/corrections")),
        ], ui),
        EmergencyCardSection(),
        MyDataSection(),
        section(t("Account"), [
            text(t("Signed in as {name}", name=state.me.full_name), ui),
            ft.OutlinedButton(t("Sign out"), icon=ft.Icons.LOGOUT, height=theme.TOUCH_TARGET,
                              on_click=session.sign_out),
            text(t("Signing out erases the health data kept on this device."), ui, size=ui.type.small,
                 color=theme.MUTED),
        ], ui, identifier="settings-account"),
    ], ui)


@ft.component
def MyDataSection():
    """The open book (the caller's or a dependent's) as an HL7 FHIR file, fetched with the caller's token."""
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    failure, set_failure = ft.use_state(None)
    busy, set_busy = ft.use_state(False)

    async def download() -> None:
        if busy or state.me is None or state.active_person_id is None:
            return
        set_busy(True)
        set_failure(None)
        try:
            data = await session.books.fhir_export(state.active_person_id, own=not state.viewing_dependent)
            await ft.FilePicker().save_file(file_name=f"so-suc-khoe-{local(datetime.now(UTC)).date().isoformat()}.json", src_bytes=data,
                                            dialog_title=t("Save the health book file"))
        except (ApiError, Offline) as error:
            set_failure(user_message(error, t))
        finally:
            set_busy(False)

    controls: list[ft.Control] = []
    if state.viewing_dependent and state.book is not None:
        controls.append(text(t("For {name}", name=state.book.person.full_name), ui, bold=True))
    controls += [
        text(t("A file in the international HL7 FHIR standard, to take to another health facility."), ui),
        ft.FilledButton(t("Download the whole book (FHIR)"), icon=ft.Icons.DOWNLOAD, style=button_style(ui, wraps=True),
                        on_click=download, disabled=busy or state.active_person_id is None),
    ]
    if failure:
        controls.append(banner(failure, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE, identifier="fhir-message"))
    return section(t("My data"), controls, ui, identifier="settings-my-data")
