"""Each resident's activation steps: seen by the system (a sign-in, a read of the book, a card issued)
or ticked by the volunteer who helped, with who, when and in which commune. Keyed by personal ID:
most residents a volunteer meets have no book yet. And each assisted sign-in, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from api_client.models import ActivationStep

from .db import Store
from .report_counts import count, month_of


@dataclass(frozen=True)
class StepDoneBy:
    """Who was there when a step was done; None fields when the citizen did it alone."""

    helper_personal_id: str | None = None
    helper_name: str | None = None
    commune_code: str | None = None


@dataclass(frozen=True)
class StepRecord:
    step: ActivationStep
    done_at: str
    observed: bool
    helper_name: str | None
    commune_code: str | None


@dataclass(frozen=True)
class ResidentIdentity:
    """Who a volunteer is helping: from the population register, else from the book."""

    personal_id: str
    full_name: str
    birth_date: str
    precision: str
    commune_code: str | None
    in_register: bool
    person_id: str | None  # their book, if they have one

    @property
    def birth_year(self) -> int | None:
        return int(self.birth_date[:4]) if self.birth_date[:4].isdigit() else None


class ActivationStore(Store):
    def identity(self, personal_id: str) -> ResidentIdentity | None:
        row = self.one(
            "SELECT r.full_name, r.birth_date, r.commune_code, p.id, p.full_name, p.birth_date, "
            "p.birth_date_precision FROM (SELECT CAST(? AS text) AS personal_id) q "
            "LEFT JOIN residents r ON r.personal_id = q.personal_id "
            "LEFT JOIN people p ON p.personal_id = q.personal_id", [personal_id])
        if row is None or (row[0] is None and row[3] is None):
            return None
        name, birth, commune, person_id, book_name, book_birth, precision = row
        if name is not None:
            return ResidentIdentity(personal_id, name, birth, "day", commune, True, person_id)
        return ResidentIdentity(personal_id, book_name, book_birth, precision or "day", None, False, person_id)

    def area_names(self, codes: list[str]) -> dict[str, str]:
        unique = sorted(set(codes))
        if not unique:
            return {}
        return dict(self.all(f"SELECT code, name FROM areas WHERE code IN ({', '.join('?' * len(unique))})", unique))

    def record_steps(self, personal_id: str, steps: list[ActivationStep], moment: float, *, observed: bool,
                     done_by: StepDoneBy | None = None) -> None:
        """The first record of a step stays (when, and who helped); the system seeing a step a volunteer
        ticked marks it observed. Asked on every opening of a book: a read when nothing is new."""
        known = self.steps_of(personal_id)
        needed = [step for step in dict.fromkeys(steps)
                  if step not in known or (observed and not known[step].observed)]
        if not needed:
            return
        by = done_by or StepDoneBy()
        at = datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")
        with self.transaction() as db:
            for step in needed:
                db.execute(
                    "INSERT INTO activation_steps (personal_id, step, done_at, observed, helper_personal_id, "
                    "helper_name, commune_code) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (personal_id, step) DO UPDATE SET observed = 1 "
                    "WHERE activation_steps.observed = 0 AND excluded.observed = 1",
                    [personal_id, step.value, at, int(observed), by.helper_personal_id, by.helper_name,
                     by.commune_code],
                )

    def book_opened(self, person_id: str, personal_id: str, moment: float) -> None:
        """The owner opened their book: counted once a month per person, in their commune of the register."""
        month = month_of(moment)
        if self.value("SELECT book_opened_month FROM people WHERE id = ?", [person_id]) == month:
            return
        with self.transaction() as db:
            if db.execute("UPDATE people SET book_opened_month = ? WHERE id = ? AND "
                          "(book_opened_month IS NULL OR book_opened_month <> ?)", [month, person_id, month]).rowcount:
                commune = db.execute("SELECT commune_code FROM residents WHERE personal_id = ?",
                                     [personal_id]).fetchone()
                count(db, moment, "book_opened", commune_code=commune[0] if commune else "")

    def steps_of(self, personal_id: str) -> dict[ActivationStep, StepRecord]:
        rows = self.all(
            "SELECT step, done_at, observed, helper_name, commune_code FROM activation_steps WHERE personal_id = ?",
            [personal_id],
        )
        return {ActivationStep(step): StepRecord(ActivationStep(step), done_at, bool(observed), helper, commune)
                for step, done_at, observed, helper, commune in rows}

    def looked_up(self, volunteer_personal_id: str, personal_id: str, moment: float) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO volunteer_lookups (volunteer_personal_id, personal_id, at) VALUES (?, ?, ?) "
                       "ON CONFLICT (volunteer_personal_id, personal_id) DO UPDATE SET at = excluded.at",
                       [volunteer_personal_id, personal_id, moment])

    def looked_up_since(self, volunteer_personal_id: str, personal_id: str, since: float) -> bool:
        return self.one("SELECT 1 FROM volunteer_lookups WHERE volunteer_personal_id = ? AND personal_id = ? "
                        "AND at >= ?", [volunteer_personal_id, personal_id, since]) is not None

    def start_assisted_session(self, session_id: str, person_id: str, helper_personal_id: str,
                               moment: float) -> bool:
        """True the first time this sign-in opens this book (its line in the access log is written then)."""
        with self.transaction() as db:
            return bool(db.execute(
                "INSERT INTO assisted_sessions (session_id, person_id, helper_personal_id, started_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (session_id, person_id) DO NOTHING",
                [session_id, person_id, helper_personal_id,
                 datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")],
            ).rowcount)
