"""Services between the views and the API client, wired once per session for its platform."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import flet as ft
import httpx

from api_client.client import HealthBookClient
from api_client.oidc import OidcClient

from ..config import AppConfig
from ..state import AppState
from .auth import AuthService, NativeSignIn
from .book import BookService
from .check_in import CheckInService
from .corrections import CorrectionService  # built per call on session.books.client (see its module)
from .offline_cache import KeyStore, OfflineCache, cache_key
from .reports import ReportService
from .session import SessionService, SignedInServices
from .volunteer import VolunteerService

REFRESH_TOKEN_KEY = "sskdt.refresh_token"
SessionContext: ft.ContextProvider[SessionService | None] = ft.create_context(None)


class KeystoreTokenStore:
    """The refresh token in the platform keystore (Android Keystore, iOS Keychain)."""

    def __init__(self, keystore: KeyStore) -> None:
        self.keystore = keystore

    async def load(self) -> str | None:
        return await self.keystore.get(REFRESH_TOKEN_KEY)

    async def save(self, refresh_token: str) -> None:
        await self.keystore.set(REFRESH_TOKEN_KEY, refresh_token)

    async def clear(self) -> None:
        await self.keystore.remove(REFRESH_TOKEN_KEY)


@cache
def shared_oidc(issuer: str, client_id: str, transport: httpx.AsyncBaseTransport | None,
                clock: Callable[[], float] = time.time) -> OidcClient:
    """One per process: the provider's metadata and keys are fetched once, not at every sign-in."""
    return OidcClient(issuer=issuer, client_id=client_id, transport=transport, clock=clock)


@cache
def shared_http(base_url: str, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    """One connection pool per process for the web sessions' API calls (sessions come and go)."""
    return httpx.AsyncClient(base_url=base_url, transport=transport, timeout=15)


def app_data_dir() -> Path:
    """Flet builds set FLET_APP_STORAGE_DATA to the app's private data folder."""
    return Path(os.environ.get("FLET_APP_STORAGE_DATA") or Path.home() / ".sskdt")


async def create_session(page: ft.Page, state: AppState, config: AppConfig, *, keystore: KeyStore | None = None,
                         transport: httpx.AsyncBaseTransport | None = None) -> SessionService:
    """Web: tokens in server memory, no cache. Phones: keystore, encrypted cache, deep-link sign-in.

    `transport` lets tests run the whole app against the server in process."""
    oidc = shared_oidc(config.idp_issuer, config.client_id, transport, config.clock)
    native = None
    cache = None
    token_store = None
    if not page.web:
        from flet_secure_storage import SecureStorage

        keystore = keystore or SecureStorage()
        token_store = KeystoreTokenStore(keystore)
        cache = OfflineCache(app_data_dir() / "book-cache.db", await cache_key(keystore))
        native = NativeSignIn(oidc, config.redirect_url, launch=lambda url: ft.UrlLauncher().launch_url(url))
    auth = AuthService(oidc, token_store=token_store)
    client = HealthBookClient(shared_http(config.api_url, transport), token=auth.access_token,
                              language=state.language)

    def assisted_services() -> SignedInServices:
        """A citizen's session on a volunteer's device: no keystore, no cache, nothing written down."""
        assisted_auth = AuthService(oidc)
        assisted_client = HealthBookClient(shared_http(config.api_url, transport), token=assisted_auth.access_token,
                                           language=state.language)
        return SignedInServices(assisted_auth, BookService(assisted_client), CheckInService(assisted_client))

    return SessionService(page=page, state=state, config=config, oidc=oidc, auth=auth,
                          books=BookService(client, cache), check_in=CheckInService(client),
                          volunteer=VolunteerService(client), reports=ReportService(client),
                          preferences=ft.SharedPreferences(), native=native, assisted_services=assisted_services)


__all__ = ["CorrectionService", "SessionContext", "SessionService", "create_session"]
