"""Who is calling: access tokens verified against the identity provider's JWKS, found by discovery.

The API trusts only the discovery URL it is configured with, so the mock can be replaced by
the real VNeID (or any OIDC provider) without code changes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from math import inf

import httpx
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from .errors import identity_provider_unavailable, invalid_token

log = logging.getLogger("server.security")

ALGORITHMS = ["RS256", "ES256"]
LEVEL_2 = "vneid:level2"


@dataclass(frozen=True)
class Helper:
    """RFC 8693 `act`: the volunteer on whose device the citizen signed in themself."""

    sub: str
    personal_id: str
    full_name: str


@dataclass(frozen=True)
class Caller:
    sub: str
    personal_id: str
    full_name: str
    level: int
    bhyt_linked: bool = False  # the provider holds a BHYT card for this account
    session_id: str = ""  # the provider's sign-in (`sid`)
    expires_at: float = 0.0
    assisted_by: Helper | None = None

    @property
    def is_level2(self) -> bool:
        return self.level >= 2


@dataclass(frozen=True)
class IntrospectionClient:
    """The API's credentials at the provider's RFC 7662 endpoint."""

    client_id: str
    client_secret: str


@dataclass
class _Verified:
    caller: Caller
    expires_at: float
    alive_checked_at: float = -inf  # when the provider last said the token was not revoked


class TokenVerifier:
    """Checks signature (JWKS), issuer, audience, expiry and token type of access tokens, and, when
    the provider offers introspection, that the token was not revoked (re-asked every few seconds)."""

    KEY_REFRESH_INTERVAL = 60.0  # an unknown `kid` refetches the JWKS at most this often
    CACHE_SIZE = 10_000  # verified tokens kept until they expire: a receptionist sends one per scan

    def __init__(
        self, *, issuer: str, audience: str, http: httpx.AsyncClient,
        clock: Callable[[], float] = time.time, leeway_seconds: int = 30,
        introspection: IntrospectionClient | None = None, alive_cache_seconds: float = 5,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self.http = http
        self.clock = clock
        self.leeway_seconds = leeway_seconds
        self.introspection = introspection
        self.alive_cache_seconds = alive_cache_seconds
        self._keys: KeySet | None = None
        self._introspection_endpoint: str | None = None
        self._verified: dict[str, _Verified] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def _load_keys(self, force: bool = False) -> KeySet:
        async with self._lock:
            stale = force and self.clock() - self._fetched_at > self.KEY_REFRESH_INTERVAL
            if self._keys is None or stale:
                discovery = (await self.http.get(f"{self.issuer}/.well-known/openid-configuration")).json()
                if discovery.get("issuer") != self.issuer:
                    raise RuntimeError("the provider's discovery document names another issuer")
                jwks = (await self.http.get(discovery["jwks_uri"])).json()
                self._keys = KeySet.import_key_set(jwks)
                self._introspection_endpoint = discovery.get("introspection_endpoint")
                self._fetched_at = self.clock()
            return self._keys

    async def verify(self, token: str) -> Caller:
        now = self.clock()
        entry = self._verified.get(token)
        if entry is None or entry.expires_at + self.leeway_seconds <= now:  # the expiry rule of _verify
            self._verified.pop(token, None)
            caller, expires_at = await self._verify(token)
            if len(self._verified) >= self.CACHE_SIZE:
                self._verified.pop(next(iter(self._verified)))  # oldest first
            entry = self._verified[token] = _Verified(caller, expires_at)
        if self.introspection and now - entry.alive_checked_at >= self.alive_cache_seconds:
            if not await self._alive(token):
                self._verified.pop(token, None)
                raise invalid_token()
            entry.alive_checked_at = now
        return entry.caller

    async def _alive(self, token: str) -> bool:
        """RFC 7662: a signed-out session's tokens are dead here within `alive_cache_seconds`."""
        assert self.introspection is not None
        await self._load_keys()
        if not self._introspection_endpoint:
            return True
        try:
            answer = await self.http.post(
                self._introspection_endpoint, data={"token": token, "token_type_hint": "access_token"},
                auth=(self.introspection.client_id, self.introspection.client_secret),
            )
            answer.raise_for_status()
            return answer.json().get("active") is True
        except (httpx.HTTPError, ValueError):
            log.exception("could not ask the identity provider whether a token is revoked")
            raise identity_provider_unavailable() from None

    async def _verify(self, token: str) -> tuple[Caller, float]:
        try:
            keys = await self._load_keys()
            try:
                decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
            except InvalidKeyIdError:  # the provider may have rotated its key
                decoded = jwt.decode(token, await self._load_keys(force=True), algorithms=ALGORITHMS)
            if decoded.header.get("typ", "").lower() not in ("at+jwt", "application/at+jwt"):
                raise invalid_token()  # e.g. an ID token offered as an access token
            jwt.JWTClaimsRegistry(
                now=lambda: int(self.clock()),
                leeway=self.leeway_seconds,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.audience},
                exp={"essential": True},
                sub={"essential": True},
                personal_id={"essential": True},
            ).validate(decoded.claims)
        except ExpiredTokenError:
            raise invalid_token(expired=True) from None
        except (JoseError, ValueError) as error:
            log.info("refused access token: %s", type(error).__name__)
            raise invalid_token() from None
        except (httpx.HTTPError, KeyError):
            log.exception("could not reach the identity provider for its keys")
            raise identity_provider_unavailable() from None
        claims = decoded.claims
        caller = Caller(
            sub=claims["sub"],
            personal_id=claims["personal_id"],
            full_name=claims.get("name", ""),
            level=2 if claims.get("acr") == LEVEL_2 else 1,
            bhyt_linked=bool(claims.get("bhyt_card")),
            session_id=str(claims.get("sid", "")),
            expires_at=float(claims["exp"]),
            assisted_by=_helper(claims.get("act")),
        )
        return caller, float(claims["exp"])

    async def assist_ticket(self, helper_sub: str) -> dict:
        """A ticket for one sign-in of a citizen on this helper's device, from the provider."""
        if self.introspection is None:
            raise identity_provider_unavailable()
        try:
            answer = await self.http.post(
                f"{self.issuer}/assist-tickets", data={"helper_sub": helper_sub},
                auth=(self.introspection.client_id, self.introspection.client_secret),
            )
            answer.raise_for_status()
            return answer.json()
        except (httpx.HTTPError, ValueError):
            log.exception("could not get an assisted sign-in ticket from the identity provider")
            raise identity_provider_unavailable() from None

    async def aclose(self) -> None:
        await self.http.aclose()


def _helper(act: object) -> Helper | None:
    if not isinstance(act, dict) or not isinstance(act.get("sub"), str):
        return None
    return Helper(sub=act["sub"], personal_id=str(act.get("personal_id", "")), full_name=str(act.get("name", "")))
