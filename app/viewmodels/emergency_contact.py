"""Người liên hệ khi cấp cứu: the citizen's own main caregiver or legal representative (QĐ 1332 fields 12-15),
whom the emergency card says to call. The form's state, its checks (the API's own, so a number the screen
accepts is one the server accepts) and the API's refusals put back next to their fields."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from pydantic_core import PydanticCustomError

from api_client.identifiers import N_, check_personal_id, check_phone
from api_client.models import Administrative, Relationship, RepresentativeRole, RepresentativeUpdate

from ..i18n import Translator
from .labels import RELATIONSHIP

EDITABLE_ROLES = (RepresentativeRole.CAREGIVER, RepresentativeRole.LEGAL_REPRESENTATIVE)
ROLE = {
    RepresentativeRole.GUARDIAN: N_("Guardian"),
    RepresentativeRole.CAREGIVER: N_("Main caregiver"),
    RepresentativeRole.LEGAL_REPRESENTATIVE: N_("Legal representative"),
}
ROLE_HINT = {
    RepresentativeRole.CAREGIVER: N_("Main caregiver: the person who looks after you day to day"),
    RepresentativeRole.LEGAL_REPRESENTATIVE: N_("Legal representative: the person who may decide for you"),
}
FIELDS = ("full_name", "relationship", "phone", "personal_id")


@dataclass(frozen=True)
class ContactForm:
    role: RepresentativeRole = RepresentativeRole.CAREGIVER
    full_name: str = ""
    relationship: Relationship | None = None
    phone: str = ""
    personal_id: str = ""  # optional

    def changed(self, **values: object) -> ContactForm:
        return replace(self, **values)  # type: ignore[arg-type]  # the fields' own types, from the view


def form_for(person: Administrative | None, role: RepresentativeRole) -> ContactForm:
    """The form for `role`, filled with the contact of that role already named, if any."""
    named = next((r for r in person.representatives if r.role == role), None) if person else None
    if named is None:
        return ContactForm(role=role)
    return ContactForm(role=role, full_name=named.full_name, relationship=named.relationship,
                       phone=named.phone or "", personal_id=named.personal_id or "")


def _refusal(check, value: str, t: Translator) -> str | None:
    try:
        check(value)
    except PydanticCustomError as error:
        return t(error.message_template)  # the identifiers' messages are msgids
    return None


def form_problems(form: ContactForm, t: Translator) -> dict[str, str]:
    """What to fix before saving, per field, in the reader's language; empty when the form may be sent."""
    problems: dict[str, str] = {}
    if not form.full_name.strip():
        problems["full_name"] = t("Enter the person's full name.")
    if form.relationship is None:
        problems["relationship"] = t("Choose how this person is related to you.")
    if not form.phone.strip():
        problems["phone"] = t("Enter a phone number to call in an emergency.")
    elif message := _refusal(check_phone, form.phone, t):
        problems["phone"] = message
    if form.personal_id.strip() and (message := _refusal(check_personal_id, form.personal_id, t)):
        problems["personal_id"] = message
    return problems


def to_update(form: ContactForm) -> RepresentativeUpdate:
    """The request to send; call only when `form_problems` is empty."""
    return RepresentativeUpdate(role=form.role, full_name=form.full_name.strip(), relationship=form.relationship,
                                phone=form.phone, personal_id=form.personal_id.strip() or None)


def field_problems(details: Iterable[dict]) -> tuple[dict[str, str], list[str]]:
    """An API refusal's details (already in the reader's language): those of the form's fields, and the rest."""
    by_field: dict[str, str] = {}
    others: list[str] = []
    for detail in details:
        field, message = detail.get("field"), str(detail.get("message", ""))
        if field in FIELDS:
            by_field.setdefault(field, message)
        elif message:
            others.append(message)
    return by_field, others


@dataclass(frozen=True)
class ContactRow:
    role: RepresentativeRole
    title: str  # "Nguyễn Văn Minh (Con)"
    detail: str  # "Người chăm sóc chính · 0120005555"
    editable: bool  # the citizen's own to change; a guardian is named by the facilities' records


def contact_rows(person: Administrative | None, t: Translator) -> list[ContactRow]:
    if person is None:
        return []
    return [
        ContactRow(r.role, f"{r.full_name} ({t(RELATIONSHIP[r.relationship])})",
                   " · ".join(part for part in (t(ROLE[r.role]), r.phone) if part), r.role in EDITABLE_ROLES)
        for r in person.representatives
    ]
