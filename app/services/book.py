"""Loading a book: from the API when it answers, from the phone's encrypted cache when it does not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from api_client.client import HealthBookClient
from api_client.errors import ApiError, Offline, ServerError
from api_client.models import DependentRef, HealthBook, Me, Representative, RepresentativeUpdate

from .offline_cache import OfflineCache


@dataclass(frozen=True)
class LoadedBook:
    book: HealthBook
    offline: bool
    synced_at: datetime


class BookService:
    def __init__(
        self, client: HealthBookClient, cache: OfflineCache | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.cache = cache
        self.clock = clock

    async def me(self) -> Me:
        """Who is signed in; on a phone without network, who was signed in when last online."""
        try:
            me = await self.client.me()
        except Offline:
            cached = self.cache.load("me", Me) if self.cache else None
            if cached is None:
                raise
            return cached.value
        if self.cache:
            self.cache.save("me", me, self.clock())
        return me

    async def load(self, person_id: str, *, own: bool) -> LoadedBook:
        """Raises the API's errors (e.g. NotFound) as they are; falls back to the cache only when
        the server cannot be reached or is failing, since then the data may still be right."""
        try:
            book = await self.client.book(None if own else person_id)
        except (Offline, ServerError):
            cached = self.cache.load(f"book:{person_id}", HealthBook) if self.cache else None
            if cached is None:
                raise
            return LoadedBook(cached.value, offline=True, synced_at=cached.synced_at)
        synced_at = self.clock()
        if self.cache:
            self.cache.save(f"book:{person_id}", book, synced_at)
        return LoadedBook(book, offline=False, synced_at=synced_at)

    async def dependents_books(self, dependents: list[DependentRef]) -> dict[str, HealthBook | None]:
        """Each dependent's book, for the alerts on a guardian's own home; None for one that cannot be read
        now (the home still shows the others). Read one after the other: a guardian has a few children."""
        books: dict[str, HealthBook | None] = {}
        for dependent in dependents:
            try:
                books[dependent.person_id] = (await self.load(dependent.person_id, own=False)).book
            except (ApiError, Offline):
                books[dependent.person_id] = None
        return books

    async def emergency_card(self, person_id: str, *, own: bool, size: str) -> bytes:
        """The printable emergency card, made by the server from the book as it is now."""
        return await self.client.emergency_card_pdf(None if own else person_id, size)

    async def save_contact(self, update: RepresentativeUpdate) -> Representative:
        """The citizen's own caregiver or legal representative: whom the emergency card says to call."""
        return await self.client.set_representative(update)

    async def remove_contact(self, role: str) -> None:
        await self.client.remove_representative(role)

    async def fhir_export(self, person_id: str, *, own: bool) -> bytes:
        """The open book as an HL7 FHIR file to save; never cached, and never from the cache."""
        return await self.client.book_fhir(None if own else person_id)

    async def paper(self, visit_id: str, kind: str, person_id: str, *, own: bool) -> bytes:
        """A visit's paper as the server signs it now (`kind` discharge, referral, re-exam); never cached."""
        return await self.client.paper_pdf(visit_id, kind, None if own else person_id)

    async def vaccination_record(self, person_id: str, *, own: bool) -> bytes:
        return await self.client.vaccination_record_pdf(None if own else person_id)

    def forget(self) -> None:
        if self.cache:
            self.cache.erase()
