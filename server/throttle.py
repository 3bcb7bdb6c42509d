"""Slowing down guessing: too many failed attempts from one key within a minute get 429."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class FailureThrottle:
    """Sliding window of failures per key (a staff account, a client address). Per process: the
    codes' 160 random bits make guessing hopeless anyway; this keeps probing visible and slow."""

    def __init__(self, limit: int = 20, window_seconds: float = 60, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def retry_after(self, keys: list[str]) -> int:
        """Seconds to wait before trying again; 0 when allowed."""
        now = self.clock()
        with self._lock:
            wait = 0.0
            for key in keys:
                failures = self._recent(key, now)
                if len(failures) >= self.limit:
                    wait = max(wait, failures[len(failures) - self.limit] + self.window - now)
            return int(wait + 0.999)

    def record_failure(self, keys: list[str]) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
