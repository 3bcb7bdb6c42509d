"""The app headless, against the real server in process: sign in as a demo account, then look."""

from __future__ import annotations

import httpx
import pytest

from app.config import AppConfig
from app.main import create_main

from ..support import BASE_URL, sign_in
from .harness import Harness


@pytest.fixture(autouse=True)
def app_data_dir(tmp_path, monkeypatch):
    """Phone-mode sessions keep their cache here, never in the real home directory."""
    monkeypatch.setenv("FLET_APP_STORAGE_DATA", str(tmp_path / "app-data"))
    return tmp_path / "app-data"


@pytest.fixture
async def open_app(stack, clock):
    """`harness = await open_app("001055001234")`: signed in (what the web callback does), on the home screen.

    Afterwards, any exception that escaped a render fails the test: in Flet it stops all updates."""
    opened: list[Harness] = []

    async def _open(personal_id: str | None = None, route: str = "/", *, transport=None, web: bool = True,
                    width: float = 412) -> Harness:
        transport = transport or httpx.ASGITransport(app=stack)
        main = create_main(AppConfig.for_server(BASE_URL), transport=transport)
        harness = await Harness.start(main, route=route, web=web, width=width)
        if personal_id:
            tokens = await sign_in(stack, personal_id, clock=clock)
            session = harness.session_service
            await session.signed_in(tokens)
            await harness.settle(30)
        opened.append(harness)
        return harness

    yield _open
    for harness in opened:
        await harness.settle()
        assert not harness.errors, [context.get("exception") or context.get("message") for context in harness.errors]
