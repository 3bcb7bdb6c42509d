"""The session's flows: sign in, open a book, switch person, change language, sign out.

Views call these; the flows talk to the services and put results into `AppState`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import flet as ft

from api_client.errors import ApiError, NotAuthenticated, Offline
from api_client.models import Me, StaffRole
from api_client.oidc import OidcClient, SignInError, Tokens

from ..config import AppConfig
from ..i18n import Translator
from ..state import AppState, AssistedSession
from . import preferences
from .auth import AuthlibAuthorization, AuthService, NativeSignIn, VneidProvider
from .book import BookService
from .check_in import CheckInService
from .preferences import PreferenceStore
from .reports import ReportService
from .volunteer import VolunteerService

log = logging.getLogger("app.session")


async def open_in_same_tab(url: str) -> None:
    await ft.UrlLauncher().launch_url(url, web_only_window_name="_self")


def user_message(error: Exception, t: Translator) -> str:
    """What went wrong and what to do, in the reader's language."""
    if isinstance(error, Offline):
        return t("The health book server cannot be reached. Check your internet connection and try again.")
    if isinstance(error, NotAuthenticated):
        return t("Your session has ended. Please sign in again.")
    if isinstance(error, ApiError) and error.message:
        return error.message  # the server already says it in the reader's language
    if isinstance(error, SignInError):
        return t("Sign-in did not complete. Please try again.")
    return t("Something went wrong. Please try again.")


@dataclass
class SignedInServices:
    """What one sign-in talks through; an assisted session gets its own, with no keystore and no cache."""

    auth: AuthService
    books: BookService
    check_in: CheckInService | None


@dataclass
class SetAside:
    """The volunteer's own sign-in, kept in memory while a citizen uses the volunteer's device."""

    services: SignedInServices
    me: Me


