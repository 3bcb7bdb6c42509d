"""One error envelope for the whole API: {"error": {"code", "message", "details"}}.

Messages are gettext msgids in English, translated for the caller's Accept-Language
(Vietnamese unless English is asked for). Nothing a client sends may end in a bare 500.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, TypedDict

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import Scope

from api_client.identifiers import N_
from locales import negotiate, translations

from .storage.db import UnstorableText

log = logging.getLogger("server")


class Detail(TypedDict):
    field: str | None  # "diagnoses.0.icd10"; None: the request as a whole
    message: str  # a msgid: translated when the envelope is written


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, details: list[Detail] | None = None,
        headers: dict[str, str] | None = None, **params: Any,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.params = params
        self.details = details or []
        self.headers = headers


def not_authenticated() -> ApiError:
    return ApiError(
        401, "not_authenticated", N_("Sign in with VNeID to continue."),
        headers={"WWW-Authenticate": "Bearer"},
    )


def invalid_token(expired: bool = False) -> ApiError:
    if expired:
        message = N_("Your session has expired. Please sign in again.")
    else:
        message = N_("Your sign-in is not valid. Please sign in again.")
    return ApiError(
        401, "token_expired" if expired else "invalid_token", message,
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def identity_provider_unavailable() -> ApiError:
    return ApiError(
        503, "identity_provider_unavailable",
        N_("The VNeID sign-in service cannot be reached right now. Please try again in a few minutes."),
        headers={"Retry-After": "30"},
    )


def identity_level_insufficient() -> ApiError:
    return ApiError(
        403, "identity_level_insufficient",
        N_(
            "The health book needs a level 2 electronic identity account. Your VNeID account is level 1. "
            "Bring your chip ID card to the police of your commune or ward to upgrade to level 2, "
            "then sign in again."
        ),
    )


def not_found(what: str = "resource") -> ApiError:
    messages = {
        "book": N_("No health book was found here. Check that you chose the right person."),
        "own_book": N_(
            "You do not have a health book yet. It is created after your first visit to a health "
            "facility that sends its data."
        ),
        "visit": N_("This visit was not found in the health book."),
        "resource": N_("There is nothing at this address. Check the address and try again."),
    }
    return ApiError(404, f"{what}_not_found" if what != "resource" else "not_found", messages[what])


def not_clinic_staff() -> ApiError:
    return ApiError(
        403, "not_clinic_staff",
        N_("Only reception and medical staff of a health facility can check patients in. "
           "Ask your facility to register your account."),
    )


def not_medical_staff() -> ApiError:
    return ApiError(
        403, "not_medical_staff",
        N_("Only medical staff can record a visit. Ask the doctor who examined the patient to record it."),
    )


def patient_not_checked_in() -> ApiError:
    """Also the answer for a personal ID with no book: staff learn nothing about people not in front of them."""
    return ApiError(
        404, "patient_not_checked_in",
        N_("This patient has not been checked in at your facility today. Scan the patient's QR code at "
           "reception first, then record the visit."),
    )


def code_refused(reason: str) -> ApiError:
    status, message = {
        "code_already_used": (409, N_("This code was already used. Ask the patient to show a new code.")),
        "code_expired": (410, N_("This code has expired. Ask the patient to open the QR screen again for a new one.")),
        "code_not_found": (404, N_("This code is not valid. Check that the whole code was scanned, or ask for a new one.")),
    }[reason]
    return ApiError(status, reason, message)


def too_many_attempts(retry_after: int, *, looking_up: bool = False) -> ApiError:
    """One limit for refused codes and failed look-ups by card or number; said in the words of the desk's task."""
    if looking_up:
        message = N_("Too many look-ups failed in the last minute. Wait {seconds} seconds, then try again.")
    else:
        message = N_("Too many codes were refused in the last minute. Wait {seconds} seconds, then try again.")
    return ApiError(429, "too_many_attempts", message, headers={"Retry-After": str(retry_after)}, seconds=retry_after)


def check_in_not_found() -> ApiError:
    return ApiError(404, "check_in_not_found", N_("This check-in was not found at your facility."))


def identify_query_unreadable() -> ApiError:
    return ApiError(
        422, "identify_query_unreadable",
        N_("This cannot be looked up. Scan the QR code on the chip ID card, or type the 12-digit personal ID "
           "number or the 15-character health insurance card code."),
    )


