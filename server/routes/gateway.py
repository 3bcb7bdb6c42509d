"""The BHYT assessment gateway, emulated: facilities send signed QĐ 130/4750 envelopes here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api_client.identifiers import N_
from api_client.models import (
    PractitionerList,
    SubmissionDetail,
    SubmissionPage,
    SubmissionReceipt,
    UnidentifiedVisit,
)
from locales import negotiate, translations

from ..errors import ApiError, not_found
from ..gateway.service import render_receipt
from ..gateway.xml130 import MAX_ENVELOPE_BYTES, SubmissionRefused

router = APIRouter(tags=["gateway"])


PRACTITIONER_LIST_BYTES = 1024 * 1024


async def read_limited(request: Request, limit: int = MAX_ENVELOPE_BYTES) -> bytes:
    """Stop reading past the limit: a huge body is refused without being held in memory."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return b"x" * (limit + 1)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return b"x" * (limit + 1)
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/gateway/submissions", response_model=SubmissionReceipt,
    openapi_extra={"requestBody": {"required": True, "content": {"application/xml": {
        "schema": {"type": "string", "description": "GIAMDINHHS envelope signed in CHUKYDONVI"}}}}},
)
async def submit_envelope(request: Request, facility_code: FacilityCode) -> JSONResponse:
    """Authenticated by the facility's API key (Bearer); the envelope's signature is checked against
    the facility's registered certificate. The receipt says, per MA_LK, accepted or why not.
    The key is checked before the body is read: nobody unknown gets to send megabytes."""
    gateway = request.app.state.gateway
    try:
        body = await read_limited(request)
        # parsing, signature and per-record checks are CPU work: keep the event loop free
        receipt = await run_in_threadpool(gateway.submit, facility_code, body)
    except SubmissionRefused as refusal:
        raise ApiError(refusal.status, refusal.code, refusal.message, **refusal.params) from None
    translate = translations(negotiate(request.headers.get("accept-language"))).gettext
    return JSONResponse(render_receipt(receipt, translate))


def facility_of(request: Request) -> str:
    """The facility whose API key this is (Authorization: Bearer <key>); a dependency, so the lookup
    runs in the thread pool, before any body is read."""
    scheme, _, api_key = request.headers.get("authorization", "").partition(" ")
    try:
        return request.app.state.gateway.authenticate(api_key.strip() if scheme.lower() == "bearer" else None)
    except SubmissionRefused as refusal:
        raise ApiError(refusal.status, refusal.code, refusal.message, **refusal.params) from None


FacilityCode = Annotated[str, Depends(facility_of)]


def described(submission: dict, translate) -> dict:
    """What the facility may read of one envelope: counts and the receipt, or why it was refused."""
    outcome, status = submission.pop("outcome"), submission["status"]
    if status == "processed" and outcome:
        receipt = render_receipt(outcome, translate)
        return {**submission, "accepted": receipt["accepted"], "rejected": receipt["rejected"], "receipt": receipt}
    if outcome and outcome.get("message"):
        message = translate(outcome["message"]).format(**outcome.get("params", {}))
        return {**submission, "refusal": {"code": outcome["code"], "message": message}}
    return submission


@router.get("/gateway/submissions", response_model=SubmissionPage)
def list_submissions(
    request: Request, facility_code: FacilityCode, limit: Annotated[int, Query(ge=1, le=100)] = 20, offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JSONResponse:
    """The key's facility's envelopes, newest first: when, whether processed or refused, how many records."""
    rows, total = request.app.state.submissions.of_facility(facility_code, limit, offset)
    translate = translations(negotiate(request.headers.get("accept-language"))).gettext
    items = [{k: v for k, v in described(row, translate).items() if k not in ("receipt", "refusal")} for row in rows]
    return JSONResponse({"items": items, "limit": limit, "offset": offset, "total": total})


@router.get("/gateway/submissions/{submission_id}", response_model=SubmissionDetail)
def read_submission(submission_id: Annotated[str, Path(max_length=64)], request: Request,
                    facility_code: FacilityCode) -> JSONResponse:
    """One envelope's receipt again: status per MA_LK, errors and warnings; or why it was refused."""
    found = request.app.state.submissions.one_of_facility(facility_code, submission_id)
    if found is None:
        raise not_found()
    translate = translations(negotiate(request.headers.get("accept-language"))).gettext
    return JSONResponse(described(found, translate))


@router.get("/gateway/unidentified", response_model=list[UnidentifiedVisit])
def unidentified_visits(request: Request, facility_code: FacilityCode) -> JSONResponse:
    """The key's facility's visits still waiting for the person's ID number (newest first)."""
    return JSONResponse(request.app.state.submissions.unidentified_of(facility_code))


@router.put("/gateway/practitioners", openapi_extra={"requestBody": {"required": True, "content": {
    "application/json": {"schema": PractitionerList.model_json_schema(ref_template="#/components/schemas/{model}")}}}})
async def replace_practitioners(request: Request, facility_code: FacilityCode) -> dict[str, int]:
    """The facility's practitioner list (practising-certificate number, name, title), replacing the one
    before, so the book shows "BS. Trần Thị Bình" where a record says MA_BAC_SI. Key before body."""
    body = await read_limited(request, PRACTITIONER_LIST_BYTES)
    if len(body) > PRACTITIONER_LIST_BYTES:
        raise ApiError(413, "body_too_large", N_("The request is too large (at most {kilobytes} KB)."),
                       kilobytes=PRACTITIONER_LIST_BYTES // 1024)
    try:
        listed = PractitionerList.model_validate_json(body)
    except ValidationError as error:
        raise RequestValidationError(error.errors(include_url=False)) from None
    saved = await run_in_threadpool(request.app.state.store.save_practitioners, facility_code, listed.practitioners)
    return {"saved": saved}


@router.get("/gateway/practitioners", response_model=PractitionerList)
def list_practitioners(request: Request, facility_code: FacilityCode) -> dict:
    return {"practitioners": request.app.state.store.practitioners(facility_code)}
