"""Text in the reader's language: gettext for words, Babel for dates and numbers."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from api_client.models import VIETNAM_TZ, DatePrecision
from locales import DEFAULT_LANGUAGE, translations


class Translator:
    """`t("Visits")`, `t.date(d)`, `t.number(x)` for one language. Pure: same input, same text."""

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        self.language = language
        self._catalog = translations(language)

    def __call__(self, message: str, **params: object) -> str:
        text = self._catalog.gettext(message)
        return text.format(**params) if params else text

    def plural(self, singular: str, plural: str, count: int, **params: object) -> str:
        return self._catalog.ngettext(singular, plural, count).format(count=count, **params)

    def date(self, value: date | None, precision: DatePrecision = DatePrecision.DAY) -> str:
        """9/3/2026 (vi) or 3/9/2026 (en); a year alone when that is all that is known."""
        if value is None:
            return ""
        skeleton = {DatePrecision.DAY: "yMd", DatePrecision.MONTH: "yM", DatePrecision.YEAR: "y"}[precision]
        return format_skeleton(skeleton, value, locale=self.language)

    def long_date(self, value: date) -> str:
        """9 tháng 3, 2026 / March 9, 2026: for appointments, where a misread costs a trip."""
        return format_date(value, "long", locale=self.language)

    def time(self, value: datetime) -> str:
        return format_skeleton("Hm", local(value), locale=self.language)

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return ""
        moment = local(value)
        return f"{self.time(moment)}, {self.date(moment.date())}"

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.language)


def local(moment: datetime) -> datetime:
    """Clinic times are shown in Vietnam time, wherever the phone is."""
    return moment.astimezone(VIETNAM_TZ) if moment.tzinfo else moment.replace(tzinfo=VIETNAM_TZ)
