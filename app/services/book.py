"""Loading a book: from the API when it answers, from the phone's encrypted cache when it does not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from api_client.client import HealthBookClient
from api_client.errors import Offline, ServerError
from api_client.models import HealthBook, Me

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

    def forget(self) -> None:
        if self.cache:
            self.cache.erase()