@dataclass
class SessionService:
    page: ft.Page
    state: AppState
    config: AppConfig
    oidc: OidcClient
    auth: AuthService
    books: BookService
    check_in: CheckInService | None = None
    volunteer: VolunteerService | None = None
    reports: ReportService | None = None
    preferences: PreferenceStore | None = None
    native: NativeSignIn | None = None  # phones; the web uses page.login
    # A fresh set of services for an assisted session (given by create_session).
    assisted_services: Callable[[], SignedInServices] | None = None
    set_aside: SetAside | None = None
    assist_pending: bool = False

    @property
    def t(self) -> Translator:
        return Translator(self.state.language)

    async def navigate(self, route: str) -> None:
        if self.page.route != route:
            await self.page.push_route(route)

    def go(self, route: str) -> Callable[[], Awaitable[None]]:
        """An event handler that navigates (Flet awaits coroutine functions, not lambdas' coroutines)."""

        async def handler() -> None:
            await self.navigate(route)

        return handler

    # ---------------------------------------------------------------- sign in

    async def sign_in(self, assist_ticket: str | None = None) -> None:
        self.state.sign_in_error = None
        try:
            if self.native:
                await self.native.start(ui_locales=self.state.language, assist_ticket=assist_ticket)
                return
            metadata = await self.oidc.metadata()
        except (Offline, SignInError) as error:
            self.state.sign_in_failed(self.t("The VNeID sign-in service cannot be reached. Try again later."))
            log.info("sign-in could not start: %s", type(error).__name__)
            return
        provider = VneidProvider(self.oidc, metadata, self.config.redirect_url, ui_locales=self.state.language,
                                 assist_ticket=assist_ticket)
        # Same tab, not a popup: phone browsers block popups opened after a server round trip.
        await self.page.login(provider, authorization=AuthlibAuthorization, redirect_to_page=True,
                              on_open_authorization_url=open_in_same_tab)

    async def on_web_login(self, event: ft.LoginEvent) -> None:
        authorization = self.page.auth
        if event.error or not isinstance(authorization, AuthlibAuthorization) or authorization.tokens is None:
            log.info("web sign-in failed: %s", event.error_description or event.error)
            self.state.sign_in_failed(self.t("Sign-in did not complete. Please try again."))
            self.assist_pending = False
            return
        await self.signed_in(authorization.tokens)

    async def complete_native(self, callback_route: str) -> None:
        try:
            tokens = await self.native.complete(callback_route)
        except (SignInError, Offline) as error:
            self.state.sign_in_failed(user_message(error, self.t))
            await self.navigate("/sign-in")
            return
        await self.signed_in(tokens)

    async def signed_in(self, tokens: Tokens) -> None:
        if self.assist_pending:
            self.assist_pending = False
            await self.begin_assisted(tokens)
            return
        await self.auth.accept(tokens)
        try:
            me = await self.books.me()
        except (ApiError, Offline) as error:
            self.state.sign_in_failed(user_message(error, self.t))
            return
        self.state.sign_in_completed(me)
        if me.identity_level >= 2:
            self.state.loading()  # start now, while the home screen mounts, not after
            self.page.run_task(self.load_book)
        await self.navigate(landing_route(me))

    async def resume(self) -> None:
        """Phones: open straight into the book with the keystore's refresh token, even offline."""
        if not await self.auth.resume():
            return
        try:
            me = await self.books.me()  # the cached one when offline
        except (ApiError, Offline):
            return
        self.state.sign_in_completed(me)

    # ---------------------------------------------------------------- the book

    async def load_book(self) -> None:
        state = self.state
        if state.me is None or state.active_person_id is None:
            return
        person_id = state.active_person_id
        state.loading()
        try:
            loaded = await self.books.load(person_id, own=person_id == state.me.person_id)
        except NotAuthenticated:
            await self.sign_out()
            return
        except (ApiError, Offline) as error:
            state.failed(user_message(error, self.t))
            return
        if person_id == state.active_person_id:  # the reader may have switched person meanwhile
            state.loaded(loaded.book, offline=loaded.offline, synced_at=loaded.synced_at)

    async def choose_person(self, person_id: str) -> None:
        self.state.choose_person(person_id)
        await self.navigate("/")

    async def start(self) -> None:
        """Before the first screen: the remembered preferences; on phones, the remembered sign-in."""
        if self.preferences:
            await preferences.restore(self.preferences, self.state)
            self.apply_language()
        if self.native:
            await self.resume()

    def apply_language(self) -> None:
        self.books.client.language = self.state.language
        self.page.locale_configuration = locale_configuration(self.state.language)
        self.page.title = self.t("Electronic health book")

    async def set_language(self, language: str) -> None:
        self.state.language = language
        self.apply_language()
        await self.remember()

    async def set_large_text(self, large: bool) -> None:
        self.state.large_text = large
        await self.remember()

    async def remember(self) -> None:
        if self.preferences and self.set_aside is None:  # an assisted session leaves nothing on the device
            await preferences.remember(self.preferences, self.state)

    # ---------------------------------------------------------------- assisted session

    async def start_assisted(self) -> str | None:
        """A volunteer lends this device: the citizen signs in themself, with the provider's ticket that
        marks the sign-in as assisted. Returns what went wrong, in words, or None."""
        if self.state.me is None or self.assisted_services is None or self.set_aside is not None:
            return self.t("Something went wrong. Please try again.")
        try:
            ticket = await self.books.client.assist_ticket()
        except (ApiError, Offline) as error:
            return user_message(error, self.t)
        self.assist_pending = True
        await self.sign_in(assist_ticket=ticket.ticket)
        return None

    async def begin_assisted(self, tokens: Tokens) -> None:
        """The citizen is back from the provider: their session runs on services of its own, the
        volunteer's waits in memory."""
        helper_me = self.state.me
        act = tokens.claims.get("act")
        if helper_me is None or self.assisted_services is None or not isinstance(act, dict):
            self.state.sign_in_failed(self.t("Sign-in did not complete. Please try again."))
            return
        self.set_aside = SetAside(SignedInServices(self.auth, self.books, self.check_in), helper_me)
        services = self.assisted_services()
        self.auth, self.books, self.check_in = services.auth, services.books, services.check_in
        await self.auth.accept(tokens)
        try:
            me = await self.books.me()
        except (ApiError, Offline) as error:
            await self.hand_back()
            self.state.sign_in_failed(user_message(error, self.t))
            return
        until = me.assisted_until or datetime.fromtimestamp(tokens.expires_at, UTC)
        self.state.signed_out()
        self.state.sign_in_completed(me)
        self.state.assisted = AssistedSession(me.full_name, me.assisted_by or str(act.get("name", "")), until)
        self.page.run_task(self._hand_back_at, until)
        if me.identity_level >= 2:
            self.state.loading()
            self.page.run_task(self.load_book)
        await self.navigate(landing_route(me))

    async def _hand_back_at(self, until: datetime) -> None:
        await asyncio.sleep(max(0.0, (until - datetime.now(UTC)).total_seconds()))
        if self.state.assisted is not None and self.state.assisted.until == until:
            await self.hand_back()

    async def hand_back(self) -> None:
        """The end of an assisted session: its codes cancelled, its sign-in revoked at the provider, and
        everything of the citizen erased from this device; the volunteer's desk comes back."""
        aside = self.set_aside
        if aside is None:
            return
        await self._end_sign_in()
        self.auth, self.books, self.check_in = aside.services.auth, aside.services.books, aside.services.check_in
        self.set_aside = None
        self.state.signed_out()
        self.state.sign_in_completed(aside.me)
        await self.navigate(landing_route(aside.me))

    # ---------------------------------------------------------------- sign out

    async def _end_sign_in(self) -> None:
        """The open QR codes cancelled, the sign-in revoked at the provider, the tokens and cached books
        forgotten. A QR shown before must not check anybody in after; if cancelling fails, the codes
        expire within minutes by themselves."""
        if self.check_in and self.state.me and self.state.me.can_read_book:
            with contextlib.suppress(ApiError, Offline):
                await self.check_in.cancel_all()
        await self.auth.sign_out()
        self.books.forget()

    async def sign_out(self) -> None:
        """Revoke the sign-in at the provider and forget everything here (tokens, cached books).

        No trip to the provider's logout page: it keeps no browser session, and a tab that leaves
        and comes back can be shown the page it left (seen in Flet 1.0.5). In an assisted session,
        signing out is handing the device back."""
        if self.set_aside is not None:
            await self.hand_back()
            return
        await self._end_sign_in()
        self.state.signed_out()
        self.page.logout()
        await self.navigate("/sign-in")


def landing_route(me: Me) -> str:
    """Where a signed-in person starts: the upgrade guidance, the reception desk, the pilot report, the
    administration console, the volunteer's desk, or their book."""
    if me.identity_level < 2:
        return "/level-2"
    if me.clinic_assignment:
        return "/reception"
    if any(role.role == StaffRole.OFFICIAL for role in me.roles):
        return "/reports"
    if me.administers:
        return "/admin"
    return "/volunteer" if any(role.role == StaffRole.VOLUNTEER for role in me.roles) else "/"


def locale_configuration(language: str) -> ft.LocaleConfiguration:
    supported = [ft.Locale("vi", "VN"), ft.Locale("en", "US")]
    current = supported[0] if language == "vi" else supported[1]
    return ft.LocaleConfiguration(supported_locales=supported, current_locale=current)
