"""Authlib's generic authorization server wired to our store: code flow, strict PKCE, OIDC, refresh.

Authlib has no Starlette integration; `StarletteOAuth2Request` and `OAuthServer.handle_response`
are the glue. Route handlers build the request (forms must be awaited) before Authlib sees it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import unquote, urlsplit, urlunsplit

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Request, grants
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
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
from .store import Account, AssistTicket, IdpStore, StoredCode, StoredRefreshToken

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

    def check_post_logout_redirect_uri(self, uri: str) -> bool:
        """Exact registered values only, and only in a shape every parser reads the same way."""
        return uri in self.post_logout_redirect_uris and reads_the_same_everywhere(uri)

    def check_client_secret(self, client_secret: str) -> bool:
        return False

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


# The one shape accepted for a native app's loopback redirect: nothing a browser's WHATWG parser could
# read differently from Python's (no userinfo, backslash, zone id, query, fragment or non-ASCII).
_LOOPBACK_REDIRECT = re.compile(
    r"http://(?:127\.0\.0\.1|\[::1\]):(?P<port>[1-9][0-9]{0,4})(?:/(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})*)*",
    re.ASCII,
)


def is_loopback_redirect(uri: str) -> bool:
    """http://127.0.0.1:<port>/path or http://[::1]:<port>/path (not "localhost", RFC 8252 §8.3)."""
    match = _LOOPBACK_REDIRECT.fullmatch(uri)
    if not match or int(match["port"]) > 65535:
        return False
    dot_segments = {".", ".."}  # a browser removes them, so the URI it follows is not this one
    segments = urlsplit(uri).path.split("/")
    return not any(unquote(segment) in dot_segments for segment in segments) and reads_the_same_everywhere(uri)


def reads_the_same_everywhere(uri: str) -> bool:
    """Parsing and re-serialising gives back exactly the string received."""
    try:
        return urlunsplit(urlsplit(uri)) == uri and uri.isascii() and uri.isprintable()
    except ValueError:
        return False


