"""The signed-in frame: whose book is open, the offline notice, the screen, and the navigation.

It also guards the book: signed out goes to sign-in, level 1 to the upgrade guidance, and the
book of the chosen person is loaded here once for all screens.
"""

from __future__ import annotations

from dataclasses import dataclass

import flet as ft

from api_client.identifiers import N_

from .. import theme
from ..components import banner, error_state, labelled_action, loading, use_ui
from ..services import SessionContext
from ..state import LoadStatus


@dataclass(frozen=True)
class Destination:
    route: str
    label: str  # msgid
    icon: ft.IconData
    selected_icon: ft.IconData


DESTINATIONS = (
    Destination("/", N_("Home"), ft.Icons.HOME_OUTLINED, ft.Icons.HOME),
    Destination("/visits", N_("Visits"), ft.Icons.MEDICAL_SERVICES_OUTLINED, ft.Icons.MEDICAL_SERVICES),
    Destination("/history", N_("History"), ft.Icons.HISTORY_EDU_OUTLINED, ft.Icons.HISTORY_EDU),
    Destination("/vaccinations", N_("Vaccines"), ft.Icons.VACCINES_OUTLINED, ft.Icons.VACCINES),
    Destination("/settings", N_("Settings"), ft.Icons.SETTINGS_OUTLINED, ft.Icons.SETTINGS),
)
# A guardian's way to a dependent's book, named in the navigation (an unlabelled header icon was missed).
# Only for guardians: for anyone else the screen would list just themself.
FAMILY = Destination("/family", N_("Family"), ft.Icons.FAMILY_RESTROOM_OUTLINED, ft.Icons.FAMILY_RESTROOM)


def destinations_for(guardian: bool) -> tuple[Destination, ...]:
    """Family before Settings, so the book's screens keep their places for everyone."""
    return (*DESTINATIONS[:-1], FAMILY, DESTINATIONS[-1]) if guardian else DESTINATIONS


def selected_destination(route: str, destinations: tuple[Destination, ...] = DESTINATIONS) -> int | None:
    path = route.split("?")[0].rstrip("/") or "/"
    for index, destination in enumerate(destinations):
        if path == destination.route or (destination.route != "/" and path.startswith(destination.route + "/")):
            return index
    return None


@ft.component
def AppLayout():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    outlet = ft.use_route_outlet()
    t = ui.t
    page = ft.context.page

    async def guard():
        if state.me is None:
            await session.navigate("/sign-in")
        elif state.me.identity_level < 2:
            await session.navigate("/level-2")

    ft.use_effect(guard, [state.me is None])

    async def load():
        if state.me is not None and state.me.identity_level >= 2 and state.status is LoadStatus.IDLE:
            await session.load_book()

    # Not keyed on the status: changing the deps cancels a running effect, and loading changes it.
    ft.use_effect(load, [state.active_person_id, state.me is not None])

    if state.me is None or state.me.identity_level < 2:
        return loading(t("Opening…"), ui)

    if state.book is None and state.status is LoadStatus.FAILED:
        body = error_state(state.error, ui, on_retry=session.load_book)
    elif state.book is None:
        body = loading(t("Loading the health book…"), ui)
    else:
        body = outlet

    book_owner = state.book.person.full_name if state.book else state.me.full_name
    subtitle = t("Book of {name}", name=book_owner)
    actions = [labelled_action(ft.Icons.QR_CODE_2, t("Check-in QR code"), session.go("/qr"), ui,
                               color=theme.ON_PRIMARY)]
    if state.me.clinic_assignment:
        actions.append(labelled_action(ft.Icons.QR_CODE_SCANNER, t("Reception"), session.go("/reception"), ui,
                                       color=theme.ON_PRIMARY))
    if state.me.dependents:
        actions.append(labelled_action(ft.Icons.SWITCH_ACCOUNT, t("View another person's book"),
                                       session.go("/family"), ui, color=theme.ON_PRIMARY))
    actions.append(labelled_action(ft.Icons.REFRESH, t("Refresh"), session.load_book, ui, color=theme.ON_PRIMARY,
                                   disabled=state.status is LoadStatus.LOADING))
    header = ft.Container(
        ft.Row(spacing=0 if not ui.wide else theme.SPACE_S, controls=[
            ft.Column([
                ft.Text(t("Electronic health book"), size=ui.type.small, color=theme.ON_PRIMARY),
                ft.Semantics(identifier="book-owner", header=True, content=ft.Text(
                    subtitle, size=ui.type.title, weight=ft.FontWeight.BOLD, color=theme.ON_PRIMARY)),
            ], spacing=0, expand=True),
            *actions,
        ]),
        bgcolor=theme.PRIMARY if not state.viewing_dependent else "#5B2C83",  # another person's book looks different
        padding=ft.Padding.symmetric(horizontal=theme.SPACE_L, vertical=theme.SPACE_M),
    )
    notices = []
    if state.offline:
        notices.append(banner(
            t("Offline. This is the book as last updated at {time}.", time=t.datetime(state.synced_at)),
            ui, tone="warning", icon=ft.Icons.CLOUD_OFF, identifier="offline-banner"))
    if state.book is not None and state.status is LoadStatus.FAILED:
        notices.append(banner(state.error, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE, identifier="load-error"))
    if state.status is LoadStatus.LOADING and state.book is not None:
        notices.append(ft.ProgressBar())

    destinations = destinations_for(bool(state.me.dependents))
    selected = selected_destination(page.route or "/", destinations)

    async def go(event: ft.Event) -> None:
        await session.navigate(destinations[event.control.selected_index].route)

    content = ft.Column(
        [header, *[ft.Container(n, padding=ft.Padding.symmetric(horizontal=theme.SPACE_M)) for n in notices],
         ft.Container(body, expand=True)],
        spacing=theme.SPACE_S, expand=True,
    )
    if state.wide:
        rail = ft.NavigationRail(
            selected_index=selected,
            label_type=ft.NavigationRailLabelType.ALL,
            selected_label_text_style=ft.TextStyle(size=ui.type.size(theme.TEXT_ROLES["label_medium"])),
            unselected_label_text_style=ft.TextStyle(size=ui.type.size(theme.TEXT_ROLES["label_medium"])),
            destinations=[ft.NavigationRailDestination(icon=d.icon, selected_icon=d.selected_icon, label=t(d.label))
                          for d in destinations],
            on_change=go,
        )
        return ft.Row([rail, ft.VerticalDivider(width=1), content], expand=True, spacing=0)
    navigation = ft.NavigationBar(
        selected_index=selected or 0,
        destinations=[ft.NavigationBarDestination(icon=d.icon, selected_icon=d.selected_icon, label=t(d.label))
                      for d in destinations],
        on_change=go,
    )
    return ft.Column([content, navigation], expand=True, spacing=0)
