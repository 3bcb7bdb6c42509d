"""Before any route reads a body: who is sending it, and how much of it there may be.

FastAPI parses a JSON body before it runs the route's dependencies, so without this an anonymous
caller could make the server parse and answer megabytes of nonsense. Here a request with a body
must first show a valid token (the gateway shows its facility key inside its route), then the body
is read up to its path's limit and handed on whole.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.requests import Request
from starlette.routing import get_route_path

from api_client.identifiers import N_

from .deps import get_caller
from .edge import ASGIApp, Receive, Scope, Send
from .errors import ApiError, envelope_response, methods_at

JSON_BODY_LIMIT = 64 * 1024
# Paths with a body of their own kind: (limit, whether a bearer token authenticates it).
OWN_LIMITS = {
    "/v1/clinic/qr-decode": (3 * 1024 * 1024, True),  # a camera picture
    "/v1/gateway/submissions": (None, False),  # facility key and streaming limit in the route
    "/v1/gateway/practitioners": (None, False),  # likewise
    "/v1/reports/pilot/assessment": (1024 * 1024, True),  # three sections of up to 20 000 characters
    "/v1/papers/verify": (5 * 1024 * 1024 + 64 * 1024, False),  # anyone's paper PDF, with the form around it
    "/v1/admin/facilities/import": (4_100_000, True),  # a province's list of facilities, base64 in JSON
}
METHODS_WITH_BODY = {"POST", "PUT", "PATCH", "DELETE"}


def body_too_large(limit: int) -> ApiError:
    return ApiError(413, "body_too_large", N_("The request is too large (at most {kilobytes} KB)."),
                    kilobytes=limit // 1024)


class RequestLimits:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope) if scope["type"] == "http" else None
        if request is None or scope["method"] not in METHODS_WITH_BODY or not has_body(request):
            await self.app(scope, receive, send)
            return
        limit, needs_token = OWN_LIMITS.get(get_route_path(scope), (JSON_BODY_LIMIT, True))
        try:
            if needs_token:
                await get_caller(request)  # the verifier caches it: the route's own check is free
            if limit is not None:
                receive = await buffered(receive, request, limit)
        except ApiError as error:
            if error.status == 401 and scope["method"] not in methods_at(scope):
                await self.app(scope, receive, send)  # no such operation: the router's 404 or 405, body unread
            else:
                await envelope_response(request, error)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return "transfer-encoding" in request.headers or (length is not None and length != "0")


async def buffered(receive: Receive, request: Request, limit: int) -> Receive:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise body_too_large(limit)
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":  # the client went away: let the route see it
            return _replay(b"".join(chunks), receive, disconnected=message)
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            raise body_too_large(limit)
        more = message.get("more_body", False)
    return _replay(b"".join(chunks), receive)


def _replay(body: bytes, receive: Receive, disconnected: MutableMapping[str, Any] | None = None) -> Receive:
    sent = False

    async def replay() -> MutableMapping[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return disconnected or await receive()

    return replay
