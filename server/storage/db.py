"""The two databases behind one small interface: SQLite (the embedded default: one file, WAL, one
connection per thread, one writer at a time) and PostgreSQL (production: psycopg 3 with a pool).

Stores write SQL once, with `?` placeholders and the SQL both engines share (ON CONFLICT, RETURNING,
window functions); where the engines differ (JSON functions, row locks) a store asks `dialect`.
A transaction started inside another joins it (a savepoint), so a unit of work can span stores.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

Dialect = Literal["sqlite", "postgresql"]
Params = Sequence[Any] | Mapping[str, Any]
DATABASE_URL_VARIABLE = "SSKDT_DATABASE_URL"


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What a store may do with a connection, whichever the engine."""

    dialect: Dialect
    raw: Any  # the engine's own connection, for what only it can do (migrations, COPY)

    def execute(self, sql: str, params: Params = ()) -> Cursor: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def lock(self, key: str) -> None:
        """Serialise, until the transaction ends, every writer that names the same key."""


class Database(Protocol):
    """A unit of work: `transaction()` makes everything inside it one commit, or none."""

    dialect: Dialect

    def connection(self) -> AbstractContextManager[Connection]: ...

    def transaction(self) -> AbstractContextManager[Connection]: ...

    def close(self) -> None: ...


class UnstorableText(ValueError):
    """Text holding a NUL character, which PostgreSQL cannot store (and no name, code or note needs);
    refused on both engines alike, so a client learns the same thing whichever the server runs on."""


def refuse_nul(params: Params) -> None:
    values = params.values() if isinstance(params, Mapping) else params
    if any(isinstance(value, str) and "\x00" in value for value in values):
        raise UnstorableText("text with a NUL character")


def insert(db: Connection, table: str, row: Mapping[str, Any]) -> None:
    insert_all(db, table, [row])


