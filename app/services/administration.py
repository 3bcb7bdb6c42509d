"""The administration console between the views and the API: facilities, their gateway keys and
certificates, staff and the audit, always with the sign-in of whoever is at the console."""

from __future__ import annotations

from dataclasses import dataclass

from api_client.client import HealthBookClient
from api_client.models import (
    AdminFacility,
    AdminScope,
    Area,
    AuditEntry,
    FacilityCertificate,
    FacilityCredentialsView,
    FacilityImportResult,
    FacilityUpdate,
    IssuedKey,
    StaffAssign,
    StaffEntry,
)


@dataclass
class AdministrationService:
    client: HealthBookClient

    async def scope(self) -> AdminScope:
        return await self.client.admin_scope()

    async def areas(self) -> list[Area]:
        return await self.client.admin_areas()

    async def facilities(self, query: str | None = None, *, district: str | None = None,
                         commune: str | None = None) -> list[AdminFacility]:
        return await self.client.admin_facilities(query=query or None, district=district, commune=commune)

    async def save_facility(self, update: FacilityUpdate) -> AdminFacility:
        return await self.client.save_facility(update)

    async def set_active(self, code: str, active: bool) -> None:
        await self.client.set_facility_active(code, active)

    async def import_facilities(self, content: bytes, file_name: str | None) -> FacilityImportResult:
        return await self.client.import_facilities(content, file_name)

    async def credentials(self, code: str) -> FacilityCredentialsView:
        return await self.client.facility_credentials(code)

    async def issue_key(self, code: str, overlap_hours: int) -> IssuedKey:
        return await self.client.issue_key(code, overlap_hours)

    async def revoke_key(self, code: str, key_id: str) -> None:
        await self.client.revoke_key(code, key_id)

    async def register_certificate(self, code: str, content: bytes, file_name: str | None) -> FacilityCertificate:
        return await self.client.register_certificate(code, content, file_name)

    async def revoke_certificate(self, code: str, certificate_id: str) -> None:
        await self.client.revoke_certificate(code, certificate_id)

    async def staff(self, facility_code: str | None = None) -> list[StaffEntry]:
        return await self.client.admin_staff(facility_code)

    async def assign(self, assign: StaffAssign) -> StaffEntry:
        return await self.client.assign_staff(assign)

    async def end(self, assignment_id: int) -> None:
        await self.client.end_assignment(assignment_id)

    async def audit(self, facility_code: str | None = None) -> list[AuditEntry]:
        return await self.client.admin_audit(facility_code=facility_code)

    async def audit_csv(self, facility_code: str | None = None) -> bytes:
        return await self.client.admin_audit_csv(facility_code=facility_code)
