"""What the printed-card screen says about each card, and whether a chosen PIN will do."""

from __future__ import annotations

from dataclasses import dataclass

from api_client.models import CardSecondFactor, CheckInCard

from ..i18n import Translator

WEAK_PINS = {"0000", "1111", "2222", "3333", "4444", "5555", "6666", "7777", "8888", "9999", "1234", "4321"}


@dataclass(frozen=True)
class CardRow:
    card: CheckInCard
    title: str
    status: str
    tone: str
    detail: str
    active: bool


def card_rows(cards: list[CheckInCard], t: Translator) -> list[CardRow]:
    rows = []
    for item in cards:
        factor = t("birth year") if item.second_factor is CardSecondFactor.BIRTH_YEAR else t("PIN")
        parts = [t("Made on {date}", date=t.datetime(item.issued_at)), t("asks for the {factor}", factor=factor)]
        if item.last_used_at:
            parts.append(t("last used {date}", date=t.datetime(item.last_used_at)))
        active = item.revoked_at is None
        rows.append(CardRow(
            card=item, title=t("Card of {name}", name=item.first_name),
            status=t("Working") if active else t("Locked on {date}", date=t.datetime(item.revoked_at)),
            tone="success" if active else "neutral", detail=" · ".join(parts), active=active))
    return rows


def pin_problem(pin: str, t: Translator) -> str | None:
    """A PIN is 4 digits and not one a stranger would try first."""
    if len(pin) != 4 or not pin.isascii() or not pin.isdigit():
        return t("The PIN must be exactly 4 digits.")
    if pin in WEAK_PINS:
        return t("Choose a PIN that is harder to guess than {pin}.", pin=pin)
    return None