def insert_all(db: Connection, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Rows of one shape (the first row's keys)."""
    rows = list(rows)
    if not rows:
        return
    columns = list(rows[0])
    db.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [[row[column] for column in columns] for row in rows],
    )


def bulk_insert(db: Connection, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Many rows of one shape at once: PostgreSQL's COPY (several times faster than INSERTs), else
    `insert_all`. For imports of whole populations."""
    rows = list(rows)
    if not rows:
        return
    if db.dialect != "postgresql":
        insert_all(db, table, rows)
        return
    columns = list(rows[0])
    with db.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def upsert(db: Connection, table: str, row: Mapping[str, Any], key: Sequence[str]) -> None:
    """Insert, or update the columns given of the row with the same key."""
    columns = list(row)
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns if column not in key)
    db.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT ({', '.join(key)}) DO " + (f"UPDATE SET {updates}" if updates else "NOTHING"),
        [row[column] for column in columns],
    )


# ---------------------------------------------------------------- SQLite

_savepoints = itertools.count()


def connect_sqlite(path: Path) -> sqlite3.Connection:
    # A thread pool may hand a request to any worker; each thread gets its own connection,
    # so the same-thread check adds nothing but errors.
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


class SqliteConnection:
    dialect: Dialect = "sqlite"

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        refuse_nul(params)
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        for row in rows:
            refuse_nul(row)
        self.raw.executemany(sql, rows)

    def lock(self, key: str) -> None:
        """Nothing to do: a SQLite transaction already holds the only write lock."""


class SqliteDatabase:
    """One database file; each thread its own connection, and one writer at a time in this process."""

    dialect: Dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._write_lock = threading.Lock()

    def _connection(self) -> SqliteConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = SqliteConnection(connect_sqlite(self.path))
        return conn

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        yield self._connection()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Waiting on a lock costs only the transaction ahead, where SQLite's own busy handler sleeps
        with growing back-off (hundreds of ms under load)."""
        conn = self._connection()
        if conn.raw.in_transaction:  # nested: already holding the lock
            savepoint = f"nested_{next(_savepoints)}"
            conn.raw.execute(f"SAVEPOINT {savepoint}")
            try:
                yield conn
            except BaseException:
                conn.raw.execute(f"ROLLBACK TO {savepoint}")
                conn.raw.execute(f"RELEASE {savepoint}")
                raise
            conn.raw.execute(f"RELEASE {savepoint}")
            return
        with self._write_lock:
            conn.raw.execute("BEGIN IMMEDIATE")  # take the write lock now, never upgrade mid-way
            try:
                yield conn
            except BaseException:
                conn.raw.execute("ROLLBACK")
                raise
            conn.raw.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.raw.close()
            self._local.conn = None


# ---------------------------------------------------------------- PostgreSQL


@lru_cache(maxsize=1024)
def to_pyformat(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (a literal `%` doubled). The stores' SQL never holds a `?`
    in a string literal, and jsonb's `?` operators are not used (jsonb_exists does the same)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresConnection:
    dialect: Dialect = "postgresql"

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        refuse_nul(params)
        if isinstance(params, Mapping):  # named: the statement is PostgreSQL's own, already %(name)s
            return self.raw.execute(sql, params)
        return self.raw.execute(to_pyformat(sql), params) if params else self.raw.execute(sql)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        for row in rows:
            refuse_nul(row)
        with self.raw.cursor() as cursor:
            cursor.executemany(to_pyformat(sql), rows)

    def lock(self, key: str) -> None:
        self.raw.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


class PostgresDatabase:
    """A small pool per process (the database, not the process, is where work is shared); a thread
    inside a transaction keeps its connection, so nested transactions and reads in them join it."""

    dialect: Dialect = "postgresql"
    _open: ClassVar[weakref.WeakSet[PostgresDatabase]] = weakref.WeakSet()

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 20) -> None:
        from psycopg_pool import ConnectionPool

        self.url = url
        PostgresDatabase._open.add(self)
        self._local = threading.local()
        self._pool = ConnectionPool(url, min_size=min_size, max_size=max_size, open=True, timeout=30,
                                    kwargs={"autocommit": True}, configure=_configure_postgres)
        self._pool.wait(timeout=30)

    def _current(self) -> PostgresConnection | None:
        return getattr(self._local, "conn", None)

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        current = self._current()
        if current is not None:
            yield current
            return
        with self._pool.connection() as raw:
            yield PostgresConnection(raw)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        current = self._current()
        if current is not None:
            with current.raw.transaction():  # a savepoint
                yield current
            return
        with self._pool.connection() as raw, raw.transaction():
            self._local.conn = conn = PostgresConnection(raw)
            try:
                yield conn
            finally:
                self._local.conn = None

    def close(self) -> None:
        self._pool.close()

    @classmethod
    def close_all(cls, url: str) -> None:
        """Every pool of this process to that database (tests, before they drop it)."""
        for database in list(cls._open):
            if database.url == url:
                database.close()


def _configure_postgres(raw: Any) -> None:
    """jsonb comes back as its text, as SQLite gives JSON: the stores parse (or pass on) the text."""
    from psycopg.types.string import TextLoader

    raw.adapters.register_loader("jsonb", TextLoader)
    raw.adapters.register_loader("json", TextLoader)


# ---------------------------------------------------------------- choosing


def is_postgres_url(url: str | None) -> bool:
    return url is not None and url.split(":", 1)[0] in ("postgresql", "postgres")


def open_database_at(url: str | None, sqlite_path: Path, *, pool_size: int = 20) -> Database:
    """PostgreSQL when `url` names one, else the SQLite file (created with its folder)."""
    if url and is_postgres_url(url):
        return PostgresDatabase(url, max_size=pool_size)
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteDatabase(sqlite_path)


class Store:
    """Base of the repositories: reads take a connection for one call, writes go through `transaction`."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @property
    def dialect(self) -> Dialect:
        return self.database.dialect

    def transaction(self) -> AbstractContextManager[Connection]:
        """Several writes as one: all of them or none (nested calls join the outer one)."""
        return self.database.transaction()

    def read(self) -> AbstractContextManager[Connection]:
        return self.database.connection()

    def one(self, sql: str, params: Params = ()) -> Any:
        with self.database.connection() as db:
            return db.execute(sql, params).fetchone()

    def all(self, sql: str, params: Params = ()) -> list[Any]:
        with self.database.connection() as db:
            return db.execute(sql, params).fetchall()

    def value(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None."""
        row = self.one(sql, params)
        return row[0] if row else None
