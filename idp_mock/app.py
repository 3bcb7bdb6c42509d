"""The VNeID-style OpenID Connect provider as its own ASGI app (mounted at /idp by main.py).

Only the accounts are mock; the protocol is real: discovery, JWKS, authorization code with
PKCE S256, ID and access tokens signed RS256, userinfo, refresh with rotation, RP-initiated logout.
Assisted sign-in: a resource server gets a volunteer a single-use ticket (`POST /assist-tickets`); a
citizen who signs in with it on the volunteer's device gets tokens naming the volunteer (RFC 8693 `act`),
for one fixed session and without a refresh token. `police_demo` adds the commune police's page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_plus, urlsplit

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.storage.hashing import verify_secret

from . import pages
from .keys import ALGORITHM, load_or_create_signing_key, public_jwks
from .oauth import ACR_VALUES, SCOPES, Client, OAuthServer, StarletteOAuth2Request, user_claims
from .store import Account, AssistTicket, Clock, IdpStore

log = logging.getLogger("idp_mock")


def N_(message: str) -> str:  # noqa: N802 - marks a msgid for extraction, translated when shown
    return message

CSRF_COOKIE = "idp_csrf"
POLICE_CSRF_COOKIE = "idp_police_csrf"
FAILURE_WINDOW_SECONDS = 15 * 60
# QĐ 1351/QĐ-BHXH: 2 letters (beneficiary group), benefit level 1-5, 2-digit province, 10-digit BHXH number.
BHYT_CARD = re.compile(r"[A-Z]{2}[1-5][0-9]{2}[0-9]{10}", re.ASCII)
PERSONAL_ID = re.compile(r"[0-9]{12}", re.ASCII)


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
    # Assisted sign-in: how long a volunteer's ticket waits for the citizen, and how long the citizen's
    # session on the volunteer's device then lasts (one access token, no refresh token).
    assist_ticket_ttl_seconds: int = 5 * 60
    assisted_session_seconds: int = 15 * 60
    police_demo: bool = False  # serve /demo/police, the commune police's step (demo deployments only)
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
                    "name", "birthdate", "gender", "personal_id", "bhyt_card", "act",
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
        headers: dict[str, str] | None = None, assist_notice: str | None = None,
    ) -> HTMLResponse:
        query = dict(request.query_params)
        lang = pages.pick_language(query.get("ui_locales"))
        client = server.query_client(query.get("client_id", ""))
        csrf = secrets.token_urlsafe(24)
        html = pages.login_page(
            lang=lang, query=query, client_name=client.name if client else "", csrf=csrf,
            error=error, username=username, assist_notice=assist_notice,
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

    def assist_ticket_of(oauth_request: StarletteOAuth2Request) -> str | None:
        """The `assist_ticket` parameter of an assisted sign-in (in the query string, which the form keeps)."""
        return oauth_request.payload.data.get("assist_ticket")

    def assist_notice(request: Request, ticket: AssistTicket) -> str | None:
        helper = store.account_by_sub(ticket.helper_sub)
        if helper is None:
            return None
        _ = pages.translations(pages.pick_language(request.query_params.get("ui_locales"))).gettext
        return _("You are signing in on the device of volunteer {name}. The assisted session ends by itself "
                 "after {minutes} minutes.").format(name=helper.full_name, minutes=max(1, round(ticket.session_seconds / 60)))

    def unusable_ticket_page(request: Request) -> HTMLResponse:
        lang = pages.pick_language(request.query_params.get("ui_locales"))
        _ = pages.translations(lang).gettext
        log.info("refused an assisted sign-in: the ticket is unknown, used or expired")
        return HTMLResponse(
            pages.message_page(
                lang=lang, title=_("This assisted sign-in cannot be used"),
                message=_("The volunteer's sign-in link has already been used, has expired or is not valid. "
                          "Ask the volunteer to start a new assisted sign-in."),
            ),
            400,
        )

    @app.get("/authorize")
    async def authorize_form(request: Request) -> Response:
        oauth_request = StarletteOAuth2Request(request)
        try:
            await consent_grant(oauth_request)
        except OAuth2Error as error:
            return invalid_request_page(request, error)
        ticket_value = assist_ticket_of(oauth_request)
        if ticket_value is None:
            return render_login(request)
        ticket = await run_in_threadpool(store.peek_assist_ticket, ticket_value)
        notice = await run_in_threadpool(assist_notice, request, ticket) if ticket else None
        if notice is None:
            return unusable_ticket_page(request)
        return render_login(request, assist_notice=notice)

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
        if not verify_secret(password, account.password_hash if account else None):
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

        ticket_value = assist_ticket_of(oauth_request)
        notice = None
        if ticket_value is not None:
            ticket = await run_in_threadpool(store.peek_assist_ticket, ticket_value)
            notice = await run_in_threadpool(assist_notice, request, ticket) if ticket else None
            if notice is None:
                return unusable_ticket_page(request)

        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie, form.get("csrf", "")):
            return render_login(request, status=400, error=_("Your sign-in page expired. Please sign in again."),
                                assist_notice=notice)

        username = form.get("username", "").strip()
        address = request.client.host if request.client else "unknown"
        account, wait = await run_in_threadpool(sign_in, username, form.get("password", ""), address)
        if wait:
            return render_login(
                request, status=429, username=username, headers={"Retry-After": str(wait)},
                error=_("Too many wrong attempts. Please wait {seconds} seconds and try again.").format(seconds=wait),
                assist_notice=notice,
            )
        if account is None:
            return render_login(
                request, status=401, username=username,
                error=_("The personal ID number or the password is not correct."), assist_notice=notice,
            )
        if ticket_value is not None:
            used = await run_in_threadpool(store.use_assist_ticket, ticket_value, account.sub)
            if used is None:
                left = await run_in_threadpool(store.peek_assist_ticket, ticket_value)
                if left is not None and left.helper_sub == account.sub:  # the volunteer signed in themself
                    return render_login(
                        request, status=403, assist_notice=notice,
                        error=_("A volunteer cannot sign in with their own assisted sign-in. The person being "
                                "helped signs in here with their own personal ID number."),
                    )
                return unusable_ticket_page(request)
            oauth_request.assisted_by = used
            log.info("assisted sign-in: sub=%s helper=%s level=%s", account.sub[:8], used.helper_sub[:8],
                     account.level)
        else:
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

    @app.post("/assist-tickets")
    async def assist_tickets(request: Request) -> JSONResponse:
        """For the API: a single-use ticket with which a citizen signs in on this volunteer's device."""
        if not resource_server_authenticated(request.headers.get("authorization", "")):
            return JSONResponse({"error": "invalid_client"}, 401, headers={"WWW-Authenticate": 'Basic realm="idp"'})
        helper_sub = (await form_fields(request)).get("helper_sub", "")
        helper = await run_in_threadpool(store.account_by_sub, helper_sub) if helper_sub else None
        if helper is None:
            return JSONResponse({"error": "invalid_request"}, 400, headers={"Cache-Control": "no-store"})
        ticket = await run_in_threadpool(
            store.create_assist_ticket, helper.sub, ttl_seconds=settings.assist_ticket_ttl_seconds,
            session_seconds=settings.assisted_session_seconds,
        )
        log.info("assist ticket issued: helper=%s", helper.sub[:8])
        return JSONResponse(
            {"ticket": ticket, "expires_in": settings.assist_ticket_ttl_seconds,
             "session_seconds": settings.assisted_session_seconds},
            201, headers={"Cache-Control": "no-store"},
        )

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

    if settings.police_demo:
        add_police_demo(app, store, cookie_path, form_fields)
    return app


