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

import httpx
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from .errors import invalid_token

log = logging.getLogger("server.security")

ALGORITHMS = ["RS256", "ES256"]
LEVEL_2 = "vneid:level2"


@dataclass(frozen=True)
class Caller:
    sub: str
    personal_id: str
    full_name: str
    level: int

    @property
    def is_level2(self) -> bool:
        return self.level >= 2


class TokenVerifier:
    """Checks signature (JWKS), issuer, audience, expiry and token type of access tokens."""

    KEY_REFRESH_INTERVAL = 60.0  # an unknown `kid` refetches the JWKS at most this often
    CACHE_SIZE = 10_000  # verified tokens kept until they expire: a receptionist sends one per scan

    def __init__(
        self, *, issuer: str, audience: str, http: httpx.AsyncClient,
        clock: Callable[[], float] = time.time, leeway_seconds: int = 30,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self.http = http
        self.clock = clock
        self.leeway_seconds = leeway_seconds
        self._keys: KeySet | None = None
        self._verified: dict[str, tuple[Caller, float]] = {}
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
                self._fetched_at = self.clock()
            return self._keys

    async def verify(self, token: str) -> Caller:
        cached = self._verified.get(token)
        if cached is not None:
            if cached[1] + self.leeway_seconds > self.clock():  # the same rule as the expiry check below
                return cached[0]
            del self._verified[token]
        caller, expires_at = await self._verify(token)
        if len(self._verified) >= self.CACHE_SIZE:
            self._verified.pop(next(iter(self._verified)))  # oldest first
        self._verified[token] = (caller, expires_at)
        return caller

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
        except httpx.HTTPError:
            log.exception("could not reach the identity provider for its keys")
            raise
        claims = decoded.claims
        caller = Caller(
            sub=claims["sub"],
            personal_id=claims["personal_id"],
            full_name=claims.get("name", ""),
            level=2 if claims.get("acr") == LEVEL_2 else 1,
        )
        return caller, float(claims["exp"])

    async def aclose(self) -> None:
        await self.http.aclose()
