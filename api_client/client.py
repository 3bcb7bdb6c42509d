"""Async client of the health book API. Give it any httpx.AsyncClient (tests pass ASGITransport)."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from pydantic import TypeAdapter

from .errors import Offline, raise_for_api_error
from .models import (
    AccessLogEntry,
    ActivationStatus,
    ActivationStep,
    AdminFacility,
    AdminScope,
    Area,
    AssistTicket,
    AuditEntry,
    CardPrompt,
    CheckIn,
    CheckInCard,
    CheckInCardRequest,
    CheckInCode,
    CheckInCodeState,
    CorrectionRequest,
    CorrectionTarget,
    DependentRef,
    DeskCorrectionRequest,
    FacilityCertificate,
    FacilityCredentialsView,
    FacilityImportResult,
    FacilityUpdate,
    FollowUpPage,
    HealthBook,
    IssuedCheckInCard,
    IssuedKey,
    Me,
    PilotReport,
    QueueEntry,
    RecordVisitRequest,
    RecordVisitResult,
    ReportAssessment,
    ReportAssessmentUpdate,
    Representative,
    RepresentativeUpdate,
    StaffAssign,
    StaffEntry,
    Visit,
    VisitPage,
)

TokenSource = Callable[[], Awaitable[str]]
_Dependents = TypeAdapter(list[DependentRef])
_AccessLog = TypeAdapter(list[AccessLogEntry])
_Queue = TypeAdapter(list[QueueEntry])
_Cards = TypeAdapter(list[CheckInCard])
_Areas = TypeAdapter(list[Area])
_Corrections = TypeAdapter(list[CorrectionRequest])
_DeskCorrections = TypeAdapter(list[DeskCorrectionRequest])
_AdminFacilities = TypeAdapter(list[AdminFacility])
_Staff = TypeAdapter(list[StaffEntry])
_Audit = TypeAdapter(list[AuditEntry])


class HealthBookClient:
    def __init__(self, http: httpx.AsyncClient, token: TokenSource, *, language: str = "vi") -> None:
        self._http = http
        self._token = token
        self.language = language

    @classmethod
    def connect(cls, base_url: str, token: TokenSource, *, language: str = "vi",
                transport: httpx.AsyncBaseTransport | None = None) -> HealthBookClient:
        return cls(httpx.AsyncClient(base_url=base_url, transport=transport, timeout=15), token, language=language)

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {await self._token()}", "Accept-Language": self.language,
                   **kwargs.pop("headers", {})}
        try:
            response = await self._http.request(method, f"/api/v1{path}", headers=headers, **kwargs)
        except httpx.TransportError as error:
            raise Offline(str(error)) from error
        raise_for_api_error(response)
        return response

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self._send(method, path, **kwargs)
        return response.json() if response.content else None

    async def me(self) -> Me:
        return Me.model_validate(await self._request("GET", "/me"))

    async def book(self, person_id: str | None = None) -> HealthBook:
        path = f"/people/{person_id}/book" if person_id else "/me/book"
        return HealthBook.model_validate(await self._request("GET", path))

    async def book_fhir(self, person_id: str | None = None) -> bytes:
        """The whole book as an HL7 FHIR International Patient Summary (a JSON file to save, not to parse)."""
        path = f"/people/{person_id}/book/fhir" if person_id else "/me/book/fhir"
        return (await self._send("GET", path)).content

    async def visits(self, person_id: str | None = None, *, limit: int = 20, offset: int = 0) -> VisitPage:
        path = f"/people/{person_id}/visits" if person_id else "/me/visits"
        return VisitPage.model_validate(await self._request("GET", path, params={"limit": limit, "offset": offset}))

    async def visit(self, visit_id: str, person_id: str | None = None) -> Visit:
        path = f"/people/{person_id}/visits/{visit_id}" if person_id else f"/me/visits/{visit_id}"
        return Visit.model_validate(await self._request("GET", path))

    async def paper_pdf(self, visit_id: str, kind: str, person_id: str | None = None) -> bytes:
        """A visit's paper with its signed QR code: `kind` discharge, referral or re-exam."""
        base = f"/people/{person_id}" if person_id else "/me"
        return (await self._send("GET", f"{base}/visits/{visit_id}/papers/{kind}.pdf")).content

    async def vaccination_record_pdf(self, person_id: str | None = None) -> bytes:
        """The vaccination record with its signed QR code."""
        path = f"/people/{person_id}/vaccinations.pdf" if person_id else "/me/vaccinations.pdf"
        return (await self._send("GET", path)).content

    async def dependents(self) -> list[DependentRef]:
        return _Dependents.validate_python(await self._request("GET", "/me/dependents"))

    async def set_representative(self, update: RepresentativeUpdate) -> Representative:
        body = update.model_dump(mode="json")
        return Representative.model_validate(await self._request("PUT", "/me/representative", json=body))

    async def remove_representative(self, role: str) -> None:
        """`role`: caregiver or legal_representative."""
        await self._request("DELETE", f"/me/representative/{role}")

    async def emergency_card_pdf(self, person_id: str | None = None, size: str = "id1") -> bytes:
        """The printable emergency card (`size` id1 or a6) of the caller's book or a dependent's."""
        path = f"/people/{person_id}/emergency-card.pdf" if person_id else "/me/emergency-card.pdf"
        return (await self._send("GET", path, params={"size": size})).content

    # ------------------------------------------------------------ check-in at the counter

    async def create_check_in_code(self, person_id: str | None = None) -> CheckInCode:
        body = {"person_id": person_id} if person_id else None
        return CheckInCode.model_validate(await self._request("POST", "/me/check-in-codes", json=body))

    async def check_in_code_state(self, code_id: str) -> CheckInCodeState:
        return CheckInCodeState.model_validate(await self._request("GET", f"/me/check-in-codes/{code_id}"))

    async def revoke_check_in_code(self, code_id: str) -> None:
        await self._request("DELETE", f"/me/check-in-codes/{code_id}")

    async def revoke_all_check_in_codes(self) -> None:
        await self._request("DELETE", "/me/check-in-codes")

    async def access_log(self, person_id: str | None = None) -> list[AccessLogEntry]:
        path = f"/people/{person_id}/access-log" if person_id else "/me/access-log"
        return _AccessLog.validate_python(await self._request("GET", path))

    async def redeem_check_in_code(self, code: str) -> CheckIn:
        return CheckIn.model_validate(await self._request("POST", "/clinic/check-ins", json={"code": code}))

    async def check_in(self, check_in_id: str) -> CheckIn:
        """A check-in of the caller's facility again (from the queue): another logged read."""
        return CheckIn.model_validate(await self._request("GET", f"/clinic/check-ins/{check_in_id}"))

    async def identify(self, query: str) -> CheckIn:
        """A chip ID card's QR text, a personal ID or a BHYT number: identity and allergies only."""
        return CheckIn.model_validate(await self._request("POST", "/clinic/identify", json={"query": query}))

    async def admit(self, check_in_id: str, *, again: bool = False) -> QueueEntry:
        return QueueEntry.model_validate(await self._request("POST", f"/clinic/check-ins/{check_in_id}/admit",
                                                             json={"again": again}))

    async def set_queue_status(self, check_in_id: str, status: str) -> QueueEntry:
        return QueueEntry.model_validate(await self._request("POST", f"/clinic/check-ins/{check_in_id}/status",
                                                             json={"status": status}))

    async def patient_book(self, person_id: str) -> HealthBook:
        """The whole book of a patient admitted today, for medical staff (each read is logged)."""
        return HealthBook.model_validate(await self._request("GET", f"/clinic/patients/{person_id}/book"))

    async def patient_visit(self, person_id: str, visit_id: str) -> Visit:
        return Visit.model_validate(await self._request("GET", f"/clinic/patients/{person_id}/visits/{visit_id}"))

    async def queue(self) -> list[QueueEntry]:
        return _Queue.validate_python(await self._request("GET", "/clinic/queue"))

    async def decode_qr(self, image: bytes) -> str:
        answer = await self._request("POST", "/clinic/qr-decode", content=image,
                                     headers={"Content-Type": "image/jpeg"})
        return answer["code"]

    async def record_visit(self, request: RecordVisitRequest) -> RecordVisitResult:
        body = request.model_dump(mode="json")
        return RecordVisitResult.model_validate(await self._request("POST", "/clinic/visits", json=body))

    # ------------------------------------------------------------ printed check-in cards

    async def issue_check_in_card(self, request: CheckInCardRequest) -> IssuedCheckInCard:
        """The answer holds the card's code, once: print it now (`print_check_in_card`)."""
        body = request.model_dump(mode="json", exclude_none=True)
        return IssuedCheckInCard.model_validate(await self._request("POST", "/me/check-in-cards", json=body))

    async def check_in_cards(self) -> list[CheckInCard]:
        return _Cards.validate_python(await self._request("GET", "/me/check-in-cards"))

    async def revoke_check_in_card(self, card_id: str) -> None:
        await self._request("DELETE", f"/me/check-in-cards/{card_id}")

    async def print_check_in_card(self, card_id: str, code: str, size: str = "id1") -> bytes:
        response = await self._send("POST", f"/me/check-in-cards/{card_id}/print", json={"code": code, "size": size})
        return response.content

    async def present_card(self, code: str, second_factor: str | None = None) -> CardPrompt | CheckIn:
        """The counter: a card's code alone says what to ask; with the patient's answer, the check-in."""
        body = {"code": code, **({"second_factor": second_factor} if second_factor else {})}
        answer = await self._request("POST", "/clinic/card-check-ins", json=body)
        return CheckIn.model_validate(answer) if "summary" in answer else CardPrompt.model_validate(answer)

    async def revoke_cards_at_station(self, check_in_id: str) -> None:
        """The patient of this check-in reports their card lost: all their cards stop working."""
        await self._request("DELETE", f"/clinic/check-ins/{check_in_id}/cards")

    # ------------------------------------------------------------ the volunteer's desk

    async def activation_status(self, query: str) -> ActivationStatus:
        """A resident present in person, by chip ID card QR or typed personal ID: activation only."""
        return ActivationStatus.model_validate(await self._request("POST", "/volunteer/lookup", json={"query": query}))

    async def mark_step_done(self, personal_id: str, step: ActivationStep) -> ActivationStatus:
        return ActivationStatus.model_validate(
            await self._request("POST", f"/volunteer/residents/{personal_id}/steps", json={"step": step.value}))

    async def follow_up(self, *, limit: int = 50, offset: int = 0) -> FollowUpPage:
        return FollowUpPage.model_validate(
            await self._request("GET", "/volunteer/follow-up", params={"limit": limit, "offset": offset}))

    async def assist_ticket(self) -> AssistTicket:
        return AssistTicket.model_validate(await self._request("POST", "/volunteer/assist-tickets"))

    # ------------------------------------------------------------ the pilot report for officials

    async def pilot_report(self, area: str, period: str) -> PilotReport:
        """The report of an area of the caller's for a period (`2026-11`, `2026-H1`, `2026`, `from..to`)."""
        return PilotReport.model_validate(
            await self._request("GET", "/reports/pilot", params={"area": area, "period": period}))

    async def pilot_report_file(self, area: str, period: str, fmt: str) -> bytes:
        """The same report as a file to send upward: `xlsx` or `pdf`."""
        response = await self._send("GET", "/reports/pilot", params={"area": area, "period": period, "format": fmt})
        return response.content

    async def report_areas(self) -> list[Area]:
        """The caller's area and every area under it, for drilling down."""
        return _Areas.validate_python(await self._request("GET", "/reports/areas"))

    async def save_assessment(self, area: str, period: str, update: ReportAssessmentUpdate) -> ReportAssessment:
        """The official's own sections of the report; the answer says who saved them and when."""
        return ReportAssessment.model_validate(
            await self._request("PUT", "/reports/pilot/assessment", params={"area": area, "period": period},
                                json=update.model_dump(mode="json")))

    # ------------------------------------------------------------ corrections ("Báo thông tin sai")

    async def report_correction(self, target_kind: CorrectionTarget, note: str, *, visit_id: str | None = None,
                                target_ref: str = "", person_id: str | None = None) -> CorrectionRequest:
        """The note goes as typed: the server's answer says, in the reader's language, what to change."""
        path = f"/people/{person_id}/corrections" if person_id else "/me/corrections"
        body = {"target_kind": target_kind.value, "target_ref": target_ref, "note": note,
                **({"visit_id": visit_id} if visit_id else {})}
        return CorrectionRequest.model_validate(await self._request("POST", path, json=body))

    async def corrections(self, person_id: str | None = None) -> list[CorrectionRequest]:
        path = f"/people/{person_id}/corrections" if person_id else "/me/corrections"
        return _Corrections.validate_python(await self._request("GET", path))

    async def withdraw_correction(self, request_id: str, person_id: str | None = None) -> None:
        path = f"/people/{person_id}/corrections/{request_id}" if person_id else f"/me/corrections/{request_id}"
        await self._request("DELETE", path)

    async def desk_corrections(self) -> list[DeskCorrectionRequest]:
        return _DeskCorrections.validate_python(await self._request("GET", "/clinic/corrections",
                                                                    params={"status": "open"}))

    async def decline_correction(self, person_id: str, request_id: str, reason: str) -> CorrectionRequest:
        return CorrectionRequest.model_validate(await self._request(
            "POST", f"/clinic/corrections/{person_id}/{request_id}/decline", json={"reason": reason}))

    async def mark_corrected(self, person_id: str, request_id: str, note: str | None = None) -> CorrectionRequest:
        return CorrectionRequest.model_validate(await self._request(
            "POST", f"/clinic/corrections/{person_id}/{request_id}/corrected", json={"note": note}))

    # ------------------------------------------------------------ administration (Quản trị)

    async def admin_scope(self) -> AdminScope:
        return AdminScope.model_validate(await self._request("GET", "/admin/scope"))

    async def admin_areas(self) -> list[Area]:
        return _Areas.validate_python(await self._request("GET", "/admin/areas"))

    async def admin_facilities(self, *, district: str | None = None, commune: str | None = None,
                               query: str | None = None) -> list[AdminFacility]:
        params = {k: v for k, v in (("district", district), ("commune", commune), ("q", query)) if v}
        return _AdminFacilities.validate_python(await self._request("GET", "/admin/facilities", params=params))

    async def save_facility(self, update: FacilityUpdate) -> AdminFacility:
        return AdminFacility.model_validate(await self._request(
            "PUT", f"/admin/facilities/{update.code}", json=update.model_dump(mode="json")))

    async def set_facility_active(self, code: str, active: bool) -> None:
        await self._request("POST", f"/admin/facilities/{code}/{'reactivate' if active else 'deactivate'}")

    async def import_facilities(self, content: bytes, file_name: str | None = None) -> FacilityImportResult:
        return FacilityImportResult.model_validate(await self._request(
            "POST", "/admin/facilities/import", json=_upload(content, file_name)))

    async def facility_credentials(self, code: str) -> FacilityCredentialsView:
        return FacilityCredentialsView.model_validate(await self._request("GET", f"/admin/facilities/{code}/credentials"))

    async def issue_key(self, code: str, overlap_hours: int) -> IssuedKey:
        return IssuedKey.model_validate(await self._request(
            "POST", f"/admin/facilities/{code}/keys", json={"overlap_hours": overlap_hours}))

    async def revoke_key(self, code: str, key_id: str) -> None:
        await self._request("POST", f"/admin/facilities/{code}/keys/{key_id}/revoke")

    async def register_certificate(self, code: str, content: bytes, file_name: str | None = None
                                   ) -> FacilityCertificate:
        return FacilityCertificate.model_validate(await self._request(
            "POST", f"/admin/facilities/{code}/certificates", json=_upload(content, file_name)))

    async def revoke_certificate(self, code: str, certificate_id: str) -> None:
        await self._request("POST", f"/admin/facilities/{code}/certificates/{certificate_id}/revoke")

    async def admin_staff(self, facility_code: str | None = None) -> list[StaffEntry]:
        """A facility's staff; without one, everyone the caller administers (facilities and areas)."""
        params = {"facility": facility_code} if facility_code else {}
        return _Staff.validate_python(await self._request("GET", "/admin/staff", params=params))

    async def assign_staff(self, assign: StaffAssign) -> StaffEntry:
        return StaffEntry.model_validate(await self._request("POST", "/admin/staff",
                                                             json=assign.model_dump(mode="json")))

    async def end_assignment(self, assignment_id: int) -> None:
        await self._request("POST", f"/admin/staff/{assignment_id}/end")

    async def admin_audit(self, *, facility_code: str | None = None, personal_id: str | None = None
                          ) -> list[AuditEntry]:
        params = {k: v for k, v in (("facility", facility_code), ("person", personal_id)) if v}
        return _Audit.validate_python(await self._request("GET", "/admin/audit", params=params))

    async def admin_audit_csv(self, *, facility_code: str | None = None) -> bytes:
        params = {"format": "csv", **({"facility": facility_code} if facility_code else {})}
        return (await self._send("GET", "/admin/audit", params=params)).content

    async def aclose(self) -> None:
        await self._http.aclose()


def _upload(content: bytes, file_name: str | None) -> dict[str, Any]:
    return {"file_name": file_name, "content_base64": base64.b64encode(content).decode()}
