"""Storage of the health book: SQLite (embedded default) or PostgreSQL; see `db` and `protocols`."""

from pathlib import Path

from .books import BookStore, new_id
from .check_ins import CheckInStore
from .db import Database, open_database_at
from .migrations import apply as apply_migrations
from .submissions import SubmissionStore


def open_database(path: Path, url: str | None = None) -> Database:
    """Migrated and ready: the PostgreSQL database `url` names, else the SQLite file at `path`."""
    database = open_database_at(url, path)
    apply_migrations(database)
    return database


def open_store(path: Path, url: str | None = None) -> BookStore:
    return BookStore(open_database(path, url))


__all__ = ["BookStore", "CheckInStore", "Database", "SubmissionStore", "new_id", "open_database", "open_store"]
