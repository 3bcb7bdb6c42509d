"""Storage of the health book (SQLite through sqlite-utils); see `books.BookStore`."""

from pathlib import Path

from .books import BookStore, new_id
from .db import ThreadLocalDatabase, connect
from .migrations import apply as apply_migrations


def open_store(path: Path) -> BookStore:
    path.parent.mkdir(parents=True, exist_ok=True)
    apply_migrations(connect(path))
    return BookStore(ThreadLocalDatabase(path))


__all__ = ["BookStore", "new_id", "open_store"]
