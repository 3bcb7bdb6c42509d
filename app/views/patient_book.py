"""The book of the patient in front of a doctor, nurse or midwife: open only while the patient is in
today's queue at their facility, and every opening is in the citizen's access log."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from api_client.errors import ApiError, NotFound, Offline

from .. import theme
from ..components import banner, empty_state, heading, loading, page_column, section, text, use_ui
from ..services import SessionContext
from ..services.session import user_message
from ..viewmodels.home import allergy_lines, born_line
from ..viewmodels.visits import build_visit_detail, build_visit_list
from .history import history_sections
from .home import allergy_banner
from .visit_detail import visit_controls
from .visits import visit_tile


def closed_message(failure: Exception, t) -> str:
    if isinstance(failure, NotFound):  # the same answer as for an unknown person, on purpose
        return t("This book is open to you only while the patient is in today's queue at your facility.")
    return user_message(failure, t)


def use_treatment_read(read, deps: list) -> tuple:
    """(what was read, why not): one logged read of the patient's book when the screen opens."""
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    found, set_found = ft.use_state(None)
    error, set_error = ft.use_state(None)

    async def load() -> None:
        if state.me is None:
            await session.navigate("/sign-in")
            return
        try:
            set_found(await read())
        except (ApiError, Offline) as failure:
            set_error(closed_message(failure, ui.t))

    ft.use_effect(load, deps)
    return found, error


def closed_banner(back: ft.Control, error: str, ui) -> ft.Control:
    return page_column([back, banner(error, ui, tone="warning", icon=ft.Icons.LOCK_OUTLINE,
                                     identifier="patient-book-closed")], ui)


@ft.component
def PatientBookView():
    _state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    person_id = ft.use_route_params().get("person_id")
    book, error = use_treatment_read(lambda: session.check_in.patient_book(person_id), [person_id])
    back = ft.Row([ft.TextButton(t("Back to the desk"), icon=ft.Icons.ARROW_BACK, height=theme.TOUCH_TARGET,
                                 on_click=session.go("/reception"))])
    if error:
        return closed_banner(back, error, ui)
    if book is None:
        return loading(t("Loading the health book…"), ui)
    person = book.person
    visits = [
        visit_tile(row, ui, session.go(f"/patients/{person_id}/visits/{row.visit_id}"))
        for group in build_visit_list(book.visits, "", t) for row in group.rows
    ]
    return page_column([
        back,
        ft.Semantics(identifier="patient-book-name", content=heading(person.full_name, ui, level=1)),
        text(born_line(person.birth_date, person.birth_date_precision, person.sex, t), ui, color=theme.MUTED),
        text(t("Opened for treatment at {time}. The patient sees this in their access log.",
               time=t.time(datetime.now(UTC))), ui, size=ui.type.small, color=theme.MUTED),
        allergy_banner(allergy_lines(book.history.allergies, t), ui),
        section(t("Visits"), [ft.Column(visits, spacing=theme.SPACE_S,
                                        horizontal_alignment=ft.CrossAxisAlignment.STRETCH)] if visits
                else [empty_state(t("No visits yet."), ui)], ui, identifier="patient-visits"),
        *history_sections(book.history, ui),
    ], ui)


@ft.component
def PatientVisitView():
    _state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    params = ft.use_route_params()
    person_id, visit_id = params.get("person_id"), params.get("visit_id")
    visit, error = use_treatment_read(lambda: session.check_in.patient_visit(person_id, visit_id),
                                      [person_id, visit_id])
    back = ft.Row([ft.TextButton(t("Back to the patient's book"), icon=ft.Icons.ARROW_BACK,
                                 height=theme.TOUCH_TARGET, on_click=session.go(f"/patients/{person_id}"))])
    if error:
        return closed_banner(back, error, ui)
    if visit is None:
        return loading(t("Loading the health book…"), ui)
    return page_column([back, *visit_controls(build_visit_detail(visit, t), ui)], ui)
