"""Người liên hệ khi cấp cứu: the citizen names, changes or removes their main caregiver or legal
representative, the person the emergency card and the health facilities call for them."""

from __future__ import annotations

from functools import partial

import flet as ft

from api_client.errors import ApiError, Offline
from api_client.models import Relationship, RepresentativeRole

from .. import theme
from ..components import banner, button_style, card, heading, loading, page_column, section, text, use_ui
from ..services import SessionContext
from ..services.session import user_message
from ..viewmodels.emergency_contact import (
    EDITABLE_ROLES,
    ROLE_HINT,
    ContactForm,
    contact_rows,
    field_problems,
    form_for,
    form_problems,
    to_update,
)
from ..viewmodels.labels import RELATIONSHIP
from .check_in_card import choice


@ft.component
def EmergencyContactView():
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    person = state.book.person if state.book else None
    form, set_form = ft.use_state(lambda: form_for(person, RepresentativeRole.CAREGIVER))
    problems, set_problems = ft.use_state({})  # field -> message, the screen's checks or the API's
    message, set_message = ft.use_state(None)  # (text, tone)
    busy, set_busy = ft.use_state(False)

    def fill_when_loaded() -> None:  # opened before the book came: the contact named, once it is there
        if person is not None and form == ContactForm(role=form.role):
            set_form(form_for(person, form.role))

    ft.use_effect(fill_when_loaded, [person is not None])

    if state.book is None:  # the layout is about to show the loading state
        return loading(t("Loading the health book…"), ui)

    def change(**values) -> None:
        set_form(form.changed(**values))
        set_problems({key: value for key, value in problems.items() if key not in values})

    def pick_role(role: str) -> None:
        set_form(form_for(person, RepresentativeRole(role)))
        set_problems({})

    async def refresh() -> None:
        """The book again, so Home and the card name the new contact. In place, without the layout's loading
        state: that puts a progress bar above this screen, which Flet then mounts afresh, losing the message."""
        loaded = await session.books.load(state.active_person_id, own=True)
        state.loaded(loaded.book, offline=loaded.offline, synced_at=loaded.synced_at)

    async def save() -> None:
        if busy:
            return
        found = form_problems(form, t)
        set_problems(found)
        if found:
            set_message((t("Check the fields marked in red."), "danger"))
            return
        set_busy(True)
        try:
            await session.books.save_contact(to_update(form))
            await refresh()
            set_message((t("Saved. The emergency card and your book now name {name}.", name=form.full_name.strip()),
                         "info"))
        except ApiError as error:
            by_field, others = field_problems(error.details)
            set_problems(by_field)
            set_message((" ".join(others) or user_message(error, t), "danger"))
        except Offline as error:
            set_message((user_message(error, t), "danger"))
        finally:
            set_busy(False)

    async def remove(role: RepresentativeRole) -> None:
        try:
            await session.books.remove_contact(role.value)
            await refresh()
            set_message((t("Removed."), "warning"))
            if form.role == role:
                set_form(ContactForm(role=role))
        except (ApiError, Offline) as error:
            set_message((user_message(error, t), "danger"))

    controls: list[ft.Control] = [
        heading(t("Emergency contact"), ui, level=1),
        text(t("The person to call for you in an emergency: your emergency card names them, and so does your "
               "book for the health facilities."), ui),
    ]
    if message:
        controls.append(banner(message[0], ui, tone=message[1], icon=ft.Icons.INFO_OUTLINE,
                               identifier="contact-message"))

    named: list[ft.Control] = [heading(t("Named now"), ui, level=2)]
    rows = contact_rows(person, t)
    if not rows:
        named.append(text(t("No one is named yet."), ui, color=theme.MUTED))
    for row in rows:
        named.append(ft.Semantics(identifier=f"contact-{row.role.value}", container=True, content=ft.Column([
            text(row.title, ui, bold=True),
            text(row.detail, ui, size=ui.type.small, color=theme.MUTED),
            *([ft.OutlinedButton(t("Remove this contact"), icon=ft.Icons.PERSON_REMOVE, style=button_style(ui, wraps=True),
                                 on_click=partial(remove, row.role))]
              if row.editable and not state.viewing_dependent else []),
        ], spacing=theme.SPACE_XS)))
    controls.append(card(named, identifier="contact-list"))

    if state.viewing_dependent:  # the API names one's own contacts; a child's guardian comes from the records
        controls.append(text(t("A child's guardian is named by the health facility's records."), ui,
                             color=theme.MUTED))
        return page_column(controls, ui)

    def field(key: str, label: str, value: str, **options) -> ft.TextField:
        return ft.TextField(label=label, value=value, error=problems.get(key), error_max_lines=4,
                            text_size=ui.type.body, label_style=ft.TextStyle(size=ui.type.body),
                            on_change=lambda event: change(**{key: event.control.value or ""}), **options)

    role_choice = ft.RadioGroup(
        value=form.role.value, on_change=lambda event: pick_role(event.control.value),
        content=ft.Column([choice(role.value, t(ROLE_HINT[role]), ui, pick_role) for role in EDITABLE_ROLES],
                          spacing=0))
    relationship = ft.Dropdown(
        label=t("Relationship to you"), value=form.relationship.value if form.relationship else None,
        options=[ft.DropdownOption(key=kind.value, text=t(RELATIONSHIP[kind])) for kind in Relationship],
        error_text=problems.get("relationship"), text_size=ui.type.body,
        label_style=ft.TextStyle(size=ui.type.body),
        on_select=lambda event: change(relationship=Relationship(event.control.value)))
    controls.append(card([
        heading(t("Name or change a contact"), ui, level=2),
        text(t("This person is:"), ui),
        role_choice,
        field("full_name", t("Full name"), form.full_name, capitalization=ft.TextCapitalization.WORDS),
        relationship,
        field("phone", t("Phone number"), form.phone, keyboard_type=ft.KeyboardType.PHONE),
        field("personal_id", t("Their personal ID number (optional)"), form.personal_id,
              keyboard_type=ft.KeyboardType.NUMBER, max_length=12),
        ft.FilledButton(t("Save the contact"), icon=ft.Icons.SAVE, style=button_style(ui, wraps=True), disabled=busy,
                        on_click=save),
    ], identifier="contact-form"))
    controls.append(EmergencyCardSection(contact_link=False))
    return page_column(controls, ui)