def patient_not_found() -> ApiError:
    return ApiError(
        404, "patient_not_found",
        N_("No health book was found for this ID card or number. Check the number, or ask the patient for the "
           "QR code of their health book."),
    )


_CARD_MISMATCH = {
    ("full_name",): N_("The name on the ID card is not the name in the health book. Check that the card belongs "
                       "to the patient in front of you."),
    ("birth_date",): N_("The birth date on the ID card is not the birth date in the health book. Check that the "
                        "card belongs to the patient in front of you."),
    ("full_name", "birth_date"): N_("The name and the birth date on the ID card are not those in the health book. "
                                    "Check that the card belongs to the patient in front of you."),
}
_CARD_FIELD_DIFFERS = {
    "full_name": N_("The name differs from the health book."),
    "birth_date": N_("The birth date differs from the health book."),
}


def card_mismatch(fields: tuple[str, ...]) -> ApiError:
    """`fields`: "full_name", "birth_date" or both, in that order; each is named in `details` too."""
    return ApiError(409, "card_mismatch", _CARD_MISMATCH[fields],
                    details=[{"field": field, "message": _CARD_FIELD_DIFFERS[field]} for field in fields])


def already_admitted_today(queue_number: int) -> ApiError:
    return ApiError(
        409, "already_admitted_today",
        N_("This patient is already in today's queue with number {number}. Give a second number only if they "
           "need another examination."),
        number=queue_number,
    )


def not_admitted() -> ApiError:
    return ApiError(409, "not_admitted", N_("This patient is not in the queue yet. Admit the patient first."))


def not_volunteer() -> ApiError:
    return ApiError(
        403, "not_volunteer",
        N_("Only volunteers of a community digital-technology team can use the help desk. Ask your ward's "
           "committee to register your account."),
    )


def resident_not_found() -> ApiError:
    return ApiError(
        404, "resident_not_found",
        N_("This person is neither in the population register nor in the health book. Check the number on "
           "the chip ID card, or ask the ward's committee to add them to the register."),
    )


def assisted_session_not_allowed() -> ApiError:
    return ApiError(
        403, "assisted_session_not_allowed",
        N_("This cannot be done in an assisted session. The citizen can do it later on their own phone."),
    )


def birth_year_unknown() -> ApiError:
    return ApiError(422, "birth_year_unknown",
                    N_("The health book has no birth year for this person, so the counter could not ask for it. "
                       "Choose a 4-digit PIN for the card instead."),
                    details=[{"field": "pin", "message": N_("Enter 4 digits.")}])


def card_refused(reason: str) -> ApiError:
    status, message = {
        "card_not_found": (404, N_("This check-in card is not valid. Check that the whole code was scanned, or "
                                   "identify the patient with the chip ID card.")),
        "card_revoked": (410, N_("This check-in card was reported lost and no longer works. Identify the patient "
                                 "with the chip ID card; they can print a new card.")),
        "second_factor_wrong": (403, N_("That is not the answer this card was issued with. Ask the patient again, "
                                        "or identify them with the chip ID card.")),
        "card_suspended": (403, N_("This check-in card was locked after too many wrong answers. Identify the "
                                   "patient with the chip ID card; they can print a new card.")),
    }[reason]
    return ApiError(status, reason, message)


def no_qr_code_found() -> ApiError:
    return ApiError(
        422, "no_qr_code_found",
        N_("No QR code was found in the picture. Hold the code steady, fully inside the frame."),
    )


def not_official() -> ApiError:
    return ApiError(
        403, "not_official",
        N_("Only health officials of a province, district or commune can read the pilot report. Ask your health "
           "department to register your account."),
    )


def area_not_allowed() -> ApiError:
    return ApiError(
        403, "area_not_allowed",
        N_("You can read the reports of your own area and of the areas inside it only. Choose one of them."),
    )


def area_not_found() -> ApiError:
    return ApiError(
        404, "area_not_found",
        N_("No area has this code in the national list. Check the code: 2 digits for a province, 3 for a "
           "district, 5 for a commune."),
    )


def period_invalid(message: str) -> ApiError:
    """`message`: the msgid saying what to write (server.reports.periods); the field is named too."""
    return ApiError(422, "period_invalid", message, details=[{"field": "period", "message": message}])


