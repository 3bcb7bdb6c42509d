"""Báo cáo thí điểm: where a health official lands. The pilot's figures for their area and a period,
each next to the previous period's; the charts the plans ask for (coverage by commune against the target,
visits and check-ins by month, the units ranked by visits); drill-down from province to district to
commune to facility; a table of every indicator; the official's own sections of the report; and the
report as XLSX and PDF to send upward.

Aggregates only: the API never answers anything of a person here, and counts under 5 people come back
hidden ("< 5"). The view renders what `viewmodels.reports` computes; `services.reports` fetches.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

import flet as ft

from api_client.errors import ApiError, Offline
from api_client.models import VIETNAM_TZ, ReportPeriodKind

from .. import theme
from ..components import Ui, banner, button_style, card, heading, loading, text, use_ui
from ..services import SessionContext
from ..services.session import user_message
from ..viewmodels.reports import (
    CHECK_INS,
    VISITS,
    CoverageChart,
    Figure,
    Period,
    Ranking,
    ReportTable,
    TrendChart,
    area_unit,
    breadcrumbs,
    can_go_next,
    children,
    compared_text,
    computed_text,
    coverage_chart,
    default_period,
    definition_text,
    export_file_name,
    figures,
    indicator,
    is_facility,
    is_provisional,
    official_assignment,
    official_line,
    period_kind_label,
    period_span,
    period_title,
    range_from_text,
    ranking,
    refusal_lines,
    report_table,
    saved_text,
    silent_facility_names,
    switch_kind,
    trend_chart,
    unit_by_code,
    unit_kind,
)

DASHBOARD_MAX_WIDTH = 1240
BAR_HEIGHT = 18
TREND_HEIGHT = 160
SCALE = 1000  # bars are drawn as proportions of their row (expand), in thousandths
TRACK = "#E8ECF0"
TARGET_COLOUR = "#1B1F24"
TARGET_OVERHANG = 5  # the target line stands out this far above and below a bar
BORDER = "#D5DCE3"
CHECK_IN_COLOUR = "#00695C"  # teal: 6.4:1 on white; check-in bars are outlined, visits filled
TABLE_NAME_WIDTH = 220
TABLE_CELL_WIDTH = 132


def choice_button(label: str, selected: bool, on_click, ui: Ui, *, icon=None) -> ft.Control:
    """One of a few choices: the chosen one filled, and said to screen readers as selected."""
    kind = ft.FilledButton if selected else ft.OutlinedButton
    return ft.Semantics(selected=selected, content=kind(label, icon=icon, height=theme.TOUCH_TARGET,
                                                        style=button_style(ui), on_click=on_click))


def proportion(fraction: float, colour: str, *, height: float, border: str | None = None) -> ft.Control:
    """A horizontal bar `fraction` of its row's width, over a grey track (no pixel widths needed)."""
    filled = round(min(max(fraction, 0.0), 1.0) * SCALE)
    parts: list[ft.Control] = []
    if filled:
        parts.append(ft.Container(bgcolor=colour, expand=filled, height=height,
                                  border=ft.Border.all(2, border) if border else None))
    if SCALE - filled:
        parts.append(ft.Container(expand=SCALE - filled, height=height))
    return ft.Container(ft.Row(parts, spacing=0), bgcolor=TRACK, height=height, border_radius=2)


def target_line(fraction: float, *, height: float) -> ft.Control:
    """A thin dark line at the target, edged in white so it shows over a filled bar too, standing out
    above and below the bar."""
    at = round(min(max(fraction, 0.0), 1.0) * SCALE)
    return ft.Row([
        ft.Container(expand=at, height=height) if at else ft.Container(width=0),
        ft.Container(width=5, height=height, bgcolor=TARGET_COLOUR, border=ft.Border.all(1, theme.SURFACE)),
        ft.Container(expand=SCALE - at, height=height) if SCALE - at else ft.Container(width=0),
    ], spacing=0)


# ---------------------------------------------------------------- header, period, breadcrumb