@ft.component
def EmergencyCardSection(contact_link: bool = True):
    """Thẻ cấp cứu, in Settings: the open book's emergency card to print, fetched with the caller's token."""
    state, ui = use_ui()
    session = ft.use_context(SessionContext)
    t = ui.t
    failure, set_failure = ft.use_state(None)
    busy, set_busy = ft.use_state(False)

    async def download(size: str) -> None:
        if busy or state.me is None or state.active_person_id is None:
            return
        set_busy(True)
        set_failure(None)
        try:
            pdf = await session.books.emergency_card(state.active_person_id, own=not state.viewing_dependent,
                                                     size=size)
            await ft.FilePicker().save_file(file_name=f"the-cap-cuu-{size}.pdf", src_bytes=pdf,
                                            dialog_title=t("Save the emergency card"))
        except (ApiError, Offline) as error:
            set_failure(user_message(error, t))
        finally:
            set_busy(False)

    controls: list[ft.Control] = []
    if state.viewing_dependent and state.book is not None:
        controls.append(text(t("For {name}", name=state.book.person.full_name), ui, bold=True))
    controls += [
        text(t("Allergies, blood group, long-term illnesses, the medicines taken now and whom to call, on a card "
               "to keep with the ID card. It shows no ID or insurance number."), ui),
        ft.FilledButton(t("Print the emergency card"), icon=ft.Icons.MEDICAL_INFORMATION, style=button_style(ui, wraps=True),
                        disabled=busy, on_click=partial(download, "id1")),
        ft.OutlinedButton(t("Print it on an A6 sheet, in larger type"), icon=ft.Icons.PRINT, style=button_style(ui, wraps=True),
                          disabled=busy, on_click=partial(download, "a6")),
    ]
    if contact_link:
        controls.append(ft.TextButton(t("Emergency contact"), icon=ft.Icons.CONTACT_PHONE, style=button_style(ui, wraps=True),
                                      on_click=session.go("/settings/contact")))
    if failure:
        controls.append(banner(failure, ui, tone="danger", icon=ft.Icons.ERROR_OUTLINE,
                               identifier="emergency-card-message"))
    return section(t("Emergency card"), controls, ui, identifier="settings-emergency-card")
