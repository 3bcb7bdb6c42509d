"""Sổ sức khỏe điện tử in one process: the VNeID mock at /idp, the API at /api, the web app at /.

    python main.py [--host 127.0.0.1] [--port 8000] [--data-dir ./data]

On a phone build (FLET_PLATFORM is set) it runs only the app, which talks to a server.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.security import IntrospectionClient

ROOT = Path(__file__).resolve().parent


@dataclass
class StackConfig:
    public_url: str  # what browsers and apps see, e.g. http://127.0.0.1:8000
    data_dir: Path
    demo: bool = True
    idp_issuer: str | None = None  # an external provider; None hosts the mock at /idp
    check_in_code_minutes: float = 5
    introspection: IntrospectionClient | None = None  # the API's credential at an external provider
    api_docs: bool = False
    clock: Callable[[], float] = field(default=time.time)
    # PostgreSQL for the book and the provider; None: SQLite files in data_dir.
    database_url: str | None = field(default_factory=lambda: os.environ.get("SSKDT_DATABASE_URL") or None)
    seed: bool = True  # with `demo`: add what the demo misses (a worker process leaves it to the parent)

    @property
    def issuer(self) -> str:
        return self.idp_issuer or f"{self.public_url.rstrip('/')}/idp"


def create_stack(config: StackConfig, *, web: bool = True):
    """The whole service as one ASGI app. `web=False` leaves out the Flet app (API and IdP tests)."""
    import httpx

    from idp_mock import Client, IdpSettings, create_idp_app
    from idp_mock.demo import seed_demo_accounts
    from server.app import ApiSettings, create_api_app
    from server.demo import seed_administration, seed_gateway_credentials, seed_pilot, seed_practitioners
    from server.demo_history import seed_demo_history
    from server.edge import Edge
    from server.population import seed_demo_population
    from server.security import IntrospectionClient
    from server.storage.private import keep_private

    keep_private(config.data_dir)
    public_url = config.public_url.rstrip("/")
    idp_app = None
    introspection = config.introspection
    if config.idp_issuer is None:
        # The API's credential at the hosted provider: fresh each start, never written down.
        introspection = IntrospectionClient("sskdt-api", secrets.token_urlsafe(32))
        app_client = Client(
            client_id="sskdt-app",
            name="Sổ sức khỏe điện tử",
            redirect_uris=[f"{public_url}/oauth_callback", "vn.gov.sskdt://auth/callback"],
            post_logout_redirect_uris=[f"{public_url}/"],
        )
        idp_app = create_idp_app(
            IdpSettings(issuer=config.issuer, data_dir=config.data_dir / "idp", database_url=config.database_url,
                        clients=[app_client], clock=config.clock, police_demo=config.demo,
                        resource_servers={introspection.client_id: sha256(introspection.client_secret.encode()).hexdigest()})
        )
        if config.demo and config.seed:  # adds only the accounts missing: a start killed half-way is completed
            seed_demo_accounts(idp_app.state.store)

    outer = None  # bound below; the API reaches the hosted provider through it, in process

    def idp_http() -> httpx.AsyncClient:
        if idp_app is None:
            return httpx.AsyncClient(timeout=10)
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=_Deferred(lambda: outer)), timeout=10)

    api_app = create_api_app(
        ApiSettings(db_path=config.data_dir / "book.db", database_url=config.database_url, public_url=public_url,
                    idp_issuer=config.issuer, idp_http=idp_http,
                    clock=config.clock, check_in_code_ttl_seconds=round(config.check_in_code_minutes * 60),
                    introspection=introspection, docs=config.api_docs)
    )
    if config.demo and config.seed:
        if api_app.state.store.count_people() == 0:  # seeding is one transaction: none or all of it
            seed_pilot(api_app.state.store)
        seed_administration(api_app.state.administration)  # a start killed half-way is completed
        seed_gateway_credentials(api_app.state.administration, config.data_dir)  # each facility completed
        if api_app.state.population.count_residents() == 0:
            with api_app.state.database.transaction():  # both or neither: a start killed here seeds again
                seed_demo_population(api_app.state.population)  # areas, residents, the facilities' communes
                seed_demo_history(api_app.state.database)  # a year of books, activations and counts in its wards
        seed_practitioners(api_app.state.store)

    web_app = None
    if web:
        import flet.fastapi as flet_fastapi

        from app.config import AppConfig
        from app.main import create_main

        # Flet's own FastAPI starts its app manager in the lifespan; it serves only the web app.
        web_app = flet_fastapi.FastAPI(title="Sổ sức khỏe điện tử", docs_url=None, redoc_url=None, openapi_url=None)
        app_main = create_main(AppConfig.for_server(public_url, config.idp_issuer, config.clock))
        web_app.mount("/", flet_fastapi.app(app_main, no_cdn=True, assets_dir=str(ROOT / "assets")))
    outer = Edge(api=api_app, idp=idp_app, web=web_app)
    return outer


def close_stack(edge) -> None:
    """Give the database connections back (a process that goes on after one stack, e.g. the tests)."""
    for prefix, app, _ in edge.parts:
        state = app.state
        if prefix == "/api":
            state.database.close()
        elif prefix == "/idp":
            state.store.database.close()


class _Deferred:
    """An ASGI app resolved at call time, so the API can reach the provider mounted beside it."""

    def __init__(self, resolve: Callable[[], object]) -> None:
        self._resolve = resolve

    async def __call__(self, scope, receive, send) -> None:
        await self._resolve()(scope, receive, send)


DEMO_ACCOUNTS_TEXT = """Demo accounts (password: demo)
  001055001234  Nguyễn Văn Hùng   citizen, level 2 (hypertension, diabetes, penicillin allergy)
  001190004567  Trần Thị Mai      citizen, level 2, pregnant; guardian of Lê Minh An (child)
  001048002345  Phạm Văn Tư       citizen, level 1 only (refused the book, with guidance)
  001192006789  Hoàng Thị Lan     receptionist, facility 01901
  001098003456  Đỗ Minh Quân      community digital-technology volunteer, Phường Quán Thánh
  001180005678  Vũ Thị Hạnh       health official of Hà Nội (the pilot report)
  001075001111  Lê Văn Đức        health official of Quận Ba Đình
  001183002222  Nguyễn Thị Thu    head of the health station of Phường Quán Thánh
  001085007890  Ngô Thanh Bình    doctor, facility 01902
  001191006543  Đặng Thu Hương    nurse, facility 01902"""


def serve(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the electronic health book: API, provider and web app.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (with --workers N: the first of N ports)")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--database", default=os.environ.get("SSKDT_DATABASE_URL") or None, metavar="URL",
                        help="postgresql://USER@HOST/DB (default: $SSKDT_DATABASE_URL, else SQLite in the data dir)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="N server processes on ports PORT..PORT+N-1 (PostgreSQL only); see docs/deployment.md")
    parser.add_argument("--public-url", help="URL users reach the service at (default http://HOST:PORT)")
    parser.add_argument("--no-demo", action="store_true",
                        help="production: no demo population and no demo police page (/idp/demo/police)")
    parser.add_argument("--check-in-code-minutes", type=float, default=5, help="lifetime of a check-in QR code")
    parser.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDRESS",
                        help="a reverse proxy whose X-Forwarded-For is believed (repeatable; none by default)")
    parser.add_argument("--api-docs", action="store_true", help="serve Swagger UI at /api/docs (development only)")
    parser.add_argument("--worker-process", action="store_true", help=argparse.SUPPRESS)  # started by --workers
    args = parser.parse_args(argv)
    if args.workers < 1 or args.workers > 64:
        parser.error("--workers takes 1 to 64")
    if args.workers > 1 and not (args.database or "").startswith(("postgresql:", "postgres:")):
        parser.error("--workers N needs PostgreSQL (--database postgresql://…): processes cannot share SQLite "
                     "safely")

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # request lines name people's book URLs
    os.environ.setdefault("FLET_WEB_NO_CDN", "1")
    public_url = args.public_url or f"http://{args.host}:{args.port}"
    config = StackConfig(public_url=public_url, data_dir=args.data_dir.resolve(), demo=not args.no_demo,
                         check_in_code_minutes=args.check_in_code_minutes, api_docs=args.api_docs,
                         database_url=args.database, seed=not args.worker_process)
    if args.workers > 1:
        return supervise(args, config, argv if argv is not None else sys.argv[1:])
    import uvicorn

    stack = create_stack(config)
    gc.collect()
    gc.freeze()  # the long-lived start-up objects leave the collector's way: shorter pauses under load
    if not args.worker_process:
        print(f"\nSổ sức khỏe điện tử is running at {public_url}/\n")
        if not args.no_demo:
            print(DEMO_ACCOUNTS_TEXT + "\n", flush=True)
    # Client addresses drive the login throttle: a forwarded one is believed only from a named proxy.
    uvicorn.run(stack, host=args.host, port=args.port, log_level="warning", access_log=False,
                proxy_headers=bool(args.trusted_proxy), forwarded_allow_ips=",".join(args.trusted_proxy) or None)
    return 0


def supervise(args: argparse.Namespace, config: StackConfig, argv: list[str]) -> int:
    """`--workers N`: migrate and seed once here, then N processes, one port each (the web app's sessions
    live in one process, so a load balancer keeps each browser on one port; /api and /idp may go to any).
    A worker that dies is started again; stopping this process stops them all."""
    import signal
    import subprocess

    close_stack(create_stack(config, web=False))  # migrations and demo data before any worker serves
    passed = _without_options(argv, {"--workers", "--port", "--public-url"})
    ports = [args.port + index for index in range(args.workers)]

    def start(port: int) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, str(ROOT / "main.py"), *passed, "--port", str(port),
                                 "--public-url", config.public_url, "--worker-process"])

    workers = {port: start(port) for port in ports}
    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"\nSổ sức khỏe điện tử is running at {config.public_url}/ in {len(ports)} processes, ports "
          f"{ports[0]}–{ports[-1]} on {args.host}\n", flush=True)
    if config.demo:
        print(DEMO_ACCOUNTS_TEXT + "\n", flush=True)
    while not stopping:
        time.sleep(0.5)
        for port, process in list(workers.items()):
            if process.poll() is not None and not stopping:
                logging.getLogger("sskdt").warning("worker on port %d ended (%s); starting it again", port,
                                                   process.returncode)
                time.sleep(1)
                workers[port] = start(port)
    for process in workers.values():
        process.terminate()
    for process in workers.values():
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
    return 0


def _without_options(argv: list[str], names: set[str]) -> list[str]:
    """The command line minus those options (as `--name value` or `--name=value`)."""
    kept: list[str] = []
    skip = False
    for item in argv:
        if skip:
            skip = False
        elif item in names:
            skip = True
        elif item.split("=", 1)[0] not in names:
            kept.append(item)
    return kept


if __name__ == "__main__":
    if os.environ.get("FLET_PLATFORM"):  # a phone or desktop build: the app alone
        import flet as ft

        from app.config import AppConfig
        from app.main import create_main

        ft.run(create_main(AppConfig.from_env()))
    else:
        sys.exit(serve())
