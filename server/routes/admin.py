"""Administration (Quản trị) for the provincial health department's IT and the facilities' heads:
facilities, gateway keys and signing certificates, staff assignments, and the audit of every change.
Nothing here shows anyone's health data."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from api_client.identifiers import N_
from api_client.models import (
    AdminFacility,
    AdminScope,
    Area,
    AuditEntry,
    FacilityCertificate,
    FacilityCredentialsView,
    FacilityImportResult,
    FacilityUpdate,
    FileUpload,
    IssuedKey,
    KeyIssue,
    StaffAssign,
    StaffEntry,
)

from ..admin.service import Actor, Administration, Scope, audit_csv, not_administrator, refused
from ..deps import Level2CallerDep
from ..errors import assisted_session_not_allowed
from ..security import Caller

router = APIRouter(prefix="/admin", tags=["administration"])

FacilityCodePath = Annotated[str, Path(pattern=r"^[0-9]{5}$", description="MA_CSKCB")]
AreaFilter = Annotated[str | None, Query(pattern=r"^[0-9]{3}$|^[0-9]{5}$")]


class Administrator:
    def __init__(self, caller: Caller, scope: Scope, service: Administration) -> None:
        self.caller, self.scope, self.service = caller, scope, service
        self.actor = Actor(caller.personal_id, caller.full_name)


def get_administrator(request: Request, caller: Level2CallerDep) -> Administrator:
    """A province's administrator or a facility's head, signed in themselves (never in an assisted session)."""
    if caller.assisted_by is not None:
        raise assisted_session_not_allowed()
    service: Administration = request.app.state.administration
    scope = service.scope(request.app.state.store.staff_assignments(caller.personal_id))
    if scope.empty:
        raise not_administrator()
    return Administrator(caller, scope, service)


AdminDep = Annotated[Administrator, Depends(get_administrator)]


def decoded(upload: FileUpload) -> bytes:
    try:
        return base64.b64decode("".join(upload.content_base64.split()), validate=True)
    except (binascii.Error, ValueError):
        raise refused(422, "upload_unreadable", N_("The file could not be read. Choose it again and upload.")) from None


@router.get("/scope", response_model=AdminScope)
def read_scope(admin: AdminDep) -> AdminScope:
    """What the caller administers: provinces (administrator) and facilities (head)."""
    return admin.service.describe_scope(admin.scope)


@router.get("/areas", response_model=list[Area])
def list_areas(admin: AdminDep) -> list[Area]:
    """The districts and communes of the caller's provinces (none for a facility's head)."""
    return admin.service.areas(admin.scope)


@router.get("/facilities", response_model=list[AdminFacility])
def list_facilities(admin: AdminDep, district: AreaFilter = None, commune: AreaFilter = None,
                    q: Annotated[str | None, Query(max_length=100)] = None) -> list[AdminFacility]:
    """The facilities of the caller's province (or their own), by district and commune, with the last submission."""
    return admin.service.facilities(admin.scope, district=district, commune=commune, query=q)


@router.put("/facilities/{code}", response_model=AdminFacility)
def save_facility(admin: AdminDep, code: FacilityCodePath, update: FacilityUpdate) -> AdminFacility:
    """Register a facility or change it; the audit keeps what it was before."""
    if update.code != code:
        raise refused(422, "code_mismatch", N_("The code in the address and in the form differ."))
    admin.service.save_facility(admin.actor, admin.scope, update)
    [saved] = [f for f in admin.service.facilities(admin.scope) if f.code == code]
    return saved


@router.post("/facilities/{code}/deactivate", status_code=204)
def deactivate_facility(admin: AdminDep, code: FacilityCodePath) -> Response:
    """From now on the gateway refuses what it sends, with a clear message; its history stays."""
    admin.service.set_active(admin.actor, admin.scope, code, False)
    return Response(status_code=204)


@router.post("/facilities/{code}/reactivate", status_code=204)
def reactivate_facility(admin: AdminDep, code: FacilityCodePath) -> Response:
    admin.service.set_active(admin.actor, admin.scope, code, True)
    return Response(status_code=204)


