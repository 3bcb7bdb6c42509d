"""Papers with their proof: a visit's discharge paper, referral and re-examination appointment and the
vaccination record as signed PDFs, for the citizen and a guardian; the public key set; the public page
that checks a paper. A guardian's download is a read of the dependent's book like any other (the same
dependencies as the book's routes, so it is logged, or not, exactly as a book read is)."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api_client.identifiers import N_
from api_client.models import VIETNAM_TZ, Vaccination, Visit
from locales import translations

from ..deps import OwnPersonId, ReadablePersonId, StoreDep
from ..errors import ApiError, not_found
from ..papers import verify
from ..papers.issuing import VISIT_PAPERS, Patient, signed_pdf, vaccination_layout, verify_url, visit_layout
from ..papers.page import BUSY, CSP, NOTHING_GIVEN, TOO_LARGE, TOO_MANY_CHECKS, UNREADABLE_FORM, verify_page
from ..papers.verification import MAX_INPUT, Verdict
from ..papers.wording import describe, language_of
from ..storage.protocols import BookRepository

router = APIRouter(tags=["papers"])

FILENAMES = {"discharge": "giay-ra-vien", "referral": "giay-chuyen-tuyen", "re-exam": "giay-hen-kham-lai",
             "vaccinations": "phieu-tiem-chung"}
NO_PAPER = {
    "discharge": N_("This visit has no discharge paper."),
    "referral": N_("This visit has no referral paper."),
    "re-exam": N_("This visit has no re-examination appointment."),
}
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The paper, A4, with its signed QR code"}}


def _pdf(pdf: bytes, kind: str) -> Response:
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{FILENAMES[kind]}.pdf"'})


def _patient(store: BookRepository, person_id: str) -> Patient:
    person = store.person(person_id)
    if person is None:
        raise not_found("book")
    return Patient.from_person(person)


def _visit_paper(request: Request, store: BookRepository, person_id: str, visit_id: str, kind: str) -> Response:
    if kind not in VISIT_PAPERS:
        raise not_found()
    data = store.visit(person_id, visit_id)
    if data is None:
        raise not_found("visit")
    visit = Visit.model_validate(data)
    if getattr(visit, VISIT_PAPERS[kind]) is None:
        raise ApiError(404, "paper_not_found", NO_PAPER[kind])
    state = request.app.state
    layout, statement = visit_layout(visit, _patient(store, person_id), kind, verify_url(state.paper_issuer))
    pdf = signed_pdf(layout, statement, issuer=state.paper_issuer, key=state.paper_keys.signing,
                     issued_at=state.settings.clock())
    return _pdf(pdf, kind)


def _vaccination_record(request: Request, store: BookRepository, person_id: str) -> Response:
    book = store.book(person_id)
    if book is None:
        raise not_found("book")
    state = request.app.state
    now = state.settings.clock()
    vaccinations = [Vaccination.model_validate(entry) for entry in book["vaccinations"]]
    layout, statement = vaccination_layout(Patient.from_person(book["person"]), vaccinations,
                                           datetime.fromtimestamp(now, VIETNAM_TZ).date(),
                                           verify_url(state.paper_issuer))
    pdf = signed_pdf(layout, statement, issuer=state.paper_issuer, key=state.paper_keys.signing, issued_at=now)
    return _pdf(pdf, "vaccinations")


@router.get("/me/visits/{visit_id}/papers/{kind}.pdf", response_class=Response, responses=PDF_RESPONSE)
def own_visit_paper(visit_id: str, kind: str, person_id: OwnPersonId, store: StoreDep, request: Request) -> Response:
    """`kind`: discharge, referral or re-exam; 404 when the visit has no such paper."""
    return _visit_paper(request, store, person_id, visit_id, kind)


@router.get("/people/{person_id}/visits/{visit_id}/papers/{kind}.pdf", response_class=Response,
            responses=PDF_RESPONSE)
def visit_paper(visit_id: str, kind: str, person_id: ReadablePersonId, store: StoreDep, request: Request) -> Response:
    return _visit_paper(request, store, person_id, visit_id, kind)


@router.get("/me/vaccinations.pdf", response_class=Response, responses=PDF_RESPONSE)
def own_vaccination_record(person_id: OwnPersonId, store: StoreDep, request: Request) -> Response:
    return _vaccination_record(request, store, person_id)


@router.get("/people/{person_id}/vaccinations.pdf", response_class=Response, responses=PDF_RESPONSE)
def vaccination_record(person_id: ReadablePersonId, store: StoreDep, request: Request) -> Response:
    return _vaccination_record(request, store, person_id)


# ---------------------------------------------------------------- public: the keys and the checking page

WAIT_FOR_A_TURN = 10.0  # seconds a check waits for one of the process's turns before the page says "busy"


@router.get("/papers/jwks.json")
async def papers_jwks(request: Request) -> JSONResponse:
    """The public keys papers are signed with, retired ones included (also at /.well-known/jwks.json)."""
    return JSONResponse(request.app.state.paper_keys.public.as_jwks(),
                        headers={"Cache-Control": "public, max-age=3600"})


def _html(page: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(page, status, headers={"Content-Security-Policy": CSP, **(headers or {})})


@router.get("/papers/verify", response_class=HTMLResponse)
async def verify_form(lang: str | None = None) -> HTMLResponse:
    """The page where anyone pastes a paper's QR text or uploads its PDF (also at /verify)."""
    return _html(verify_page(language_of(lang)))


