"""The whole book as an HL7 FHIR International Patient Summary, to take to a health facility that reads FHIR.

The same people read it as the book itself (its owner, a guardian for a dependent), through the same
dependencies, so a read in a session a volunteer helps with is logged the same way."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response

from api_client.models import VIETNAM_TZ, HealthBook

from ..deps import OwnPersonId, ReadablePersonId, StoreDep
from ..errors import not_found
from ..fhir import ips_bundle
from ..storage.protocols import BookRepository

router = APIRouter(tags=["book"])

FHIR_JSON = "application/fhir+json"
EXPORT: dict[int | str, dict[str, Any]] = {
    200: {"content": {FHIR_JSON: {}}, "description": "An R4 Bundle of type document (IPS), as a file"}}


def _export(request: Request, store: BookRepository, person_id: str) -> Response:
    data = store.book(person_id)
    if data is None:
        raise not_found("book")
    now = datetime.fromtimestamp(request.app.state.settings.clock(), VIETNAM_TZ)
    bundle = ips_bundle(HealthBook.model_validate(data), now=now, base_url=request.app.state.paper_issuer)
    return Response(json.dumps(bundle, ensure_ascii=False, allow_nan=False), media_type=FHIR_JSON, headers={
        "Content-Disposition": f'attachment; filename="so-suc-khoe-{now.date().isoformat()}.json"',
        "Cache-Control": "no-store",
    })


@router.get("/me/book/fhir", response_class=Response, responses=EXPORT)
def export_own_book(person_id: OwnPersonId, store: StoreDep, request: Request) -> Response:
    """The caller's own book as an International Patient Summary (HL7 FHIR R4), Vietnamese and English."""
    return _export(request, store, person_id)


@router.get("/people/{person_id}/book/fhir", response_class=Response, responses=EXPORT)
def export_book(person_id: ReadablePersonId, store: StoreDep, request: Request) -> Response:
    """A dependent's book (or the caller's own) as an International Patient Summary."""
    return _export(request, store, person_id)
