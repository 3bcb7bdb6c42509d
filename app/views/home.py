"""Home: allergies first and impossible to miss, then identity, card, conditions, what is next."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from .. import theme
from ..components import (
    Ui,
    card,
    empty_state,
    heading,
    info_row,
    loading,
    page_column,
    section,
    status_chip,
    text,
    use_ui,
)
from ..services import SessionContext
from ..viewmodels.home import AllergyLine, HomeModel, build_home


def allergy_banner(allergies: list[AllergyLine], ui: Ui) -> ft.Control:
    t = ui.t
    if not allergies:
        return ft.Semantics(identifier="allergy-banner", container=True, content=card(
            [ft.Row([ft.Icon(ft.Icons.CHECK_CIRCLE_OUTLINE, color=theme.SUCCESS),
                     text(t("No allergies recorded"), ui, bold=True)], spacing=theme.SPACE_M)],
            bgcolor=theme.SUCCESS_CONTAINER))
    lines = [
        ft.Column([
            ft.Text(allergy.substance, size=ui.type.title, weight=ft.FontWeight.BOLD, color=theme.ON_DANGER_CONTAINER),
            ft.Text(allergy.detail, size=ui.type.body, color=theme.ON_DANGER_CONTAINER),
        ], spacing=2)
        for allergy in allergies
    ]
    return ft.Semantics(
        identifier="allergy-banner", container=True, live_region=True,
        label=t("Allergy warning: {substances}", substances=", ".join(a.substance for a in allergies)),
        content=card([
            ft.Row([ft.Icon(ft.Icons.WARNING_ROUNDED, color=theme.DANGER, size=32),
                    ft.Text(t("ALLERGIES"), size=ui.type.title, weight=ft.FontWeight.BOLD, color=theme.DANGER)],
                   spacing=theme.SPACE_S),
            *lines,
        ], bgcolor=theme.DANGER_CONTAINER, border_color=theme.DANGER),
    )


def identity_card(model: HomeModel, ui: Ui, revealed: bool, on_toggle) -> ft.Control:
    t = ui.t
    shown = model.personal_id if revealed else model.personal_id_masked
    rows: list[ft.Control] = [
        ft.Semantics(identifier="home-name", content=ft.Text(model.name, size=ui.type.headline,
                                                            weight=ft.FontWeight.BOLD)),
        text(model.born, ui, color=theme.MUTED),
        ft.Row([
            info_row(t("Personal ID number"), shown, ui),
            ft.TextButton(t("Hide") if revealed else t("Show"),
                          icon=ft.Icons.VISIBILITY_OFF if revealed else ft.Icons.VISIBILITY,
                          on_click=on_toggle, height=theme.TOUCH_TARGET,
                          tooltip=t("Hide the personal ID number") if revealed else t("Show the personal ID number")),
        ], wrap=True, spacing=theme.SPACE_M, vertical_alignment=ft.CrossAxisAlignment.END),
    ]
    if model.insurance:
        card_ = model.insurance
        tone = {"valid": "success", "expiring": "warning", "expired": "danger"}[card_.status]
        rows += [
            ft.Row([info_row(t("Health insurance card"), card_.code, ui), status_chip(card_.status_label, ui, tone)],
                   wrap=True, spacing=theme.SPACE_M, vertical_alignment=ft.CrossAxisAlignment.END),
            info_row(t("Validity"), card_.validity, ui),
            *([info_row(t("Benefit"), card_.benefit, ui)] if card_.benefit else []),
            info_row(t("Registered primary care facility"), card_.facility, ui),
        ]
    else:
        rows.append(info_row(t("Health insurance card"), t("No card linked"), ui))
    for representative in model.representatives:
        rows.append(info_row(t("Guardian or caregiver"), representative, ui))
    return card(rows, identifier="identity-card")


@ft.component
def HomeView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    revealed, set_revealed = ft.use_state(False)
    if state.book is None:  # after the hooks: their order must not change
        return loading(ui.t("Loading the health book…"), ui)
    t = ui.t
    book = state.book
    model = build_home(book, now=datetime.now(UTC), t=t)

    controls: list[ft.Control] = [
        allergy_banner(model.allergies, ui),
        ft.FilledButton(t("Show the check-in QR code"), icon=ft.Icons.QR_CODE_2, height=theme.TOUCH_TARGET + 12,
                        on_click=session.go("/qr"), style=ft.ButtonStyle(text_style=ft.TextStyle(size=ui.type.title))),
        ft.TextButton(t("No smartphone? Print a check-in card"), icon=ft.Icons.BADGE, height=theme.TOUCH_TARGET,
                      on_click=session.go("/card")),
        identity_card(model, ui, revealed, lambda: set_revealed(not revealed)),
    ]

    if model.appointment:
        appointment = model.appointment
        controls.append(section(t("Next re-examination"), [
            text(appointment.when, ui, bold=True),
            text(f"{appointment.where} · {appointment.days_left}", ui),
            ft.TextButton(t("Open the appointment paper"), icon=ft.Icons.DESCRIPTION_OUTLINED,
                          height=theme.TOUCH_TARGET, on_click=session.go(f"/visits/{appointment.visit_id}")),
        ], ui, identifier="next-appointment"))
    else:
        controls.append(section(t("Next re-examination"), [empty_state(t("No appointment planned"), ui)], ui))

    vaccine_rows = [empty_state(t("No vaccine due"), ui, ft.Icons.VACCINES_OUTLINED)]
    if model.next_vaccine:
        vaccine_rows = [
            text(model.next_vaccine, ui, bold=True, color=theme.DANGER if model.next_vaccine_urgent else None),
            ft.TextButton(t("See the vaccination schedule"), icon=ft.Icons.VACCINES, height=theme.TOUCH_TARGET,
                          on_click=session.go("/vaccinations")),
        ]
    controls.append(section(t("Next vaccine"), vaccine_rows, ui, identifier="next-vaccine"))

    conditions = [ft.Row([ft.Icon(ft.Icons.FAVORITE_BORDER, color=theme.PRIMARY, size=20), text(c, ui, color=None)],
                         spacing=theme.SPACE_S) for c in model.conditions]
    controls.append(section(t("Long-term conditions"),
                            conditions or [empty_state(t("No long-term conditions recorded"), ui)], ui))

    if state.me and state.me.dependents and not state.viewing_dependent:
        controls.append(section(t("Family"), [
            text(t("You can open the books of the children in your care."), ui),
            ft.TextButton(t("Open a family member's book"), icon=ft.Icons.FAMILY_RESTROOM,
                          height=theme.TOUCH_TARGET, on_click=session.go("/family")),
        ], ui))

    controls.append(ft.Semantics(identifier="last-updated", content=text(
        t("Last updated: {time}", time=model.updated), ui, size=ui.type.small, color=theme.MUTED)))
    return page_column([heading(t("Home"), ui, level=1), *controls], ui)
