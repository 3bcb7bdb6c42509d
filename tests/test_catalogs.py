"""Every visible string is in both catalogs, translated; the compiled catalogs load."""

from __future__ import annotations

from gettext import NullTranslations
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from locales import LANGUAGES, LOCALES_DIR, translations

ROOT = Path(__file__).resolve().parents[1]
DOMAINS = {"messages": ["app", "api_client", "server"], "idp": ["idp_mock"]}
METHOD_MAP = [("**.py", "python")]
KEYWORDS = {**DEFAULT_KEYWORDS, "t": None, "plural": (1, 2)}  # app.i18n.Translator


def source_messages(domain: str) -> set[str]:
    found = set()
    for package in DOMAINS[domain]:
        for _filename, _lineno, message, _comments, _context in extract_from_dir(ROOT / package, METHOD_MAP, keywords=KEYWORDS):
            found.add(singular(message))
    return found


def singular(msgid: str | tuple[str, ...]) -> str:
    """Plural entries are keyed by their singular form."""
    return msgid if isinstance(msgid, str) else msgid[0]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_visible_string_is_translated(domain, lang):
    with open(LOCALES_DIR / lang / "LC_MESSAGES" / f"{domain}.po", "rb") as file:
        catalog = read_po(file, locale=lang)
    translated = {singular(message.id): message.string for message in catalog if message.id}
    in_source = source_messages(domain)
    assert in_source, "the extractor found no strings: check DOMAINS"
    missing = sorted(in_source - translated.keys())
    assert not missing, f"add to locales/{lang}/{domain}.po (make update-catalogs): {missing}"
    empty = sorted(msgid for msgid, text in translated.items() if not all(text if isinstance(text, tuple) else [text]))
    assert not empty, f"untranslated in locales/{lang}/{domain}.po: {empty}"
    fuzzy = sorted(message.id for message in catalog if message.id and message.fuzzy)
    assert not fuzzy, f"fuzzy (unchecked) entries in locales/{lang}/{domain}.po: {fuzzy}"


def test_vietnamese_catalog_is_really_vietnamese():
    _ = translations("vi").gettext
    assert _("Sign in with VNeID") == "Đăng nhập bằng VNeID"
    assert type(translations("vi")) is not NullTranslations, "run `make catalogs`"
    assert type(translations("vi", "idp")) is not NullTranslations
