"""The reader's language and text size, remembered on the device between sessions.

Not sensitive, so Flet's SharedPreferences is fine (localStorage on the web); nothing else of
the book goes there.
"""

from __future__ import annotations

from typing import Protocol

from locales import LANGUAGES

from ..state import AppState

LANGUAGE_KEY = "sskdt.language"
LARGE_TEXT_KEY = "sskdt.large_text"


class PreferenceStore(Protocol):
    async def get(self, key: str): ...
    async def set(self, key: str, value) -> bool: ...


async def restore(store: PreferenceStore, state: AppState) -> None:
    language = await store.get(LANGUAGE_KEY)
    if language in LANGUAGES:
        state.language = language
    state.large_text = bool(await store.get(LARGE_TEXT_KEY))


async def remember(store: PreferenceStore, state: AppState) -> None:
    await store.set(LANGUAGE_KEY, state.language)
    await store.set(LARGE_TEXT_KEY, state.large_text)
