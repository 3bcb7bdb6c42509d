"""Family: a guardian opens their own book or a dependent's (QĐ 1332 guardian fields)."""

from __future__ import annotations

import flet as ft

from .. import theme
from ..components import heading, loading, page_column, text, use_ui
from ..services import SessionContext
from ..viewmodels.labels import DEPENDENT_ROLE, FAMILY_MEMBER


@ft.component
def FamilyView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    me = state.me
    if me is None:  # signing out: this may re-render once before the sign-in screen replaces it
        return loading(t("Opening…"), ui)

    def choose(person_id: str):
        async def handler() -> None:
            await session.choose_person(person_id)
        return handler

    people = [(me.person_id, me.full_name, t("Me"))] + [
        (d.person_id, d.full_name, f"{t(DEPENDENT_ROLE.get(d.relationship, FAMILY_MEMBER))} · {t.date(d.birth_date)}")
        for d in me.dependents
    ]
    tiles = [
        ft.Semantics(identifier=f"person-{index}", selected=person_id == state.active_person_id,
                     content=ft.ListTile(
                         leading=ft.Icon(ft.Icons.PERSON if index == 0 else ft.Icons.CHILD_CARE, color=theme.PRIMARY),
                         title=text(name, ui, bold=True), subtitle=text(detail, ui, size=ui.type.small),
                         trailing=ft.Icon(ft.Icons.CHECK_CIRCLE, color=theme.SUCCESS)
                         if person_id == state.active_person_id else None,
                         on_click=choose(person_id), min_height=64,
                     ))
        for index, (person_id, name, detail) in enumerate(people)
    ]
    return page_column([heading(t("Whose book to open"), ui, level=1),
                        text(t("You are the guardian of the people below."), ui), *tiles], ui)
