"""For a level 1 account: why the book needs level 2, and exactly how to get it."""

from __future__ import annotations

import flet as ft

from .. import theme
from ..components import card, heading, page_column, text, use_ui
from ..services import SessionContext


@ft.component
def LevelUpgradeView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t

    async def back_to_sign_in():
        if state.me is None:
            await session.navigate("/sign-in")

    ft.use_effect(back_to_sign_in, [state.me is None])

    steps = [
        t("Bring your chip ID card to the police of the commune or ward where you live."),
        t("Ask to activate a level 2 electronic identity account. The officer takes your portrait and fingerprints."),
        t("When the police approve it, you receive a message. Open the VNeID app and activate level 2."),
        t("Come back here and sign in again."),
    ]
    name = state.me.full_name if state.me else ""
    return page_column([
        ft.Semantics(identifier="level-upgrade", container=True, content=ft.Column([
            heading(t("Your account is level 1"), ui, level=1),
            text(t("Hello {name}. The health book holds your medical information, so only accounts verified "
                   "in person (level 2) may open it.", name=name), ui),
        ], spacing=theme.SPACE_M)),
        card([
            heading(t("How to upgrade to level 2"), ui),
            *[
                ft.Row([
                    ft.Container(ft.Text(str(number), size=ui.type.body, color=theme.ON_PRIMARY,
                                         weight=ft.FontWeight.BOLD),
                                 bgcolor=theme.PRIMARY, width=36, height=36, border_radius=18,
                                 alignment=ft.Alignment.CENTER),
                    ft.Text(step, size=ui.type.body, expand=True),
                ], spacing=theme.SPACE_M, vertical_alignment=ft.CrossAxisAlignment.START)
                for number, step in enumerate(steps, start=1)
            ],
            text(t("It is free. The community digital-technology team of your ward can go with you."), ui,
                 color=theme.MUTED),
        ]),
        ft.Row([
            ft.FilledButton(t("Sign in again"), icon=ft.Icons.LOGIN, height=theme.TOUCH_TARGET,
                            on_click=session.sign_out),
        ], wrap=True),
    ], ui)
