"""One visit, read like the papers the clinic would have handed over."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import flet as ft

from api_client.errors import ApiError, Offline
from api_client.identifiers import N_
from api_client.models import CorrectionTarget

from .. import theme
from ..components import (
    Ui,
    banner,
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
from ..components.report_wrong import ReportWrongButton
from ..services import SessionContext
from ..services.corrections import ReportTarget
from ..services.session import user_message
from ..viewmodels.visits import LabFlag, LabRow, Paper, VisitDetail, build_visit_detail

# The view model's paper kinds, as the API names them, with the button that downloads each.
PAPER_KINDS = {"discharge": "discharge", "referral": "referral", "re_exam": "re-exam"}
DOWNLOAD_LABELS = {
    "discharge": N_("Download the discharge paper (PDF)"),
    "referral": N_("Download the referral paper (PDF)"),
    "re-exam": N_("Download the re-examination appointment (PDF)"),
    "vaccinations": N_("Download the vaccination record (PDF)"),
}
FILE_NAMES = {"discharge": "giay-ra-vien.pdf", "referral": "giay-chuyen-tuyen.pdf",
              "re-exam": "giay-hen-kham-lai.pdf", "vaccinations": "phieu-tiem-chung.pdf"}


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


@ft.component
def PaperButton(kind: str, fetch: Callable[[], Awaitable[bytes]]):
    """Downloads a paper as the server signs it now, with the QR any hospital can check it by.
    `kind`: discharge, referral, re-exam or vaccinations."""
    _, ui = use_ui()
    t = ui.t
    message, set_message = ft.use_state(None)  # (text, colour)
    busy, set_busy = ft.use_state(False)

    async def download() -> None:
        if busy:
            return
        set_busy(True)
        try:
            pdf = await fetch()
            await ft.FilePicker().save_file(file_name=FILE_NAMES[kind], src_bytes=pdf,
                                            dialog_title=t("Save the paper"))
            set_message((t("The paper is saved. Its QR code lets any hospital check it."), theme.SUCCESS))
        except (ApiError, Offline) as error:
            set_message((user_message(error, t), theme.DANGER))
        finally:
            set_busy(False)

    return ft.Semantics(identifier=f"download-{kind}", container=True, content=ft.Column([
        ft.Button(t(DOWNLOAD_LABELS[kind]), icon=ft.Icons.DOWNLOAD, on_click=download, disabled=busy,
                  style=button_style(ui, wraps=True)),
        *([text(message[0], ui, size=ui.type.small, color=message[1])] if message else []),
    ], spacing=theme.SPACE_XS))


def paper_card(paper: Paper, ui: Ui, signature: str, download: ft.Control | None = None) -> ft.Control:
    icons = {"discharge": ft.Icons.EXIT_TO_APP, "referral": ft.Icons.FORWARD, "re_exam": ft.Icons.EVENT}
    return ft.Semantics(identifier=f"paper-{paper.kind}", container=True, content=card([
        ft.Row([ft.Icon(icons[paper.kind], color=theme.PRIMARY),
                ft.Semantics(header=True, content=ft.Text(paper.title.upper(), size=ui.type.title,
                                                          weight=ft.FontWeight.BOLD, color=theme.PRIMARY))],
               spacing=theme.SPACE_S),
        *[info_row(label, value, ui) for label, value in paper.fields],
        text(signature, ui, size=ui.type.small, color=theme.SUCCESS) if signature else ft.Container(),
        *([download] if download else []),
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
    dependent = None if state.me and state.active_person_id == state.me.person_id else state.active_person_id

    def report(kind: CorrectionTarget, ref: str, what: str) -> ft.Control:
        return ReportWrongButton(ReportTarget(kind, visit.id, ref), what, dependent)

    own = not state.viewing_dependent

    def download(paper: Paper) -> ft.Control:
        kind = PAPER_KINDS[paper.kind]

        async def fetch() -> bytes:
            return await session.books.paper(visit.id, kind, state.active_person_id or "", own=own)

        return PaperButton(kind, fetch)

    return page_column([back, *visit_controls(build_visit_detail(visit, t), ui, report, download)], ui)


Report = Callable[[CorrectionTarget, str, str], ft.Control]  # (kind, which row, what the reader saw)


def reportable(control: ft.Control, report: Report | None, kind: CorrectionTarget, ref: str, what: str) -> ft.Control:
    return ft.Column([control, report(kind, ref, what)], spacing=theme.SPACE_S) if report else control


def visit_controls(detail: VisitDetail, ui: Ui, report: Report | None = None,
                   download: Callable[[Paper], ft.Control] | None = None) -> list[ft.Control]:
    """The visit as sections and papers: the citizen's own page (where each item can be reported wrong)
    and the doctor's at the counter."""
    t = ui.t
    controls: list[ft.Control] = [
        ft.Semantics(identifier="visit-title", content=heading(detail.title, ui, level=1)),
        *([banner(detail.incomplete, ui, tone="warning", icon=ft.Icons.INFO_OUTLINE, identifier="visit-incomplete")]
          if detail.incomplete else []),
        card([info_row(t("Facility"), detail.facility, ui), info_row(t("Type of visit"), detail.kind, ui),
              info_row(t("Time"), detail.dates, ui), *[info_row(label, value, ui) for label, value in detail.facts],
              *([report(CorrectionTarget.VISIT, "", detail.title)] if report else [])]),
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
        controls.append(section(t("Tests and imaging"), [
            reportable(lab_row(lab, ui), report, CorrectionTarget.LAB_RESULT, str(index), lab.name)
            for index, lab in enumerate(detail.labs)
        ], ui, identifier="labs"))
    if detail.procedures:
        controls.append(section(t("Procedures"), [info_row(when, name, ui) if when else text(name, ui)
                                                  for name, when in detail.procedures], ui))
    if detail.medicines:
        controls.append(section(t("Prescription"), [
            reportable(ft.Column([
                text(m.name, ui, bold=True),
                text(t("Dose: {dosage}", dosage=m.dosage), ui) if m.dosage else ft.Container(),
                text(t("How to take: {usage}", usage=m.usage), ui) if m.usage else ft.Container(),
                text(t("Route: {route}", route=m.route), ui) if m.route else ft.Container(),
                text(t("Quantity: {quantity}", quantity=m.quantity), ui, size=ui.type.small, color=theme.MUTED),
                text(t("Prescribed by {name}", name=m.prescriber), ui, size=ui.type.small, color=theme.MUTED)
                if m.prescriber else ft.Container(),
            ], spacing=2), report, CorrectionTarget.PRESCRIPTION, str(index), m.name)
            for index, m in enumerate(detail.medicines)
        ], ui, identifier="prescription"))
    if detail.progress:
        controls.append(section(t("Clinical progress"), [info_row(when, what, ui) if when else text(what, ui)
                                                         for when, what in detail.progress], ui))
    if detail.summary:
        controls.append(section(t("Record summary"), [info_row(label, value, ui) for label, value in detail.summary],
                                ui, identifier="record-summary"))
    controls += [paper_card(paper, ui, detail.signature, download(paper) if download else None)
                 for paper in detail.papers]
    if detail.signature and not detail.papers:
        controls.append(text(detail.signature, ui, size=ui.type.small, color=theme.SUCCESS))
    return controls
