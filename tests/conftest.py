"""Fixtures: a seeded data dir (built once, copied per test), the stack in process, signed-in callers."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import httpx
import pytest

from main import StackConfig, create_stack

from .support import BASE_URL, FakeClock, sign_in


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    """Seeding hashes seven passwords with scrypt; do it once and copy the result."""
    data_dir = tmp_path_factory.mktemp("template")
    create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir), web=False)
    return data_dir


@pytest.fixture
def data_dir(tmp_path, seeded_template) -> Path:
    target = tmp_path / "data"
    shutil.copytree(seeded_template, target)
    return target


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def stack(data_dir, clock):
    return create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir, clock=clock), web=False)


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
