"""What the pilot report reads: the register joined to the books and the activation steps, grouped by
commune; the monthly counters of the area's communes and facilities; the visits waiting for
identification; the residents helped by volunteers; and the officials' written assessments.

Every query groups in the database and hands back numbers by commune or facility, never a row of a
person. The register's figures stand at an instant (the end of a period, as UTC ISO text that the stored
times compare with); the counters are filtered by month (`YYYY-MM`, both ends included).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api_client.models import Area, ReportAssessment, ReportAssessmentUpdate

from .db import Store, upsert
from .population import PopulationStore

Months = tuple[str, str]  # first and last month, YYYY-MM, both included
BIG_READ_WORK_MEM = "32MB"
# The commune a counter belongs to: its facility's, when the facility has one; else the one it was counted
# with ('' for none: NULL here).
_BELONGS_TO = "coalesce(f.commune_code, nullif(c.commune_code, ''))"


@dataclass(frozen=True)
class FacilityRow:
    code: str
    name: str
    commune_code: str
    public: bool | None  # None: not registered


@dataclass(frozen=True)
class CounterRow:
    """One counter of the report, summed over the months of the period and of the previous one."""

    commune_code: str  # '' when counted without a commune
    facility_code: str  # '' when counted without a facility
    indicator: str
    key: str
    current: int
    previous: int


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


class ReportStore(Store):
    def _big_read(self, sql: str, params: Sequence[object]) -> list[Any]:
        """A query over a whole province: on PostgreSQL with more memory than the default 4 MB for grouping
        its residents (set when the query still joined the books and steps by hash; since m015 it groups one
        index, and the setting is kept as a margin), and without JIT, which costs more than it saves here.
        For this query only."""
        if self.dialect != "postgresql":
            return self.all(sql, params)
        with self.database.transaction() as db:
            db.execute(f"SET LOCAL work_mem = '{BIG_READ_WORK_MEM}'")
            db.execute("SET LOCAL jit = off")
            return db.execute(sql, params).fetchall()

    # ------------------------------------------------------------ the tree

    def area(self, code: str) -> Area | None:
        return PopulationStore(self.database).area(code)

    def areas_under(self, code: str) -> list[Area]:
        return PopulationStore(self.database).areas_under(code)

    def ancestors(self, code: str) -> list[str]:
        """The codes above an area, its parent first."""
        found: list[str] = []
        parent = self.value("SELECT parent_code FROM areas WHERE code = ?", [code])
        while parent and parent not in found and len(found) < 8:
            found.append(parent)
            parent = self.value("SELECT parent_code FROM areas WHERE code = ?", [parent])
        return found

    def facilities_in(self, communes: Sequence[str]) -> list[FacilityRow]:
        if not communes:
            return []
        rows = self.all(f"SELECT code, name, commune_code, public FROM facilities WHERE commune_code IN "
                        f"({_marks(communes)}) ORDER BY code", list(communes))
        return [FacilityRow(code, name or code, commune, None if public is None else bool(public))
                for code, name, commune, public in rows]

    # ------------------------------------------------------------ the register

    def register(self, communes: Sequence[str], ends: Sequence[str]) -> dict[str, list[Counter[str]]]:
        """Per commune, one tally per instant of `ends`: living residents by residence (today's register),
        those with a book created before the instant, and those with level 2 or the BHYT card linked
        before it. Moved and deceased residents are not counted at all."""
        if not communes:
            return {}
        columns = []
        params: list[object] = []
        for end in ends:  # the dates on the register's rows are kept by triggers (migration m015)
            columns.append("sum(CASE WHEN book_at < ? THEN 1 ELSE 0 END), "
                           "sum(CASE WHEN level2_at < ? THEN 1 ELSE 0 END), "
                           "sum(CASE WHEN bhyt_at < ? THEN 1 ELSE 0 END)")
            params += [end, end, end]
        sql = (f"SELECT commune_code, residence, count(*), {', '.join(columns)} FROM residents "
               f"WHERE commune_code IN ({_marks(communes)}) AND status = 'living' GROUP BY commune_code, residence")
        params += communes
        rows = self._big_read(sql, params)
        tallies: dict[str, list[Counter[str]]] = {}
        for commune, residence, living, *by_end in rows:
            commune_tallies = tallies.setdefault(commune, [Counter() for _ in ends])
            for index, tally in enumerate(commune_tallies):
                books, level2, bhyt = by_end[3 * index:3 * index + 3]
                tally[f"residents.{residence}"] += int(living)
                tally[f"books.{residence}"] += int(books or 0)
                tally["level2"] += int(level2 or 0)
                tally["bhyt_linked"] += int(bhyt or 0)
        return tallies

    def assisted(self, communes: Sequence[str], spans: Sequence[tuple[str, str]]) -> list[Counter[str]]:
        """Per span (start included, end excluded; spans never overlap) and commune: the residents who did a
        step with a volunteer's help in it, each once, in the commune of their first such step of the span
        (their commune of the register when the step was done in an assisted sign-in, which records none)."""
        if not communes:
            return [Counter() for _ in spans]
        marks = _marks(communes)
        which = " ".join(f"WHEN done_at >= ? AND done_at < ? THEN {index}" for index in range(len(spans)))
        bounds = [bound for span in spans for bound in span]
        first, last = min(start for start, _ in spans), max(end for _, end in spans)
        # The helped steps that name no commune, by date (their own index: SQLite's planner would rather walk
        # every step the system saw, which names none either), then each one's resident.
        steps, join = (("activation_steps a INDEXED BY activation_steps_helped_unplaced", "CROSS JOIN")
                       if self.dialect == "sqlite" else ("activation_steps a", "JOIN"))
        rows = self.all(
            "SELECT span, commune, count(*) FROM (SELECT span, commune, row_number() OVER (PARTITION BY span, "
            f"personal_id ORDER BY done_at, step) AS n FROM (SELECT CASE {which} END AS span, personal_id, step, "
            "done_at, commune FROM ("
            "SELECT a.personal_id, a.step, a.done_at, a.commune_code AS commune FROM activation_steps a "
            f"WHERE a.commune_code IN ({marks}) AND a.helper_personal_id IS NOT NULL AND a.done_at >= ? "
            "AND a.done_at < ? "
            f"UNION ALL SELECT a.personal_id, a.step, a.done_at, r.commune_code FROM {steps} "
            f"{join} residents r ON r.personal_id = a.personal_id "
            f"WHERE a.commune_code IS NULL AND r.commune_code IN ({marks}) AND a.helper_personal_id IS NOT NULL "
            "AND a.done_at >= ? AND a.done_at < ?) helped) dated WHERE span IS NOT NULL) firsts "
            "WHERE n = 1 GROUP BY span, commune",
            [*bounds, *communes, first, last, *communes, first, last],
        )
        found: list[Counter[str]] = [Counter() for _ in spans]
        for span, commune, count in rows:
            found[int(span)][commune] += int(count)
        return found

    # ------------------------------------------------------------ the counters

    def counters(self, communes: Sequence[str], current: Months, previous: Months) -> list[CounterRow]:
        """The counters of the communes, and those counted with no commune ('': a facility whose commune
        was not known then, for one), summed over each period's months, each in the commune it belongs to:
        its facility's when the facility has one, else its own ('' for none). A facility's counters kept
        under two communes come as two rows."""
        if not communes:
            return []
        first, last = min(current[0], previous[0]), max(current[1], previous[1])
        rows = self._big_read(
            f"SELECT {_BELONGS_TO.replace('c.', 'g.')}, g.facility_code, g.indicator, g.key, g.now, g.before FROM ("
            "SELECT commune_code, facility_code, indicator, key, "
            "sum(CASE WHEN month >= ? AND month <= ? THEN value ELSE 0 END) AS now, "
            "sum(CASE WHEN month >= ? AND month <= ? THEN value ELSE 0 END) AS before "
            f"FROM report_counts WHERE commune_code IN ('', {_marks(communes)}) AND month >= ? AND month <= ? "
            "GROUP BY commune_code, facility_code, indicator, key) g LEFT JOIN facilities f ON f.code = g.facility_code",
            [*current, *previous, *communes, first, last],
        )
        return [CounterRow(commune or "", facility, indicator, key, int(now or 0), int(before or 0))
                for commune, facility, indicator, key, now, before in rows]

    def trend(self, communes: Sequence[str], months: Months) -> dict[str, tuple[int, int]]:
        """Per month of the range: visits accepted and check-ins in the communes (counters belonging as in
        `counters`)."""
        if not communes:
            return {}
        marks = _marks(communes)
        rows = self.all(
            "SELECT c.month, sum(CASE WHEN c.indicator = 'record' THEN c.value ELSE 0 END), "
            "sum(CASE WHEN c.indicator = 'check_in' THEN c.value ELSE 0 END) "
            "FROM report_counts c LEFT JOIN facilities f ON f.code = c.facility_code "
            f"WHERE c.commune_code IN ('', {marks}) AND c.month >= ? AND c.month <= ? "
            "AND (c.indicator = 'check_in' OR (c.indicator = 'record' AND c.key = 'accepted')) "
            f"AND {_BELONGS_TO} IN ({marks}) GROUP BY c.month",
            [*communes, *months, *communes],
        )
        return {month: (int(visits or 0), int(check_ins or 0)) for month, visits, check_ins in rows}

    def waiting(self, facilities: Sequence[str], ends: Sequence[str]) -> dict[str, list[int]]:
        """Per facility, its visits still waiting for identification that were received before each instant."""
        if not facilities:
            return {}
        columns = ", ".join(["sum(CASE WHEN received_at < ? THEN 1 ELSE 0 END)"] * len(ends))
        rows = self.all(
            f"SELECT facility_code, {columns} FROM unidentified_visits WHERE facility_code IN "
            f"({_marks(facilities)}) GROUP BY facility_code", [*ends, *facilities])
        return {facility: [int(count or 0) for count in counts] for facility, *counts in rows}

    # ------------------------------------------------------------ the officials' own sections

    def assessment(self, area_code: str, period: str) -> ReportAssessment:
        row = self.one("SELECT effectiveness, difficulties, proposals, written_by, written_at FROM report_assessments "
                       "WHERE area_code = ? AND period = ?", [area_code, period])
        if row is None:
            return ReportAssessment()
        effectiveness, difficulties, proposals, written_by, written_at = row
        return ReportAssessment(effectiveness=effectiveness or "", difficulties=difficulties or "",
                                proposals=proposals or "", written_by=written_by,
                                written_at=datetime.fromisoformat(written_at) if written_at else None)

    def save_assessment(self, area_code: str, period: str, update: ReportAssessmentUpdate, written_by: str,
                        written_at: datetime) -> ReportAssessment:
        """The sections as written now, replacing those of before, with who wrote them and when."""
        with self.transaction() as db:
            upsert(db, "report_assessments", {
                "area_code": area_code, "period": period, "effectiveness": update.effectiveness,
                "difficulties": update.difficulties, "proposals": update.proposals, "written_by": written_by,
                "written_at": written_at.isoformat(timespec="seconds")}, ("area_code", "period"))
        return self.assessment(area_code, period)
