"""Storage of the health book (SQLite through sqlite-utils); see `books.BookStore`."""

from pathlib import Path

from .books import BookStore, new_id
from .check_ins import CheckInStore
from .db import ThreadLocalDatabase, connect
from .migrations import apply as apply_migrations
from .submissions import SubmissionStore


def open_database(path: Path) -> ThreadLocalDatabase:
    """Migrated, ready for one connection per thread."""
    path.parent.mkdir(parents=True, exist_ok=True)
    apply_migrations(connect(path))
    return ThreadLocalDatabase(path)


def open_store(path: Path) -> BookStore:
    return BookStore(open_database(path))


__all__ = ["BookStore", "CheckInStore", "SubmissionStore", "new_id", "open_database", "open_store"]
