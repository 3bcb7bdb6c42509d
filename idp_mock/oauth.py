"""Authlib's generic authorization server wired to our store: code flow, strict PKCE, OIDC, refresh.

Authlib has no Starlette integration; `StarletteOAuth2Request` and `OAuthServer.handle_response`
are the glue. Route handlers build the request (forms must be awaited) before Authlib sees it.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Request, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .keys import ALGORITHM, public_jwks
from .store import Account, IdpStore, StoredCode, StoredRefreshToken

SCOPES = ["openid", "profile", "offline_access"]
ACR_VALUES = ["vneid:level1", "vneid:level2"]


@dataclass
class Client(ClientMixin):
    """A registered client. Public clients (no secret) must use PKCE; loopback redirect URIs
    match on any port, as RFC 8252 §7.3 asks of native apps."""

    client_id: str
    name: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str] = field(default_factory=list)
    allow_loopback: bool = True
    audience: str = "sskdt-api"

    @property
    def client_metadata(self) -> dict:
        return {"post_logout_redirect_uris": self.post_logout_redirect_uris}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None  # redirect_uri is always required

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        if redirect_uri in self.redirect_uris:
            return True
        return self.allow_loopback and is_loopback_redirect(redirect_uri)

    def check_client_secret(self, client_secret: str) -> bool:
        return False

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


def is_loopback_redirect(uri: str) -> bool:
    """http://127.0.0.1:<any port>/... or http://[::1]:<any port>/... (not "localhost", per RFC 8252 §8.3)."""
    parts = urlsplit(uri)
    if parts.scheme != "http" or parts.fragment or not parts.hostname:
        return False
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


