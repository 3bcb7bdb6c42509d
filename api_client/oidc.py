"""Sign-in with a VNeID-style OpenID Connect provider: discovery, PKCE S256, ID token checks.

One interface for every platform: the web app drives it through `page.login`, phones and
command-line tools through a deep-link or loopback redirect. Built on Authlib's OAuth client;
ID tokens are verified with joserfc against the provider's JWKS.
"""

from __future__ import annotations

import ssl
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import certifi
import httpx
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from .errors import Offline

with warnings.catch_warnings():  # Authlib nudges towards httpx2; the stack is pinned to httpx
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

CLIENT_ID = "sskdt-app"
_TLS = ssl.create_default_context(cafile=certifi.where())  # building one per client costs ~20 ms
SCOPE = "openid profile offline_access"
ID_TOKEN_ALGORITHMS = ["RS256", "ES256"]


class SignInError(Exception):
    """The provider refused, or what it sent back cannot be trusted."""


async def _send(call):
    """Transport failures are `Offline` (try again later), never a refusal (sign in again)."""
    try:
        return await call
    except httpx.TransportError as error:
        raise Offline(str(error)) from error


@dataclass(frozen=True)
class PendingSignIn:
    """What must be remembered between sending the user away and their return."""

    url: str
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str


@dataclass(frozen=True)
class Tokens:
    access_token: str
    id_token: str
    refresh_token: str | None
    expires_at: float
    claims: dict[str, Any]  # the verified ID token claims


class OidcClient:
    def __init__(
        self, *, issuer: str, client_id: str = CLIENT_ID, scope: str = SCOPE,
        transport: httpx.AsyncBaseTransport | None = None, clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.scope = scope
        self.transport = transport
        self.clock = clock
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None

    def _oauth(self, redirect_uri: str | None = None) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self.client_id, scope=self.scope, redirect_uri=redirect_uri,
            code_challenge_method="S256", token_endpoint_auth_method="none", revocation_endpoint_auth_method="none",
            transport=self.transport, timeout=15, verify=_TLS,
        )

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            async with self._oauth() as oauth:
                response = await _send(oauth.request(
                    "GET", f"{self.issuer}/.well-known/openid-configuration", withhold_token=True
                ))
            response.raise_for_status()
            metadata = response.json()
            if metadata.get("issuer") != self.issuer:
                raise SignInError("the discovery document names another issuer")
            self._metadata = metadata
        return self._metadata

    async def _jwks(self, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            metadata = await self.metadata()
            async with self._oauth() as oauth:
                response = await _send(oauth.request("GET", metadata["jwks_uri"], withhold_token=True))
            response.raise_for_status()
            self._keys = KeySet.import_key_set(response.json())
        return self._keys

    def begin(self, redirect_uri: str, *, ui_locales: str = "vi", assist_ticket: str | None = None) -> PendingSignIn:
        """The authorization URL with PKCE, state and nonce. Call `await metadata()` first. An
        `assist_ticket` makes it a citizen's sign-in on a volunteer's device (short, no refresh token)."""
        if self._metadata is None:
            raise RuntimeError("load the provider metadata before starting a sign-in")
        verifier, nonce = generate_token(64), generate_token(24)
        oauth = self._oauth(redirect_uri)
        extra = {"assist_ticket": assist_ticket} if assist_ticket else {}
        url, state = oauth.create_authorization_url(
            self._metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce, ui_locales=ui_locales,
            **extra,
        )
        return PendingSignIn(url=url, state=state, nonce=nonce, code_verifier=verifier, redirect_uri=redirect_uri)

    async def complete(self, pending: PendingSignIn, code: str, state: str | None = None) -> Tokens:
        """Exchange the code (once) and verify the ID token before trusting anything in it."""
        if state is not None and state != pending.state:
            raise SignInError("the sign-in answer does not belong to this sign-in (state mismatch)")
        metadata = await self.metadata()
        async with self._oauth(pending.redirect_uri) as oauth:
            try:
                token = await _send(oauth.fetch_token(
                    metadata["token_endpoint"], code=code, code_verifier=pending.code_verifier
                ))
            except Offline:
                raise
            # The provider's own refusal, or an answer that is not a token response at all
            except (OAuthError, ValueError, KeyError, httpx.HTTPError) as error:
                raise SignInError(f"the provider refused the code: {error}") from None
        claims = await self.verify_id_token(token.get("id_token", ""), nonce=pending.nonce,
                                            access_token=token["access_token"])
        return self._tokens(token, claims)

    async def refresh(self, refresh_token: str, claims: dict[str, Any]) -> Tokens:
        metadata = await self.metadata()
        async with self._oauth() as oauth:
            try:
                token = await _send(oauth.refresh_token(metadata["token_endpoint"], refresh_token=refresh_token))
            except Offline:
                raise
            except (OAuthError, ValueError, KeyError, httpx.HTTPError) as error:
                raise SignInError(f"the provider refused the refresh token: {error}") from None
        if token.get("id_token"):
            claims = await self.verify_id_token(token["id_token"], nonce=None, access_token=token["access_token"])
        return self._tokens(token, claims)

    def _tokens(self, token: dict[str, Any], claims: dict[str, Any]) -> Tokens:
        return Tokens(
            access_token=token["access_token"], id_token=token.get("id_token", ""),
            refresh_token=token.get("refresh_token"),
            expires_at=self.clock() + float(token.get("expires_in", 300)), claims=claims,
        )

    async def verify_id_token(self, id_token: str, *, nonce: str | None, access_token: str | None = None) -> dict:
        """Signature by a provider key (no `none`, no HMAC), issuer, audience, expiry, nonce, at_hash."""
        try:
            try:
                decoded = jwt.decode(id_token, await self._jwks(), algorithms=ID_TOKEN_ALGORITHMS)
            except InvalidKeyIdError:  # the provider may have rotated its key
                decoded = jwt.decode(id_token, await self._jwks(refresh=True), algorithms=ID_TOKEN_ALGORITHMS)
            claims = decoded.claims
            registry = jwt.JWTClaimsRegistry(
                now=lambda: int(self.clock()), leeway=60,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.client_id},
                sub={"essential": True}, exp={"essential": True}, iat={"essential": True},
            )
            registry.validate(claims)
            params = {"client_id": self.client_id, "access_token": access_token}
            if nonce is not None:
                params["nonce"] = nonce
            CodeIDToken(claims, decoded.header, params=params).validate(now=int(self.clock()), leeway=60)
        except (JoseError, ValueError) as error:
            raise SignInError(f"the ID token is not valid: {type(error).__name__}") from None
        return dict(claims)

    async def revoke(self, token: str, hint: str = "refresh_token") -> None:
        """Sign-out: the provider forgets the refresh token, which ends its sign-in, or an access token
        (RFC 7009)."""
        endpoint = (await self.metadata()).get("revocation_endpoint")
        if endpoint:
            async with self._oauth() as oauth:
                await _send(oauth.revoke_token(endpoint, token=token, token_type_hint=hint))
