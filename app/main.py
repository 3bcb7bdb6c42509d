"""The app's entry: one session per browser tab or phone, rendered from `App`."""

from __future__ import annotations

import flet as ft

from . import theme
from .config import AppConfig
from .routes import ROUTES
from .services import SessionContext, SessionService, create_session
from .state import AppState, StateContext
from .views.not_found import NotFoundView


@ft.component
def App(state: AppState, session: SessionService):
    return StateContext(state, lambda: SessionContext(session, lambda: ft.SafeArea(
        content=ft.Router(ROUTES, not_found=NotFoundView), expand=True)))


def create_main(config: AppConfig, **session_options):
    async def main(page: ft.Page) -> None:
        state = AppState(wide=(page.width or 0) >= theme.WIDE_LAYOUT_MIN_WIDTH)
        session = await create_session(page, state, config, **session_options)
        page.theme = theme.page_theme()
        page.bgcolor = theme.BACKGROUND
        page.padding = 0
        page.on_login = session.on_web_login

        def on_resize(event: ft.PageResizeEvent) -> None:
            wide = event.width >= theme.WIDE_LAYOUT_MIN_WIDTH
            if wide != state.wide:
                state.wide = wide

        page.on_resize = on_resize
        await session.start()
        page.render(App, state, session)

    return main
