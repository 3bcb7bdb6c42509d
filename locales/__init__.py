"""Gettext catalogs, Vietnamese first, English second, compiled from the .po files here by Babel.

Domain `messages` serves the app and the API; the identity provider keeps its own domain `idp`
(it imports nothing of ours and reads its catalog by path).
"""

from __future__ import annotations

import logging
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

log = logging.getLogger(__name__)


@cache
def translations(lang: str, domain: str = "messages") -> NullTranslations:
    found = Translations.load(str(LOCALES_DIR), [lang], domain=domain)
    if type(found) is NullTranslations:  # Babel falls back silently; say so once
        log.warning("no compiled catalog for %s/%s: run `make catalogs`", lang, domain)
    return found


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an Accept-Language header; Vietnamese when nothing matches."""
    preferred = []
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().replace("-", "_")
        if tag:
            preferred.append(tag)
    return negotiate_locale(preferred, LANGUAGES, sep="_") or DEFAULT_LANGUAGE


def locale(lang: str) -> Locale:
    return Locale.parse(lang)
