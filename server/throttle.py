"""Slowing down guessing: too many failed attempts from one key within a minute get 429.

Failures are counted in the database, so the limit holds however many server processes share it;
keys are stored hashed (a staff account or a client address is nobody's business at rest)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from .storage.db import Connection, Database, Store, insert_all


class FailureThrottle(Store):
    """Sliding window of failures per key. The codes' 160 random bits make guessing hopeless anyway;
    this keeps probing visible and slow."""

    def __init__(self, database: Database, limit: int = 20, window_seconds: float = 60,
                 clock: Callable[[], float] = time.time, scope: str = "redeem") -> None:
        super().__init__(database)
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self.scope = scope

    def _hashed(self, key: str) -> str:
        return hashlib.sha256(f"{self.scope}:{key}".encode()).hexdigest()[:32]

    def retry_after(self, keys: list[str]) -> int:
        """Seconds to wait before trying again; 0 when allowed."""
        if not keys:
            return 0
        with self.read() as db:
            return self._wait(db, [self._hashed(key) for key in keys], self.clock())

    def _wait(self, db: Connection, hashed: list[str], now: float) -> int:
        # One round trip for every key: the limit-th newest failure of each ages out of the window first.
        row = db.execute(
            "SELECT max(at) FROM (SELECT at, row_number() OVER (PARTITION BY key ORDER BY at DESC) AS newest "
            f"FROM throttle_failures WHERE key IN ({', '.join('?' * len(hashed))}) AND at > ?) recent "
            "WHERE newest = ?",
            [*hashed, now - self.window, self.limit],
        ).fetchone()[0]
        wait = row + self.window - now if row is not None else 0.0
        return int(wait + 0.999)

    def reserve(self, keys: list[str]) -> tuple[int, float]:
        """For answers slow to check (a PIN's scrypt): count the attempt as failed before checking it, in
        one step with the limit, so a burst sent at once gets no more answers than the limit. Returns the
        seconds to wait (nothing counted), or 0 and the moment to `forgive` if the answer was right."""
        hashed = sorted(self._hashed(key) for key in keys)
        now = self.clock()
        with self.transaction() as db:
            for key in hashed:
                db.lock(f"throttle:{key}")  # PostgreSQL: one reservation at a time per key
            if wait := self._wait(db, hashed, now):
                return wait, now
            insert_all(db, "throttle_failures", [{"key": key, "at": now} for key in hashed])
        return 0, now

    def forgive(self, keys: list[str], reserved_at: float) -> None:
        """The reserved attempt was right after all."""
        hashed = [self._hashed(key) for key in keys]
        with self.transaction() as db:
            db.execute(f"DELETE FROM throttle_failures WHERE key IN ({', '.join('?' * len(hashed))}) AND at = ?",
                       [*hashed, reserved_at])

    def record_failure(self, keys: list[str]) -> None:
        now = self.clock()
        with self.transaction() as db:
            insert_all(db, "throttle_failures", [{"key": self._hashed(key), "at": now} for key in keys])
            db.execute("DELETE FROM throttle_failures WHERE at <= ?", [now - 10 * self.window])
