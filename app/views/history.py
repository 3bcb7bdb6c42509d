"""History (tiền sử): every group, each saying plainly when nothing is recorded."""

from __future__ import annotations

import flet as ft

from .. import theme
from ..components import empty_state, heading, loading, page_column, section, text, use_ui
from ..viewmodels.history import build_history


def history_sections(history, ui) -> list[ft.Control]:
    """Every group of the history, for the citizen's page and the doctor's."""
    t = ui.t
    sections = []
    for group in build_history(history, t):
        rows = [
            ft.Column([
                text(row.primary, ui, bold=True, color=theme.DANGER if row.alert else None),
                text(row.secondary, ui, size=ui.type.small, color=theme.MUTED),
            ], spacing=2)
            for row in group.rows
        ]
        sections.append(section(group.title, rows or [empty_state(t("Nothing recorded"), ui)], ui,
                                identifier=f"history-{group.key}"))
    return sections


@ft.component
def HistoryView():
    state, ui = use_ui()
    if state.book is None:  # the layout is about to show the loading state
        return loading(ui.t("Loading the health book…"), ui)
    return page_column([heading(ui.t("Medical history"), ui, level=1), *history_sections(state.book.history, ui)], ui)
