"""Thẻ thông tin cấp cứu: the printable emergency card of the citizen's own book, or of a dependent's for
their guardian. Made on request from the book as it is now, never stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from api_client.models import HealthBook
from locales import negotiate

from ..deps import OwnPersonId, ReadablePersonId, StoreDep
from ..emergency_card import emergency_card_pdf
from ..errors import not_found
from ..storage.protocols import BookRepository

router = APIRouter(tags=["emergency card"])

CardSize = Annotated[Literal["id1", "a6"], Query(description="id1: two faces of ID card size; a6: one A6 sheet")]
PDF_ANSWER: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "The card, ready to print"}}


def _card(request: Request, store: BookRepository, person_id: str, size: str) -> Response:
    book = store.book(person_id)
    if book is None:
        raise not_found("book")
    now = datetime.fromtimestamp(request.app.state.settings.clock(), UTC)
    pdf = emergency_card_pdf(HealthBook.model_validate(book), now, size=size,
                             language=negotiate(request.headers.get("accept-language")))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="the-cap-cuu-{size}.pdf"', "Cache-Control": "no-store"})


@router.get("/me/emergency-card.pdf", response_class=Response, responses=PDF_ANSWER)
def own_emergency_card(request: Request, person_id: OwnPersonId, store: StoreDep, size: CardSize = "id1") -> Response:
    """Allergies, blood group, long-term illnesses, current medicines and whom to call; no ID numbers."""
    return _card(request, store, person_id, size)


@router.get("/people/{person_id}/emergency-card.pdf", response_class=Response, responses=PDF_ANSWER)
def emergency_card(request: Request, person_id: ReadablePersonId, store: StoreDep,
                   size: CardSize = "id1") -> Response:
    """A dependent's card, for their guardian (or the caller's own)."""
    return _card(request, store, person_id, size)
