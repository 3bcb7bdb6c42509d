"""Correction requests between the views and the API: the citizen's "this is wrong", followed until the
facility answers, and the facility desk's answers. Always through the client of whoever is signed in
now (`session.books.client`), so an assisted session writes with the citizen's own sign-in."""

from __future__ import annotations

from dataclasses import dataclass

from api_client.client import HealthBookClient
from api_client.models import CorrectionRequest, CorrectionTarget, DeskCorrectionRequest


@dataclass(frozen=True)
class ReportTarget:
    """One item of a book the citizen may say is wrong (see CorrectionRequestCreate for `ref`)."""

    kind: CorrectionTarget
    visit_id: str | None = None
    ref: str = ""


@dataclass
class CorrectionService:
    client: HealthBookClient

    async def report(self, target: ReportTarget, note: str, *, person_id: str | None = None) -> CorrectionRequest:
        """`person_id`: a dependent's book; None for one's own."""
        return await self.client.report_correction(target.kind, note, visit_id=target.visit_id,
                                                   target_ref=target.ref, person_id=person_id)

    async def requests(self, person_id: str | None = None) -> list[CorrectionRequest]:
        return await self.client.corrections(person_id)

    async def withdraw(self, request_id: str, person_id: str | None = None) -> None:
        await self.client.withdraw_correction(request_id, person_id)

    async def desk(self) -> list[DeskCorrectionRequest]:
        return await self.client.desk_corrections()

    async def decline(self, request: DeskCorrectionRequest, reason: str) -> CorrectionRequest:
        return await self.client.decline_correction(request.person_id, request.id, reason)

    async def corrected(self, request: DeskCorrectionRequest) -> CorrectionRequest:
        return await self.client.mark_corrected(request.person_id, request.id)
