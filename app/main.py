"""The app's entry: one session per browser tab or phone, rendered from `App`."""

from __future__ import annotations

import flet as ft

from . import theme
from .components import use_ui
from .config import AppConfig
from .routes import ROUTES
from .services import SessionContext, SessionService, create_session
from .state import AppState, StateContext
from .views.not_found import NotFoundView

ASSISTED_BANNER = "#7A3E00"  # dark amber, 8.3:1 with white: unlike the colours of any screen


@ft.component
def AssistedFrame():
    """Every screen of an assisted session says whose it is and who helps, with the way to end it."""
    state, ui = use_ui()
    session = ft.use_context(SessionContext)

    def apply_reader_settings() -> None:
        """Flutter's own widgets (buttons, fields, the navigation) grow with large text through the theme;
        the tab's name is the splash's (assets/index.html), in the reader's language."""
        page = ft.context.page
        page.theme = theme.page_theme(ui.type)
        page.title = ui.t("Electronic health book")
        page.update()

    ft.use_effect(apply_reader_settings, [state.large_text, state.language])
    router = ft.Router(ROUTES, not_found=NotFoundView)
    assisted = state.assisted
    if assisted is None:
        return router
    t = ui.t
    whose = ft.Row([
        ft.Icon(ft.Icons.VOLUNTEER_ACTIVISM, color=theme.ON_PRIMARY, size=ui.type.size(24)),
        ft.Text(t("Assisting: {name}", name=assisted.citizen_name), size=ui.type.body,
                weight=ft.FontWeight.BOLD, color=theme.ON_PRIMARY, expand=True),
    ], spacing=theme.SPACE_S)
    helper = ft.Text(t("Volunteer {helper} is helping. The session ends at {time}.", helper=assisted.helper_name,
                       time=t.time(assisted.until)), size=ui.type.small, color=theme.ON_PRIMARY)
    end = ft.FilledButton(t("End and hand back the device"), icon=ft.Icons.LOGOUT, height=theme.TOUCH_TARGET,
                          on_click=session.hand_back,
                          style=ft.ButtonStyle(bgcolor=theme.ON_PRIMARY, color=ASSISTED_BANNER,
                                               icon_color=ASSISTED_BANNER, icon_size=ui.type.size(18),
                                               text_style=ft.TextStyle(size=ui.type.body, weight=ft.FontWeight.BOLD)))
    # A desk PC has the width for one band; a phone stacks it, the button last, under what it ends.
    layout = (ft.Row([ft.Column([whose, helper], spacing=theme.SPACE_XS, expand=True), end], spacing=theme.SPACE_L)
              if ui.wide else ft.Column([whose, helper, end], spacing=theme.SPACE_XS))
    notice = ft.Semantics(identifier="assisted-banner", live_region=True, content=ft.Container(
        layout, bgcolor=ASSISTED_BANNER,
        padding=ft.Padding.symmetric(horizontal=theme.SPACE_L if ui.wide else theme.SPACE_M, vertical=theme.SPACE_S)))
    return ft.Column([notice, ft.Container(router, expand=True)], spacing=0, expand=True)


@ft.component
def App(state: AppState, session: SessionService):
    return StateContext(state, lambda: SessionContext(session, lambda: ft.SafeArea(
        content=AssistedFrame(), expand=True)))


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
