"""Phones: the provider's redirect arrives as a deep link; finish the sign-in from it."""

from __future__ import annotations

import flet as ft

from ..components import loading, use_ui
from ..services import SessionContext


@ft.component
def CallbackView():
    _state, ui = use_ui()
    session = ft.use_context(SessionContext)
    location = ft.use_route_location()

    async def complete():
        await session.complete_native(ft.context.page.route or location)

    ft.use_effect(complete, [])
    return loading(ui.t("Signing you in…"), ui)
