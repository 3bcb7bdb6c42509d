"""The gateway: a facility's signed envelope in, each record checked and stored whole, a receipt out.

Order matters for "never lose a record": authenticate the sender, archive the raw envelope
durably, then verify, read and store record by record; mark the envelope processed last. An
envelope found still "received" at start-up is processed again (storing is idempotent: a visit
is keyed by facility and MA_LK).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from api_client.identifiers import N_

from ..storage.books import NewerVersionStored
from ..storage.corrections import resolve_on_resend
from ..storage.db import Connection
from ..storage.protocols import BookRepository, SubmissionRepository, UnitOfWork
from ..storage.report_counts import count, latency_bucket
from .records import read_record
from .signing import in_validity, verify_with_any
from .xml130 import MAX_ENVELOPE_BYTES, Envelope, SubmissionRefused, parse_safely, read_envelope

log = logging.getLogger("server.gateway")


class Gateway:
    def __init__(self, unit_of_work: UnitOfWork, books: BookRepository, submissions: SubmissionRepository,
                 clock: Callable[[], float]) -> None:
        self.unit_of_work, self.books, self.submissions, self.clock = unit_of_work, books, submissions, clock

    def authenticate(self, api_key: str | None) -> str:
        now = datetime.fromtimestamp(self.clock(), UTC).isoformat(timespec="milliseconds")
        found = self.submissions.facility_for_key(api_key, now) if api_key else None
        if found is None:
            raise SubmissionRefused(401, "invalid_api_key",
                                    N_("Send your facility's API key as 'Authorization: Bearer <key>'. The key sent "
                                       "is missing, not registered, revoked or past its rotation period."))
        facility_code, active = found
        if not active:
            raise SubmissionRefused(403, "facility_inactive",
                                    N_("Facility {facility} is deactivated in the health book: nothing it sends is "
                                       "stored. Ask the provincial health department to reactivate it."),
                                    facility=facility_code)
        return facility_code

    def submit(self, facility_code: str, body: bytes) -> dict[str, Any]:
        """An envelope from an authenticated facility. Only one whose signature holds is archived:
        a refused one leaves its reason, not its bytes, so nobody can fill the disk with them."""
        received_at = datetime.fromtimestamp(self.clock(), UTC)
        try:
            envelope = self._open(facility_code, body)
        except SubmissionRefused as refusal:
            self.submissions.record_refusal(facility_code, refusal_json(refusal))
            log.info("refused envelope from %s: %s", facility_code, refusal.code)
            raise
        if previous := self.submissions.processed_receipt(facility_code, body):
            receipt = json.loads(previous)  # the very same bytes again: acknowledged, not stored twice
            return {**receipt, "duplicate_of": receipt["submission_id"]}
        submission_id = self.submissions.archive(facility_code, body)
        with self.submissions.processing(submission_id) as to_do:
            if to_do:
                return self._store_all(submission_id, facility_code, envelope, received_at)
        # Another process recovering at start-up took it first and has finished it by now.
        status = self.submissions.status(submission_id)
        return json.loads(status[1]) if status and status[1] else {"submission_id": submission_id}

    def submit_signed_by_station(self, facility_code: str, body: bytes) -> dict[str, Any]:
        """The record-visit form's path: the station's staff are already authenticated, the server
        signed for the station; from here on it is the hospitals' path exactly."""
        return self.submit(facility_code, body)

    def _open(self, facility_code: str, body: bytes) -> Envelope:
        if len(body) > MAX_ENVELOPE_BYTES:
            parse_safely(body)  # raises the size refusal
        registered = self.submissions.certificates(facility_code)
        if not registered:  # a key without a certificate: nothing can be checked
            raise SubmissionRefused(403, "no_certificate", N_("Register your facility's signing certificate "
                                                              "before sending envelopes."))
        now = datetime.fromtimestamp(self.clock(), UTC)
        certificates = [pem for pem in registered if in_validity(pem, now)]
        if not certificates:
            raise SubmissionRefused(403, "certificate_expired", N_("Your facility's signing certificate has expired. "
                                                                   "Sign with the current one and ask the health "
                                                                   "department to register it."))
        signed = verify_with_any(parse_safely(body), certificates)
        envelope = read_envelope(signed.root)
        envelope.signer, envelope.signed_at = signed.signer, signed.signed_at
        if envelope.facility_code != facility_code:
            raise SubmissionRefused(403, "facility_mismatch",
                                    N_("MACSKCB {sent} is not the facility of this API key ({own})."),
                                    sent=envelope.facility_code, own=facility_code)
        return envelope

    def _store_all(self, submission_id: str, facility_code: str, envelope: Envelope,
                   received_at: datetime) -> dict[str, Any]:
        facility_name = self.books.facility_name(facility_code)
        records = [self._store(hoso, facility_code, facility_name, received_at, envelope) for hoso in envelope.records]
        receipt = {
            "submission_id": submission_id, "facility_code": facility_code,
            "received_at": received_at.isoformat(timespec="seconds"),
            "accepted": sum(r["status"] == "accepted" for r in records),
            "rejected": sum(r["status"] == "rejected" for r in records),
            "waiting_identification": sum(r["status"] == "waiting_identification" for r in records),
            "records": records,
        }
        with self.unit_of_work.transaction() as db:  # the report's counts and the receipt: both or neither
            count_outcomes(db, records, facility_code, received_at, datetime.fromtimestamp(self.clock(), UTC))
            self.submissions.finish(submission_id, "processed", json.dumps(receipt, ensure_ascii=False))
        log.info("envelope %s from %s: %d accepted, %d rejected", submission_id[:8], facility_code,
                 receipt["accepted"], receipt["rejected"])
        return receipt

    def _store(self, hoso, facility_code: str, facility_name: str | None, received_at: datetime,
               envelope: Envelope) -> dict[str, Any]:
        """One record, all or nothing: the person (new or found) and the visit in one transaction."""
        outcome = read_record(
            hoso, sender=facility_code, facility_name=facility_name,
            now=datetime.fromtimestamp(self.clock(), UTC), received_at=received_at,
            person_with=self.books.administrative_for, signer=envelope.signer, signed_at=envelope.signed_at,
            practitioner_name=lambda code: self.books.practitioner_name(facility_code, code),
        )
        entry: dict[str, Any] = {"ma_lk": outcome.ma_lk, "notes": outcome.notes,
                                 "errors": outcome.problems.items + outcome.left_out,
                                 "incomplete": bool(outcome.left_out) and not outcome.problems}
        if outcome.problems or outcome.visit is None or outcome.ma_lk is None:
            return {**entry, "status": "rejected", "visit_id": None, "person_created": False}
        ma_lk, visit = outcome.ma_lk, outcome.visit
        def refused(message: str, field: str = "HOSO", **params: Any) -> dict[str, Any]:
            problem = {"field": field, "message": message, "params": params}
            return {**entry, "errors": [*entry["errors"], problem], "status": "rejected", "visit_id": None,
                    "person_created": False}

        try:
            if outcome.unidentified is not None:
                self.submissions.hold_unidentified(facility_code, ma_lk, outcome.unidentified,
                                                   visit.model_dump_json())
                note = {"message": N_("No personal ID number yet (SO_CCCD): the visit is kept, waiting for "
                                      "identification. Send this MA_LK again with the person's ID number to put it "
                                      "in their health book."), "params": {}}
                return {**entry, "notes": [*entry["notes"], note], "status": "waiting_identification",
                        "visit_id": None, "person_created": False}
            person = outcome.person
            assert person is not None, "an identified record always names its person"
            with self.unit_of_work.transaction() as db:
                person_id = self.books.person_id_for(person.personal_id)
                created = person_id is None
                if person_id is None:
                    person_id = self.books.save_person(person)
                visit_id = self.books.save_visit(person_id, visit, source_key=ma_lk,
                                                 source_version=record_version(envelope.created_on,
                                                                               envelope.signed_at))
                resolve_on_resend(db, facility_code, visit_id, received_at)  # its open corrections: answered
                if outcome.card is not None:
                    self.books.follow_card(person_id, outcome.card, facility_code=facility_code,
                                           source_key=ma_lk, visit_started_at=visit.started_at)
                self.submissions.release_identified(facility_code, ma_lk)
                if visit.ended_at is not None:  # NGAY_RA to receipt, for the report's 24-hour share
                    count(db, received_at, "end_to_receipt",
                          latency_bucket((received_at - visit.ended_at).total_seconds()), facility_code=facility_code)
        except NewerVersionStored as newer:
            return refused(N_("A newer version of this record (made {newer}) was received before; this older "
                              "one was not stored."), "THONGTINHOSO.NGAYLAP", newer=newer.stored_version)
        except Exception:
            log.exception("could not store record %s from %s", (outcome.ma_lk or "?")[:24], facility_code)
            return refused(N_("This record could not be stored because of an error on our side. Nothing of it "
                              "was kept; send it again later."))
        return {**entry, "status": "accepted", "visit_id": visit_id, "person_created": created}

    def recover(self) -> int:
        """Envelopes archived by a process that died before finishing them (one at a time, each held so
        that processes starting together never take the same one)."""
        recovered = 0
        while True:
            with self.submissions.next_pending() as submission:
                if submission is None:
                    break
                recovered += 1
                self._recover(submission)
        if recovered:
            log.warning("recovered %d unfinished envelope(s)", recovered)
        return recovered

    def _recover(self, submission: dict[str, Any]) -> None:
        submission_id, facility_code = submission["id"], submission["facility_code"]
        try:
            with self.unit_of_work.transaction():  # a failure half-way leaves nothing but the archive
                envelope = self._open(facility_code, submission["body"])
                self._store_all(submission_id, facility_code, envelope, datetime.fromtimestamp(self.clock(), UTC))
        except SubmissionRefused as refusal:  # e.g. the facility's certificate changed meanwhile
            self.submissions.finish(submission_id, "refused", refusal_json(refusal))
        except Exception as error:
            log.exception("quarantined envelope %s from %s", submission_id[:8], facility_code)
            self.submissions.finish(submission_id, "quarantined", json.dumps({
                "code": "quarantined", "reason": type(error).__name__,
                "message": N_("This envelope could not be processed because of an error on our side. It is kept "
                              "and our operators have been told; you do not need to send it again.")}))