@ft.component
def PeriodPicker(period: Period, today, on_change):
    """Month, 6 months, year or a range of days; the period before and after; today's period is allowed,
    and said to be unfinished."""
    _state, ui = use_ui()
    t = ui.t
    start_text, set_start_text = ft.use_state(lambda: t.date(period.start))
    end_text, set_end_text = ft.use_state(lambda: t.date(period.end))
    problem, set_problem = ft.use_state(None)

    def choose_kind(kind: ReportPeriodKind) -> None:
        chosen = switch_kind(period, kind, today)
        set_start_text(t.date(chosen.start))
        set_end_text(t.date(chosen.end))
        set_problem(None)
        on_change(chosen)

    def step(steps: int) -> None:
        moved = period.shifted(steps)
        set_start_text(t.date(moved.start))
        set_end_text(t.date(moved.end))
        on_change(moved)

    def apply_range() -> None:
        chosen, wrong = range_from_text(start_text, end_text, today, t)
        set_problem(wrong)
        if chosen is not None:
            on_change(chosen)

    kinds = ft.Row([choice_button(period_kind_label(kind, t), period.kind is kind, partial(choose_kind, kind), ui)
                    for kind in ReportPeriodKind], wrap=True, spacing=theme.SPACE_S, run_spacing=theme.SPACE_S)
    title = ft.Column([
        ft.Semantics(live_region=True, content=ft.Text(period_title(period, t), size=ui.type.title,
                                                        weight=ft.FontWeight.BOLD)),
        text(period_span(period, t), ui, size=ui.type.small, color=theme.MUTED),
    ], spacing=0)
    previous = ft.OutlinedButton(t("Previous period"), icon=ft.Icons.CHEVRON_LEFT, height=theme.TOUCH_TARGET,
                                 style=button_style(ui), on_click=partial(step, -1))
    following = ft.OutlinedButton(t("Next period"), icon=ft.Icons.CHEVRON_RIGHT, height=theme.TOUCH_TARGET,
                                  style=button_style(ui), disabled=not can_go_next(period, today),
                                  on_click=partial(step, 1))
    controls: list[ft.Control] = [kinds]
    if ui.wide:
        controls.append(ft.Row([previous, ft.Container(title, expand=True), following], spacing=theme.SPACE_M))
    else:
        controls += [title, ft.Row([previous, following], wrap=True, spacing=theme.SPACE_S,
                                   run_spacing=theme.SPACE_S)]
    if period.kind is ReportPeriodKind.RANGE:
        def field(label: str, value: str, on_value) -> ft.TextField:
            return ft.TextField(label=label, value=value, hint_text=t("day/month/year"), text_size=ui.type.body,
                                label_style=ft.TextStyle(size=ui.type.body), keyboard_type=ft.KeyboardType.DATETIME,
                                on_change=lambda event: on_value(event.control.value or ""), on_submit=apply_range,
                                width=220)

        controls.append(ft.Row([
            field(t("From"), start_text, set_start_text),
            field(t("To"), end_text, set_end_text),
            ft.FilledButton(t("Show this range"), icon=ft.Icons.CHECK, height=theme.TOUCH_TARGET,
                            style=button_style(ui), on_click=apply_range),
        ], wrap=True, spacing=theme.SPACE_S, run_spacing=theme.SPACE_S,
            vertical_alignment=ft.CrossAxisAlignment.CENTER))
        if problem:
            controls.append(banner(problem, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE,
                                   identifier="period-error"))
    if is_provisional(period, today):
        controls.append(banner(t("This period is not over yet: its figures will still change."), ui,
                               tone="warning", icon=ft.Icons.SCHEDULE, identifier="period-provisional"))
    return card([heading(t("Period"), ui), *controls], identifier="report-period")


