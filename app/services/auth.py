"""Sign-in with VNeID, one OIDC interface for every platform.

- Web: Flet's `page.login` with `AuthlibAuthorization`; the page goes to the provider in the same
  tab (phone browsers block popups) and comes back to Flet's /oauth_callback. Tokens stay in
  server memory for the session, never in the browser.
- Phones: `NativeSignIn` opens the provider in the system browser; the provider redirects to the
  deep link (vn.gov.sskdt://auth/callback), which Flet delivers as a route. The refresh token
  goes to the platform keystore so the book opens next time, even offline.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from flet.auth import Authorization, OAuthProvider

from api_client.errors import NotAuthenticated, Offline
from api_client.oidc import OidcClient, PendingSignIn, SignInError, Tokens

REFRESH_MARGIN_SECONDS = 30


class VneidProvider(OAuthProvider):
    """Carries the OIDC client to `AuthlibAuthorization`, which `page.login` constructs itself."""

    def __init__(self, oidc: OidcClient, metadata: dict, redirect_url: str, ui_locales: str = "vi",
                 assist_ticket: str | None = None) -> None:
        super().__init__(
            client_id=oidc.client_id, client_secret="", redirect_url=redirect_url,
            authorization_endpoint=metadata["authorization_endpoint"], token_endpoint=metadata["token_endpoint"],
        )
        self.oidc = oidc
        self.ui_locales = ui_locales
        self.assist_ticket = assist_ticket


class AuthlibAuthorization(Authorization):
    def __init__(self, provider: VneidProvider, fetch_user: bool = True, fetch_groups: bool = False,
                 scope: list[str] | None = None) -> None:
        self.provider = provider
        self.pending: PendingSignIn | None = None
        self.state: str | None = None  # Flet checks the callback's state against this
        self.tokens: Tokens | None = None

    def get_authorization_data(self) -> tuple[str, str]:
        self.pending = self.provider.oidc.begin(self.provider.redirect_url, ui_locales=self.provider.ui_locales,
                                                assist_ticket=self.provider.assist_ticket)
        self.state = self.pending.state
        return self.pending.url, self.pending.state

    async def request_token(self, code: str) -> None:
        assert self.pending is not None
        self.tokens = await self.provider.oidc.complete(self.pending, code)

    async def get_token(self) -> Tokens | None:
        return self.tokens

    async def dehydrate_token(self, saved_token: str) -> None:
        raise NotImplementedError("tokens are never saved in the browser")


class TokenStore(Protocol):
    """Where a phone keeps its refresh token (the platform keystore)."""

    async def load(self) -> str | None: ...
    async def save(self, refresh_token: str) -> None: ...
    async def clear(self) -> None: ...


class AuthService:
    """The session's tokens: hands out a fresh access token, refreshes it, forgets it on sign-out."""

    def __init__(self, oidc: OidcClient, token_store: TokenStore | None = None) -> None:
        self.oidc = oidc
        self.token_store = token_store
        self.tokens: Tokens | None = None
        self._stored_refresh_token: str | None = None  # phones: kept until it can be used

    async def accept(self, tokens: Tokens) -> None:
        self.tokens = tokens
        self._stored_refresh_token = tokens.refresh_token
        if self.token_store and tokens.refresh_token:
            await self.token_store.save(tokens.refresh_token)

    async def _refresh(self, refresh_token: str) -> None:
        claims = self.tokens.claims if self.tokens else {}
        await self.accept(await self.oidc.refresh(refresh_token, claims))

    async def resume(self) -> bool:
        """Phones: still signed in from last time? Without network the answer is yes, and the
        refresh is tried again on the next request (the cached book shows meanwhile)."""
        if not self.token_store or not (refresh_token := await self.token_store.load()):
            return False
        self._stored_refresh_token = refresh_token
        try:
            await self._refresh(refresh_token)
        except Offline:
            return True
        except SignInError:
            await self.forget()
            return False
        return True

    async def access_token(self) -> str:
        """Raises Offline when the provider cannot be reached, NotAuthenticated when it refuses."""
        try:
            if self.tokens is None and self._stored_refresh_token:
                await self._refresh(self._stored_refresh_token)
            if self.tokens is None:
                raise NotAuthenticated(401, "not_authenticated", "")
            if self.tokens.expires_at - REFRESH_MARGIN_SECONDS < self.oidc.clock() and self.tokens.refresh_token:
                await self._refresh(self.tokens.refresh_token)
        except SignInError:
            await self.forget()
            raise NotAuthenticated(401, "token_expired", "") from None
        return self.tokens.access_token

    async def forget(self) -> None:
        self.tokens = None
        self._stored_refresh_token = None
        if self.token_store:
            await self.token_store.clear()

    async def sign_out(self) -> None:
        """Revoke the sign-in at the provider (its refresh token; an assisted sign-in has only its access
        token), then forget everything here (even offline)."""
        refresh_token = self._stored_refresh_token
        access_token = self.tokens.access_token if self.tokens else None
        await self.forget()
        # if that fails, it can no longer be used from here; it expires at the provider by itself
        with contextlib.suppress(Offline, SignInError):
            if refresh_token:
                await self.oidc.revoke(refresh_token)
            elif access_token:
                await self.oidc.revoke(access_token, "access_token")


Launcher = Callable[[str], Awaitable[None]]


class NativeSignIn:
    """PKCE through the system browser and a deep-link (or loopback) redirect back to the app."""

    def __init__(self, oidc: OidcClient, redirect_uri: str, launch: Launcher) -> None:
        self.oidc = oidc
        self.redirect_uri = redirect_uri
        self.launch = launch
        self.pending: PendingSignIn | None = None

    async def start(self, ui_locales: str = "vi", assist_ticket: str | None = None) -> None:
        await self.oidc.metadata()
        self.pending = self.oidc.begin(self.redirect_uri, ui_locales=ui_locales, assist_ticket=assist_ticket)
        await self.launch(self.pending.url)

    async def complete(self, callback: str) -> Tokens:
        """`callback` is the redirect the app received (a route like /callback?code=..&state=..)."""
        if self.pending is None:
            raise SignInError("no sign-in is in progress")
        query = {key: values[0] for key, values in parse_qs(urlsplit(callback).query).items()}
        if "error" in query:
            raise SignInError(query.get("error_description") or query["error"])
        if "code" not in query:
            raise SignInError("the provider sent no code")
        pending, self.pending = self.pending, None  # one answer per sign-in
        return await self.oidc.complete(pending, query["code"], query.get("state"))
