"""What the administration console does, for the API, the command line and the demo alike: who may
do what (an administrator their province, a facility's head that facility's staff), the checks, and
one audit row per change in the same transaction as the change."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from api_client.identifiers import N_
from api_client.models import (
    FACILITY_STAFF_ROLES,
    AdminFacility,
    AdminScope,
    Area,
    AreaLevel,
    AuditEntry,
    FacilityCertificate,
    FacilityCredentialsView,
    FacilityImportResult,
    FacilityUpdate,
    IssuedKey,
    StaffAssign,
    StaffEntry,
    StaffRole,
)

from ..errors import ApiError, Detail
from ..storage.administration import FACILITY_FIELDS, AdminStore
from ..storage.books import staff_changed
from ..storage.db import Database
from ..storage.population import PopulationStore
from .certificates import CertificateRefused, check_certificate, describe

FACILITY_CSV_HEADER = ("code", "name", "kind", "public", "bhyt_contract", "commune_code", "address")
MAX_IMPORT_LINES = 5000
_YES, _NO = {"1", "yes", "true", "có", "x"}, {"0", "no", "false", "không", ""}


@dataclass(frozen=True)
class Actor:
    personal_id: str
    name: str | None

    @property
    def pair(self) -> tuple[str, str | None]:
        return self.personal_id, self.name


# Changes made by the server's own code, not a person: the first administrator, the demo.
COMMAND_LINE = Actor("command-line", "Dòng lệnh máy chủ")
DEMO = Actor("demo", "Dữ liệu mẫu")


@dataclass(frozen=True)
class Scope:
    provinces: tuple[str, ...]  # administrator of these provinces
    head_of: tuple[str, ...]  # head of these facilities

    @property
    def empty(self) -> bool:
        return not self.provinces and not self.head_of


def refused(status: int, code: str, message: str, **params: Any) -> ApiError:
    return ApiError(status, code, message, **params)


def field_refused(field: str, message: str) -> ApiError:
    """One field of what was sent is wrong: said as the API says every validation error."""
    return ApiError(422, "validation_failed", N_("Some of the data sent is not valid. Correct the fields listed and "
                                                 "try again."), details=[Detail(field=field, message=message)])


def not_administrator() -> ApiError:
    return refused(403, "not_administrator", N_("This page is for the health department's administrators and "
                                                "facility heads. Ask the provincial health department for access."))


def outside_scope() -> ApiError:
    return refused(403, "outside_administered_area", N_("This facility, person or area is not in the province or "
                                                        "facility you administer."))


class Administration:
    def __init__(self, database: Database, clock: Callable[[], float]) -> None:
        self.store = AdminStore(database)
        self.population = PopulationStore(database)
        self.clock = clock

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def _at(self) -> str:
        return self.now().isoformat(timespec="milliseconds")

    # ------------------------------------------------------------ who may do what

    def scope(self, assignments: list[Any]) -> Scope:
        return Scope(
            provinces=tuple(a.area for a in assignments if a.role == StaffRole.ADMIN and a.area),
            head_of=tuple(a.facility_code for a in assignments if a.role == StaffRole.STATION_HEAD and a.facility_code))

    def describe_scope(self, scope: Scope) -> AdminScope:
        return AdminScope(provinces=[area for code in scope.provinces if (area := self.population.area(code))],
                          facilities=list(scope.head_of))

    def province_of(self, area_code: str) -> str | None:
        code: str | None = area_code
        for _ in range(4):
            area = self.population.area(code) if code else None
            if area is None:
                return None
            if area.level == AreaLevel.PROVINCE:
                return area.code
            code = area.parent_code
        return None

    def _facility_province(self, facility: dict[str, Any]) -> str:
        return (self.province_of(facility["commune_code"]) if facility.get("commune_code") else None) or facility["code"][:2]

    def _administered_facility(self, scope: Scope, code: str, *, heads_too: bool = False) -> dict[str, Any]:
        facility = self.store.facility(code)
        if facility is None:
            raise refused(404, "facility_not_found", N_("No facility {facility} is registered. Check the code (MA_CSKCB)."),
                          facility=code)
        if self._facility_province(facility) in scope.provinces or (heads_too and code in scope.head_of):
            return facility
        raise outside_scope()

    def _commune_in_scope(self, scope: Scope, commune_code: str, field: str = "commune_code") -> str:
        area = self.population.area(commune_code)
        if area is None or area.level != AreaLevel.COMMUNE:
            raise field_refused(field, N_("No commune or ward has this code in the national list."))
        province = self.province_of(commune_code)
        if province not in scope.provinces:
            raise outside_scope()
        return province

    def areas(self, scope: Scope) -> list[Area]:
        """The districts and communes of the caller's provinces, for listing facilities by them."""
        found: list[Area] = []
        for province in scope.provinces:
            found += [a for a in self.population.areas_under(province) if a.level != AreaLevel.PROVINCE]
        return found

    # ------------------------------------------------------------ facilities

    def facilities(self, scope: Scope, *, district: str | None = None, commune: str | None = None,
                   query: str | None = None) -> list[AdminFacility]:
        communes: set[str] = set()
        for province in scope.provinces:
            communes |= {a.code for a in self.population.areas_under(province) if a.level == AreaLevel.COMMUNE}
        found = self.store.facilities(sorted(communes), self._at()) if communes else []
        for code in scope.head_of:  # a head sees their own facility
            if all(f.code != code for f in found):
                facility = self.store.facility(code)
                if facility and facility.get("commune_code"):
                    found += [f for f in self.store.facilities([facility["commune_code"]], self._at()) if f.code == code]
        if district:
            found = [f for f in found if f.district_code == district]
        if commune:
            found = [f for f in found if f.commune_code == commune]
        if query:
            needle = query.casefold().strip()
            found = [f for f in found if needle in f.code or needle in f.name.casefold()]
        return found

    def _checked_facility(self, scope: Scope, update: FacilityUpdate) -> tuple[str, dict[str, Any] | None]:
        """The province of a facility the caller may register or change, and what it was before."""
        province = self._commune_in_scope(scope, update.commune_code)
        if update.code[:2] != province:
            raise field_refused("code", N_("A facility code (MA_CSKCB) begins with its province's code."))
        before = self.store.facility(update.code)
        if before is not None and self._facility_province(before) not in scope.provinces:
            raise outside_scope()
        return province, before

    def save_facility(self, actor: Actor, scope: Scope, update: FacilityUpdate) -> dict[str, Any]:
        province, before = self._checked_facility(scope, update)
        after = {name: getattr(update, name) for name in FACILITY_FIELDS}
        after["kind"] = str(update.kind)
        with self.store.transaction() as db:
            self.store.save_facility(db, after)
            if before is None or {k: before[k] for k in FACILITY_FIELDS} != after:
                self.store.record(db, at=self._at(), actor=actor.pair, province_code=province,
                                  action="facility.create" if before is None else "facility.update",
                                  facility_code=update.code,
                                  before={k: before[k] for k in FACILITY_FIELDS} if before else None, after=after)
        return {**after, "active": before["active"] if before else True}

    def set_active(self, actor: Actor, scope: Scope, code: str, active: bool) -> None:
        facility = self._administered_facility(scope, code)
        if facility["active"] == active:
            return
        with self.store.transaction() as db:
            self.store.set_active(db, code, active, self._at())
            self.store.record(db, at=self._at(), actor=actor.pair, province_code=self._facility_province(facility),
                              action="facility.reactivate" if active else "facility.deactivate", facility_code=code,
                              before={"active": facility["active"]}, after={"active": active})

    def import_facilities(self, actor: Actor, scope: Scope, content: bytes) -> FacilityImportResult:
        """A CSV of facilities (UTF-8, with or without BOM): every line checked first, then all saved or none."""
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise refused(422, "import_unreadable", N_("Save the list as CSV in UTF-8 and upload it again.")) from None
        first_line = text.partition("\n")[0]
        # Excel set up for Vietnam (a decimal comma) separates a list's cells with semicolons.
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        try:  # newline="": a cell may hold a line break, and old Macs' lists end lines with \r alone
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error:  # a quotation mark never closed, a cell longer than any name
            raise refused(422, "import_unreadable", N_("The list could not be read as CSV: a quotation mark is not "
                                                       "closed or a cell is far too long. Correct it and upload it "
                                                       "again.")) from None
        header = [cell.strip().casefold() for cell in rows[0]] if rows else []
        while header and not header[-1]:  # a spreadsheet's empty columns after the last
            header.pop()
        if tuple(header) != FACILITY_CSV_HEADER:
            raise refused(422, "import_header", N_("The first line must be: {header}"),
                          header=",".join(FACILITY_CSV_HEADER))
        if len(rows) - 1 > MAX_IMPORT_LINES:
            raise refused(413, "import_too_long", N_("Import at most {count} facilities at a time."),
                          count=MAX_IMPORT_LINES)
        updates: list[FacilityUpdate] = []
        details: list[Detail] = []
        seen: set[str] = set()
        for line, cells in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in cells):
                continue
            values: dict[str, Any] = dict(zip(FACILITY_CSV_HEADER, (cell.strip() for cell in cells), strict=False))
            for flag in ("public", "bhyt_contract"):
                value = str(values.get(flag, "")).casefold()
                values[flag] = True if value in _YES else False if value in _NO else value
            values["address"] = values.get("address") or None
            try:
                update = FacilityUpdate.model_validate(values)
                self._checked_facility(scope, update)
                if update.code in seen:
                    raise field_refused("code", N_("This facility code is on an earlier line too: list each "
                                                   "facility once."))
                seen.add(update.code)
                updates.append(update)
            except ValidationError as invalid:
                details += [Detail(field=f"line {line}: {'.'.join(str(p) for p in error['loc'])}",
                                   message=error["msg"]) for error in invalid.errors()]
            except ApiError as refusal:
                details += [Detail(field=f"line {line}: {d['field']}", message=d["message"]) for d in refusal.details] \
                    or [Detail(field=f"line {line}: commune_code", message=refusal.message)]
        if details:
            raise ApiError(422, "import_refused", N_("Nothing was imported: correct these lines and upload the list "
                                                     "again."), details=details[:200])
        created = 0
        with self.store.transaction():
            for update in updates:
                created += self.store.facility(update.code) is None
                self.save_facility(actor, scope, update)
        return FacilityImportResult(created=created, updated=len(updates) - created)

    # ------------------------------------------------------------ gateway credentials

    def credentials(self, scope: Scope, code: str) -> FacilityCredentialsView:
        self._administered_facility(scope, code)
        certificates = []
        for certificate_id, pem, registered_at, registered_by, revoked_at in self.store.certificates(code):
            subject, key, not_before, not_after = describe(pem)
            certificates.append(FacilityCertificate(
                id=certificate_id, subject=subject, key=key, not_before=not_before, not_after=not_after,
                registered_at=registered_at, registered_by=registered_by, revoked_at=revoked_at,
                active=revoked_at is None and not_before <= self.now() < not_after))  # expired: no longer vouches
        return FacilityCredentialsView(facility_code=code, keys=self.store.keys(code, self._at()),
                                       certificates=certificates)

    def issue_key(self, actor: Actor, scope: Scope, code: str, overlap_hours: int, *,
                  api_key: str | None = None) -> IssuedKey:
        facility = self._administered_facility(scope, code)
        now = self.now()
        old_until = (now + timedelta(hours=overlap_hours)).isoformat(timespec="milliseconds")
        with self.store.transaction() as db:
            db.lock(f"gateway_keys:{code}")  # two keys issued at once: the second ends the first like any older one
            issued = self.store.issue_key(db, code, at=now.isoformat(timespec="milliseconds"), by=actor.name or "",
                                          old_keys_until=old_until, api_key=api_key)
            self.store.record(db, at=self._at(), actor=actor.pair, province_code=self._facility_province(facility),
                              action="key.issue", facility_code=code,
                              after={"key_id": issued.key_id, "previous_keys_until": old_until})
        return issued

    def revoke_key(self, actor: Actor, scope: Scope, code: str, key_id: str) -> None:
        facility = self._administered_facility(scope, code)
        if len(key_id) != 12 or not all(c in "0123456789abcdef" for c in key_id):
            raise refused(404, "key_not_found", N_("No working key has this id at this facility."))
        with self.store.transaction() as db:
            if not self.store.revoke_key(db, code, key_id, self._at()):
                raise refused(404, "key_not_found", N_("No working key has this id at this facility."))
            self.store.record(db, at=self._at(), actor=actor.pair, province_code=self._facility_province(facility),
                              action="key.revoke", facility_code=code, after={"key_id": key_id})

    def register_certificate(self, actor: Actor, scope: Scope, code: str, content: bytes) -> FacilityCertificate:
        facility = self._administered_facility(scope, code)
        try:
            checked = check_certificate(content, self.now())
        except CertificateRefused as refusal:
            raise refused(422, "certificate_refused", refusal.message, **refusal.params) from None
        with self.store.transaction() as db:
            self.store.add_certificate(db, code, checked.id, checked.pem, at=self._at(), by=actor.name or "")
            self.store.record(db, at=self._at(), actor=actor.pair, province_code=self._facility_province(facility),
                              action="certificate.register", facility_code=code,
                              after={"id": checked.id, "subject": checked.subject, "key": checked.key,
                                     "not_after": checked.not_after.isoformat()})
        return FacilityCertificate(id=checked.id, subject=checked.subject, key=checked.key,
                                   not_before=checked.not_before, not_after=checked.not_after,
                                   registered_at=self.now(), registered_by=actor.name, active=True)

    def revoke_certificate(self, actor: Actor, scope: Scope, code: str, certificate_id: str) -> None:
        facility = self._administered_facility(scope, code)
        with self.store.transaction() as db:
            if not self.store.revoke_certificate(db, code, certificate_id, self._at()):
                raise refused(404, "certificate_not_found", N_("No registered certificate has this id at this "
                                                               "facility."))
            self.store.record(db, at=self._at(), actor=actor.pair, province_code=self._facility_province(facility),
                              action="certificate.revoke", facility_code=code, after={"id": certificate_id})

    # ------------------------------------------------------------ staff

    def staff(self, scope: Scope, facility_code: str | None = None) -> list[StaffEntry]:
        if facility_code:
            self._administered_facility(scope, facility_code, heads_too=True)
            return self.store.staff(facility_codes=[facility_code])
        codes = [f.code for f in self.facilities(scope)]
        areas: list[str] = []
        for province in scope.provinces:
            areas += [province, *(a.code for a in self.population.areas_under(province))]
        return self.store.staff(facility_codes=codes, areas=areas)

    def _assignment_province(self, scope: Scope, assign: StaffAssign) -> str:
        """Where the new role is, if the caller may give it; refused otherwise."""
        at_facility = assign.role in FACILITY_STAFF_ROLES
        if at_facility != (assign.facility_code is not None) or (not at_facility) != (assign.area is not None):
            raise field_refused("facility_code" if at_facility else "area",
                                N_("A role at a facility needs the facility's code; a volunteer's ward, an official's "
                                   "or administrator's area needs the area's code, and nothing else."))
        if assign.facility_code:
            facility = self._administered_facility(scope, assign.facility_code, heads_too=True)
            if self._facility_province(facility) not in scope.provinces and assign.role == StaffRole.STATION_HEAD:
                raise outside_scope()  # a head manages their staff, not who heads the facility
            return self._facility_province(facility)
        assert assign.area is not None
        area = self.population.area(assign.area)
        if area is None:
            raise field_refused("area", N_("No area has this code in the national list."))
        if assign.role == StaffRole.VOLUNTEER and area.level != AreaLevel.COMMUNE:
            raise field_refused("area", N_("A volunteer helps in one commune or ward: give its 5-digit code."))
        if assign.role == StaffRole.ADMIN and area.level != AreaLevel.PROVINCE:
            raise field_refused("area", N_("An administrator administers a province: give its 2-digit code."))
        province = self.province_of(assign.area)
        if province is None or province not in scope.provinces:
            raise outside_scope()
        return province

    def assign(self, actor: Actor, scope: Scope, assign: StaffAssign) -> StaffEntry:
        province = self._assignment_province(scope, assign)  # outside the caller's scope: 403 first
        if assign.personal_id == actor.personal_id:  # no one widens their own access, to a patient's book least
            raise refused(409, "own_assignment", N_("Another administrator must give you a role."))
        known = self.store.known_name(assign.personal_id)
        if known and known.casefold().split() != assign.full_name.casefold().split():
            raise field_refused("full_name", N_("This personal ID belongs to someone with another name. Check "
                                                "both against the person's chip ID card."))
        with self.store.transaction() as db:
            db.lock(f"staff:{assign.personal_id}")  # a double click makes one assignment, not two to end
            existing = self.store.current_assignment(assign.personal_id, str(assign.role), assign.facility_code,
                                                     assign.area)
            if existing is None:
                values = {"personal_id": assign.personal_id, "full_name": assign.full_name, "role": str(assign.role),
                          "facility_code": assign.facility_code, "area": assign.area, "started_at": self._at(),
                          "assigned_by": actor.name}
                existing = self.store.assign(db, values)
                staff_changed(db)
                self.store.record(db, at=self._at(), actor=actor.pair, province_code=province, action="staff.assign",
                                  facility_code=assign.facility_code, personal_id=assign.personal_id,
                                  after={k: v for k, v in values.items() if k not in ("started_at", "assigned_by")})
        entry = self.store.assignment(existing)
        assert entry is not None
        return entry

    def end_assignment(self, actor: Actor, scope: Scope, assignment_id: int) -> StaffEntry:
        entry = self.store.assignment(assignment_id)
        if entry is None:
            raise refused(404, "assignment_not_found", N_("No current assignment has this number."))
        assign = StaffAssign.model_construct(personal_id=entry.personal_id, full_name=entry.full_name or "",
                                             role=entry.role, facility_code=entry.facility_code, area=entry.area)
        province = self._assignment_province(scope, assign)
        if entry.personal_id == actor.personal_id and entry.role == StaffRole.ADMIN:
            raise refused(409, "own_assignment", N_("Another administrator must end your own administrator role."))
        with self.store.transaction() as db:
            if not self.store.end_assignment(db, assignment_id, self._at()):  # ended meanwhile, in another tab
                raise refused(404, "assignment_not_found", N_("No current assignment has this number."))
            staff_changed(db)
            self.store.record(db, at=self._at(), actor=actor.pair, province_code=province, action="staff.end",
                              facility_code=entry.facility_code, personal_id=entry.personal_id,
                              before={"role": str(entry.role), "facility_code": entry.facility_code,
                                      "area": entry.area, "full_name": entry.full_name})
        return entry

    def create_admin(self, personal_id: str, full_name: str, province: str) -> StaffEntry:
        """The first administrator of a province, from the server's command line."""
        return self.assign(COMMAND_LINE, Scope(provinces=(province,), head_of=()),
                           StaffAssign(personal_id=personal_id, full_name=full_name, role=StaffRole.ADMIN,
                                       area=province))

    # ------------------------------------------------------------ audit

    def audit(self, scope: Scope, *, facility_code: str | None = None, personal_id: str | None = None,
              limit: int | None = 1000) -> list[AuditEntry]:
        """Newest first; `limit=None` for the whole of it (the export the department files)."""
        return self.store.audit(provinces=list(scope.provinces), facility_codes=list(scope.head_of),
                                facility_code=facility_code, personal_id=personal_id, limit=limit)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one beginning like a formula (a name typed as =HYPERLINK(...))
    is prefixed with an apostrophe, as spreadsheets themselves do."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def audit_csv(entries: list[AuditEntry]) -> bytes:
    """The audit as the department files it: UTF-8 with BOM, so a spreadsheet shows Vietnamese right."""
    import json

    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "at", "actor_personal_id", "actor_name", "action", "facility_code", "personal_id",
                     "before", "after"])
    for entry in entries:
        writer.writerow([_cell(value) for value in (
            entry.id, entry.at.isoformat(), entry.actor_personal_id, entry.actor_name, entry.action,
            entry.facility_code, entry.personal_id,
            json.dumps(entry.before, ensure_ascii=False) if entry.before else "",
            json.dumps(entry.after, ensure_ascii=False) if entry.after else "")])
    return ("\ufeff" + out.getvalue()).encode()