class StarletteOAuth2Request(OAuth2Request):
    def __init__(self, request: Request, form: dict[str, str] | None = None) -> None:
        super().__init__(request.method, str(request.url), headers=dict(request.headers))
        self._args = dict(request.query_params)
        self._form = form or {}
        self.payload = BasicOAuth2Payload({**self._args, **self._form})
        self.assisted_by: AssistTicket | None = None  # set by the route once it consumed the ticket

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class StrictS256(CodeChallenge):
    """Authlib accepts `plain` and a missing challenge at /authorize; VNeID-grade login must not."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge with code_challenge_method=S256.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is accepted.")
        super().validate_code_challenge(grant, redirect_uri)


class SignInTokens:
    """Both grants issue tokens bound to one sign-in (`family`), so ending it ends them all."""

    server: OAuthServer
    request: OAuth2Request

    def family(self) -> str:
        raise NotImplementedError

    def assisted_code(self) -> StoredCode | None:
        """The code of an assisted sign-in (a citizen on a volunteer's device), else None."""
        return None

    def generate_token(self, user=None, scope=None, grant_type=None, expires_in=None, include_refresh_token=True):
        code = self.assisted_code()
        if code is None:
            return self.server.issue_tokens(self.request.client, user, scope or "", self.family(), include_refresh_token)
        # One access token for the whole assisted session, never longer, and nothing to renew it with:
        # the volunteer's device keeps no credential of the citizen once the session is over.
        return self.server.issue_assisted_tokens(self.request.client, user, without_offline_access(scope or ""),
                                                 self.family(), code.helper_sub or "", code.assisted_until or 0)


class CodeGrant(SignInTokens, grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["none"]

    def family(self) -> str:
        return self.request.authorization_code.code_hash

    def assisted_code(self) -> StoredCode | None:
        code: StoredCode = self.request.authorization_code
        return code if code.helper_sub is not None else None

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        server: OAuthServer = self.server
        data = request.payload.data
        account: Account = request.user
        auth_time = int(server.store.clock())
        assisted: AssistTicket | None = getattr(request, "assisted_by", None)
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
            auth_time=auth_time,
            acr=account.acr,
            helper_sub=assisted.helper_sub if assisted else None,
            assisted_until=auth_time + assisted.session_seconds if assisted else None,
        )

    def query_authorization_code(self, code: str, client: Client) -> StoredCode | None:
        return self.server.store.redeem_code(code, client.get_client_id())

    def delete_authorization_code(self, authorization_code: StoredCode) -> None:
        pass  # redeeming already consumed it

    def authenticate_user(self, authorization_code: StoredCode) -> Account | None:
        return self.server.store.account_by_sub(authorization_code.sub)


class RefreshGrant(SignInTokens, grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["none"]
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotate: a public client's refresh token is used once

    def family(self) -> str:
        return self.request.refresh_token.family

    def authenticate_refresh_token(self, refresh_token: str) -> StoredRefreshToken | None:
        return self.server.store.find_refresh_token(refresh_token)

    def authenticate_user(self, refresh_token: StoredRefreshToken) -> Account | None:
        return self.server.store.account_by_sub(refresh_token.sub)

    def revoke_old_credential(self, refresh_token: StoredRefreshToken) -> None:
        self.server.store.rotate_out(refresh_token.token_hash)


def without_offline_access(scope: str) -> str:
    return " ".join(s for s in scope.split() if s != "offline_access")


def actor_claim(helper: Account | None, helper_sub: str) -> dict[str, str]:
    """RFC 8693 §4.1 `act`: who acts in the session besides the subject (here: whose device it is)."""
    if helper is None:
        return {"sub": helper_sub}
    return {"sub": helper.sub, "name": helper.full_name, "personal_id": helper.personal_id}


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

    def get_authorization_code_claims(self, authorization_code: StoredCode) -> dict:
        claims = super().get_authorization_code_claims(authorization_code)
        if authorization_code.helper_sub is not None:
            claims["act"] = self.server.actor(authorization_code.helper_sub)
            claims["sid"] = authorization_code.code_hash  # so signing out with this ID token ends the session
        return claims

    def generate_user_info(self, user: Account, scope: str) -> UserInfo:
        return UserInfo(user_claims(user))


@dataclass(frozen=True)
class IssuedAccessToken:
    """An access token presented for revocation: found by its own signature, revoked by `jti`."""

    jti: str
    client_id: str
    expires_at: float

    def check_client(self, client) -> bool:
        return client.get_client_id() == self.client_id


class RevokeEndpoint(RevocationEndpoint):
    """RFC 7009: a refresh token ends its whole sign-in; an access token ends itself."""

    CLIENT_AUTH_METHODS: ClassVar[list[str]] = ["none"]

    def query_token(self, token_string: str, token_type_hint: str | None):
        claims = self.server.decode_access_token(token_string)
        if claims is not None:
            return IssuedAccessToken(claims["jti"], claims["client_id"], claims["exp"])
        return self.server.store.find_refresh_token(token_string)

    def revoke_token(self, token, request) -> None:
        if isinstance(token, IssuedAccessToken):
            self.server.store.revoke_access_token(token.jti, token.expires_at)
        else:
            self.server.store.revoke_family(token.family)


class LogoutEndpoint(EndSessionEndpoint):
    def get_server_jwks(self):
        return public_jwks(self.server.signing_key)

    def get_algorithms(self) -> list[str]:
        return [ALGORITHM]

    def _is_valid_post_logout_redirect_uri(self, client: Client, post_logout_redirect_uri: str) -> bool:
        return client.check_post_logout_redirect_uri(post_logout_redirect_uri)

    def end_session(self, end_session_request) -> None:
        claims = end_session_request.id_token_claims
        if claims:
            self.server.store.revoke_families_of(claims["sub"], claims["aud"])
            if claims.get("act") and isinstance(claims.get("sid"), str):
                self.server.store.revoke_family(claims["sid"])  # an assisted session has no refresh token


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
        self.register_grant(CodeGrant, [StrictS256(required=True), IdTokenExtension(self)])
        self.register_grant(RefreshGrant)
        self.register_endpoint(LogoutEndpoint)
        self.register_endpoint(RevokeEndpoint)

    def issue_tokens(
        self, client: Client, user: Account, scope: str, family: str, include_refresh_token: bool
    ) -> dict[str, str | int]:
        token: dict[str, str | int] = {
            "token_type": "Bearer", "access_token": self.access_token_for(user, client, family, scope),
            "expires_in": self.access_token_ttl_seconds, "scope": scope,
        }
        if include_refresh_token:
            token["refresh_token"] = secrets.token_urlsafe(32)
        return token

    def issue_assisted_tokens(
        self, client: Client, user: Account, scope: str, family: str, helper_sub: str, session_ends_at: int
    ) -> dict[str, str | int]:
        """No refresh token; the access token names the helper and ends with the session."""
        now = int(self.store.clock())
        if session_ends_at <= now:
            raise InvalidGrantError("The assisted session has ended.")
        access_token = self.access_token_for(user, client, family, scope, expires_at=session_ends_at,
                                             act=self.actor(helper_sub))
        return {"token_type": "Bearer", "access_token": access_token, "expires_in": session_ends_at - now,
                "scope": scope}

    def actor(self, helper_sub: str) -> dict[str, str]:
        return actor_claim(self.store.account_by_sub(helper_sub), helper_sub)

    def access_token_for(
        self, user: Account, client: Client, family: str, scope: str = "openid profile", *,
        expires_at: int | None = None, act: dict[str, str] | None = None,
    ) -> str:
        """An RFC 9068 JWT access token; `sid` names its sign-in, so revoking that sign-in reaches it."""
        now = int(self.store.clock())
        claims: dict[str, object] = {
            "iss": self.issuer, "sub": user.sub, "aud": client.audience, "client_id": client.client_id,
            "scope": scope, "acr": user.acr, "personal_id": user.personal_id, "name": user.full_name,
            "iat": now, "exp": expires_at or now + self.access_token_ttl_seconds, "jti": secrets.token_hex(16),
            "sid": family,
        }
        if user.bhyt_card:
            claims["bhyt_card"] = user.bhyt_card  # the API shows whether the card is linked
        if act is not None:
            claims["act"] = act
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

    def active_access_token(self, token: str) -> dict | None:
        """The claims of a token that is ours, unexpired, and whose sign-in was not ended."""
        claims = self.decode_access_token(token)
        if claims is None or self.store.access_token_revoked(claims.get("jti", ""), claims.get("sid", "")):
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
                family=code.code_hash if code else request.refresh_token.family,
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

