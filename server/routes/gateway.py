"""The BHYT assessment gateway, emulated: facilities send signed QĐ 130/4750 envelopes here."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api_client.models import SubmissionReceipt
from locales import negotiate, translations

from ..errors import ApiError
from ..gateway.service import render_receipt
from ..gateway.xml130 import MAX_ENVELOPE_BYTES, SubmissionRefused

router = APIRouter(tags=["gateway"])


async def read_limited(request: Request) -> bytes:
    """Stop reading past the limit: a huge body is refused without being held in memory."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_ENVELOPE_BYTES:
        return b"x" * (MAX_ENVELOPE_BYTES + 1)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_ENVELOPE_BYTES:
            return b"x" * (MAX_ENVELOPE_BYTES + 1)
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/gateway/submissions", response_model=SubmissionReceipt,
    openapi_extra={"requestBody": {"required": True, "content": {"application/xml": {
        "schema": {"type": "string", "description": "GIAMDINHHS envelope signed in CHUKYDONVI"}}}}},
)
async def submit_envelope(request: Request) -> JSONResponse:
    """Authenticated by the facility's API key (Bearer); the envelope's signature is checked against
    the facility's registered certificate. The receipt says, per MA_LK, accepted or why not."""
    scheme, _, api_key = request.headers.get("authorization", "").partition(" ")
    gateway = request.app.state.gateway
    try:
        # the key before the body: nobody unknown gets to send megabytes
        facility_code = gateway.authenticate(api_key.strip() if scheme.lower() == "bearer" else None)
        body = await read_limited(request)
        # parsing, signature and per-record checks are CPU work: keep the event loop free
        receipt = await run_in_threadpool(gateway.submit, facility_code, body)
    except SubmissionRefused as refusal:
        raise ApiError(refusal.status, refusal.code, refusal.message, **refusal.params) from None
    translate = translations(negotiate(request.headers.get("accept-language"))).gettext
    return JSONResponse(render_receipt(receipt, translate))
