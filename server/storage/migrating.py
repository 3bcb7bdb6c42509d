"""Migrations for both engines from one list: each has its SQLite form (sqlite-utils, as the file's
history was written) and its PostgreSQL form (plain DDL). Frozen: a migration never imports live
code, so what it does cannot change after it ran somewhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlite_utils import Database as SqliteUtilsDatabase
from sqlite_utils.migrations import Migrations

from .db import Database

SqliteStep = Callable[[SqliteUtilsDatabase], None]


@dataclass(frozen=True)
class Migration:
    name: str
    sqlite: SqliteStep
    postgresql: str


class MigrationSet:
    """`@migrations(postgresql="CREATE TABLE …")` on the SQLite step registers one migration."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.migrations: list[Migration] = []
        self._sqlite = Migrations(name)  # keeps the names already recorded in existing SQLite files

    def __call__(self, *, postgresql: str) -> Callable[[SqliteStep], SqliteStep]:
        def register(step: SqliteStep) -> SqliteStep:
            self.migrations.append(Migration(step.__name__, step, postgresql))
            self._sqlite()(step)
            return step

        return register

    def apply(self, database: Database) -> None:
        if database.dialect == "sqlite":
            with database.connection() as conn:
                self._sqlite.apply(SqliteUtilsDatabase(conn.raw))
            return
        # Several processes may start at once: the first to take the lock migrates, the others then
        # find nothing left to do. DDL is transactional in PostgreSQL: a migration is whole or absent.
        with database.transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('schema_migrations', 0))")
            conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (migration_set text NOT NULL, "
                         "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), "
                         "PRIMARY KEY (migration_set, name))")
            applied = {name for (name,) in conn.execute(
                "SELECT name FROM schema_migrations WHERE migration_set = ?", [self.name])}
            for migration in self.migrations:
                if migration.name not in applied:
                    conn.execute(migration.postgresql)
                    conn.execute("INSERT INTO schema_migrations (migration_set, name) VALUES (?, ?)",
                                 [self.name, migration.name])