def add_police_demo(
    app: FastAPI, store: IdpStore, cookie_path: str, form_fields: Callable[[Request], Awaitable[dict[str, str]]],
) -> None:
    """`/demo/police`: the commune police raise an account to level 2 after checking the chip ID card
    in person, and link the BHYT card. A demonstration: nobody signs in to use it."""
    police_cookie_path = cookie_path.rstrip("/") + "/demo/police"

    def render(request: Request, *, status: int = 200, error: str | None = None, personal_id: str = "",
               card: str = "") -> HTMLResponse:
        lang = pages.pick_language(request.query_params.get("ui_locales"))
        csrf = secrets.token_urlsafe(24)
        response = HTMLResponse(
            pages.police_page(lang=lang, csrf=csrf, error=error, personal_id=personal_id, card=card), status)
        response.set_cookie(POLICE_CSRF_COOKIE, csrf, httponly=True, samesite="strict", path=police_cookie_path,
                            secure=request.url.scheme == "https")
        return response

    @app.get("/demo/police")
    async def police_form(request: Request) -> HTMLResponse:
        return render(request)

    @app.post("/demo/police")
    async def police_submit(request: Request) -> HTMLResponse:
        form = await form_fields(request)
        lang = pages.pick_language(request.query_params.get("ui_locales"))
        _ = pages.translations(lang).gettext
        personal_id = form.get("personal_id", "").strip()
        card = "".join(form.get("bhyt_card", "").split()).upper()
        shown = {"personal_id": personal_id[:12], "card": card[:20]}

        cookie = request.cookies.get(POLICE_CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie, form.get("csrf", "")):
            return render(request, status=400, error=_("This page expired. Please fill in the form again."), **shown)
        if not PERSONAL_ID.fullmatch(personal_id):
            return render(request, status=400, error=_("The personal ID number has 12 digits."), **shown)
        if form.get("checked_id_card") != "yes":
            return render(request, status=400, **shown, error=_(
                "Tick the box once you have compared the chip ID card with the person applying."))
        if card and not BHYT_CARD.fullmatch(card):
            return render(request, status=400, **shown, error=_(
                "The BHYT card code has 15 characters: 2 letters and 13 digits, as printed on the card "
                "(e.g. HT3010123456789)."))
        account = await run_in_threadpool(store.account_by_personal_id, personal_id)
        if account is None:
            return render(request, status=404, **shown, error=_(
                "No electronic identity account has this personal ID number."))
        if card:
            holder = await run_in_threadpool(store.account_by_bhyt_card, card)
            if holder is not None and holder.sub != account.sub:
                return render(request, status=409, **shown, error=_(
                    "This BHYT card is already linked to another account."))

        changes = []
        if account.level < 2:
            account = await run_in_threadpool(store.raise_to_level2, personal_id) or account
            changes.append(_("Raised to level 2."))
        else:
            changes.append(_("The account was already at level 2."))
        if card:
            account = await run_in_threadpool(store.link_bhyt_card, personal_id, card) or account
            changes.append(_("BHYT card {card} linked.").format(card=card))
        log.info("police demo: sub=%s now level %s, card linked: %s", account.sub[:8], account.level,
                 bool(account.bhyt_card))
        response = HTMLResponse(pages.police_done_page(lang=lang, name=account.full_name, changes=changes))
        response.delete_cookie(POLICE_CSRF_COOKIE, path=police_cookie_path)
        return response
