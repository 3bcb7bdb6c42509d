"""Vaccinations: doses received; for young children the national schedule, done / due / overdue."""

from __future__ import annotations

from datetime import date

import flet as ft

from api_client.models import CorrectionTarget, vaccination_ref

from .. import theme
from ..components import (
    banner,
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
from ..components.report_wrong import ReportWrongButton
from ..services import SessionContext
from ..services.corrections import ReportTarget
from ..viewmodels.vaccinations import DoseStatus, build_vaccinations
from .visit_detail import PaperButton

STATUS_TONE = {DoseStatus.DONE: "success", DoseStatus.OVERDUE: "danger", DoseStatus.DUE: "warning",
               DoseStatus.UPCOMING: "neutral"}


@ft.component
def VaccinationsView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    if state.book is None:  # the layout is about to show the loading state
        return loading(ui.t("Loading the health book…"), ui)
    t = ui.t
    book = state.book
    model = build_vaccinations(book.person.birth_date, book.vaccinations, today=date.today(), t=t)
    controls: list[ft.Control] = [heading(t("Vaccinations"), ui, level=1)]
    due = model.next_due
    if due and due.status in (DoseStatus.OVERDUE, DoseStatus.DUE):
        controls.append(banner(t("Next vaccine: {dose} — {status}. Ask your health station for an appointment.",
                                 dose=due.title, status=due.status_label),
                               ui, tone="danger" if due.status is DoseStatus.OVERDUE else "warning",
                               icon=ft.Icons.VACCINES, identifier="vaccine-due"))
    if model.schedule:
        rows = [
            ft.Semantics(identifier=f"dose-{row.status}", container=True, content=ft.Row([
                ft.Column([text(row.title, ui, bold=row.status is not DoseStatus.DONE),
                           text(row.when, ui, size=ui.type.small, color=theme.MUTED)], spacing=2, expand=True),
                status_chip(row.status_label, ui, STATUS_TONE[row.status]),
            ], vertical_alignment=ft.CrossAxisAlignment.CENTER))
            for row in model.schedule
        ]
        controls.append(section(t("National immunisation schedule"), [
            text(t("Free vaccines of the national programme for children, by age."), ui, size=ui.type.small,
                 color=theme.MUTED),
            *rows,
        ], ui, identifier="schedule"))
    dependent = None if state.me and state.active_person_id == state.me.person_id else state.active_person_id
    # the doses in model.doses' order (newest first), each as a correction names it
    refs = [vaccination_ref(v) for v in sorted(book.vaccinations, key=lambda v: v.given_on, reverse=True)]
    doses = [
        card([text(d.title, ui, bold=True), info_row(t("Date"), d.given_on, ui),
              info_row(t("Place"), d.place, ui) if d.place else ft.Container(),
              info_row(t("Batch"), d.batch, ui) if d.batch else ft.Container(),
              text(d.programme, ui, size=ui.type.small, color=theme.MUTED),
              ReportWrongButton(ReportTarget(CorrectionTarget.VACCINATION, None, refs[index]), d.title, dependent)])
        for index, d in enumerate(model.doses)
    ]
    controls.append(heading(t("Doses received"), ui))
    if book.vaccinations:
        own = not state.viewing_dependent

        async def record() -> bytes:
            return await session.books.vaccination_record(state.active_person_id or "", own=own)

        controls.append(PaperButton("vaccinations", record))
    controls += doses or [card([empty_state(t("No vaccinations recorded yet."), ui)])]
    return page_column(controls, ui)