async def _checked_in_turn(state: Any, paper: bytes | str) -> Verdict | None:
    """The verdict, or None when the process is already checking as many papers as it may for too long.
    The wait is on the event loop, so waiting checks hold none of the threads the book's requests need."""
    deadline = time.monotonic() + WAIT_FOR_A_TURN
    while not state.paper_checks_at_once.acquire(blocking=False):
        if time.monotonic() >= deadline:
            return None
        await asyncio.sleep(0.05)
    try:
        return await run_in_threadpool(verify, paper, state.paper_keys.public, issuer=state.paper_issuer)
    finally:
        state.paper_checks_at_once.release()


@router.post("/papers/verify", response_class=HTMLResponse)
async def verify_submitted(request: Request, lang: str | None = None) -> HTMLResponse:
    language = language_of(lang)
    _ = translations(language).gettext
    address = request.client.host if request.client else "-"
    wait, _at = await run_in_threadpool(request.app.state.paper_check_throttle.reserve, [f"address:{address}"])
    if wait:  # before reading what was sent: a flood costs the server the least
        return _html(verify_page(language, problem=_(TOO_MANY_CHECKS).format(seconds=wait)), 429,
                     {"Retry-After": str(wait)})
    try:
        form = await request.form(max_files=1, max_fields=4, max_part_size=MAX_INPUT)
    except Exception:  # noqa: BLE001 - a body that is not a form: say so, in the page's words
        return _html(verify_page(language, problem=_(UNREADABLE_FORM)))  # a page, as for a person
    try:
        pasted = form.get("qr")
        upload = form.get("file")
        paper: bytes | str | None = None
        if isinstance(upload, UploadFile) and upload.filename:
            content = await upload.read(MAX_INPUT + 1)
            if len(content) > MAX_INPUT:
                return _html(verify_page(language, problem=_(TOO_LARGE)), 413)
            paper = content or None
        pasted_text = pasted.strip() if isinstance(pasted, str) else ""
        if paper is None and pasted_text:
            paper = pasted_text
        if paper is None:
            return _html(verify_page(language, problem=_(NOTHING_GIVEN)))  # the form again, with a hint
        verdict = await _checked_in_turn(request.app.state, paper)
        if verdict is None:
            return _html(verify_page(language, problem=_(BUSY), pasted=pasted_text[:4096]), 503, {"Retry-After": "10"})
        return _html(verify_page(language, wording=describe(verdict, language), pasted=pasted_text[:4096]))
    finally:
        await form.close()
