"""What the administration console shows, as plain values: facility rows, their keys and certificates,
staff, the audit in words, and the checks of the forms before anything is sent."""

from __future__ import annotations

import re
from dataclasses import dataclass

from api_client.identifiers import N_, check_personal_id
from api_client.models import (
    FACILITY_STAFF_ROLES,
    AdminFacility,
    Area,
    AreaLevel,
    AuditEntry,
    FacilityCertificate,
    FacilityKind,
    GatewayKey,
    StaffEntry,
    StaffRole,
)

from ..i18n import Translator
from .check_in import STAFF_ROLE

FACILITY_KIND = {
    FacilityKind.HOSPITAL: N_("Hospital"),
    FacilityKind.DISTRICT_CENTRE: N_("District health centre"),
    FacilityKind.POLYCLINIC: N_("Polyclinic"),
    FacilityKind.HEALTH_STATION: N_("Commune health station"),
    FacilityKind.PRIVATE_CLINIC: N_("Private clinic"),
    FacilityKind.OTHER: N_("Other facility"),
}
ACTION = {
    "facility.create": N_("Facility registered"),
    "facility.update": N_("Facility changed"),
    "facility.deactivate": N_("Facility deactivated"),
    "facility.reactivate": N_("Facility reactivated"),
    "key.issue": N_("API key issued"),
    "key.revoke": N_("API key revoked"),
    "certificate.register": N_("Certificate registered"),
    "certificate.revoke": N_("Certificate revoked"),
    "staff.assign": N_("Role given"),
    "staff.end": N_("Role ended"),
}
# How long the keys already working keep working after a new one is issued.
OVERLAPS = ((0, N_("End the old keys now")), (24, N_("Old keys work one more day")),
            (168, N_("Old keys work 7 more days")))
_FACILITY_CODE = re.compile(r"^[0-9]{5}$")


@dataclass(frozen=True)
class FacilityRow:
    code: str
    title: str  # "Phòng khám đa khoa Quán Thánh (01950)"
    place: str  # "Phường Quán Thánh · Quận Ba Đình"
    kind: str  # "Polyclinic · non-public · no BHYT contract"
    status: str
    tone: str
    last_submission: str
    credentials: str


def facility_rows(facilities: list[AdminFacility], t: Translator) -> list[FacilityRow]:
    rows = []
    for f in facilities:
        kind = t(FACILITY_KIND[FacilityKind(f.kind)]) if f.kind in set(FacilityKind) else (f.kind or "—")
        ownership = t("public") if f.public else t("non-public") if f.public is not None else ""
        contract = t("BHYT contract") if f.bhyt_contract else t("no BHYT contract") if f.bhyt_contract is not None else ""
        rows.append(FacilityRow(
            code=f.code, title=f"{f.name} ({f.code})",
            place=" · ".join(p for p in (f.commune_name, f.district_name) if p) or "—",
            kind=" · ".join(p for p in (kind, ownership, contract) if p),
            status=t("Active") if f.active else t("Deactivated"), tone="success" if f.active else "danger",
            last_submission=t("Last data received {date}", date=t.datetime(f.last_submission_at))
            if f.last_submission_at else t("No data received yet"),
            credentials=t("{keys} API keys working · {certificates} certificates", keys=f.active_keys,
                          certificates=f.active_certificates)))
    return rows


FACILITIES_PER_PAGE = 20  # a province lists hundreds: a page of cards at a time, a phone stays quick


def facility_page(rows: list[FacilityRow], shown: int, t: Translator) -> tuple[list[FacilityRow], str]:
    """The first `shown` rows of the list, and how many of how many they are."""
    visible = rows[:shown]
    if len(visible) == len(rows):
        return visible, t.plural("{number} facility", "{number} facilities", len(rows), number=t.number(len(rows)))
    return visible, t("{shown} of {total} facilities", shown=t.number(len(visible)), total=t.number(len(rows)))


def key_line(key: GatewayKey, t: Translator) -> str:
    issued = t("Key {id}, issued {date}", id=key.key_id, date=t.datetime(key.issued_at))
    if key.revoked_at:
        state = t("revoked {date}", date=t.datetime(key.revoked_at))
    elif key.expires_at and key.active:
        state = t("works until {date}", date=t.datetime(key.expires_at))
    elif key.expires_at:
        state = t("ended {date}", date=t.datetime(key.expires_at))
    else:
        state = t("working")
    return f"{issued} · {state}"


