"""The front of the one process: which part answers a path, and the headers every answer carries.

Starlette's `Mount` matches with a regex whose `.` stops at a newline, so `/api/%0Ax` used to fall
through to the web app; here a prefix decides, whatever follows it. Every `/api` and `/idp` answer,
errors included, therefore comes from the API or the provider, in their own error shapes.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
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
# Flet's web client: its own scripts and WebAssembly (CanvasKit, served locally with no_cdn), its
# websocket back to this origin, pictures from bytes (the QR) as data:/blob: URLs.
WEB_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class Edge:
    """Routes `/idp` and `/api` by prefix (as `Mount` would, without its regex) and everything else to
    the web app; adds the security headers on the way out."""

    def __init__(self, *, api: ASGIApp, idp: ASGIApp | None, web: ASGIApp | None, web_csp: str = WEB_CSP) -> None:
        # Health data and tokens never rest in a cache; discovery and keys say otherwise themselves.
        self.parts: list[tuple[str, ASGIApp, dict[str, str]]] = [
            ("/api", api, {"content-security-policy": API_CSP, "cache-control": "no-store"}),
        ]
        if idp is not None:
            self.parts.append(("/idp", idp, {"content-security-policy": IDP_CSP, "cache-control": "no-store"}))
        self.web = web
        self.web_headers = {"content-security-policy": web_csp}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # Flet's app manager starts and stops with the web app
            if self.web is not None:
                await self.web(scope, receive, send)
            return
        root_path = scope.get("root_path", "")
        path = scope["path"][len(root_path):] if scope["path"].startswith(root_path) else scope["path"]
        for prefix, app, headers in self.parts:
            if path == prefix or path.startswith(prefix + "/"):
                child = dict(scope, root_path=root_path + prefix, app_root_path=scope.get("app_root_path", root_path))
                await app(child, receive, with_headers(send, headers, scope))
                return
        if self.web is not None:
            await self.web(scope, receive, with_headers(send, self.web_headers, scope))
        elif scope["type"] == "http":
            await not_found(send)


def with_headers(send: Send, headers: dict[str, str], scope: Scope) -> Send:
    """Adds the common and the part's headers to an HTTP answer, keeping any the part set itself."""
    if scope["type"] != "http":
        return send
    extra = {**COMMON_HEADERS, **headers}
    if scope.get("scheme") == "https":
        extra["strict-transport-security"] = "max-age=31536000; includeSubDomains"

    async def send_with_headers(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            existing = {name.lower() for name, _ in message.get("headers", [])}
            added = [(name.encode(), value.encode()) for name, value in extra.items() if name.encode() not in existing]
            message = dict(message, headers=[*message.get("headers", []), *added])
        await send(message)

    return send_with_headers


async def not_found(send: Send) -> None:
    body = json.dumps({"error": {"code": "not_found", "message": "Không có nội dung tại địa chỉ này.",
                                 "details": []}}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
