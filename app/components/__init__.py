"""Reusable pieces of the screens. Plain data in, controls out; no I/O, no global state.

`Ui` bundles what every piece needs to render for this reader: the translator and the type scale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import flet as ft

from .. import theme
from ..i18n import Translator
from ..state import AppState, StateContext


@dataclass(frozen=True)
class Ui:
    t: Translator
    type: theme.TypeScale
    wide: bool = False


def use_ui() -> tuple[AppState, Ui]:
    """The app state (re-rendering the caller when it changes) and how to render for this reader."""
    state = ft.use_context(StateContext)
    return state, Ui(Translator(state.language), theme.LARGE if state.large_text else theme.NORMAL, state.wide)


def text(value: str, ui: Ui, *, size: float | None = None, bold: bool = False, color: str | None = None) -> ft.Text:
    return ft.Text(value, size=size or ui.type.body, weight=ft.FontWeight.BOLD if bold else None, color=color)


def heading(value: str, ui: Ui, *, level: int = 2) -> ft.Semantics:
    size = ui.type.headline if level == 1 else ui.type.title
    return ft.Semantics(header=True, heading_level=level,
                        content=ft.Text(value, size=size, weight=ft.FontWeight.BOLD, color=theme.PRIMARY))


def card(controls: list[ft.Control], *, bgcolor: str = theme.SURFACE, border_color: str | None = None,
         identifier: str | None = None) -> ft.Control:
    box = ft.Container(
        content=ft.Column(controls, spacing=theme.SPACE_S),
        padding=theme.SPACE_L,
        bgcolor=bgcolor,
        border_radius=theme.RADIUS,
        border=ft.Border.all(2, border_color) if border_color else ft.Border.all(1, "#D5DCE3"),
    )
    return ft.Semantics(identifier=identifier, container=True, content=box) if identifier else box


def section(title: str, controls: list[ft.Control], ui: Ui, *, identifier: str | None = None) -> ft.Control:
    return card([heading(title, ui), *controls], identifier=identifier)


def info_row(label: str, value: str, ui: Ui) -> ft.Control:
    """Label above value, so long Vietnamese text wraps instead of being cut in large-text mode.
    (Not `selectable`: Flutter web exposes selectable text as a disabled text box to screen readers.)"""
    return ft.Column(
        [ft.Text(label, size=ui.type.small, color=theme.MUTED), ft.Text(value, size=ui.type.body)],
        spacing=2,
    )


BUTTON_ICON_SIZE = 18  # Material's, at normal text size
WRAPPING_LABEL_PADDING = 14  # above and below a one-line label of 20 px: 48 px in all


def button_style(ui: Ui, *, wraps: bool = False, size: float | None = None) -> ft.ButtonStyle:
    """Button labels grow with large-text mode like the rest of the screen, and their icons with them
    (set on the button, not only through the page theme, which Flutter web applies late or not at all).

    A label that may wrap (a long one, in large text on a phone) has no fixed height, which would cut
    its second line: its padding keeps the button at least 48 px high. `size`: a screen's main action
    may speak louder than the body text."""
    padding = (ft.Padding.only(left=theme.SPACE_L, top=WRAPPING_LABEL_PADDING, right=theme.SPACE_XL,
                               bottom=WRAPPING_LABEL_PADDING) if wraps else None)
    return ft.ButtonStyle(text_style=ft.TextStyle(size=size or ui.type.body), icon_size=ui.type.size(BUTTON_ICON_SIZE),
                          padding=padding,  # a desktop's compact density would take 16 px off it
                          visual_density=ft.VisualDensity.STANDARD if wraps else None)


def icon_button(icon: ft.IconData, label: str, on_click, *, color: str | None = None,
                disabled: bool = False) -> ft.Control:
    """An icon button screen readers can name (a tooltip alone gives Flutter web no label), 48 px square
    (Material's 40 px is under the touch minimum), its label shown as a tooltip on long press or hover."""
    return ft.Semantics(
        label=label, button=True,
        content=ft.IconButton(icon, tooltip=label, icon_color=color, on_click=on_click, disabled=disabled,
                              icon_size=26, width=theme.TOUCH_TARGET, height=theme.TOUCH_TARGET),
    )


def labelled_action(icon: ft.IconData, label: str, on_click, ui: Ui, *, color: str | None = None,
                    disabled: bool = False) -> ft.Control:
    """A header action: icon and words where the window has the width, a named 48 px icon on a phone."""
    if not ui.wide:
        return icon_button(icon, label, on_click, color=color, disabled=disabled)
    return ft.TextButton(
        label, icon=icon, on_click=on_click, disabled=disabled, height=theme.TOUCH_TARGET,
        style=ft.ButtonStyle(color=color, icon_color=color,
                             text_style=ft.TextStyle(size=ui.type.body, weight=ft.FontWeight.W_600)),
    )


def empty_state(message: str, ui: Ui, icon: ft.IconData = ft.Icons.INBOX_OUTLINED) -> ft.Control:
    return ft.Row(
        [ft.Icon(icon, color=theme.MUTED, size=28), ft.Text(message, size=ui.type.body, color=theme.MUTED, expand=True)],
        spacing=theme.SPACE_M,
    )


def loading(message: str, ui: Ui) -> ft.Control:
    return ft.Semantics(
        identifier="loading", live_region=True,
        content=ft.Container(
            ft.Column([ft.ProgressRing(), ft.Text(message, size=ui.type.body)],
                      horizontal_alignment=ft.CrossAxisAlignment.CENTER, spacing=theme.SPACE_L),
            alignment=ft.Alignment.CENTER, padding=theme.SPACE_XL * 2,
        ),
    )


def error_state(message: str, ui: Ui, on_retry: Callable) -> ft.Control:
    return ft.Semantics(
        identifier="error", live_region=True,
        content=card(
            [
                ft.Row([ft.Icon(ft.Icons.ERROR_OUTLINE, color=theme.DANGER, size=32),
                        ft.Text(message, size=ui.type.body, expand=True)], spacing=theme.SPACE_M),
                ft.FilledButton(ui.t("Try again"), icon=ft.Icons.REFRESH, on_click=on_retry,
                                height=theme.TOUCH_TARGET),
            ],
            border_color=theme.DANGER,
        ),
    )


def banner(message: str, ui: Ui, *, tone: str, icon: ft.IconData, identifier: str) -> ft.Control:
    colours = {
        "danger": (theme.DANGER_CONTAINER, theme.ON_DANGER_CONTAINER, theme.DANGER),
        "warning": (theme.WARNING_CONTAINER, theme.WARNING, theme.WARNING),
        "info": ("#E3EEF9", theme.PRIMARY, theme.PRIMARY),
    }
    background, foreground, border = colours[tone]
    return ft.Semantics(
        identifier=identifier, live_region=True,
        content=ft.Container(
            ft.Row([ft.Icon(icon, color=border), ft.Text(message, size=ui.type.body, color=foreground, expand=True)],
                   spacing=theme.SPACE_M),
            bgcolor=background, padding=theme.SPACE_M, border_radius=theme.RADIUS,
            border=ft.Border.all(1, border),
        ),
    )


def status_chip(label: str, ui: Ui, tone: str) -> ft.Control:
    colours = {
        "danger": (theme.DANGER_CONTAINER, theme.ON_DANGER_CONTAINER),
        "warning": (theme.WARNING_CONTAINER, theme.WARNING),
        "success": (theme.SUCCESS_CONTAINER, theme.SUCCESS),
        "neutral": ("#E8ECF0", theme.MUTED),
    }
    background, foreground = colours[tone]
    return ft.Container(
        ft.Text(label, size=ui.type.small, color=foreground, weight=ft.FontWeight.BOLD),
        bgcolor=background, padding=ft.Padding.symmetric(horizontal=theme.SPACE_S, vertical=2),
        border_radius=theme.RADIUS,
    )


def page_column(controls: list[ft.Control], ui: Ui) -> ft.Control:
    """The scrolling body of a screen: full width on phones, a centred column on desktops."""
    body = ft.Container(
        ft.Column(controls, spacing=theme.SPACE_L, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
        padding=theme.SPACE_L, width=theme.CONTENT_MAX_WIDTH if ui.wide else None,
    )
    if ui.wide:
        body = ft.Row([body], alignment=ft.MainAxisAlignment.CENTER)
    return ft.Column([body], scroll=ft.ScrollMode.AUTO, expand=True)
