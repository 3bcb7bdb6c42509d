"""Fixtures of the server tests."""

from __future__ import annotations

import pytest

from server.gateway.signing import load_credentials


@pytest.fixture
def credentials(data_dir):
    """The demo facilities' API keys, signing keys and certificates, as their software holds them."""
    return {code: load_credentials(data_dir / "demo" / "facilities" / code) for code in ("01901", "01902")}
