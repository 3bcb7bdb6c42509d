"""Visits: newest first, grouped by year, searchable by facility, diagnosis or medicine."""

from __future__ import annotations

import flet as ft

from .. import theme
from ..components import card, empty_state, heading, loading, page_column, status_chip, text, use_ui
from ..services import SessionContext
from ..viewmodels.visits import VisitRow, build_visit_list


def visit_tile(row: VisitRow, ui, on_open) -> ft.Control:
    return ft.Semantics(
        identifier=f"visit-{row.visit_id}", button=True,
        label=f"{row.date}, {row.facility}, {row.diagnosis}",
        content=ft.Container(
            ft.Column([
                ft.Row([text(row.date, ui, bold=True), text(row.kind, ui, size=ui.type.small, color=theme.MUTED)],
                       wrap=True, spacing=theme.SPACE_S),
                text(row.diagnosis, ui, color=theme.PRIMARY),
                text(row.facility, ui, size=ui.type.small),
                ft.Row([status_chip(paper, ui, "neutral") for paper in row.papers], wrap=True, spacing=theme.SPACE_XS)
                if row.papers else ft.Container(),
            ], spacing=theme.SPACE_XS),
            padding=theme.SPACE_M, border_radius=theme.RADIUS, bgcolor=theme.SURFACE,
            border=ft.Border.all(1, "#D5DCE3"), on_click=on_open, ink=True,
        ),
    )


@ft.component
def VisitsView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    query, set_query = ft.use_state("")
    if state.book is None:  # after the hooks: their order must not change
        return loading(ui.t("Loading the health book…"), ui)
    t = ui.t
    groups = build_visit_list(state.book.visits, query, t)
    search = ft.TextField(
        value=query, label=t("Search by facility, diagnosis or medicine"), prefix_icon=ft.Icons.SEARCH,
        on_change=lambda e: set_query(e.control.value), text_size=ui.type.body,
    )
    if not state.book.visits:
        body = [card([empty_state(t("No visits yet. Visits appear here after the clinic sends them."), ui)])]
    elif not groups:
        body = [card([empty_state(t("No visit matches “{query}”.", query=query), ui, ft.Icons.SEARCH_OFF)])]
    else:
        body = []
        for group in groups:
            body.append(ft.Semantics(header=True, content=ft.Text(str(group.year), size=ui.type.title,
                                                                 weight=ft.FontWeight.BOLD)))
            body += [visit_tile(row, ui, session.go(f"/visits/{row.visit_id}")) for row in group.rows]
    return page_column([heading(t("Visits"), ui, level=1), search, *body], ui)
