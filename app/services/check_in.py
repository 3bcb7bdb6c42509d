"""Check-in at the counter, both sides: the citizen's QR code and the receptionist's desk (scan,
admit, and for stations without hospital software, record the visit)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from api_client.client import HealthBookClient
from api_client.models import (
    AccessLogEntry,
    CardPrompt,
    CheckIn,
    CheckInCard,
    CheckInCardRequest,
    CheckInCode,
    CheckInCodeState,
    HealthBook,
    IssuedCheckInCard,
    QueueEntry,
    RecordVisitRequest,
    RecordVisitResult,
    Visit,
)

RENEW_BEFORE_SECONDS = 30  # a new code replaces the old one this long before it expires


@dataclass
class CheckInService:
    client: HealthBookClient
    clock: Callable[[], float] = time.time

    # the citizen

    async def new_code(self, person_id: str | None, *, replacing: CheckInCode | None = None) -> CheckInCode:
        """A fresh code; the one it replaces is revoked, so only one is ever valid."""
        code = await self.client.create_check_in_code(person_id)
        if replacing is not None:
            await self.cancel(replacing)
        return code

    async def cancel(self, code: CheckInCode) -> None:
        await self.client.revoke_check_in_code(code.id)

    async def cancel_all(self) -> None:
        await self.client.revoke_all_check_in_codes()

    async def state(self, code: CheckInCode) -> CheckInCodeState:
        return await self.client.check_in_code_state(code.id)

    def seconds_left(self, code: CheckInCode) -> int:
        return max(0, int(code.expires_at.timestamp() - self.clock()))

    def due_for_renewal(self, code: CheckInCode) -> bool:
        return self.seconds_left(code) <= RENEW_BEFORE_SECONDS

    async def access_log(self, person_id: str | None) -> list[AccessLogEntry]:
        return await self.client.access_log(person_id)

    # the citizen's printed cards

    async def issue_card(self, person_id: str | None, pin: str | None) -> IssuedCheckInCard:
        """Without a PIN, the counter asks for the birth year."""
        return await self.client.issue_check_in_card(CheckInCardRequest(person_id=person_id, pin=pin))

    async def cards(self, person_id: str) -> list[CheckInCard]:
        return [card for card in await self.client.check_in_cards() if card.person_id == person_id]

    async def revoke_card(self, card: CheckInCard) -> None:
        await self.client.revoke_check_in_card(card.id)

    async def card_pdf(self, card: IssuedCheckInCard, size: str) -> bytes:
        return await self.client.print_check_in_card(card.id, card.code, size)

    # the receptionist

    async def redeem(self, code: str) -> CheckIn:
        return await self.client.redeem_check_in_code(code)

    async def decode(self, picture: bytes) -> str:
        return await self.client.decode_qr(picture)

    async def identify(self, query: str) -> CheckIn:
        return await self.client.identify(query)

    async def present_card(self, code: str, second_factor: str | None = None) -> CardPrompt | CheckIn:
        return await self.client.present_card(code, second_factor)

    async def report_cards_lost(self, check_in: CheckIn) -> None:
        await self.client.revoke_cards_at_station(check_in.id)

    async def reopen(self, check_in_id: str) -> CheckIn:
        return await self.client.check_in(check_in_id)

    async def admit(self, check_in: CheckIn, *, again: bool = False) -> QueueEntry:
        return await self.client.admit(check_in.id, again=again)

    async def set_status(self, check_in_id: str, status: str) -> QueueEntry:
        return await self.client.set_queue_status(check_in_id, status)

    async def patient_book(self, person_id: str) -> HealthBook:
        return await self.client.patient_book(person_id)

    async def patient_visit(self, person_id: str, visit_id: str) -> Visit:
        return await self.client.patient_visit(person_id, visit_id)

    async def queue(self) -> list[QueueEntry]:
        return await self.client.queue()

    async def record_visit(self, request: RecordVisitRequest) -> RecordVisitResult:
        return await self.client.record_visit(request)
