"""Errors of the health book API, as the client sees them.

    ApiError                       the server answered with the error envelope
    ├── NotAuthenticated           401: sign in (again)
    ├── IdentityLevelInsufficient  403 identity_level_insufficient: upgrade VNeID to level 2
    ├── Forbidden                  403: this account may not do that
    ├── NotFound                   404
    ├── ValidationFailed           422: `details` name the fields
    └── ServerError                5xx
    Offline                        the server could not be reached at all

`message` is already in the language the client asked for (Accept-Language).
"""

from __future__ import annotations

import httpx


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: list[dict] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []


class NotAuthenticated(ApiError):
    pass


class IdentityLevelInsufficient(ApiError):
    pass


class Forbidden(ApiError):
    pass


class NotFound(ApiError):
    pass


class ValidationFailed(ApiError):
    pass


class ServerError(ApiError):
    pass


class Offline(Exception):
    """No answer from the server (no network, server down, timeout)."""


def raise_for_api_error(response: httpx.Response) -> None:
    if response.is_success:
        return
    try:
        error = response.json()["error"]
        code, message, details = error["code"], error["message"], error.get("details", [])
    except (ValueError, KeyError, TypeError):
        code, message, details = "unexpected_response", response.text[:200], []
    status = response.status_code
    cls: type[ApiError]
    if status == 401:
        cls = NotAuthenticated
    elif status == 403:
        cls = IdentityLevelInsufficient if code == "identity_level_insufficient" else Forbidden
    elif status == 404:
        cls = NotFound
    elif status == 422:
        cls = ValidationFailed
    elif status >= 500:
        cls = ServerError
    else:
        cls = ApiError
    raise cls(status, code, message, details)
