"""The list of administrative areas and the population register: who lives in which commune, keyed by
personal ID (most residents have no health book yet), and the follow-up list a ward's volunteers work
through (living residents not yet activated).

An import is one statement set over a staging table (COPY on PostgreSQL): it adds the new residents,
updates those whose row changed and leaves the others untouched, all in one transaction, so importing
the same file twice changes nothing the second time and a failure leaves nothing half-imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from api_client.models import (
    ACTIVATED_WITH,
    ActivationStep,
    Area,
    AreaLevel,
    FollowUpPage,
    FollowUpResident,
    Residence,
    ResidentStatus,
    Sex,
)

from .books import now_utc
from .db import Dialect, Store, bulk_insert

_STAGING = "resident_import"
_COLUMNS = ("personal_id", "full_name", "birth_date", "sex", "commune_code", "residence", "status", "hamlet")
_REQUIRED = ("full_name", "birth_date", "sex", "commune_code", "residence", "status")  # NOT NULL in residents
_AREA_COLUMNS = "code, name, level, parent_code"
MAX_PAGE = 500


class UnknownArea(LookupError):
    """The code is not in the areas table (or not at the level asked for)."""


@dataclass(frozen=True)
class ResidentRow:
    """One resident as the register states them; validated before it gets here (`server.population`)."""

    personal_id: str
    full_name: str
    birth_date: date
    sex: Sex
    commune_code: str
    residence: Residence
    status: ResidentStatus
    hamlet: str | None = None  # tổ dân phố, thôn

    def as_row(self) -> dict[str, Any]:
        return {"personal_id": self.personal_id, "full_name": self.full_name,
                "birth_date": self.birth_date.isoformat(), "sex": str(self.sex), "commune_code": self.commune_code,
                "residence": str(self.residence), "status": str(self.status), "hamlet": self.hamlet}


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


def _differs(columns: Sequence[str], left: str, right: str) -> str:
    """True where a row of `right` would change the row of `left` (hamlet may be NULL)."""
    return " OR ".join(f"{left}.{column} IS DISTINCT FROM {right}.{column}" if column == "hamlet"
                       else f"{left}.{column} <> {right}.{column}" for column in columns)


def _area(row: Sequence[Any]) -> Area:
    return Area(code=row[0], name=row[1], level=row[2], parent_code=row[3])


def _follow_up_where(dialect: Dialect, commune_code: str) -> tuple[str, list[str]]:
    """The commune's living residents with a step of ACTIVATED_WITH missing, and the parameters."""
    steps = [str(step) for step in ACTIVATED_WITH]
    marks = ", ".join("?" * len(steps))
    if dialect == "postgresql":
        # The commune's activated residents once, as a hashed set. (Per-resident subqueries make the planner
        # price the query high enough to JIT-compile it, which then costs more than running it.)
        return ("FROM residents r WHERE r.commune_code = ? AND r.status = 'living' AND r.personal_id NOT IN ("
                "SELECT a.personal_id FROM residents c JOIN activation_steps a ON a.personal_id = c.personal_id "
                f"WHERE c.commune_code = ? AND a.step IN ({marks}) GROUP BY a.personal_id "
                f"HAVING count(*) = {len(steps)})"), [commune_code, commune_code, *steps]
    # SQLite: a probe of the primary key per resident; the first step found missing ends it.
    missing = " OR ".join(["NOT EXISTS (SELECT 1 FROM activation_steps a WHERE a.personal_id = r.personal_id "
                           "AND a.step = ?)"] * len(steps))
    return f"FROM residents r WHERE r.commune_code = ? AND r.status = 'living' AND ({missing})", [commune_code, *steps]


# The ward's natural order of hamlets: "Tổ dân phố 2" before "Tổ dân phố 10", those without a hamlet last.
_FOLLOW_UP_ORDER = ("ORDER BY r.hamlet IS NULL, rtrim(r.hamlet, '0123456789'), length(r.hamlet), r.hamlet, "
                    "r.full_name, r.personal_id")


