"""What the app knows right now, as observable state; no I/O and no Flet controls in here.

Components that read the state through `StateContext` re-render when it changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import flet as ft

from api_client.models import HealthBook, Me


class LoadStatus(StrEnum):
    IDLE = "idle"
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class AssistedSession:
    """A citizen signed in on a volunteer's device: whose session it is, who helps, when it ends."""

    citizen_name: str
    helper_name: str
    until: datetime


@ft.observable
@dataclass
class AppState:
    language: str = "vi"
    large_text: bool = False
    wide: bool = False  # desktop-width window: navigation rail instead of a bottom bar
    me: Me | None = None
    sign_in_error: str | None = None
    active_person_id: str | None = None  # whose book is open: the caller's or a dependent's
    book: HealthBook | None = None
    status: LoadStatus = LoadStatus.IDLE
    error: str | None = None
    offline: bool = False
    synced_at: datetime | None = None
    recording_for: tuple[str, str] | None = None  # (personal ID, name) the desk is recording a visit for
    assisted: AssistedSession | None = None

    @property
    def signed_in(self) -> bool:
        return self.me is not None

    @property
    def viewing_dependent(self) -> bool:
        return self.me is not None and self.active_person_id not in (None, self.me.person_id)

    def sign_in_completed(self, me: Me) -> None:
        self.sign_in_error = None
        self.active_person_id = me.person_id
        self.me = me

    def sign_in_failed(self, message: str) -> None:
        self.sign_in_error = message

    def signed_out(self) -> None:
        """Nothing of the person or of their patients stays behind (a desk PC is shared)."""
        self.me = None
        self.assisted = None
        self.recording_for = None
        self.sign_in_error = None
        self.active_person_id = None
        self.book = None
        self.status = LoadStatus.IDLE
        self.error = None
        self.offline = False
        self.synced_at = None

    def choose_person(self, person_id: str) -> None:
        if person_id != self.active_person_id:
            self.book = None
            self.status = LoadStatus.IDLE
            self.active_person_id = person_id

    def loading(self) -> None:
        self.error = None
        self.status = LoadStatus.LOADING

    def loaded(self, book: HealthBook, *, offline: bool, synced_at: datetime | None) -> None:
        self.book = book
        self.offline = offline
        self.synced_at = synced_at
        self.error = None
        self.status = LoadStatus.READY

    def failed(self, message: str) -> None:
        self.error = message
        self.status = LoadStatus.FAILED


StateContext: ft.ContextProvider[AppState | None] = ft.create_context(None)
