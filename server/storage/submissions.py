"""The gateway's storage: the facilities' keys and certificates it checks, and the archive of every envelope received.

An envelope is archived (with a full fsync) before anything else is done with it, and marked
processed only after its records are stored; a process that dies in between finds it again on
restart (`pending`)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .books import now_utc
from .db import Store, insert, upsert


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


class SubmissionStore(Store):
    # ------------------------------------------------------------ facilities

    def facility_for_key(self, api_key: str, now: str) -> tuple[str, bool] | None:
        """The facility of a key neither revoked nor past its rotation overlap, and whether it is active."""
        row = self.one("SELECT k.facility_code, coalesce(f.active, 1) FROM gateway_keys k "
                       "LEFT JOIN facilities f ON f.code = k.facility_code WHERE k.key_hash = ? "
                       "AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)",
                       [key_hash(api_key), now])
        return (row[0], bool(row[1])) if row else None

    def certificates(self, facility_code: str) -> list[str]:
        """The facility's signing certificates not revoked, newest first (several during a rollover)."""
        return [pem for (pem,) in self.all("SELECT pem FROM facility_certificates WHERE facility_code = ? "
                                           "AND revoked_at IS NULL ORDER BY registered_at DESC", [facility_code])]

    # ------------------------------------------------------------ the archive

    def archive(self, facility_code: str, body: bytes) -> str:
        """Durable before it returns: this commit is fsynced (SQLite: whatever the connection's usual
        setting; PostgreSQL: synchronous_commit, on unless an operator turned it off)."""
        submission_id = uuid.uuid4().hex
        row = {"id": submission_id, "facility_code": facility_code, "received_at": now_utc(), "body": body,
               "status": "received", "body_sha256": body_digest(body)}
        if self.dialect != "sqlite":
            with self.transaction() as db:
                insert(db, "submissions", row)
            return submission_id
        with self.read() as conn:  # this thread's connection, which the transaction below uses too
            conn.execute("PRAGMA synchronous=FULL")
            try:
                with self.transaction() as db:
                    insert(db, "submissions", row)
            finally:
                conn.execute("PRAGMA synchronous=NORMAL")
        return submission_id

    def processed_receipt(self, facility_code: str, body: bytes) -> str | None:
        """The receipt of the same bytes from the same facility, if they were processed before."""
        return self.value(
            "SELECT receipt FROM submissions WHERE facility_code = ? AND body_sha256 = ? AND status = 'processed' "
            "ORDER BY received_at LIMIT 1",
            [facility_code, body_digest(body)],
        )

    def of_facility(self, facility_code: str, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        """(newest first, a page of them; how many in all)."""
        rows = self.all(
            "SELECT id, received_at, status, receipt FROM submissions WHERE facility_code = ? "
            "ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?",
            [facility_code, limit, offset],
        )
        total = self.value("SELECT count(*) FROM submissions WHERE facility_code = ?", [facility_code])
        return [_submission(*row) for row in rows], total

    def one_of_facility(self, facility_code: str, submission_id: str) -> dict[str, Any] | None:
        row = self.one(
            "SELECT id, received_at, status, receipt FROM submissions WHERE facility_code = ? AND id = ?",
            [facility_code, submission_id],
        )
        return _submission(*row) if row else None

    # ------------------------------------------------------------ visits waiting for identification

    def hold_unidentified(self, facility_code: str, source_key: str, identity: dict[str, Any], visit_json: str) -> None:
        with self.transaction() as db:
            upsert(db, "unidentified_visits",
                   {"facility_code": facility_code, "source_key": source_key, "received_at": now_utc(),
                    "identity": json.dumps(identity, ensure_ascii=False), "visit": visit_json},
                   ("facility_code", "source_key"))

    def release_identified(self, facility_code: str, source_key: str) -> None:
        """The record came again with the person's ID: its visit is in the book now."""
        with self.transaction() as db:
            db.execute("DELETE FROM unidentified_visits WHERE facility_code = ? AND source_key = ?",
                       [facility_code, source_key])

    def unidentified_of(self, facility_code: str, limit: int = 200) -> list[dict[str, Any]]:
        rows = self.all(
            "SELECT source_key, received_at, identity FROM unidentified_visits WHERE facility_code = ? "
            "ORDER BY received_at DESC LIMIT ?", [facility_code, limit],
        )
        return [{"ma_lk": key, "received_at": at, **json.loads(identity)} for key, at, identity in rows]

    def record_refusal(self, facility_code: str, reason: str) -> str:
        """An envelope refused before archiving (bad signature, malformed): its reason, not its bytes."""
        submission_id = uuid.uuid4().hex
        with self.transaction() as db:
            db.execute(
                "INSERT INTO submissions (id, facility_code, received_at, body, status, receipt, processed_at) "
                "VALUES (?, ?, ?, NULL, 'refused', ?, ?)",
                [submission_id, facility_code, now_utc(), reason, now_utc()],
            )
        return submission_id

    def finish(self, submission_id: str, status: str, receipt: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE submissions SET status = ?, receipt = ?, processed_at = ? WHERE id = ?",
                [status, receipt, now_utc(), submission_id],
            )

    @contextmanager
    def processing(self, submission_id: str) -> Iterator[bool]:
        """Hold an archived envelope while its records are stored: True when it is still to be done.
        PostgreSQL: one transaction holds the envelope's row, so no other process can take it, and a
        process that dies half-way leaves it as it was, for another to take (`next_pending`)."""
        if self.dialect == "sqlite":  # one process: nobody else can take it
            yield self.value("SELECT status FROM submissions WHERE id = ?", [submission_id]) == "received"
            return
        with self.transaction() as db:
            row = db.execute("SELECT status FROM submissions WHERE id = ? FOR UPDATE", [submission_id]).fetchone()
            yield bool(row and row[0] == "received")

    @contextmanager
    def next_pending(self) -> Iterator[dict[str, Any] | None]:
        """The oldest envelope archived but never finished that no live process holds, held like
        `processing`; None when there is none."""
        if self.dialect == "sqlite":
            row = self.one("SELECT id, facility_code, body FROM submissions WHERE status = 'received' "
                           "ORDER BY received_at LIMIT 1")
            yield {"id": row[0], "facility_code": row[1], "body": bytes(row[2])} if row else None
            return
        with self.transaction() as db:
            row = db.execute("SELECT id, facility_code, body FROM submissions WHERE status = 'received' "
                             "ORDER BY received_at LIMIT 1 FOR UPDATE SKIP LOCKED").fetchone()
            yield {"id": row[0], "facility_code": row[1], "body": bytes(row[2])} if row else None

    def status(self, submission_id: str) -> tuple[str, str | None] | None:
        row = self.one("SELECT status, receipt FROM submissions WHERE id = ?", [submission_id])
        return (row[0], row[1]) if row else None


def _submission(submission_id: str, received_at: str, status: str, receipt: str | None) -> dict[str, Any]:
    return {"submission_id": submission_id, "received_at": received_at, "status": status,
            "outcome": json.loads(receipt) if receipt else None}
