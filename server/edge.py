"""The front of the one process: which part answers a path, and the headers every answer carries.

Starlette's `Mount` matches with a regex whose `.` stops at a newline, so `/api/%0Ax` used to fall
through to the web app; here a prefix decides, whatever follows it. Every `/api` and `/idp` answer,
errors included, therefore comes from the API or the provider, in their own error shapes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from functools import lru_cache
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COMMON_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(self), microphone=(), geolocation=(), payment=()",
}
# JSON and the provider's pages run no script at all.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
IDP_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
# Flet's web client (tried in Chromium with both renderers): its own scripts, the inline ones of its
# index.html by hash (`{scripts}`), WebAssembly, skwasm's workers from blob: URLs, fetches and the
# websocket to this origin only (which also blocks the Rive script it asks jsDelivr for), pictures
# through blob: URLs. Its engine adds <style> elements at run time, so inline styles stay allowed.
WEB_CSP = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{scripts}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' blob:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; manifest-src 'self'; "
    "media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Flet's web server sends these. The embedder policy makes the page cross-origin isolated, and Flutter then
# runs its skwasm engine on several threads, which freezes or traps the page once the theme is replaced
# (large text switched). Without it the engine runs on one thread. Nothing of this origin needs
# SharedArrayBuffer, and no other origin needs to read the app's files.
WEB_DROPPED = frozenset({b"cross-origin-embedder-policy", b"access-control-allow-origin"})
# Public addresses outside /api that the API answers: the papers' key set where verifiers look for it
# (RFC 8615), and the page that checks a paper. Each sets its own policy and caching.
API_ALIASES = {"/.well-known/jwks.json": "/v1/papers/jwks.json", "/verify": "/v1/papers/verify"}
_INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.S | re.I)


class Edge:
    """Routes `/idp` and `/api` by prefix (as `Mount` would, without its regex) and everything else to
    the web app; adds the security headers on the way out."""

    def __init__(self, *, api: ASGIApp, idp: ASGIApp | None, web: ASGIApp | None) -> None:
        # Health data and tokens never rest in a cache; discovery and keys say otherwise themselves.
        self.parts: list[tuple[str, ASGIApp, dict[str, str]]] = [
            ("/api", api, {"content-security-policy": API_CSP, "cache-control": "no-store"}),
        ]
        if idp is not None:
            self.parts.append(("/idp", idp, {"content-security-policy": IDP_CSP, "cache-control": "no-store"}))
        self.web = web
        self.web_headers = {"content-security-policy": WEB_CSP.format(scripts="")}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # Flet's app manager starts and stops with the web app
            if self.web is not None:
                await self.web(scope, receive, send)
            return
        root_path = scope.get("root_path", "")
        path = scope["path"][len(root_path):] if scope["path"].startswith(root_path) else scope["path"]
        if path in API_ALIASES:
            prefix, app, headers = self.parts[0]
            target = root_path + prefix + API_ALIASES[path]
            child = dict(scope, path=target, raw_path=target.encode(), root_path=root_path + prefix,
                         app_root_path=scope.get("app_root_path", root_path))
            await app(child, receive, with_headers(send, headers, scope))
            return
        for prefix, app, headers in self.parts:
            if path == prefix or path.startswith(prefix + "/"):
                child = dict(scope, root_path=root_path + prefix, app_root_path=scope.get("app_root_path", root_path))
                await app(child, receive, with_headers(send, headers, scope))
                return
        if self.web is not None:
            await self.web(unconditional_if_page(scope), receive,
                           with_headers(hashing_inline_scripts(send), self.web_headers, scope, drop=WEB_DROPPED))
        elif scope["type"] == "http":
            await not_found(send)


def with_headers(send: Send, headers: dict[str, str], scope: Scope, drop: frozenset[bytes] = frozenset()) -> Send:
    """Adds the common and the part's headers to an HTTP answer, keeping any the part set itself but those
    named in `drop`."""
    if scope["type"] != "http":
        return send
    extra = {**COMMON_HEADERS, **headers}
    if scope.get("scheme") == "https":
        extra["strict-transport-security"] = "max-age=31536000; includeSubDomains"

    async def send_with_headers(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            kept = [(name, value) for name, value in message.get("headers", []) if name.lower() not in drop]
            message = dict(message, headers=kept)
            existing = {name.lower() for name, _ in kept}
            added = [(name.encode(), value.encode()) for name, value in extra.items() if name.encode() not in existing]
            message = dict(message, headers=[*message.get("headers", []), *added])
        await send(message)

    return send_with_headers


@lru_cache(maxsize=16)
def web_policy(page: bytes) -> str:
    """The policy for one page, allowing exactly its inline scripts. Flet writes its configuration
    (mount path, renderer, no_cdn) into index.html when first served, so the hashes come from the
    bytes served, not from the packaged file."""
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(page)
    )
    return WEB_CSP.format(scripts=hashes)


def unconditional_if_page(scope: Scope) -> Scope:
    """A page load is always answered whole: a 304 would make the browser keep its cached page under
    this answer's headers, whose policy was computed without a body to hash. Assets stay cacheable."""
    if scope["type"] != "http":
        return scope
    headers = scope.get("headers", [])
    accepts_html = any(name == b"accept" and b"text/html" in value for name, value in headers)
    if not accepts_html:
        return scope
    conditional = {b"if-none-match", b"if-modified-since"}
    return dict(scope, headers=[(name, value) for name, value in headers if name not in conditional])


def hashing_inline_scripts(send: Send) -> Send:
    """Holds an HTML answer until its body is complete, then sends it with its own policy."""
    start: MutableMapping[str, Any] | None = None
    chunks: list[bytes] = []

    async def send_html(message: MutableMapping[str, Any]) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            content_type = dict(message.get("headers", [])).get(b"content-type", b"")
            if content_type.startswith(b"text/html"):
                start = message
                return
        elif start is not None and message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = [(name, value) for name, value in start.get("headers", [])
                       if name.lower() != b"content-security-policy"]
            headers.append((b"content-security-policy", web_policy(body).encode()))
            await send(dict(start, headers=headers))
            message = {"type": "http.response.body", "body": body}
        await send(message)

    return send_html


async def not_found(send: Send) -> None:
    body = json.dumps({"error": {"code": "not_found", "message": "Không có nội dung tại địa chỉ này.",
                                 "details": []}}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
