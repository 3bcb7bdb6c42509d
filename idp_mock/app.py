"""The VNeID-style OpenID Connect provider as its own ASGI app (mounted at /idp by main.py).

Only the accounts are mock; the protocol is real: discovery, JWKS, authorization code with
PKCE S256, ID and access tokens signed RS256, userinfo, refresh with rotation, RP-initiated logout.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_plus, urlsplit

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import pages
from .keys import ALGORITHM, load_or_create_signing_key, public_jwks
from .oauth import ACR_VALUES, SCOPES, Client, OAuthServer, StarletteOAuth2Request, user_claims
from .store import Account, Clock, IdpStore, verify_password

log = logging.getLogger("idp_mock")


def N_(message: str) -> str:  # noqa: N802 - marks a msgid for extraction, translated when shown
    return message

CSRF_COOKIE = "idp_csrf"
FAILURE_WINDOW_SECONDS = 15 * 60


@dataclass
class IdpSettings:
    issuer: str  # e.g. http://127.0.0.1:8000/idp
    data_dir: Path  # the signing key, and the SQLite file unless `database_url` names PostgreSQL
    database_url: str | None = None
    clients: list[Client] = field(default_factory=list)
    code_ttl_seconds: int = 60
    access_token_ttl_seconds: int = 5 * 60
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    # Guessing is slowed per (account, address) pair and per address; the account's own limit binds
    # only addresses that have already guessed wrong for it, so nobody can lock the owner out.
    failures_before_delay_per_pair: int = 5
    failures_before_delay_per_account: int = 10
    failures_before_delay_per_address: int = 20
    # Resource servers allowed to introspect tokens (RFC 7662): client id -> SHA-256 of its secret.
    resource_servers: dict[str, str] = field(default_factory=dict)
    clock: Clock = time.time


# RFC 6749 Appendix A: protocol parameters are printable ASCII (here without `"` and `\`, which no
# parameter of ours needs). Anything else is refused up front, before Authlib puts it into an error
# description (which raises) or a redirect.
_PROTOCOL_VALUE = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]{0,4096}")
_USER_FIELDS = {"username", "password", "csrf"}


def malformed_parameters(*parameter_sets: dict[str, str]) -> bool:
    return any(
        not _PROTOCOL_VALUE.fullmatch(key) or (key not in _USER_FIELDS and not _PROTOCOL_VALUE.fullmatch(value))
        for parameters in parameter_sets for key, value in parameters.items()
    )


def lockout_seconds(failures: int, threshold: int) -> int:
    """30 s after the threshold is reached, doubling with each further failure, at most 15 minutes."""
    if failures < threshold:
        return 0
    return min(30 * 2 ** (failures - threshold), 15 * 60)


def create_idp_app(settings: IdpSettings) -> FastAPI:
    store = IdpStore.open(settings.data_dir / "idp.db", settings.database_url, clock=settings.clock)
    signing_key = load_or_create_signing_key(settings.data_dir / "signing-key.json")
    server = OAuthServer(
        issuer=settings.issuer, store=store, signing_key=signing_key, clients=settings.clients,
        code_ttl_seconds=settings.code_ttl_seconds,
        access_token_ttl_seconds=settings.access_token_ttl_seconds,
        refresh_token_ttl_seconds=settings.refresh_token_ttl_seconds,
    )
    store.purge_expired()
    cookie_path = urlsplit(settings.issuer).path or "/"

    app = FastAPI(title="VNeID mock", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    app.state.server = server

    def error_envelope(request: Request, status: int, code: str, message: str, headers=None) -> JSONResponse:
        """The project's one error shape for anything that is not an OAuth answer or a page."""
        _ = pages.translations(pages.pick_language(request.headers.get("accept-language"))).gettext
        return JSONResponse({"error": {"code": code, "message": _(message), "details": []}}, status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return error_envelope(request, 404, "not_found", N_("There is nothing at this address."))
        if exc.status_code == 405:
            return error_envelope(request, 405, "method_not_allowed",
                                  N_("This address does not accept that kind of request."), exc.headers)
        return error_envelope(request, exc.status_code, "invalid_request", N_("The request could not be handled."))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_envelope(request, 500, "internal_error",
                              N_("Something went wrong on our side. Please try again in a few minutes."))

    async def form_fields(request: Request) -> dict[str, str]:
        """The form's text fields; a body that is not a form reads as an empty one."""
        try:
            form = await request.form(max_files=0, max_fields=50, max_part_size=16 * 1024)
        except (AssertionError, ValueError, KeyError, StarletteHTTPException):
            return {}
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        if any("\x00" in key or "\x00" in value for key, value in fields.items()):
            return {}  # no field of ours holds a NUL character (nor can the database store one)
        return fields

    @app.get("/.well-known/openid-configuration")
    async def discovery() -> JSONResponse:
        issuer = settings.issuer
        return JSONResponse(
            {
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/authorize",
                "token_endpoint": f"{issuer}/token",
                "userinfo_endpoint": f"{issuer}/userinfo",
                "jwks_uri": f"{issuer}/jwks.json",
                "end_session_endpoint": f"{issuer}/logout",
                "revocation_endpoint": f"{issuer}/revoke",
                "revocation_endpoint_auth_methods_supported": ["none"],
                "introspection_endpoint": f"{issuer}/introspect",
                "introspection_endpoint_auth_methods_supported": ["client_secret_basic"],
                "scopes_supported": SCOPES,
                "response_types_supported": ["code"],
                "response_modes_supported": ["query"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": [ALGORITHM],
                "token_endpoint_auth_methods_supported": ["none"],
                "code_challenge_methods_supported": ["S256"],
                "acr_values_supported": ACR_VALUES,
                "claims_supported": [
                    "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr",
                    "name", "birthdate", "gender", "personal_id", "bhyt_card",
                ],
                "ui_locales_supported": list(pages.LANGUAGES),
                "claims_locales_supported": ["vi"],
            },
            headers={"Cache-Control": "public, max-age=300"},
        )

    @app.get("/jwks.json")
    async def jwks() -> JSONResponse:
        return JSONResponse(public_jwks(signing_key), headers={"Cache-Control": "public, max-age=300"})

    def render_login(
        request: Request, *, status: int = 200, error: str | None = None, username: str = "",
        headers: dict[str, str] | None = None,
    ) -> HTMLResponse:
        query = dict(request.query_params)
        lang = pages.pick_language(query.get("ui_locales"))
        client = server.query_client(query.get("client_id", ""))
        csrf = secrets.token_urlsafe(24)
        html = pages.login_page(
            lang=lang, query=query, client_name=client.name if client else "", csrf=csrf,
            error=error, username=username,
        )
        response = HTMLResponse(html, status, headers=headers)
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="lax", path=cookie_path,
                            secure=request.url.scheme == "https")
        return response

    def invalid_request_page(request: Request, error: OAuth2Error) -> Response:
        """Errors we must not redirect (unknown client, unregistered redirect URI) get a page."""
        if error.redirect_uri:
            return server.handle_error_response(None, error)
        lang = pages.pick_language(request.query_params.get("ui_locales"))
        _ = pages.translations(lang).gettext
        log.info("refused authorization request: %s", error.error)
        return HTMLResponse(
            pages.message_page(
                lang=lang, title=_("This sign-in request is not valid"),
                message=_("The app that sent you here is not registered for this address. "
                          "Go back to the app and try again."),
            ),
            400,
        )

    async def consent_grant(oauth_request: StarletteOAuth2Request):
        if malformed_parameters(oauth_request.args, oauth_request.form):
            raise InvalidRequestError("malformed parameter")  # no redirect: the redirect URI may be the bad one
        return await run_in_threadpool(server.get_consent_grant, oauth_request)

    @app.get("/authorize")
    async def authorize_form(request: Request) -> Response:
        try:
            await consent_grant(StarletteOAuth2Request(request))
        except OAuth2Error as error:
            return invalid_request_page(request, error)
        return render_login(request)

    def check_throttle(account_key: str, pair_key: str, address_key: str) -> int:
        """Seconds the caller must still wait before another attempt (0: go ahead)."""
        now = store.clock()
        pair_failures, pair_latest = store.recent_failures(pair_key, FAILURE_WINDOW_SECONDS)
        limits = [(pair_failures, pair_latest, settings.failures_before_delay_per_pair),
                  (*store.recent_failures(address_key, FAILURE_WINDOW_SECONDS), settings.failures_before_delay_per_address)]
        if pair_failures:  # NIST SP 800-63B §5.2.2: slow the guessers, never lock out the owner
            limits.append((*store.recent_failures(account_key, FAILURE_WINDOW_SECONDS),
                           settings.failures_before_delay_per_account))
        wait = max(latest + lockout_seconds(failures, threshold) - now for failures, latest, threshold in limits)
        return max(0, int(wait + 0.999))

    def sign_in(username: str, password: str, address: str) -> tuple[Account | None, int]:
        account_key = "pid:" + hashlib.sha256(username.encode()).hexdigest()
        pair_key = f"{account_key}|ip:{address}"
        address_key = "ip:" + address
        wait = check_throttle(account_key, pair_key, address_key)
        if wait:
            return None, wait
        account = store.account_by_personal_id(username)
        if not verify_password(password, account.password_hash if account else None):
            store.record_login_failure(account_key, pair_key, address_key)
            return None, 0
        store.clear_login_failures(pair_key)
        return account, 0

    @app.post("/authorize")
    async def authorize_submit(request: Request) -> Response:
        form = await form_fields(request)
        lang = pages.pick_language(request.query_params.get("ui_locales"))
        _ = pages.translations(lang).gettext
        oauth_request = StarletteOAuth2Request(request, form)
        try:
            grant = await consent_grant(oauth_request)
        except OAuth2Error as error:
            return invalid_request_page(request, error)

        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie, form.get("csrf", "")):
            return render_login(request, status=400, error=_("Your sign-in page expired. Please sign in again."))

        username = form.get("username", "").strip()
        address = request.client.host if request.client else "unknown"
        account, wait = await run_in_threadpool(sign_in, username, form.get("password", ""), address)
        if wait:
            return render_login(
                request, status=429, username=username, headers={"Retry-After": str(wait)},
                error=_("Too many wrong attempts. Please wait {seconds} seconds and try again.").format(seconds=wait),
            )
        if account is None:
            return render_login(
                request, status=401, username=username,
                error=_("The personal ID number or the password is not correct."),
            )
        log.info("signed in: sub=%s level=%s", account.sub[:8], account.level)
        response = await run_in_threadpool(
            server.create_authorization_response, oauth_request, account, grant
        )
        response.delete_cookie(CSRF_COOKIE, path=cookie_path)
        return response

    def malformed_request() -> JSONResponse:
        return JSONResponse({"error": "invalid_request", "error_description": "A parameter is malformed."}, 400,
                            headers={"Cache-Control": "no-store"})

    @app.post("/token")
    async def token(request: Request) -> Response:
        oauth_request = StarletteOAuth2Request(request, await form_fields(request))
        if malformed_parameters(oauth_request.args, oauth_request.form):
            return malformed_request()
        return await run_in_threadpool(server.create_token_response, oauth_request)

    @app.post("/revoke")
    async def revoke(request: Request) -> Response:
        oauth_request = StarletteOAuth2Request(request, await form_fields(request))
        if malformed_parameters(oauth_request.args, oauth_request.form):
            return malformed_request()
        return await run_in_threadpool(server.create_endpoint_response, "revocation", oauth_request)

    @app.post("/introspect")
    async def introspect(request: Request) -> JSONResponse:
        """RFC 7662 for the API: is this access token still alive (not revoked, its sign-in not ended)?"""
        if not resource_server_authenticated(request.headers.get("authorization", "")):
            return JSONResponse({"error": "invalid_client"}, 401, headers={"WWW-Authenticate": 'Basic realm="idp"'})
        token = (await form_fields(request)).get("token")
        claims = await run_in_threadpool(server.active_access_token, token) if isinstance(token, str) else None
        if claims is None:
            return JSONResponse({"active": False})
        return JSONResponse({"active": True, "token_type": "Bearer", **claims})

    def resource_server_authenticated(authorization: str) -> bool:
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            client_id, _, secret = base64.b64decode(credentials, validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        expected = settings.resource_servers.get(unquote_plus(client_id))
        presented = hashlib.sha256(unquote_plus(secret).encode()).hexdigest()
        return expected is not None and hmac.compare_digest(expected, presented)

    @app.api_route("/userinfo", methods=["GET", "POST"])
    async def userinfo(request: Request) -> JSONResponse:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        claims = await run_in_threadpool(server.active_access_token, token) if scheme.lower() == "bearer" else None
        account = await run_in_threadpool(store.account_by_sub, claims["sub"]) if claims else None
        if account is None:
            return JSONResponse(
                {"error": "invalid_token", "error_description": "The access token is missing, invalid or expired."},
                401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return JSONResponse(user_claims(account))

    @app.api_route("/logout", methods=["GET", "POST"])
    async def logout(request: Request) -> Response:
        form = await form_fields(request) if request.method == "POST" else {}
        lang = pages.pick_language(form.get("ui_locales") or request.query_params.get("ui_locales"))
        _ = pages.translations(lang).gettext
        oauth_request = StarletteOAuth2Request(request, form)
        response = None
        if not malformed_parameters(oauth_request.args, oauth_request.form):
            try:
                validated = await run_in_threadpool(server.validate_endpoint_request, "end_session", oauth_request)
                response = await run_in_threadpool(server.create_endpoint_response, "end_session", validated)
            except OAuth2Error:
                pass
        return response or HTMLResponse(
            pages.message_page(
                lang=lang, title=_("Signed out"),
                message=_("You have signed out. You can close this page."),
            )
        )

    return app