@router.post("/facilities/import", response_model=FacilityImportResult)
def import_facilities(admin: AdminDep, upload: FileUpload) -> FacilityImportResult:
    """A CSV list (code,name,kind,public,bhyt_contract,commune_code,address): all lines saved, or none and why."""
    return admin.service.import_facilities(admin.actor, admin.scope, decoded(upload))


@router.get("/facilities/{code}/credentials", response_model=FacilityCredentialsView)
def read_credentials(admin: AdminDep, code: FacilityCodePath) -> FacilityCredentialsView:
    return admin.service.credentials(admin.scope, code)


@router.post("/facilities/{code}/keys", response_model=IssuedKey, status_code=201)
def issue_key(admin: AdminDep, code: FacilityCodePath, issue: KeyIssue) -> IssuedKey:
    """A new API key, shown this once; the keys already working end after the overlap."""
    return admin.service.issue_key(admin.actor, admin.scope, code, issue.overlap_hours)


@router.post("/facilities/{code}/keys/{key_id}/revoke", status_code=204)
def revoke_key(admin: AdminDep, code: FacilityCodePath,
               key_id: Annotated[str, Path(pattern=r"^[0-9a-f]{12}$")]) -> Response:
    admin.service.revoke_key(admin.actor, admin.scope, code, key_id)
    return Response(status_code=204)


@router.post("/facilities/{code}/certificates", response_model=FacilityCertificate, status_code=201)
def register_certificate(admin: AdminDep, code: FacilityCodePath, upload: FileUpload) -> FacilityCertificate:
    """The facility's signing certificate (PEM or DER), checked; several may be registered during a rollover."""
    return admin.service.register_certificate(admin.actor, admin.scope, code, decoded(upload))


@router.post("/facilities/{code}/certificates/{certificate_id}/revoke", status_code=204)
def revoke_certificate(admin: AdminDep, code: FacilityCodePath,
                       certificate_id: Annotated[str, Path(pattern=r"^[0-9a-z-]{8,64}$")]) -> Response:
    """Envelopes signed with it are refused from now on."""
    admin.service.revoke_certificate(admin.actor, admin.scope, code, certificate_id)
    return Response(status_code=204)


@router.get("/staff", response_model=list[StaffEntry])
def list_staff(admin: AdminDep, facility: Annotated[str | None, Query(pattern=r"^[0-9]{5}$")] = None
               ) -> list[StaffEntry]:
    return admin.service.staff(admin.scope, facility)


@router.post("/staff", response_model=StaffEntry, status_code=201)
def assign_staff(request: Request, admin: AdminDep, assign: StaffAssign) -> StaffEntry:
    """A role for a person: at a facility, or a volunteer's ward, an official's or administrator's area."""
    entry = admin.service.assign(admin.actor, admin.scope, assign)
    request.app.state.store.forget_staff(assign.personal_id)
    return entry


@router.post("/staff/{assignment_id}/end", status_code=204)
def end_assignment(request: Request, admin: AdminDep,
                   assignment_id: Annotated[int, Path(ge=1, le=2**62)]) -> Response:
    """The role ends: every server process stops honouring it within seconds."""
    ended = admin.service.end_assignment(admin.actor, admin.scope, assignment_id)
    request.app.state.store.forget_staff(ended.personal_id)
    return Response(status_code=204)


@router.get("/audit", response_model=list[AuditEntry], responses={200: {"content": {"text/csv": {}}}})
def read_audit(admin: AdminDep, facility: Annotated[str | None, Query(pattern=r"^[0-9]{5}$")] = None,
               person: Annotated[str | None, Query(pattern=r"^[0-9]{12}$")] = None,
               export_format: Annotated[str, Query(alias="format", pattern="^(json|csv)$")] = "json") -> Response:
    """Every administrative change in the caller's scope, newest first; `format=csv` to file it."""
    entries = admin.service.audit(admin.scope, facility_code=facility, personal_id=person,
                                  limit=None if export_format == "csv" else 1000)  # the file holds it all
    if export_format == "csv":
        stamp = datetime.now().strftime("%Y%m%d")
        return Response(audit_csv(entries), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="nhat-ky-quan-tri-{stamp}.csv"'})
    return Response("[" + ",".join(e.model_dump_json() for e in entries) + "]", media_type="application/json")