def breadcrumb_bar(crumbs, units, ui: Ui, *, on_up, on_down) -> ft.Control:
    """Where in the area the figures are (each level above a button back up), then the units one level
    down, each a button to drill into."""
    t = ui.t
    trail: list[ft.Control] = []
    for number, crumb in enumerate(crumbs):
        if number:
            trail.append(ft.Icon(ft.Icons.CHEVRON_RIGHT, color=theme.MUTED, size=ui.type.title))
        if crumb.current:
            trail.append(ft.Semantics(label=t("Shown now: {name}", name=crumb.name), content=ft.Text(
                crumb.name, size=ui.type.body, weight=ft.FontWeight.BOLD)))
        else:
            trail.append(ft.TextButton(crumb.name, height=theme.TOUCH_TARGET, style=button_style(ui),
                                       on_click=partial(on_up, crumb.code)))
    controls: list[ft.Control] = [
        ft.Row(trail, wrap=True, spacing=theme.SPACE_XS, run_spacing=0,
               vertical_alignment=ft.CrossAxisAlignment.CENTER),
    ]
    if units:
        controls.append(text(t("Open a unit below:"), ui, size=ui.type.small, color=theme.MUTED))
        controls.append(ft.Row([
            ft.Semantics(identifier=f"area-{unit.code}", content=ft.OutlinedButton(
                unit.name, icon=ft.Icons.LOCAL_HOSPITAL if is_facility(unit) else ft.Icons.SUBDIRECTORY_ARROW_RIGHT,
                tooltip=unit_kind(unit, t), height=theme.TOUCH_TARGET, style=button_style(ui),
                on_click=partial(on_down, unit)))
            for unit in units
        ], wrap=True, spacing=theme.SPACE_S, run_spacing=theme.SPACE_S))
    return ft.Semantics(identifier="report-breadcrumb", container=True, content=ft.Container(
        ft.Column(controls, spacing=theme.SPACE_XS), padding=ft.Padding.symmetric(horizontal=theme.SPACE_S)))


# ---------------------------------------------------------------- figures


def definition_lines(definition, ui: Ui) -> list[ft.Control]:
    lines = [text(definition.definition, ui, size=ui.type.small)]
    lines += [text(line, ui, size=ui.type.small, color=theme.MUTED)
              for line in (definition.numerator, definition.denominator, definition.target) if line]
    return lines


@ft.component
def FigureCard(figure: Figure):
    """A key figure: its value, the previous period's, the change in words, the target if any, and what it
    counts behind a button."""
    _state, ui = use_ui()
    t = ui.t
    open_, set_open = ft.use_state(False)
    change_icon = {"up": ft.Icons.ARROW_UPWARD, "down": ft.Icons.ARROW_DOWNWARD, "same": ft.Icons.DRAG_HANDLE,
                   "none": ft.Icons.REMOVE}[figure.change.direction]
    lines: list[ft.Control] = [
        ft.Text(figure.name, size=ui.type.body, weight=ft.FontWeight.BOLD, color=theme.MUTED),
        ft.Semantics(identifier=f"figure-value-{figure.id}", content=ft.Text(
            figure.value, size=ui.type.headline * 1.2, weight=ft.FontWeight.BOLD, color=theme.PRIMARY)),
    ]
    if figure.target is not None:
        met = figure.target.met
        colour = theme.SUCCESS if met else (theme.WARNING if met is False else theme.MUTED)
        icon = ft.Icons.CHECK_CIRCLE if met else (ft.Icons.WARNING_AMBER if met is False else ft.Icons.HELP_OUTLINE)
        lines.append(ft.Row([ft.Icon(icon, color=colour, size=22),
                             ft.Text(figure.target.text, size=ui.type.small, color=colour,
                                     weight=ft.FontWeight.BOLD, expand=True)], spacing=theme.SPACE_XS))
    lines += [
        text(figure.previous, ui, size=ui.type.small, color=theme.MUTED),
        ft.Row([ft.Icon(change_icon, color=theme.MUTED, size=20),
                ft.Text(figure.change.text, size=ui.type.small, expand=True)], spacing=theme.SPACE_XS),
        ft.TextButton(t("Hide the definition") if open_ else t("Definition"),
                      icon=ft.Icons.EXPAND_LESS if open_ else ft.Icons.INFO_OUTLINE, height=theme.TOUCH_TARGET,
                      style=button_style(ui), on_click=lambda: set_open(not open_)),
    ]
    if open_:
        lines.append(ft.Semantics(identifier=f"definition-{figure.id}", container=True, content=ft.Container(
            ft.Column(definition_lines(figure.definition, ui), spacing=theme.SPACE_XS),
            bgcolor=theme.BACKGROUND, padding=theme.SPACE_S, border_radius=theme.RADIUS)))
    return ft.Semantics(identifier=f"figure-{figure.id}", container=True, content=ft.Container(
        ft.Column(lines, spacing=theme.SPACE_XS), padding=theme.SPACE_M, bgcolor=theme.SURFACE,
        border_radius=theme.RADIUS, border=ft.Border.all(1, BORDER)))


