"""Text in the reader's language: gettext for words, Babel for dates and numbers."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from api_client.models import VIETNAM_TZ, DatePrecision
from locales import DEFAULT_LANGUAGE, translations

# One way to write a date per language. Vietnamese day/month/year as on paper forms (and as typed into
# the app's date fields); English with the month's name, so "3/9" is never read the American way.
DATE_PATTERNS = {
    "vi": {DatePrecision.DAY: "dd/MM/y", DatePrecision.MONTH: "MM/y", DatePrecision.YEAR: "y"},
    "en": {DatePrecision.DAY: "d MMM y", DatePrecision.MONTH: "MMM y", DatePrecision.YEAR: "y"},
}
LONG_DATE_PATTERNS = {"vi": "d 'tháng' M, y", "en": "d MMMM y"}


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
        """09/03/2026 (vi) or 9 Mar 2026 (en), everywhere; a month or a year alone when that is all that is known."""
        if value is None:
            return ""
        return format_date(value, DATE_PATTERNS[self._dates][precision], locale=self.language)

    def long_date(self, value: date) -> str:
        """9 tháng 3, 2026 / 9 March 2026: for appointments, where a misread costs a trip."""
        return format_date(value, LONG_DATE_PATTERNS[self._dates], locale=self.language)

    @property
    def _dates(self) -> str:
        return self.language if self.language in DATE_PATTERNS else DEFAULT_LANGUAGE

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
