"""Home: allergies first and impossible to miss, then identity, card, conditions, what is next."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from .. import theme
from ..components import (
    Ui,
    button_style,
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
from ..viewmodels.medicines import MedicinesModel, build_medicines
from ..viewmodels.reminders import DependentAlerts, Reminder, build_family_alerts, build_reminders
from ..viewmodels.trends import Trend, build_trends
from .trends import trend_chart


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


def medicines_section(model: MedicinesModel, ui: Ui, session) -> ft.Control:
    t = ui.t
    rows: list[ft.Control] = []
    for index, line in enumerate(model.lines):
        soon = line.days_left is not None and line.days_left <= 7
        rows.append(ft.Semantics(identifier=f"medicine-{index}", container=True, content=ft.Container(
            ft.Column([
                ft.Row([ft.Icon(ft.Icons.MEDICATION, color=theme.PRIMARY, size=ui.type.title),
                        ft.Text(line.name, size=ui.type.title, weight=ft.FontWeight.BOLD, expand=True)],
                       spacing=theme.SPACE_S),
                text(line.how, ui),
                *([text(line.runs_out, ui, bold=soon, color=theme.WARNING if soon else None)] if line.runs_out else []),
                text(t("Prescribed at {source}", source=line.source), ui, size=ui.type.small, color=theme.MUTED),
            ], spacing=2),
            padding=ft.Padding.symmetric(vertical=theme.SPACE_S),
            border=ft.Border.only(bottom=ft.BorderSide(1, "#D5DCE3")),
        )))
    if not rows:
        rows = [empty_state(t("No current medicines in the book"), ui, ft.Icons.MEDICATION_OUTLINED)]
    return section(t("Current medicines"), [
        *rows, text(model.explanation, ui, size=ui.type.small, color=theme.MUTED),
    ], ui, identifier="current-medicines")


def reminder_row(reminder: Reminder, ui: Ui, session, *, key: str) -> ft.Control:
    icon = {"re_exam": ft.Icons.EVENT, "missed_re_exam": ft.Icons.EVENT_BUSY, "vaccine_overdue": ft.Icons.VACCINES,
            "vaccine_due": ft.Icons.VACCINES, "medicine": ft.Icons.MEDICATION}[reminder.kind]
    colour = theme.DANGER if reminder.urgent else theme.PRIMARY
    return ft.Semantics(identifier=key, container=True, content=ft.Column([
        ft.Row([ft.Icon(icon, color=colour, size=ui.type.title),
                ft.Text(reminder.text, size=ui.type.body, weight=ft.FontWeight.BOLD,
                        color=theme.DANGER if reminder.urgent else None, expand=True)],
               spacing=theme.SPACE_S, vertical_alignment=ft.CrossAxisAlignment.START),
        text(reminder.detail, ui, size=ui.type.small, color=theme.MUTED),
        ft.TextButton(reminder.action, height=theme.TOUCH_TARGET, on_click=session.go(reminder.route),
                      style=ft.ButtonStyle(text_style=ft.TextStyle(size=ui.type.body))),
    ], spacing=2))


def reminders_section(reminders: list[Reminder], ui: Ui, session) -> ft.Control:
    t = ui.t
    rows = [reminder_row(r, ui, session, key=f"reminder-{i}") for i, r in enumerate(reminders)]
    return section(t("Reminders"), rows or [empty_state(t("Nothing to do right now"), ui, ft.Icons.TASK_ALT)], ui,
                   identifier="reminders")


def trends_section(trends: list[Trend], ui: Ui, session) -> ft.Control:
    t = ui.t
    blocks: list[ft.Control] = []
    for trend in trends:
        tone = theme.DANGER if trend.status in ("high", "low") else theme.SUCCESS if trend.status == "normal" else None
        blocks.append(ft.Semantics(identifier=f"trend-{trend.key}", container=True, content=ft.Column([
            ft.Text(trend.title, size=ui.type.title, weight=ft.FontWeight.BOLD),
            ft.Row([
                trend_chart(trend, ui),
                ft.Container(text(trend.sentence, ui, bold=True, color=tone), width=280),
            ], wrap=True, spacing=theme.SPACE_M, run_spacing=theme.SPACE_S),
            ft.TextButton(t("See all values"), icon=ft.Icons.SHOW_CHART, height=theme.TOUCH_TARGET,
                          on_click=session.go(f"/trends/{trend.key}"),
                          style=ft.ButtonStyle(text_style=ft.TextStyle(size=ui.type.body))),
        ], spacing=theme.SPACE_S)))
    if not blocks:
        blocks = [empty_state(t("No repeated results or measurements yet"), ui, ft.Icons.SHOW_CHART)]
    return section(t("How your results are going"), blocks, ui, identifier="trends")


def dependent_card(alerts: DependentAlerts, ui: Ui, session, index: int) -> ft.Control:
    t = ui.t

    async def open_book() -> None:
        await session.choose_person(alerts.person_id)

    lines: list[ft.Control] = [ft.Row([ft.Icon(ft.Icons.CHILD_CARE, color=theme.PRIMARY),
                                       ft.Text(alerts.name, size=ui.type.title, weight=ft.FontWeight.BOLD, expand=True)],
                                      spacing=theme.SPACE_S)]
    if alerts.unavailable:
        lines.append(text(t("This book cannot be read right now."), ui, color=theme.MUTED))
    for alert in alerts.alerts:
        lines.append(text(alert.text, ui, bold=alert.urgent, color=theme.DANGER if alert.urgent else None))
    if not alerts.alerts and not alerts.unavailable:
        lines.append(text(t("Nothing to do right now"), ui, color=theme.MUTED))
    lines.append(ft.OutlinedButton(t("Open {name}'s book", name=alerts.name), icon=ft.Icons.MENU_BOOK,
                                   height=theme.TOUCH_TARGET, on_click=open_book,
                                   style=ft.ButtonStyle(text_style=ft.TextStyle(size=ui.type.body))))
    return card(lines, identifier=f"dependent-{index}",
                border_color=theme.DANGER if alerts.urgent else None)


@ft.component
def FamilyAlerts():
    """A guardian's own home: each child's alerts, read from the child's book (a logged read)."""
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    books, set_books = ft.use_state(None)
    me = state.me
    dependents = list(me.dependents) if me else []

    async def load() -> None:
        if dependents:
            set_books(await session.books.dependents_books(dependents))

    ft.use_effect(load, [tuple(d.person_id for d in dependents)])
    t = ui.t
    if books is None:
        body: list[ft.Control] = [text(t("Loading the children's reminders…"), ui, color=theme.MUTED)]
    else:
        body = [dependent_card(alerts, ui, session, index) for index, alerts in
                enumerate(build_family_alerts(dependents, books, now=datetime.now(UTC), t=t))]
    return section(t("Family"), [
        text(t("Reminders for the people in your care."), ui), *body,
        ft.TextButton(t("Open a family member's book"), icon=ft.Icons.FAMILY_RESTROOM, height=theme.TOUCH_TARGET,
                      on_click=session.go("/family")),
    ], ui, identifier="family-alerts")


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
        ft.FilledButton(t("Show the check-in QR code"), icon=ft.Icons.QR_CODE_2, on_click=session.go("/qr"),
                        style=button_style(ui, wraps=True, size=ui.type.title)),
        ft.TextButton(t("No smartphone? Print a check-in card"), icon=ft.Icons.BADGE,
                      style=button_style(ui, wraps=True), on_click=session.go("/card")),
        identity_card(model, ui, revealed, lambda: set_revealed(not revealed)),
    ]
    if state.me and state.me.dependents and not state.viewing_dependent:
        controls.append(FamilyAlerts())
    now = datetime.now(UTC)
    controls += [
        medicines_section(build_medicines(book, now=now, t=t), ui, session),
        reminders_section(build_reminders(book, now=now, t=t), ui, session),
        trends_section(build_trends(book, now=now, t=t), ui, session),
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

    controls.append(ft.Semantics(identifier="last-updated", content=text(
        t("Last updated: {time}", time=model.updated), ui, size=ui.type.small, color=theme.MUTED)))
    return page_column([heading(t("Home"), ui, level=1), *controls], ui)