def certificate_line(certificate: FacilityCertificate, t: Translator) -> str:
    valid = t("valid until {date}", date=t.date(certificate.not_after.date())) if certificate.not_after else ""
    state = t("revoked {date}", date=t.datetime(certificate.revoked_at)) if certificate.revoked_at else t("in use")
    return " · ".join(p for p in (certificate.subject, certificate.key, valid, state) if p)


def staff_line(entry: StaffEntry, t: Translator) -> str:
    where = entry.facility_name or entry.area_name or entry.facility_code or entry.area or ""
    return " · ".join(p for p in (t(STAFF_ROLE[entry.role]), where, entry.personal_id) if p)


def audit_line(entry: AuditEntry, t: Translator) -> str:
    """"3/12/2026 10:05 · Nguyễn Thị Thu · API key issued · 01950": who did what, when, to what."""
    action = t(ACTION[entry.action]) if entry.action in ACTION else entry.action
    subject = " ".join(p for p in (entry.facility_code, entry.personal_id) if p)
    return " · ".join(p for p in (t.datetime(entry.at), entry.actor_name or entry.actor_personal_id, action, subject)
                      if p)


def assignable_roles(provinces: bool) -> list[StaffRole]:
    """A head gives roles at their facility; an administrator gives any role but the facility's head is
    theirs alone to name."""
    return list(FACILITY_STAFF_ROLES) if provinces else [r for r in FACILITY_STAFF_ROLES
                                                         if r != StaffRole.STATION_HEAD]


AREA_ROLES = (StaffRole.VOLUNTEER, StaffRole.OFFICIAL, StaffRole.ADMIN)
ALL = "*"  # the pickers' "all districts", "all communes"


def area_choices(areas: list[Area], district: str, t: Translator) -> tuple[list[tuple[str, str]],
                                                                                list[tuple[str, str]]]:
    """The district and commune pickers: every district; the communes of the district picked (all when none)."""
    everywhere = [(ALL, t("All"))]
    districts = [(a.code, a.name) for a in areas if a.level == AreaLevel.DISTRICT]
    communes = [(a.code, a.name) for a in areas if a.level == AreaLevel.COMMUNE and (district == ALL
                                                                                      or a.parent_code == district)]
    return everywhere + districts, everywhere + communes


def area_role_errors(personal_id: str, full_name: str, role: StaffRole, area: str, t: Translator) -> dict[str, str]:
    errors = staff_form_errors(personal_id, full_name, t)
    digits = {StaffRole.VOLUNTEER: 5, StaffRole.ADMIN: 2}.get(role)
    if not re.fullmatch(r"[0-9]{2}|[0-9]{3}|[0-9]{5}", area.strip()) or (digits and len(area.strip()) != digits):
        errors["area"] = (t("Enter the 5-digit code of the commune or ward.") if digits == 5 else
                          t("Enter the province's 2-digit code.") if digits == 2 else
                          t("Enter the code of the province (2 digits), district (3) or commune (5)."))
    return errors


def facility_form_errors(code: str, name: str, commune_code: str, t: Translator) -> dict[str, str]:
    errors = {}
    if not _FACILITY_CODE.match(code.strip()):
        errors["code"] = t("Enter the 5-digit facility code (MA_CSKCB).")
    if len(name.strip()) < 2:
        errors["name"] = t("Enter the facility's name.")
    if not re.fullmatch(r"[0-9]{5}", commune_code.strip()):
        errors["commune_code"] = t("Enter the 5-digit code of the commune or ward.")
    return errors


def staff_form_errors(personal_id: str, full_name: str, t: Translator) -> dict[str, str]:
    errors = {}
    try:
        check_personal_id(personal_id.strip())
    except ValueError:
        errors["personal_id"] = t("Enter the 12-digit personal ID from the chip ID card.")
    if len(full_name.strip()) < 2:
        errors["full_name"] = t("Enter the full name as on the chip ID card.")
    return errors