def figure_grid(shown: list[Figure], ui: Ui) -> ft.Control:
    columns = {"xs": 12, "sm": 12 if ui.type.factor > 1 else 6, "lg": 6 if ui.type.factor > 1 else 4}
    return ft.Semantics(identifier="report-figures", container=True, content=ft.ResponsiveRow(
        [ft.Container(FigureCard(figure, key=figure.id), col=columns) for figure in shown],
        spacing=theme.SPACE_M, run_spacing=theme.SPACE_M))


# ---------------------------------------------------------------- charts


def coverage_section(chart: CoverageChart, ui: Ui) -> ft.Control:
    t = ui.t
    rows: list[ft.Control] = []
    for bar in chart.bars:
        colour = theme.SUCCESS if bar.met else (theme.WARNING if bar.met is False else theme.OUTLINE)
        track: ft.Control = proportion(bar.fraction or 0.0, colour, height=BAR_HEIGHT)
        if chart.target is not None:
            tall = BAR_HEIGHT + 2 * TARGET_OVERHANG
            track = ft.Stack([
                ft.Container(track, padding=ft.Padding.symmetric(vertical=TARGET_OVERHANG)),
                target_line(chart.target, height=tall),
            ], height=tall)
        rows.append(ft.Column([
            ft.Row([
                ft.Text(bar.name, size=ui.type.small, expand=True),
                ft.Text(" · ".join(part for part in (bar.value, bar.status) if part), size=ui.type.small,
                        weight=ft.FontWeight.BOLD, color=colour if bar.met is not None else None),
            ], spacing=theme.SPACE_S),
            track,
        ], spacing=2))
    legend = [text(chart.indicator, ui, size=ui.type.small, color=theme.MUTED)]
    if chart.target_text:
        legend.append(ft.Row([ft.Container(width=5, height=22, bgcolor=TARGET_COLOUR),
                              text(chart.target_text, ui, size=ui.type.small, color=theme.MUTED)],
                             spacing=theme.SPACE_S))
    legend.append(text(t("Lowest first"), ui, size=ui.type.small, color=theme.MUTED))
    return ft.Semantics(identifier="chart-coverage", container=True, label=chart.summary, content=card([
        heading(t("Coverage by commune against the target"), ui, level=3),
        *legend,
        ft.Column(rows, spacing=theme.SPACE_S, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
    ]))


def trend_section(chart: TrendChart, ui: Ui, *, visits_name: str, check_ins_name: str) -> ft.Control:
    t = ui.t

    def bar(fraction: float, *, outlined: bool) -> ft.Control:
        height = round(fraction * TREND_HEIGHT)
        if fraction > 0:
            height = max(height, 3)
        return ft.Container(expand=1, height=height, bgcolor=theme.SURFACE if outlined else theme.PRIMARY,
                            border=ft.Border.all(2, CHECK_IN_COLOUR) if outlined and height else None)

    groups = [
        ft.Column([
            ft.Container(ft.Row([bar(column.visits_fraction, outlined=False),
                                 bar(column.check_ins_fraction, outlined=True)],
                                spacing=1, vertical_alignment=ft.CrossAxisAlignment.END),
                         height=TREND_HEIGHT, alignment=ft.Alignment.BOTTOM_CENTER),
            ft.Text(column.month, size=ui.type.small, text_align=ft.TextAlign.CENTER, no_wrap=True),
        ], expand=1, spacing=2, horizontal_alignment=ft.CrossAxisAlignment.CENTER, tooltip=column.label)
        for column in chart.columns
    ]
    legend = ft.Row([
        ft.Row([ft.Container(width=18, height=18, bgcolor=theme.PRIMARY),
                text(visits_name, ui, size=ui.type.small)], spacing=theme.SPACE_XS, tight=True),
        ft.Row([ft.Container(width=18, height=18, bgcolor=theme.SURFACE, border=ft.Border.all(2, CHECK_IN_COLOUR)),
                text(check_ins_name, ui, size=ui.type.small)], spacing=theme.SPACE_XS, tight=True),
    ], wrap=True, spacing=theme.SPACE_L, run_spacing=theme.SPACE_XS)
    return ft.Semantics(identifier="chart-trend", container=True, label=chart.summary, content=card([
        heading(t("Visits and check-ins by month"), ui, level=3),
        legend,
        text(t("Highest: {value}", value=chart.highest), ui, size=ui.type.small, color=theme.MUTED),
        ft.Container(ft.Row(groups, spacing=theme.SPACE_XS, vertical_alignment=ft.CrossAxisAlignment.END),
                     border=ft.Border.only(bottom=ft.BorderSide(1, theme.OUTLINE))),
        ft.Row([text(chart.first, ui, size=ui.type.small, color=theme.MUTED),
                text(chart.last, ui, size=ui.type.small, color=theme.MUTED)],
               alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
    ]))


def ranking_section(chart: Ranking, ui: Ui) -> ft.Control:
    t = ui.t
    rows = [
        ft.Column([
            ft.Row([
                ft.Text(f"{row.rank}. {row.name}", size=ui.type.small, expand=True),
                ft.Text(row.value, size=ui.type.small, weight=ft.FontWeight.BOLD),
            ], spacing=theme.SPACE_S),
            proportion(row.fraction, theme.PRIMARY, height=BAR_HEIGHT),
        ], spacing=2)
        for row in chart.rows
    ]
    return ft.Semantics(identifier="chart-ranking", container=True, label=chart.summary, content=card([
        heading(t("Ranking of the units below"), ui, level=3),
        text(chart.indicator, ui, size=ui.type.small, color=theme.MUTED),
        ft.Column(rows, spacing=theme.SPACE_S, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
    ]))


# ---------------------------------------------------------------- table


def table_section(table: ReportTable, definitions, ui: Ui) -> ft.Control:
    """Every indicator for the unit and the units under it: scrolls sideways on a phone."""
    t = ui.t
    cell_width = round(TABLE_CELL_WIDTH * ui.type.factor)
    name_width = round(TABLE_NAME_WIDTH * ui.type.factor)

    def cell(value: str, width: float, *, bold: bool = False, align=ft.TextAlign.RIGHT) -> ft.Control:
        return ft.Container(ft.Text(value, size=ui.type.small, weight=ft.FontWeight.BOLD if bold else None,
                                    text_align=align), width=width, padding=theme.SPACE_S)

    header = ft.Row([cell(t("Unit"), name_width, bold=True, align=ft.TextAlign.LEFT),
                     *(cell(name, cell_width, bold=True) for name in table.headers)],
                    spacing=0, vertical_alignment=ft.CrossAxisAlignment.END)
    lines: list[ft.Control] = [ft.Container(header, bgcolor=TRACK)]
    for row in table.rows:
        name = ft.Container(ft.Column([
            ft.Text(row.name, size=ui.type.small, weight=ft.FontWeight.BOLD if row.total else None),
            ft.Text(row.kind, size=ui.type.small, color=theme.MUTED),
        ], spacing=0), width=name_width, padding=theme.SPACE_S)
        lines.append(ft.Container(
            ft.Row([name, *(cell(value, cell_width, bold=row.total) for value in row.cells)], spacing=0),
            bgcolor=theme.BACKGROUND if row.total else None,
            border=ft.Border.only(bottom=ft.BorderSide(1, BORDER))))
    grid = ft.Row([ft.Column(lines, spacing=0)], scroll=ft.ScrollMode.AUTO)
    explained: list[ft.Control] = [heading(t("What each indicator counts"), ui, level=3)]
    for definition in definitions:
        lines_of = definition_text(definition, t)
        explained.append(ft.Semantics(identifier=f"definition-{definition.id}", container=True, content=ft.Column(
            [text(lines_of.name, ui, bold=True), *definition_lines(lines_of, ui)], spacing=2)))
    return ft.Column([
        ft.Semantics(identifier="report-table", container=True, content=card([
            heading(t("Every indicator, by unit"), ui, level=3),
            text(t("Swipe or scroll sideways to see every column."), ui, size=ui.type.small, color=theme.MUTED),
            grid,
        ])),
        card(explained, identifier="report-definitions"),
    ], spacing=theme.SPACE_M, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)


# ---------------------------------------------------------------- the official's sections, export


@ft.component
def AssessmentSection(area: str, period: Period, assessment):
    """Đánh giá hiệu quả; Khó khăn, vướng mắc; Đề xuất, kiến nghị: written by the official, saved with
    the report, with who saved it and when."""
    _state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    # What was typed is kept in a ref, not state: a Save tapped right after the last keystroke runs the
    # handler of the render before that keystroke, whose state would still miss it.
    written = ft.use_ref(lambda: {"effectiveness": assessment.effectiveness,
                                  "difficulties": assessment.difficulties, "proposals": assessment.proposals})
    saved, set_saved = ft.use_state(assessment)
    busy, set_busy = ft.use_state(False)
    message, set_message = ft.use_state(None)  # (text, tone)

    async def save() -> None:
        if busy:
            return
        set_busy(True)
        set_message(None)
        try:
            answer = await session.reports.save_assessment(area, period, **written.current)
            set_saved(answer)
            set_message((t("The assessment is saved with the report."), "info"))
        except (ApiError, Offline) as failure:
            set_message((user_message(failure, t), "danger"))
        finally:
            set_busy(False)

    def area_field(label: str, key: str) -> ft.Control:
        def keep(event: ft.Event[ft.TextField]) -> None:
            written.current[key] = event.control.value or ""

        return ft.Row([ft.TextField(label=label, value=written.current[key], multiline=True, min_lines=3,
                                    max_lines=12, text_size=ui.type.body, label_style=ft.TextStyle(size=ui.type.body),
                                    expand=True, on_change=keep)])

    controls: list[ft.Control] = [
        heading(t("The official's assessment"), ui),
        text(t("The figures above are the report's section “Implementation results”. Write the other three "
               "sections here; they are saved with the report and printed in the PDF."), ui,
             size=ui.type.small, color=theme.MUTED),
        area_field(t("Assessment of effectiveness"), "effectiveness"),
        area_field(t("Difficulties and obstacles"), "difficulties"),
        area_field(t("Proposals and recommendations"), "proposals"),
        ft.Row([
            ft.FilledButton(t("Save the assessment"), icon=ft.Icons.SAVE, height=theme.TOUCH_TARGET,
                            style=button_style(ui), disabled=busy, on_click=save),
        ], wrap=True, spacing=theme.SPACE_S),
        ft.Semantics(identifier="assessment-saved", live_region=True, content=text(
            saved_text(saved, t), ui, size=ui.type.small, color=theme.MUTED)),
    ]
    if busy:
        controls.append(ft.ProgressBar())
    if message:
        controls.append(banner(message[0], ui, tone=message[1], icon=ft.Icons.INFO_OUTLINE,
                               identifier="assessment-message"))
    return card(controls, identifier="report-assessment")


@ft.component
def ExportSection(area: str, period: Period):
    """The report as the files the plans send upward, from the API: XLSX (a sheet per level, with the
    definitions) and PDF (A4, with the charts and the four sections)."""
    _state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    busy, set_busy = ft.use_state(None)  # the format being prepared
    error, set_error = ft.use_state(None)

    async def export(fmt: str) -> None:
        if busy:
            return
        set_busy(fmt)
        set_error(None)
        try:
            content = await session.reports.export(area, period, fmt)
            await ft.FilePicker().save_file(file_name=export_file_name(area, period, fmt), src_bytes=content,
                                            dialog_title=t("Save the report"))
        except (ApiError, Offline) as failure:
            set_error(user_message(failure, t))
        finally:
            set_busy(None)

    controls: list[ft.Control] = [
        heading(t("Send the report upward"), ui),
        text(t("Save the whole report, with the assessment as last saved, to send to the level above."), ui,
             size=ui.type.small, color=theme.MUTED),
        ft.Row([
            ft.FilledButton(t("Download Excel (XLSX)"), icon=ft.Icons.TABLE_VIEW, height=theme.TOUCH_TARGET,
                            style=button_style(ui), disabled=busy is not None, on_click=partial(export, "xlsx")),
            ft.OutlinedButton(t("Download PDF"), icon=ft.Icons.PICTURE_AS_PDF, height=theme.TOUCH_TARGET,
                              style=button_style(ui), disabled=busy is not None, on_click=partial(export, "pdf")),
        ], wrap=True, spacing=theme.SPACE_S, run_spacing=theme.SPACE_S),
    ]
    if busy:
        controls.append(ft.Row([ft.ProgressRing(width=24, height=24),
                                text(t("Preparing the file…"), ui, color=theme.MUTED)], spacing=theme.SPACE_M))
    if error:
        controls.append(banner(error, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE, identifier="export-error"))
    return card(controls, identifier="report-export")


# ---------------------------------------------------------------- the screen


def dashboard_column(controls: list[ft.Control], ui: Ui) -> ft.Control:
    """The scrolling body: full width on phones, a wide centred column on desktops (the charts need it)."""
    body = ft.Container(
        ft.Column(controls, spacing=theme.SPACE_L, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
        padding=theme.SPACE_L if not ui.wide else theme.SPACE_XL, width=DASHBOARD_MAX_WIDTH if ui.wide else None,
    )
    if ui.wide:
        body = ft.Row([body], alignment=ft.MainAxisAlignment.CENTER)
    return ft.Column([body], scroll=ft.ScrollMode.AUTO, expand=True)


@ft.component
def OfficialReportsView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    assignment = official_assignment(state.me)
    today = datetime.fromtimestamp(session.config.clock(), VIETNAM_TZ).date()
    period, set_period = ft.use_state(lambda: default_period(today))
    area, set_area = ft.use_state(assignment.area if assignment else None)
    facility, set_facility = ft.use_state(None)  # a facility of the commune shown, looked at on its own
    report, set_report = ft.use_state(None)
    error, set_error = ft.use_state(None)
    areas, set_areas = ft.use_state([])
    table_view, set_table_view = ft.use_state(False)
    generation = ft.use_ref(0)  # an answer for an area or period no longer shown is dropped

    async def guard() -> None:
        if state.me is None:
            await session.navigate("/sign-in")
        elif assignment is None:
            await session.navigate("/")

    ft.use_effect(guard, [state.me is None])

    async def load_areas() -> None:
        if assignment is None:
            return
        try:
            set_areas(await session.reports.areas())
        except (ApiError, Offline):
            set_areas([])  # the breadcrumb then shows the area alone; the report says what failed

    ft.use_effect(load_areas, [assignment is not None])

    async def load() -> None:
        if assignment is None or area is None:
            return
        generation.current += 1
        asked = generation.current
        set_error(None)
        set_report(None)
        try:
            found = await session.reports.report(area, period)
            if asked == generation.current:
                set_report(found)
        except (ApiError, Offline) as failure:
            if asked == generation.current:
                set_error(user_message(failure, t))

    ft.use_effect(load, [area, period.label, assignment is not None])

    def go_up(code: str) -> None:
        set_facility(None)
        if code != area:
            set_area(code)

    def go_down(unit) -> None:
        if is_facility(unit):
            set_facility(unit.code)
        else:
            set_facility(None)
            set_area(unit.code)

    async def sign_out() -> None:
        await session.sign_out()

    if state.me is None or assignment is None:
        return dashboard_column([text(t("Opening…"), ui)], ui)

    # ------------------------------------------------------------ header
    title = ft.Column([
        heading(t("Electronic health book pilot report"), ui, level=1),
        text(official_line(state.me, assignment), ui, color=theme.MUTED),
    ], spacing=0, expand=ui.wide)
    tools: list[ft.Control] = []
    if state.me.can_read_book:
        tools.append(ft.TextButton(t("My own health book"), icon=ft.Icons.MENU_BOOK, height=theme.TOUCH_TARGET,
                                   style=button_style(ui), on_click=session.go("/")))
    if state.me.administers:
        tools.append(ft.TextButton(t("Administration"), icon=ft.Icons.ADMIN_PANEL_SETTINGS, height=theme.TOUCH_TARGET,
                                   style=button_style(ui), on_click=session.go("/admin")))
    tools.append(ft.TextButton(t("Sign out"), icon=ft.Icons.LOGOUT, height=theme.TOUCH_TARGET,
                               style=button_style(ui), on_click=sign_out))
    header: ft.Control = (ft.Row([title, *tools], spacing=theme.SPACE_S) if ui.wide
                          else ft.Column([title, ft.Row(tools, wrap=True, spacing=theme.SPACE_S)]))
    controls: list[ft.Control] = [header, PeriodPicker(period, today, set_period, key=period.kind.value)]

    # ------------------------------------------------------------ where, and what failed
    if report is None:
        if error:
            controls.append(banner(error, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE, identifier="report-error"))
            controls.append(ft.Row([ft.OutlinedButton(t("Try again"), icon=ft.Icons.REFRESH,
                                                      height=theme.TOUCH_TARGET, style=button_style(ui),
                                                      on_click=load)], wrap=True))
            if area != assignment.area:
                controls.append(ft.Row([ft.TextButton(t("Back to {area}", area=assignment.area_name or assignment.area),
                                                      icon=ft.Icons.ARROW_UPWARD, height=theme.TOUCH_TARGET,
                                                      style=button_style(ui), on_click=partial(go_up, assignment.area))],
                                       wrap=True))
        else:
            controls.append(loading(t("Computing the report…"), ui))
        return dashboard_column(controls, ui)

    focus = unit_by_code(report, facility) if facility else None
    unit = focus or area_unit(report)
    below = children(report, unit.code) if unit else []
    controls.append(breadcrumb_bar(breadcrumbs(areas, assignment.area, report.area, focus), below, ui,
                                   on_up=go_up, on_down=go_down))

    # ------------------------------------------------------------ Kết quả thực hiện
    results: list[ft.Control] = [
        heading(t("Implementation results"), ui),
        text(" · ".join([computed_text(report, t), compared_text(report, t)]), ui, size=ui.type.small,
             color=theme.MUTED),
        text(t("“< 5”: fewer than 5 people, not shown to protect their privacy. “—”: not counted at this level."),
             ui, size=ui.type.small, color=theme.MUTED),
    ]
    controls.append(ft.Column(results, spacing=theme.SPACE_XS))
    controls.append(figure_grid(figures(report, unit, t), ui))
    controls.append(ft.Semantics(identifier="report-view-toggle", container=True, content=ft.Row([
        choice_button(t("Charts"), not table_view, lambda: set_table_view(False), ui, icon=ft.Icons.BAR_CHART),
        choice_button(t("Table"), table_view, lambda: set_table_view(True), ui, icon=ft.Icons.TABLE_ROWS),
    ], wrap=True, spacing=theme.SPACE_S, run_spacing=theme.SPACE_S)))
    if table_view:
        controls.append(table_section(report_table(report, unit, t), report.indicators, ui))
    else:
        charts: list[ft.Control] = []
        coverage = coverage_chart(report, t) if focus is None else None
        ranked = ranking(report, unit.code, t) if unit else None
        trend = trend_chart(report, t) if focus is None else None
        if coverage:
            charts.append(ft.Container(coverage_section(coverage, ui), col={"xs": 12, "lg": 6}))
        if ranked:
            charts.append(ft.Container(ranking_section(ranked, ui), col={"xs": 12, "lg": 6}))
        if trend:
            visits = indicator(report, VISITS)
            check_ins = indicator(report, CHECK_INS)
            charts.append(ft.Container(trend_section(
                trend, ui, visits_name=visits.name if visits else t("Visits received"),
                check_ins_name=check_ins.name if check_ins else t("Check-ins")), col={"xs": 12}))
        if charts:
            controls.append(ft.ResponsiveRow(charts, spacing=theme.SPACE_M, run_spacing=theme.SPACE_M))
    if focus is None:
        others: list[ft.Control] = []
        if refusals := refusal_lines(report, t):
            others += [heading(t("Most frequent reasons records were refused"), ui, level=3),
                       *(text(line, ui, size=ui.type.small) for line in refusals)]
        if silent := silent_facility_names(report):
            others += [heading(t("Facilities that sent nothing in the period"), ui, level=3),
                       text(", ".join(silent), ui, size=ui.type.small)]
        if others:
            controls.append(card(others, identifier="report-gateway"))

    # ------------------------------------------------------------ the official's sections, export
    controls.append(AssessmentSection(report.area.code, Period.of(report.period), report.assessment,
                                      key=f"{report.area.code}|{report.period.label}"))
    controls.append(ExportSection(report.area.code, Period.of(report.period)))
    return dashboard_column(controls, ui)