class StarletteOAuth2Request(OAuth2Request):
    def __init__(self, request: Request, form: dict[str, str] | None = None) -> None:
        super().__init__(request.method, str(request.url), headers=dict(request.headers))
        self._args = dict(request.query_params)
        self._form = form or {}
        self.payload = BasicOAuth2Payload({**self._args, **self._form})

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class StrictS256(CodeChallenge):
    """Authlib accepts `plain` and a missing challenge at /authorize; VNeID-grade login must not."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge with code_challenge_method=S256.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is accepted.")
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["none"]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        server: OAuthServer = self.server
        data = request.payload.data
        account: Account = request.user
        server.store.save_code(
            code,
            server.code_ttl_seconds,
            client_id=request.client.get_client_id(),
            redirect_uri=request.payload.redirect_uri,
            scope=request.client.get_allowed_scope(request.payload.scope),
            nonce=data.get("nonce"),
            code_challenge=data["code_challenge"],
            code_challenge_method=data["code_challenge_method"],
            sub=account.sub,
            auth_time=int(server.store.clock()),
            acr=account.acr,
        )

    def query_authorization_code(self, code: str, client: Client) -> StoredCode | None:
        return self.server.store.redeem_code(code, client.get_client_id())

    def delete_authorization_code(self, authorization_code: StoredCode) -> None:
        pass  # redeeming already consumed it

    def authenticate_user(self, authorization_code: StoredCode) -> Account | None:
        return self.server.store.account_by_sub(authorization_code.sub)


class RefreshGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["none"]
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotate: a public client's refresh token is used once

    def authenticate_refresh_token(self, refresh_token: str) -> StoredRefreshToken | None:
        return self.server.store.find_refresh_token(refresh_token)

    def authenticate_user(self, refresh_token: StoredRefreshToken) -> Account | None:
        return self.server.store.account_by_sub(refresh_token.sub)

    def revoke_old_credential(self, refresh_token: StoredRefreshToken) -> None:
        self.server.store.revoke_refresh_token(refresh_token.token_hash)


def user_claims(account: Account) -> dict:
    claims = {
        "sub": account.sub,
        "name": account.full_name,
        "birthdate": account.birthdate,
        "gender": account.gender,
        "personal_id": account.personal_id,
        "acr": account.acr,
    }
    if account.bhyt_card:
        claims["bhyt_card"] = account.bhyt_card
    return claims


class IdTokenExtension(OpenIDCode):
    def __init__(self, server: OAuthServer) -> None:
        super().__init__(require_nonce=True)
        self.server = server

    def resolve_client_private_key(self, client):
        return self.server.signing_key

    def get_client_algorithm(self, client) -> str:
        return ALGORITHM

    def get_encode_header(self, client) -> dict:
        return {"alg": ALGORITHM, "kid": self.server.signing_key.kid, "typ": "JWT"}

    def get_client_claims(self, client: Client) -> dict:
        now = int(self.server.store.clock())
        return {"iss": self.server.issuer, "aud": client.client_id, "iat": now, "exp": now + 600}

    def exists_nonce(self, nonce: str, request) -> bool:
        return False  # codes are single use, so a replayed nonce cannot mint a second token

    def generate_user_info(self, user: Account, scope: str) -> UserInfo:
        return UserInfo(user_claims(user))


class RevokeEndpoint(RevocationEndpoint):
    """RFC 7009 for refresh tokens (access tokens are short-lived JWTs: nothing to look up)."""

    CLIENT_AUTH_METHODS = ["none"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> StoredRefreshToken | None:
        return self.server.store.find_refresh_token(token_string)

    def revoke_token(self, token: StoredRefreshToken, request) -> None:
        self.server.store.revoke_refresh_token(token.token_hash)


class LogoutEndpoint(EndSessionEndpoint):
    def get_server_jwks(self):
        return public_jwks(self.server.signing_key)

    def get_algorithms(self) -> list[str]:
        return [ALGORITHM]

    def end_session(self, end_session_request) -> None:
        claims = end_session_request.id_token_claims
        if claims:
            self.server.store.revoke_refresh_tokens_of(claims["sub"], claims["aud"])


class OAuthServer(AuthorizationServer):
    def __init__(
        self, *, issuer: str, store: IdpStore, signing_key: RSAKey, clients: list[Client],
        code_ttl_seconds: int, access_token_ttl_seconds: int, refresh_token_ttl_seconds: int,
    ) -> None:
        super().__init__(scopes_supported=SCOPES)
        self.issuer = issuer
        self.store = store
        self.signing_key = signing_key
        self.clients = {client.client_id: client for client in clients}
        self.code_ttl_seconds = code_ttl_seconds
        self.access_token_ttl_seconds = access_token_ttl_seconds
        self.refresh_token_ttl_seconds = refresh_token_ttl_seconds
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=self._access_token,
                refresh_token_generator=lambda **_: secrets.token_urlsafe(32),
                expires_generator=lambda client, grant_type: access_token_ttl_seconds,
            ),
        )
        self.register_grant(CodeGrant, [StrictS256(required=True), IdTokenExtension(self)])
        self.register_grant(RefreshGrant)
        self.register_endpoint(LogoutEndpoint)
        self.register_endpoint(RevokeEndpoint)

    def _access_token(self, *, client: Client, grant_type: str, user: Account, scope: str) -> str:
        return self.access_token_for(user, client, scope)

    def access_token_for(self, user: Account, client: Client, scope: str = "openid profile") -> str:
        """An RFC 9068 JWT access token, so the API can verify it against our JWKS alone."""
        now = int(self.store.clock())
        claims = {
            "iss": self.issuer, "sub": user.sub, "aud": client.audience, "client_id": client.client_id,
            "scope": scope, "acr": user.acr, "personal_id": user.personal_id, "name": user.full_name,
            "iat": now, "exp": now + self.access_token_ttl_seconds, "jti": secrets.token_hex(16),
        }
        header = {"alg": ALGORITHM, "kid": self.signing_key.kid, "typ": "at+jwt"}
        return jwt.encode(header, claims, self.signing_key, [ALGORITHM])

    def decode_access_token(self, token: str) -> dict | None:
        """For /userinfo: our own signature, our issuer, not expired."""
        try:
            decoded = jwt.decode(token, self.signing_key, algorithms=[ALGORITHM])
        except (JoseError, ValueError):
            return None
        claims = decoded.claims
        if decoded.header.get("typ") != "at+jwt" or claims.get("iss") != self.issuer:
            return None
        if claims.get("exp", 0) <= self.store.clock():
            return None
        return claims

    def query_client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    def save_token(self, token: dict, request: OAuth2Request) -> None:
        refresh_token = token.get("refresh_token")
        if refresh_token:
            code = request.authorization_code
            self.store.save_refresh_token(
                refresh_token, client_id=request.client.get_client_id(), sub=request.user.sub,
                scope=token.get("scope", ""), ttl_seconds=self.refresh_token_ttl_seconds,
                code_hash=code.code_hash if code else None,
            )

    def create_oauth2_request(self, request) -> OAuth2Request:
        return request  # the route builds StarletteOAuth2Request after awaiting the form

    def create_json_request(self, request):
        return request

    def handle_response(self, status: int, body, headers) -> Response:
        headers = dict(headers)
        if isinstance(body, dict):
            headers.pop("Content-Type", None)
            return JSONResponse(body, status, headers)
        return Response(body or "", status, headers)

    def send_signal(self, name, *args, **kwargs) -> None:
        pass

