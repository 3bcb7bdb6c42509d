"""Fixtures of the provider tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request) -> str:
    """The whole suite runs on the embedded default and on the production store."""
    return request.param
