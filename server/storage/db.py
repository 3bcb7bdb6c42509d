"""SQLite connections: WAL, one connection per thread (FastAPI runs sync routes in a thread pool)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database


def connect(path: Path) -> Database:
    # A thread pool may hand a request to any worker; each thread gets its own connection,
    # so the same-thread check adds nothing but errors.
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return Database(conn)


class ThreadLocalDatabase:
    """Hands each thread its own connection to one database file, and serialises writers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._write_lock = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One writer at a time in this process: waiting on a lock costs only the transaction ahead,
        where SQLite's own busy handler sleeps with growing back-off (hundreds of ms under load)."""
        db = self.get()
        if db.conn.in_transaction:  # nested: already holding the lock
            with db.atomic():
                yield db
            return
        with self._write_lock:
            db.conn.execute("BEGIN IMMEDIATE")  # take the write lock now, never upgrade mid-way
            try:
                yield db
            except BaseException:
                db.conn.execute("ROLLBACK")
                raise
            db.conn.execute("COMMIT")

    def get(self) -> Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = connect(self.path)
        return db


class Store:
    """Base of the stores: each thread reads through its own connection, writes go through `transaction`."""

    def __init__(self, database: ThreadLocalDatabase) -> None:
        self._database = database

    @property
    def db(self) -> Database:
        return self._database.get()

    def transaction(self):
        """Several writes as one: all of them or none (nested calls join the outer one)."""
        return self._database.transaction()