class PopulationStore(Store):
    # ------------------------------------------------------------ areas

    def save_areas(self, areas: Iterable[Area]) -> int:
        """Insert the areas, or update those whose name, level or parent changed; returns how many were given."""
        rows = [[area.code, area.name, str(area.level), area.parent_code] for area in areas]
        with self.transaction() as db:
            db.executemany(
                f"INSERT INTO areas ({_AREA_COLUMNS}) VALUES (?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
                "name = excluded.name, level = excluded.level, parent_code = excluded.parent_code "
                "WHERE areas.name <> excluded.name OR areas.level <> excluded.level "
                "OR areas.parent_code IS DISTINCT FROM excluded.parent_code",
                rows,
            )
        return len(rows)

    def area(self, code: str) -> Area | None:
        row = self.one(f"SELECT {_AREA_COLUMNS} FROM areas WHERE code = ?", [code])
        return _area(row) if row else None

    def areas_under(self, code: str, level: AreaLevel | None = None) -> list[Area]:
        """Every area inside `code` (a province: its districts and their communes), or only those of
        `level`, in code order."""
        rows = self.all(
            "WITH RECURSIVE inside (code) AS (SELECT code FROM areas WHERE parent_code = ? "
            "UNION ALL SELECT a.code FROM areas a JOIN inside i ON a.parent_code = i.code) "
            f"SELECT {_AREA_COLUMNS} FROM areas WHERE code IN (SELECT code FROM inside)"
            + (" AND level = ?" if level else "") + " ORDER BY code",
            [code, str(level)] if level else [code],
        )
        return [_area(row) for row in rows]

    def commune_codes(self) -> set[str]:
        """Every commune of the list (an import checks its rows against them)."""
        return {code for (code,) in self.all("SELECT code FROM areas WHERE level = ?", [str(AreaLevel.COMMUNE)])}

    def _commune(self, code: str) -> Area:
        found = self.area(code)
        if found is None or found.level != AreaLevel.COMMUNE:
            raise UnknownArea(code)
        return found

    def set_facility_commune(self, facility_code: str, commune_code: str) -> bool:
        """The commune a facility stands in; False if there is no such facility."""
        self._commune(commune_code)
        with self.transaction() as db:
            cursor = db.execute("UPDATE facilities SET commune_code = ? WHERE code = ?", [commune_code, facility_code])
            return cursor.rowcount > 0

    def facility_commune(self, facility_code: str) -> str | None:
        return self.value("SELECT commune_code FROM facilities WHERE code = ?", [facility_code])

    # ------------------------------------------------------------ the register

    def import_residents(self, rows: Iterable[ResidentRow], *, hamlets: bool = True) -> ImportResult:
        """Add the new residents and update the changed ones, in one transaction. With `hamlets` False
        (a register without that column) the hamlets on record stay as they are. Raises UnknownArea
        (and stores nothing) if a row names a commune not in the list; rows must have distinct IDs."""
        staged = [row.as_row() for row in rows]
        compared = _COLUMNS[1:] if hamlets else _COLUMNS[1:-1]
        now = now_utc()
        with self.transaction() as db:
            db.lock("residents:import")  # two imports at once would both find a new resident new
            db.execute(f"CREATE TEMP TABLE {_STAGING} (personal_id text PRIMARY KEY, "
                       + ", ".join(f"{column} text" for column in _COLUMNS[1:]) + ")")
            bulk_insert(db, _STAGING, staged)
            if self.dialect == "postgresql":
                db.execute(f"ANALYZE {_STAGING}")  # a temporary table has no statistics until asked
            unknown = db.execute(
                f"SELECT min(s.commune_code) FROM {_STAGING} s WHERE NOT EXISTS "
                "(SELECT 1 FROM areas a WHERE a.code = s.commune_code AND a.level = ?)", [str(AreaLevel.COMMUNE)]
            ).fetchone()[0]
            if unknown is not None:
                raise UnknownArea(unknown)
            added, updated = db.execute(
                f"SELECT count(*) - count(r.personal_id), "
                f"coalesce(sum(CASE WHEN r.personal_id IS NOT NULL AND ({_differs(compared, 'r', 's')}) THEN 1 ELSE 0 END), 0) "
                f"FROM {_STAGING} s LEFT JOIN residents r ON r.personal_id = s.personal_id"
            ).fetchone()
            if updated:
                db.execute(
                    "UPDATE residents SET " + ", ".join(f"{column} = s.{column}" for column in compared)
                    + f", updated_at = CAST(? AS text) FROM {_STAGING} s "
                    f"WHERE residents.personal_id = s.personal_id AND ({_differs(compared, 'residents', 's')})",
                    [now],
                )
            if added:
                db.execute(
                    f"INSERT INTO residents ({', '.join(_COLUMNS)}, updated_at) "
                    f"SELECT {', '.join(f's.{column}' for column in _COLUMNS)}, CAST(? AS text) FROM {_STAGING} s "
                    "WHERE NOT EXISTS (SELECT 1 FROM residents r WHERE r.personal_id = s.personal_id)",
                    [now],
                )
            db.execute(f"DROP TABLE {_STAGING}")
        return ImportResult(added=int(added), updated=int(updated), unchanged=len(staged) - int(added) - int(updated))

    def resident(self, personal_id: str) -> ResidentRow | None:
        row = self.one(f"SELECT {', '.join(_COLUMNS)} FROM residents WHERE personal_id = ?", [personal_id])
        if row is None:
            return None
        personal_id, full_name, birth_date, sex, commune_code, residence, status, hamlet = row
        return ResidentRow(personal_id=personal_id, full_name=full_name, birth_date=date.fromisoformat(birth_date),
                           sex=Sex(sex), commune_code=commune_code, residence=Residence(residence),
                           status=ResidentStatus(status), hamlet=hamlet)

    def count_residents(self, commune_code: str | None = None, status: ResidentStatus | None = None) -> int:
        conditions, params = [], []
        if commune_code is not None:
            conditions.append("commune_code = ?")
            params.append(commune_code)
        if status is not None:
            conditions.append("status = ?")
            params.append(str(status))
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        return int(self.value(f"SELECT count(*) FROM residents{where}", params))

    # ------------------------------------------------------------ follow-up

    def follow_up(self, commune_code: str, limit: int = 50, offset: int = 0) -> FollowUpPage:
        """The commune's living residents not yet activated (a step of `ACTIVATED_WITH` missing), by hamlet
        then name, with what to do next: name, birth year, hamlet and residence, nothing more of them."""
        commune = self._commune(commune_code)
        limit, offset = max(0, min(limit, MAX_PAGE)), max(0, offset)
        where, params = _follow_up_where(self.dialect, commune_code)
        with self.read() as db:
            # One pass over the commune gives the page and, by the window, the total.
            found = db.execute(
                f"SELECT r.personal_id, r.full_name, r.birth_date, r.hamlet, r.residence, count(*) OVER () "
                f"{where} {_FOLLOW_UP_ORDER} LIMIT ? OFFSET ?", [*params, max(limit, 1), offset]
            ).fetchall()
            if found:
                total = found[0][5]
            else:  # past the end (or nobody left): only the count
                total = db.execute(f"SELECT count(*) {where}", params).fetchone()[0] if offset else 0
            rows = [row[:5] for row in found[:limit]]
            done: dict[str, set[str]] = {row[0]: set() for row in rows}
            if done:
                for personal_id, step in db.execute(
                    f"SELECT personal_id, step FROM activation_steps WHERE personal_id IN ({', '.join('?' * len(done))})",
                    list(done),
                ):
                    done[personal_id].add(step)
        residents = [
            FollowUpResident(full_name=full_name, birth_year=int(birth_date[:4]), hamlet=hamlet,
                             residence=Residence(residence),
                             next_step=next(step for step in ActivationStep if step not in done[personal_id]))
            for personal_id, full_name, birth_date, hamlet, residence in rows
        ]
        return FollowUpPage(commune_code=commune.code, commune_name=commune.name, total=int(total), limit=limit,
                            offset=offset, residents=residents)
