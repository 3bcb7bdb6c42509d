"""Fixtures of the server tests."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from server.gateway.signing import load_credentials

_empty_databases = itertools.count(1)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request) -> str:
    """The whole suite runs on the embedded default and on the production store."""
    return request.param


@pytest.fixture
def empty_database_url(backend, request) -> Iterator[str | None]:
    """A database with nothing in it yet (SQLite: None, the store makes its file)."""
    if backend != "postgresql":
        yield None
        return
    from server.storage.db import PostgresDatabase

    server = request.getfixturevalue("postgres_server")
    name = f"empty_{next(_empty_databases)}"
    url = server.create_database(name)
    yield url
    PostgresDatabase.close_all(url)
    server.drop_database(name)


@pytest.fixture
def credentials(data_dir):
    """The demo facilities' API keys, signing keys and certificates, as their software holds them."""
    return {code: load_credentials(data_dir / "demo" / "facilities" / code) for code in ("01901", "01902")}
