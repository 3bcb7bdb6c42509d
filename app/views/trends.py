"""One series of results over time (/trends/:series): the chart with its normal band and every value in a table.

Charts are drawn with Flet's core canvas (flet-charts is not in the web client): the normal range as a
shaded band, the values as a line with dots, a dot out of range in red. Screen readers get the same as
text through the Semantics label (`Trend.summary`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import flet as ft
import flet.canvas as cv

from .. import theme
from ..components import Ui, card, empty_state, heading, loading, page_column, status_chip, text, use_ui
from ..services import SessionContext
from ..viewmodels.trends import Trend, decimal, trend_of

BAND_COLOUR = theme.SUCCESS_CONTAINER
LINE_COLOUR = theme.PRIMARY
SECOND_LINE_COLOUR = "#5B7C99"  # the diastolic pressure, lighter than the systolic
SUCCESS_LINE = "#7FB58F"  # the diastolic limit, the band's colour made visible as a line
CHART_WIDTH = 280  # fits a 360 px phone inside the page and card padding
TONE = {"high": "danger", "low": "warning", "normal": "success", "unknown": "neutral"}


def _outside(value: float, low: float | None, high: float | None) -> bool:
    return (low is not None and value < low) or (high is not None and value > high)


def _y_range(trend: Trend) -> tuple[float, float]:
    values = [p.value for p in trend.points] + [p.second for p in trend.points if p.second is not None]
    values += [limit for limit in (trend.low, trend.high, trend.second_high) if limit is not None]
    low, high = min(values), max(values)
    pad = (high - low) * 0.12 or max(abs(high) * 0.1, 1)
    return low - pad, high + pad


def trend_chart(trend: Trend, ui: Ui, *, width: float = CHART_WIDTH, height: float | None = None) -> ft.Control:
    height = height or ui.type.size(110)
    bottom, top = _y_range(trend)
    margin = 8

    def y(value: float) -> float:
        return margin + (top - value) / (top - bottom) * (height - 2 * margin)

    first, last = trend.points[0].at, trend.points[-1].at
    span = (last - first).total_seconds()

    def x(moment: datetime) -> float:
        if span <= 0:
            return width / 2
        return margin + (moment - first).total_seconds() / span * (width - 2 * margin)

    label_style = ft.TextStyle(size=ui.type.size(12), color=theme.MUTED)
    shapes: list[cv.Shape] = [cv.Rect(0, 0, width, height, paint=ft.Paint(color=theme.SURFACE))]
    if trend.low is not None or trend.high is not None:
        band_top = y(trend.high) if trend.high is not None else 0
        band_bottom = y(trend.low) if trend.low is not None else height
        shapes.append(cv.Rect(0, band_top, width, band_bottom - band_top,
                              paint=ft.Paint(color=BAND_COLOUR, style=ft.PaintingStyle.FILL)))
        for limit in (trend.low, trend.high):
            if limit is not None:  # the band's edges as numbers (blood pressure: its limit 140, not 139)
                shapes.append(cv.Text(2, y(limit) - 15 if limit == trend.high else y(limit) + 1,
                                      decimal(limit + (1 if trend.key == "blood_pressure" else 0), ui.t,
                                              0 if trend.key == "blood_pressure" else 1), style=label_style))
    if trend.second_high is not None:  # the diastolic limit: a line, its band would hide the systolic one
        shapes.append(cv.Line(0, y(trend.second_high), width, y(trend.second_high),
                              paint=ft.Paint(color=SUCCESS_LINE, stroke_width=1.5)))
        shapes.append(cv.Text(2, y(trend.second_high) - 15, decimal(trend.second_high + 1, ui.t, 0), style=label_style))
    second_high = trend.second_high
    lines = [(LINE_COLOUR, [(p.at, p.value, _outside(p.value, trend.low, trend.high)) for p in trend.points])]
    if any(p.second is not None for p in trend.points):
        lines.append((SECOND_LINE_COLOUR, [(p.at, p.second, _outside(p.second, None, second_high))
                                           for p in trend.points if p.second is not None]))
    for colour, series in lines:
        for (a_at, a_value, _), (b_at, b_value, _) in pairwise(series):
            shapes.append(cv.Line(x(a_at), y(a_value), x(b_at), y(b_value),
                                  paint=ft.Paint(color=colour, stroke_width=2.5)))
        for at, value, outside in series:
            shapes.append(cv.Circle(x(at), y(value), 5, paint=ft.Paint(
                color=theme.DANGER if outside else colour, style=ft.PaintingStyle.FILL)))
    return ft.Semantics(
        identifier=f"trend-chart-{trend.key}", label=trend.summary, container=True,
        content=ft.Container(cv.Canvas(shapes=shapes, width=width, height=height), width=width, height=height,
                             border=ft.Border.all(1, theme.OUTLINE), border_radius=4),
    )


def legend(trend: Trend, ui: Ui) -> ft.Control:
    t = ui.t
    items: list[ft.Control] = []
    if trend.range_text:
        items.append(ft.Row([ft.Container(width=18, height=18, bgcolor=BAND_COLOUR, border=ft.Border.all(1, theme.OUTLINE)),
                             text(t("Normal range: {range}", range=trend.range_text), ui, size=ui.type.small)],
                            spacing=theme.SPACE_S, tight=True))
    items.append(ft.Row([ft.Container(width=14, height=14, bgcolor=theme.DANGER, border_radius=7),
                         text(t("Outside the normal range"), ui, size=ui.type.small)], spacing=theme.SPACE_S, tight=True))
    if trend.key == "blood_pressure":
        items.append(text(t("Upper line: systolic; lower line: diastolic"), ui, size=ui.type.small, color=theme.MUTED))
    return ft.Row(items, wrap=True, spacing=theme.SPACE_M, run_spacing=theme.SPACE_XS)


def values_table(trend: Trend, ui: Ui) -> ft.Control:
    t = ui.t
    rows: list[ft.Control] = []
    for point in reversed(trend.points):
        verdict = {True: t("Normal"), False: t("Outside the normal range"), None: ""}[point.in_range]
        rows.append(ft.Container(
            ft.Row([
                ft.Container(text(point.day, ui), width=ui.type.size(110)),
                text(point.text, ui, bold=True, color=theme.DANGER if point.in_range is False else None),
                *([status_chip(verdict, ui, "danger" if point.in_range is False else "success")] if verdict else []),
            ], wrap=True, spacing=theme.SPACE_M, vertical_alignment=ft.CrossAxisAlignment.CENTER),
            padding=ft.Padding.symmetric(vertical=theme.SPACE_S),
            border=ft.Border.only(bottom=ft.BorderSide(1, "#D5DCE3")),
        ))
    return ft.Semantics(identifier="trend-values", container=True, content=ft.Column(rows, spacing=0))


@ft.component
def TrendView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    key = ft.use_route_params().get("series") or ""
    t = ui.t
    if state.book is None:
        return loading(t("Loading the health book…"), ui)
    trend = trend_of(state.book, key, now=datetime.now(UTC), t=t)
    back = ft.TextButton(t("Back to Home"), icon=ft.Icons.ARROW_BACK, height=theme.TOUCH_TARGET,
                         on_click=session.go("/"))
    if trend is None:
        return page_column([back, empty_state(t("No values of this kind in the book yet."), ui)], ui)
    return page_column([
        back,
        heading(trend.title, ui, level=1),
        ft.Semantics(identifier="trend-sentence", live_region=True, content=text(
            trend.sentence, ui, bold=True, color=theme.DANGER if trend.status in ("high", "low") else theme.SUCCESS)),
        card([trend_chart(trend, ui, height=ui.type.size(170)), legend(trend, ui)]),
        card([heading(t("All values"), ui), values_table(trend, ui)]),
        text(t("Ranges are a guide. Your doctor may set a different target for you."), ui,
             size=ui.type.small, color=theme.MUTED),
    ], ui)
