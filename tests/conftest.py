"""Fixtures: a seeded data dir and database (built once, copied per test), the stack in process,
signed-in callers. The server, provider and gateway suites run once per backend (`backend`, overridden
with both engines in their conftest files); PostgreSQL is a real server started for the session."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from main import StackConfig, close_stack, create_stack
from server.storage.db import DATABASE_URL_VARIABLE, PostgresDatabase

from .support import BASE_URL, FakeClock, sign_in

TEMPLATE_DATABASE = "seeded_template"
_test_databases = itertools.count(1)


@pytest.fixture(scope="session")
def backend() -> str:
    return "sqlite"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    """One PostgreSQL server for the session, in a temporary directory (Debian's packages)."""
    from .postgres import PostgresServer

    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="session")
def seeded_templates() -> dict[str, tuple[Path, str | None]]:
    """Per backend, once a test asks for it: `backend` is overridden per folder, and a session
    fixture depending on it would keep the first folder's value for the others."""
    return {}


@pytest.fixture
def seeded_template(seeded_templates, tmp_path_factory, backend, request) -> tuple[Path, str | None]:
    """Seeding hashes seven passwords with scrypt; do it once per backend and copy the result (the data
    dir, and on PostgreSQL a template database)."""
    if backend not in seeded_templates:
        data_dir = tmp_path_factory.mktemp(f"template-{backend}")
        url = None
        if backend == "postgresql":
            url = request.getfixturevalue("postgres_server").create_database(TEMPLATE_DATABASE)
        close_stack(create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, database_url=url), web=False))
        seeded_templates[backend] = (data_dir, url)
    return seeded_templates[backend]


@pytest.fixture
def database_url(seeded_template, backend, request) -> Iterator[str | None]:
    """This test's own copy of the seeded database; every stack the test builds finds it through
    SSKDT_DATABASE_URL, as a deployment would. (Its own MonkeyPatch: a test's `monkeypatch.undo()`
    must not move the test to another database.)"""
    with pytest.MonkeyPatch.context() as environment:
        if backend != "postgresql":
            environment.delenv(DATABASE_URL_VARIABLE, raising=False)
            yield None
            return
        server = request.getfixturevalue("postgres_server")
        name = f"test_{next(_test_databases)}"
        url = server.create_database(name, template=TEMPLATE_DATABASE)
        environment.setenv(DATABASE_URL_VARIABLE, url)
        yield url
        PostgresDatabase.close_all(url)
        server.drop_database(name)


@pytest.fixture
def data_dir(tmp_path, seeded_template, database_url) -> Path:
    target = tmp_path / "data"
    shutil.copytree(seeded_template[0], target)
    return target


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def stack(data_dir, clock):
    stack = create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, clock=clock), web=False)
    yield stack
    close_stack(stack)


@pytest.fixture
async def http(stack):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack), base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def today() -> date:
    return date.today()


@pytest.fixture
def login(stack, clock):
    """`await login("001055001234")` -> Tokens for that demo account."""

    async def _login(personal_id: str, password: str = "demo"):
        return await sign_in(stack, personal_id, password, clock=clock)

    return _login


def bearer(tokens) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.access_token}"}