def count_outcomes(db: Connection, records: list[dict[str, Any]], facility_code: str, received_at: datetime,
                   finished_at: datetime) -> None:
    """Records accepted, refused (and by which field), waiting for identification; and for the accepted,
    receipt to visible in the book."""
    for record in records:
        count(db, received_at, "record", record["status"], facility_code=facility_code)
        if record["status"] == "rejected":
            for field in {error.get("field") or "HOSO" for error in record["errors"]}:
                count(db, received_at, "refusal", field, facility_code=facility_code)
        elif record["status"] == "accepted":
            count(db, received_at, "receipt_to_visible",
                  latency_bucket((finished_at - received_at).total_seconds()), facility_code=facility_code)


def record_version(created_on: str, signed_at: datetime | None) -> str | None:
    """NGAYLAP as yyyyMMddHHmm, then the signing time when signed: versions compare as text. None when
    NGAYLAP is not a date."""
    digits = created_on.strip()
    if not digits.isdigit() or len(digits) not in (8, 12):
        return None
    return digits.ljust(12, "0") + (" " + signed_at.astimezone(UTC).isoformat() if signed_at else "")


def refusal_json(refusal: SubmissionRefused) -> str:
    return json.dumps({"code": refusal.code, "message": refusal.message, "params": refusal.params},
                      ensure_ascii=False, default=str)


def render_receipt(receipt: dict[str, Any], translate: Callable[[str], str]) -> dict[str, Any]:
    """Messages are kept as msgids with parameters; say them in the caller's language."""
    def said(item: dict[str, Any]) -> str:
        return translate(item["message"]).format(**item.get("params", {}))

    return {
        **receipt,
        "records": [
            {**record, "errors": [{"field": e["field"], "message": said(e)} for e in record["errors"]],
             "notes": [said(n) for n in record["notes"]]}
            for record in receipt["records"]
        ],
    }

