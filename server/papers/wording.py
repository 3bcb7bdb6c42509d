"""A verdict in words, for the /verify page and the command line: what the paper proves, or why not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from babel.dates import format_date, format_datetime

from api_client.identifiers import N_
from api_client.models import VIETNAM_TZ
from locales import DEFAULT_LANGUAGE, LANGUAGES, translations

from .issuing import LEAVE
from .verification import Refusal, Verdict

VALID = N_("Valid paper")
INVALID = N_("Not valid")
REASONS = {
    Refusal.MALFORMED: N_("This is not a readable paper code or PDF file of a paper."),
    Refusal.NOT_OURS: N_("This is not a paper of the electronic health book."),
    Refusal.UNKNOWN_KEY: N_("It is signed with a key the electronic health book does not know."),
    Refusal.BAD_SIGNATURE: N_("The signature does not match: the paper was forged or its code was changed."),
    Refusal.ALTERED: N_("The text of this PDF is not the text that was signed: the paper was changed after it "
                        "was issued."),
}
TEXT_CHECKED = N_("The text of this PDF is the text that was signed. Its pictures and layout are not compared: "
                  "check the facts below.")
CODE_ONLY = N_("Only the code was checked: compare these facts with the paper in front of you.")
KIND_NAMES = {"discharge": N_("Discharge paper"), "referral": N_("Referral paper"),
              "re-exam": N_("Re-examination appointment"), "vaccinations": N_("Vaccination record")}
DOCUMENT, ISSUER, NAME, BIRTH_YEAR = N_("Document"), N_("Issued by"), N_("Full name"), N_("Year of birth")
FACILITY, PAPER_DATE, ISSUED_AT, KEY_ID = N_("Facility"), N_("Date of the paper"), N_("Signed at"), N_("Key id")
DIAGNOSIS, ADMITTED, DISCHARGED, NUMBER = N_("Diagnosis"), N_("Admitted on"), N_("Discharged on"), N_("Number")
REFERRED_TO, APPOINTMENT, VACCINES = N_("Referred to"), N_("Re-examination on"), N_("Vaccines given")
DOSE_LINE = N_("{vaccine}, dose {dose}, {date}")


@dataclass(frozen=True)
class Wording:
    valid: bool
    headline: str
    reason: str | None  # why it is refused
    scope: str | None  # what was checked, for a valid one
    facts: list[tuple[str, str]]


def language_of(lang: str | None) -> str:
    lang = (lang or "").lower()
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def describe(verdict: Verdict, language: str) -> Wording:
    _ = translations(language).gettext
    statement = verdict.statement
    if not verdict.valid or statement is None:
        return Wording(False, _(INVALID), _(REASONS[verdict.refusal or Refusal.MALFORMED]), None, [])

    def day(value: str | date) -> str:
        try:
            return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "short",
                               locale=language)
        except (TypeError, ValueError):
            return str(value)

    items = statement.items
    facts = [(_(DOCUMENT), _(KIND_NAMES[statement.kind])), (_(NAME), statement.name),
             (_(BIRTH_YEAR), str(statement.birth_year))]
    if statement.facility_code:
        facts.append((_(FACILITY), f"{statement.facility_name or ''} ({statement.facility_code})".strip()))
    facts.append((_(PAPER_DATE), day(statement.date)))
    if items.get("no"):
        facts.append((_(NUMBER), str(items["no"])))
    if statement.kind == "discharge":
        facts += [(_(ADMITTED), day(items.get("in", ""))), (_(DISCHARGED), day(items.get("out", "")))]
        if items.get("leave"):
            facts.append((_(LEAVE), str(items["leave"])))
    if statement.kind == "referral":
        facts.append((_(REFERRED_TO), f"{items.get('toName') or ''} ({items.get('to', '')})".strip()))
    if statement.kind == "re-exam" and items.get("at"):
        try:
            moment = datetime.fromisoformat(str(items["at"])).replace(tzinfo=VIETNAM_TZ)
            facts.append((_(APPOINTMENT), format_datetime(moment, "short", tzinfo=VIETNAM_TZ, locale=language)))
        except ValueError:
            facts.append((_(APPOINTMENT), str(items["at"])))
    if items.get("dx"):
        facts.append((_(DIAGNOSIS), str(items["dx"])))
    if statement.kind == "vaccinations":
        doses = [_(DOSE_LINE).format(vaccine=entry[0], dose=entry[1], date=day(entry[2]))
                 for entry in items.get("v", []) if isinstance(entry, list) and len(entry) == 3]
        facts.append((_(VACCINES), "; ".join(doses) or "—"))
    signed = datetime.fromtimestamp(statement.issued_at, UTC)
    facts += [(_(ISSUED_AT), format_datetime(signed, "short", tzinfo=VIETNAM_TZ, locale=language)),
              (_(ISSUER), statement.issuer), (_(KEY_ID), statement.key_id)]
    return Wording(True, _(VALID), None, _(TEXT_CHECKED) if verdict.text_checked else _(CODE_ONLY), facts)
