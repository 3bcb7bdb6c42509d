"""The phone's offline copy: encrypted at rest, tied to its key, erased on sign-out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from api_client.errors import NotFound, Offline
from api_client.models import HealthBook, Me
from app.services.book import BookService
from app.services.offline_cache import OfflineCache, cache_key
from server.demo import nguyen_van_hung

from .test_phone_sign_in import MemoryKeystore

SYNCED = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)


@pytest.fixture
def book() -> HealthBook:
    made = nguyen_van_hung(date(2026, 11, 22))
    return HealthBook(person=made.person, history=made.history, visits=made.visits,
                      vaccinations=made.vaccinations, updated_at=SYNCED)


async def test_cache_round_trips_and_is_unreadable_without_the_key(tmp_path, book):
    keystore = MemoryKeystore()
    key = await cache_key(keystore)
    assert await cache_key(keystore) == key, "one key per install, kept in the keystore"
    cache = OfflineCache(tmp_path / "cache.db", key)
    cache.save("book:p1", book, SYNCED)
    raw = (tmp_path / "cache.db").read_bytes()
    assert b"Penicillin" not in raw and "Nguyễn".encode() not in raw
    loaded = cache.load("book:p1", HealthBook)
    assert loaded.value == book and loaded.synced_at == SYNCED
    assert OfflineCache(tmp_path / "cache.db", await cache_key(MemoryKeystore())).load("book:p1", HealthBook) is None
    cache.erase()
    assert not (tmp_path / "cache.db").exists() and cache.load("book:p1", HealthBook) is None


class FakeClient:
    def __init__(self, book: HealthBook, error: Exception | None = None) -> None:
        self.result, self.error, self.language = book, error, "vi"

    async def book(self, person_id=None):
        if self.error:
            raise self.error
        return self.result

    async def me(self):
        if self.error:
            raise self.error
        return Me(full_name="Nguyễn Văn Hùng", personal_id="001055001234", identity_level=2, can_read_book=True,
                  person_id="p1")


async def test_book_service_falls_back_to_the_cache_only_when_offline(tmp_path, book):
    cache = OfflineCache(tmp_path / "cache.db", await cache_key(MemoryKeystore()))
    online = BookService(FakeClient(book), cache, clock=lambda: SYNCED)
    assert not (await online.load("p1", own=True)).offline
    await online.me()

    offline = BookService(FakeClient(book, Offline("down")), cache)
    loaded = await offline.load("p1", own=True)
    assert loaded.offline and loaded.synced_at == SYNCED and loaded.book == book
    assert (await offline.me()).full_name == "Nguyễn Văn Hùng"

    refused = BookService(FakeClient(book, NotFound(404, "book_not_found", "không tìm thấy")), cache)
    with pytest.raises(NotFound):
        await refused.load("p1", own=True)


async def test_without_a_cache_offline_is_an_error(book):
    with pytest.raises(Offline):
        await BookService(FakeClient(book, Offline("down"))).load("p1", own=True)
