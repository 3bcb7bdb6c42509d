"""Sign-in: one large button to VNeID, the language choice, and what the book needs."""

from __future__ import annotations

import flet as ft

from .. import theme
from ..components import banner, button_style, page_column, text, use_ui
from ..services import SessionContext
from ..services.session import landing_route


def language_switch(state, session, ui) -> ft.Control:
    """Shown in each language's own name, so a reader finds theirs whatever is on screen."""

    async def choose(event: ft.Event) -> None:
        await session.set_language(event.control.selected[0])

    return ft.SegmentedButton(
        selected=[state.language],
        segments=[
            ft.Segment(value="vi", label=ft.Text("Tiếng Việt", size=ui.type.small)),
            ft.Segment(value="en", label=ft.Text("English", size=ui.type.small)),
        ],
        on_change=choose,
    )


@ft.component
def SignInView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    busy, set_busy = ft.use_state(False)

    async def leave_when_signed_in():
        if state.me is not None:
            await session.navigate(landing_route(state.me))

    ft.use_effect(leave_when_signed_in, [state.me is not None])

    async def open_guide():
        await ft.UrlLauncher().launch_url(session.config.guide_url(state.language), web_only_window_name="_blank")

    async def sign_in():
        set_busy(True)
        try:
            await session.sign_in()
        finally:
            set_busy(False)

    return page_column([
        ft.Row([language_switch(state, session, ui)], alignment=ft.MainAxisAlignment.END),
        ft.Container(height=theme.SPACE_XL),
        ft.Icon(ft.Icons.HEALTH_AND_SAFETY, size=72, color=theme.PRIMARY, semantics_label=t("Electronic health book")),
        ft.Semantics(header=True, heading_level=1, content=ft.Text(
            t("Electronic health book"), size=ui.type.headline, weight=ft.FontWeight.BOLD, color=theme.PRIMARY)),
        text(t("Your visits, medicines, test results and vaccinations in one place, "
               "in place of the paper health booklet."), ui),
        banner(state.sign_in_error, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE, identifier="sign-in-error")
        if state.sign_in_error else ft.Container(),
        ft.FilledButton(
            t("Sign in with VNeID"), icon=ft.Icons.LOGIN, on_click=sign_in, disabled=busy,
            style=button_style(ui, wraps=True, size=ui.type.title),
        ),
        text(t("You need a level 2 electronic identity account (VNeID). "
               "Community digital-technology volunteers in your ward can help you activate it."), ui,
             size=ui.type.small, color=theme.MUTED),
        ft.Semantics(identifier="guide-link", content=ft.TextButton(
            t("How to use the health book (printable guide, PDF)"), icon=ft.Icons.MENU_BOOK,
            style=button_style(ui, wraps=True), on_click=open_guide)),
    ], ui)