def export_unavailable() -> ApiError:
    return ApiError(
        501, "export_unavailable",
        N_("This export format is not available yet. Download the report as JSON, or try again after the next "
           "update."),
    )


# Pydantic's own error types, said the way a person filling a form understands them.
_VALIDATION_MESSAGES = {
    "missing": N_("This field is required."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "greater_than_equal": N_("The value is too small."),
    "greater_than": N_("The value is too small."),
    "less_than_equal": N_("The value is too large."),
    "less_than": N_("The value is too large."),
    "string_too_short": N_("This field cannot be empty."),
    "string_too_long": N_("This text is too long."),
    "enum": N_("Choose one of the allowed values."),
    "literal_error": N_("Choose one of the allowed values."),
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD."),
    "json_invalid": N_("The request body is not valid JSON."),
    "extra_forbidden": N_("This field is not accepted here."),
    "model_attributes_type": N_("The request body must be a JSON object."),
    "dict_type": N_("The request body must be a JSON object."),
}
_DEFAULT_VALIDATION_MESSAGE = N_("This value is not valid.")
_CUSTOM_TYPES_PREFIXES = ("text_nul", "personal_id", "bhyt", "facility", "icd10", "phone", "card", "date_in", "diagnosis", "visit")


def validation_details(errors: Iterable[dict[str, Any]]) -> list[Detail]:
    details: list[Detail] = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "header")]
        error_type = error.get("type", "")
        if error_type.startswith(_CUSTOM_TYPES_PREFIXES):
            message = error.get("msg", _DEFAULT_VALIDATION_MESSAGE)  # our own msgid (identifiers.py)
        else:
            message = _VALIDATION_MESSAGES.get(error_type, _DEFAULT_VALIDATION_MESSAGE)
        details.append({"field": ".".join(location) or None, "message": message})
    return details


MAX_DETAILS = 20  # enough to correct a form; a flood of errors must not become a flood of bytes


def envelope_response(request: Request, error: ApiError) -> JSONResponse:
    translate = translations(negotiate(request.headers.get("accept-language"))).gettext
    details: list[Detail] = [{"field": d["field"], "message": translate(d["message"])}
                             for d in error.details[:MAX_DETAILS]]
    if len(error.details) > MAX_DETAILS:
        more = len(error.details) - MAX_DETAILS
        details.append({"field": None, "message": translate(N_("… and {count} more.")).format(count=more)})
    body = {"error": {"code": error.code, "message": translate(error.message).format(**error.params),
                      "details": details}}
    return JSONResponse(body, error.status, headers=error.headers)


def methods_at(scope: Scope) -> set[str]:
    """Every method of every route at this path: Starlette's 405 names only the first route's, and
    FastAPI makes one route per method."""
    methods: set[str] = set()
    for route in iter_route_contexts(scope["app"].router.routes):
        if route.matches(scope)[0] is not Match.NONE:
            methods |= route.methods or set()
    return methods


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return envelope_response(request, error)

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return envelope_response(
            request,
            ApiError(
                422, "validation_failed",
                N_("Some of the data sent is not valid. Correct the fields listed and try again."),
                details=validation_details(error.errors()),
            ),
        )

    @app.exception_handler(UnstorableText)
    async def unstorable_text(request: Request, error: UnstorableText) -> JSONResponse:
        return envelope_response(request, ApiError(
            422, "invalid_text", N_("The text sent contains a NUL character (\\u0000), which no field accepts. "
                                    "Remove it and send again.")))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 404:
            return envelope_response(request, not_found())
        if error.status_code == 405:
            return envelope_response(request, ApiError(
                405, "method_not_allowed", N_("This address does not accept that kind of request."),
                headers={"Allow": ", ".join(sorted(methods_at(request.scope)))},
            ))
        return envelope_response(request, ApiError(error.status_code, "http_error", N_("The request could not be handled.")))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        route = request.scope.get("route")  # its template: a path may hold a personal ID
        log.exception("unhandled error on %s %s", request.method, getattr(route, "path", "?"))
        return envelope_response(
            request,
            ApiError(500, "internal_error", N_("Something went wrong on our side. Please try again in a few minutes.")),
        )
