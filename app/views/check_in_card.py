"""Thẻ khám bệnh in: a printed check-in card for someone without a smartphone (an elderly parent, a
child), made by the citizen, a guardian, or the citizen in a session a volunteer helps with.

The card's code is in this screen's memory only while it is open: print it now; a lost card is locked
here (or at the health station) and a new one made."""

from __future__ import annotations

from functools import partial

import flet as ft

from api_client.errors import ApiError, Offline
from api_client.identifiers import N_
from api_client.models import CardSecondFactor

from .. import theme
from ..components import Ui, banner, button_style, card, heading, page_column, status_chip, text, use_ui
from ..services import SessionContext
from ..services.session import user_message
from ..viewmodels.check_in_card import card_rows, pin_problem

SIZES = (("id1", N_("Download the card (ID card size)")), ("a6", N_("Download the A6 sheet")))


def choice(value: str, label: str, ui: Ui, pick) -> ft.Control:
    """A radio button whose label wraps (a Radio's own label stays on one line, and was cut at the edge
    of a phone in large text); the label picks it too, and screen readers hear the two as one."""
    return ft.MergeSemantics(content=ft.Container(
        ft.Row([ft.Radio(value=value, visual_density=ft.VisualDensity.STANDARD),
                ft.Text(label, size=ui.type.body, expand=True)], spacing=theme.SPACE_XS),
        on_click=lambda: pick(value), border_radius=theme.RADIUS,
        padding=ft.Padding.symmetric(vertical=theme.SPACE_XS),  # 40 px of radio and this: a 48 px row
    ))


@ft.component
def CheckInCardView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    person_id = state.active_person_id
    cards, set_cards = ft.use_state(None)
    factor, set_factor = ft.use_state(CardSecondFactor.BIRTH_YEAR.value)
    pin, set_pin = ft.use_state("")
    issued, set_issued = ft.use_state(None)  # the new card with its code: gone when the screen closes
    message, set_message = ft.use_state(None)  # (text, tone)
    busy, set_busy = ft.use_state(False)

    async def load() -> None:
        if person_id is None:
            return
        try:
            set_cards(await session.check_in.cards(person_id))
        except (ApiError, Offline) as error:
            set_message((user_message(error, t), "danger"))

    ft.use_effect(load, [person_id])

    async def issue() -> None:
        if busy:
            return
        chosen = CardSecondFactor(factor)
        if chosen is CardSecondFactor.PIN and (problem := pin_problem(pin, t)):
            set_message((problem, "danger"))
            return
        set_busy(True)
        try:
            own = state.me is not None and person_id == state.me.person_id
            new = await session.check_in.issue_card(None if own else person_id,
                                                    pin if chosen is CardSecondFactor.PIN else None)
            set_issued(new)
            set_pin("")
            set_message((t("The card is ready. Download it now and print it: its code cannot be shown again."),
                         "info"))
            await load()
        except (ApiError, Offline) as error:
            set_message((user_message(error, t), "danger"))
        finally:
            set_busy(False)

    async def download(size: str) -> None:
        if issued is None:
            return
        try:
            pdf = await session.check_in.card_pdf(issued, size)
            await ft.FilePicker().save_file(file_name=f"the-kham-benh-{size}.pdf", src_bytes=pdf,
                                            dialog_title=t("Save the check-in card"))
        except (ApiError, Offline) as error:
            set_message((user_message(error, t), "danger"))

    async def revoke(row) -> None:
        try:
            await session.check_in.revoke_card(row.card)
            if issued is not None and issued.id == row.card.id:
                set_issued(None)
            set_message((t("The card is locked. Nobody can check in with it any more."), "warning"))
            await load()
        except (ApiError, Offline) as error:
            set_message((user_message(error, t), "danger"))

    owner = state.book.person.full_name if state.book else (state.me.full_name if state.me else "")
    controls: list[ft.Control] = [
        heading(t("Printed check-in card"), ui, level=1),
        text(t("For {name}", name=owner), ui, bold=True),
        text(t("For someone without a smartphone: a card with a QR code to show at the counter instead of the "
               "phone. It shows only the first name. The receptionist then asks for the birth year or the PIN."),
             ui),
    ]
    if message:
        controls.append(banner(message[0], ui, tone=message[1], icon=ft.Icons.INFO_OUTLINE, identifier="card-message"))
    if issued is not None:
        controls.append(card([
            heading(t("Print the new card"), ui, level=2),
            # the card first; the A6 sheet is the other way to print the same card
            *[(ft.FilledButton if size == "id1" else ft.OutlinedButton)(
                t(label), icon=ft.Icons.PRINT, style=button_style(ui, wraps=True), on_click=partial(download, size))
              for size, label in SIZES],
        ], identifier="card-print"))
    factor_choice = ft.RadioGroup(
        value=factor, on_change=lambda event: set_factor(event.control.value),
        content=ft.Column([
            choice(CardSecondFactor.BIRTH_YEAR.value, t("Ask for the birth year"), ui, set_factor),
            choice(CardSecondFactor.PIN.value, t("Ask for a 4-digit PIN I choose"), ui, set_factor),
        ], spacing=0))
    new_card: list[ft.Control] = [heading(t("Make a new card"), ui, level=2),
                                  text(t("At the counter, check that it is really you by:"), ui), factor_choice]
    if factor == CardSecondFactor.PIN.value:
        new_card.append(ft.TextField(label=t("PIN (4 digits)"), value=pin, password=True, can_reveal_password=True,
                                     max_length=4, keyboard_type=ft.KeyboardType.NUMBER, text_size=ui.type.body,
                                     label_style=ft.TextStyle(size=ui.type.body), on_change=lambda event: set_pin(event.control.value or "")))
    new_card.append(ft.FilledButton(t("Make the card"), icon=ft.Icons.BADGE, style=button_style(ui, wraps=True),
                                    disabled=busy, on_click=issue))
    controls.append(card(new_card, identifier="card-new"))
    rows = card_rows(cards or [], t)
    listed: list[ft.Control] = [heading(t("Cards made"), ui, level=2)]
    if cards is None:
        listed.append(ft.ProgressRing())
    elif not rows:
        listed.append(text(t("No card has been made yet."), ui, color=theme.MUTED))
    for row in rows:
        listed.append(ft.Semantics(identifier=f"card-{row.card.id[:8]}", container=True, content=ft.Column([
            ft.Row([text(row.title, ui, bold=True), status_chip(row.status, ui, row.tone)], wrap=True,
                   spacing=theme.SPACE_S),
            text(row.detail, ui, size=ui.type.small, color=theme.MUTED),
            *([ft.OutlinedButton(t("Lock this card (lost)"), icon=ft.Icons.CREDIT_CARD_OFF, style=button_style(ui, wraps=True),
                                 on_click=partial(revoke, row))] if row.active else []),
        ], spacing=theme.SPACE_XS)))
    controls.append(card(listed, identifier="card-list"))
    return page_column(controls, ui)
