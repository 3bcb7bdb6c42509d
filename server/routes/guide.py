"""The citizens' printable guide: public, so a volunteer or a health station can print it for anyone."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from locales import DEFAULT_LANGUAGE, LANGUAGES

from ..printing import guide_pdf

router = APIRouter(tags=["guide"])

GUIDE_FILENAME = "huong-dan-so-suc-khoe-dien-tu.pdf"


@router.get("/guide.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}, "description": "The guide, A4, ready to print"}})
async def get_guide(lang: Annotated[str, Query()] = DEFAULT_LANGUAGE) -> Response:
    """How to open and use the health book, step by step, in large type (`lang` vi or en; anything else: vi).
    No sign-in: it holds nobody's data."""
    language = lang.lower() if lang.lower() in LANGUAGES else DEFAULT_LANGUAGE
    pdf = await run_in_threadpool(guide_pdf, language)  # built once per language; the first time takes a moment
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{GUIDE_FILENAME}"',
        "Cache-Control": "public, max-age=86400",
        "Content-Language": language,
    })
