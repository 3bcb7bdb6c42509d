"""The health book API as its own ASGI app (mounted at /api by main.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from fastapi import APIRouter, FastAPI

from api_client.models import ErrorEnvelope

from .admin.service import Administration
from .errors import install_error_handlers
from .gateway.service import Gateway
from .papers import load_or_create as load_paper_keys
from .request_limits import RequestLimits
from .routes import admin as admin_routes
from .routes import book, cards, check_in, gateway, guide, papers, record_visit, reports, volunteer
from .routes import corrections as correction_routes
from .routes import emergency as emergency_routes
from .routes import fhir as fhir_routes
from .security import IntrospectionClient, TokenVerifier
from .storage import BookStore, CheckInStore, SubmissionStore, open_database
from .storage.activation import ActivationStore
from .storage.cards import CheckInCardStore
from .storage.corrections import CorrectionStore
from .storage.population import PopulationStore
from .storage.reports import ReportStore
from .throttle import FailureThrottle

PAPER_CHECKS_AT_ONCE = 4  # per process: the rest of the thread pool stays free for the book


@dataclass
class ApiSettings:
    db_path: Path  # the SQLite file, unless `database_url` names a PostgreSQL database
    idp_issuer: str
    database_url: str | None = None
    audience: str = "sskdt-api"
    # How to reach the provider; main.py passes an in-process transport when it hosts the mock.
    idp_http: Callable[[], httpx.AsyncClient] = field(default=lambda: httpx.AsyncClient(timeout=10))
    clock: Callable[[], float] = time.time
    check_in_code_ttl_seconds: int = 5 * 60
    facility_keys_dir: Path | None = None  # stations' signing keys, for visits recorded in the app
    failed_redemptions_per_minute: int = 20
    wrong_card_answers_per_quarter_hour: int = 5  # a card's 4-digit PIN: 5 guesses, then wait
    volunteer_lookups_per_day: int = 200
    paper_checks_per_minute: int = 30  # the public /verify page, per client address: a counter clerk's busiest minute
    introspection: IntrospectionClient | None = None  # revocation reaches the API through the provider
    docs: bool = False  # Swagger UI loads its script from a CDN: for development only
    public_url: str | None = None  # the papers' issuer; None: the hosted provider's URL without its /idp


def create_api_app(settings: ApiSettings) -> FastAPI:
    app = FastAPI(
        title="Sổ sức khỏe điện tử API",
        version="1",
        openapi_url="/openapi.json",
        docs_url="/docs" if settings.docs else None,
        redoc_url=None,
    )
    app.add_middleware(RequestLimits)
    if settings.facility_keys_dir is None:
        settings.facility_keys_dir = settings.db_path.parent / "demo" / "facilities"
    app.state.settings = settings
    app.state.paper_keys = load_paper_keys(settings.db_path.parent)  # the data dir, shared by its processes
    app.state.paper_issuer = (settings.public_url or settings.idp_issuer.removesuffix("/idp")).rstrip("/")
    database = open_database(settings.db_path, settings.database_url)  # migrates: ASGITransport has no lifespan
    app.state.database = database
    app.state.store = BookStore(database)
    app.state.check_ins = CheckInStore(database)
    app.state.submissions = SubmissionStore(database)
    app.state.cards = CheckInCardStore(database)
    app.state.activation = ActivationStore(database)
    app.state.population = PopulationStore(database)
    app.state.reports = ReportStore(database)
    app.state.corrections = CorrectionStore(database)
    app.state.administration = Administration(database, settings.clock)
    app.state.gateway = Gateway(database, app.state.store, app.state.submissions, settings.clock)
    app.state.gateway.recover()  # envelopes a previous process archived but did not finish
    app.state.redeem_throttle = FailureThrottle(database, settings.failed_redemptions_per_minute, 60, settings.clock)
    app.state.card_throttle = FailureThrottle(database, settings.wrong_card_answers_per_quarter_hour, 15 * 60,
                                              settings.clock, scope="card")
    # a stolen card meets 5 guesses a quarter-hour for ever; 20 in a month lock it until a new one is made
    app.state.card_month_throttle = FailureThrottle(database, 20, 30 * 24 * 3600, settings.clock, scope="card-month")
    # every look-up of a resident by a volunteer, found or not: a day's door-to-door work, not a harvest
    app.state.lookup_throttle = FailureThrottle(database, settings.volunteer_lookups_per_day, 24 * 3600,
                                                settings.clock, scope="lookup")
    # the public /verify page checks signatures and reads PDFs: each address has a budget, each process a few at once
    app.state.paper_check_throttle = FailureThrottle(database, settings.paper_checks_per_minute, 60, settings.clock,
                                                     scope="paper-check")
    app.state.paper_checks_at_once = threading.BoundedSemaphore(PAPER_CHECKS_AT_ONCE)
    app.state.verifier = TokenVerifier(
        issuer=settings.idp_issuer, audience=settings.audience, http=settings.idp_http(), clock=settings.clock,
        introspection=settings.introspection,
    )
    install_error_handlers(app)

    v1 = APIRouter(prefix="/v1")

    @v1.get("/health", tags=["service"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    v1.include_router(check_in.router)  # first: the check-in is the hottest route, matched in order
    v1.include_router(book.router)
    v1.include_router(fhir_routes.router)
    v1.include_router(gateway.router)
    v1.include_router(record_visit.router)
    v1.include_router(cards.router)
    v1.include_router(volunteer.router)
    v1.include_router(reports.router)
    v1.include_router(guide.router)
    v1.include_router(papers.router)
    v1.include_router(emergency_routes.router)
    v1.include_router(correction_routes.router)
    v1.include_router(admin_routes.router)
    error = {"model": ErrorEnvelope, "description": "The error envelope; `message` in the caller's language"}
    app.include_router(v1, responses={status: error for status in (400, 401, 403, 404, 409, 410, 413, 422, 429, 503)})
    return app
