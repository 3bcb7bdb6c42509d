"""One visit, read like the papers the clinic would have handed over."""

from __future__ import annotations

import flet as ft

from .. import theme
from ..components import (
    Ui,
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
from ..services import SessionContext
from ..viewmodels.visits import LabFlag, LabRow, Paper, VisitDetail, build_visit_detail


def lab_row(lab: LabRow, ui: Ui) -> ft.Control:
    flagged = lab.flag in (LabFlag.HIGH, LabFlag.LOW, LabFlag.ABNORMAL)
    value_line = [text(lab.value or "—", ui, bold=True, color=theme.DANGER if flagged else None)]
    if flagged:
        value_line.append(status_chip(lab.flag_label, ui, "danger"))
    rows = [text(lab.name, ui), ft.Row(value_line, wrap=True, spacing=theme.SPACE_S)]
    if lab.reference:
        rows.append(text(ui.t("Normal range: {range}", range=lab.reference), ui, size=ui.type.small,
                         color=theme.MUTED))
    if lab.note:
        rows.append(text(lab.note, ui, size=ui.type.small))
    return ft.Semantics(
        container=True, label=f"{lab.name}: {lab.value} {lab.flag_label}".strip(),
        content=ft.Column(rows, spacing=2),
    )


def measure_row(label: str, value: str, ui: Ui) -> ft.Control:
    """"Mạch ....... 80 lần/phút": a measurement on one line, read like the paper's vital-signs box."""
    return ft.Semantics(container=True, label=f"{label}: {value}", content=ft.Row([
        ft.Container(ft.Text(label, size=ui.type.body, color=theme.MUTED), expand=True),
        ft.Text(value, size=ui.type.body, weight=ft.FontWeight.BOLD, text_align=ft.TextAlign.RIGHT),
    ], spacing=theme.SPACE_M, vertical_alignment=ft.CrossAxisAlignment.START))


def paper_card(paper: Paper, ui: Ui, signature: str) -> ft.Control:
    icons = {"discharge": ft.Icons.EXIT_TO_APP, "referral": ft.Icons.FORWARD, "re_exam": ft.Icons.EVENT}
    return ft.Semantics(identifier=f"paper-{paper.kind}", container=True, content=card([
        ft.Row([ft.Icon(icons[paper.kind], color=theme.PRIMARY),
                ft.Semantics(header=True, content=ft.Text(paper.title.upper(), size=ui.type.title,
                                                          weight=ft.FontWeight.BOLD, color=theme.PRIMARY))],
               spacing=theme.SPACE_S),
        *[info_row(label, value, ui) for label, value in paper.fields],
        text(signature, ui, size=ui.type.small, color=theme.SUCCESS) if signature else ft.Container(),
    ], border_color=theme.PRIMARY))


@ft.component
def VisitDetailView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    visit_id = ft.use_route_params().get("visit_id")
    if state.book is None:  # after the hooks: their order must not change
        return loading(ui.t("Loading the health book…"), ui)
    visit = next((v for v in state.book.visits if v.id == visit_id), None)
    back = ft.TextButton(t("Back to visits"), icon=ft.Icons.ARROW_BACK, height=theme.TOUCH_TARGET,
                         on_click=session.go("/visits"))
    if visit is None:
        return page_column([back, card([empty_state(t("This visit is not in the book."), ui)])], ui)
    return page_column([back, *visit_controls(build_visit_detail(visit, t), ui)], ui)


def visit_controls(detail: VisitDetail, ui: Ui) -> list[ft.Control]:
    """The visit as sections and papers: the citizen's own page and the doctor's at the counter."""
    t = ui.t
    controls: list[ft.Control] = [
        ft.Semantics(identifier="visit-title", content=heading(detail.title, ui, level=1)),
        *([banner(detail.incomplete, ui, tone="warning", icon=ft.Icons.INFO_OUTLINE, identifier="visit-incomplete")]
          if detail.incomplete else []),
        card([info_row(t("Facility"), detail.facility, ui), info_row(t("Type of visit"), detail.kind, ui),
              info_row(t("Time"), detail.dates, ui), *[info_row(label, value, ui) for label, value in detail.facts]]),
        section(t("Diagnoses"), [
            ft.Row([
                text(code, ui, bold=True),
                text(name, ui, color=None),
                status_chip(t("Main"), ui, "neutral") if main else ft.Container(),
            ], wrap=True, spacing=theme.SPACE_S)
            for code, name, main in detail.diagnoses
        ] or [empty_state(t("No diagnosis recorded"), ui)], ui, identifier="diagnoses"),
    ]
    if detail.vitals:
        controls.append(section(t("Vital signs"), [
            *[measure_row(label, value, ui) for label, value in detail.vitals],
            *([text(detail.vitals_measured, ui, size=ui.type.small, color=theme.MUTED)]
              if detail.vitals_measured else []),
        ], ui, identifier="vital-signs"))
    if detail.labs:
        controls.append(section(t("Tests and imaging"), [lab_row(lab, ui) for lab in detail.labs], ui,
                                identifier="labs"))
    if detail.procedures:
        controls.append(section(t("Procedures"), [info_row(when, name, ui) if when else text(name, ui)
                                                  for name, when in detail.procedures], ui))
    if detail.medicines:
        controls.append(section(t("Prescription"), [
            ft.Column([
                text(m.name, ui, bold=True),
                text(t("Dose: {dosage}", dosage=m.dosage), ui) if m.dosage else ft.Container(),
                text(t("How to take: {usage}", usage=m.usage), ui) if m.usage else ft.Container(),
                text(t("Route: {route}", route=m.route), ui) if m.route else ft.Container(),
                text(t("Quantity: {quantity}", quantity=m.quantity), ui, size=ui.type.small, color=theme.MUTED),
                text(t("Prescribed by {name}", name=m.prescriber), ui, size=ui.type.small, color=theme.MUTED)
                if m.prescriber else ft.Container(),
            ], spacing=2)
            for m in detail.medicines
        ], ui, identifier="prescription"))
    if detail.progress:
        controls.append(section(t("Clinical progress"), [info_row(when, what, ui) if when else text(what, ui)
                                                         for when, what in detail.progress], ui))
    if detail.summary:
        controls.append(section(t("Record summary"), [info_row(label, value, ui) for label, value in detail.summary],
                                ui, identifier="record-summary"))
    controls += [paper_card(paper, ui, detail.signature) for paper in detail.papers]
    if detail.signature and not detail.papers:
        controls.append(text(detail.signature, ui, size=ui.type.small, color=theme.SUCCESS))
    return controls
