"""Where the app finds the API and the identity provider."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from api_client.oidc import CLIENT_ID


@dataclass(frozen=True)
class AppConfig:
    api_url: str  # base URL of the server; the API lives under /api/v1
    idp_issuer: str  # the provider is found through {issuer}/.well-known/openid-configuration
    redirect_url: str  # web: {public_url}/oauth_callback; phones: the deep link
    client_id: str = CLIENT_ID
    # The web app runs in the server's process and keeps the server's time (tests turn it).
    clock: Callable[[], float] = time.time

    def guide_url(self, language: str) -> str:
        """The printable guide for citizens (PDF, large type), public like the sign-in screen."""
        return f"{self.api_url}/api/v1/guide.pdf?lang={language}"

    @classmethod
    def for_server(cls, public_url: str, idp_issuer: str | None = None,
                   clock: Callable[[], float] = time.time) -> AppConfig:
        public_url = public_url.rstrip("/")
        return cls(api_url=public_url, idp_issuer=idp_issuer or f"{public_url}/idp",
                   redirect_url=f"{public_url}/oauth_callback", clock=clock)

    @classmethod
    def from_env(cls) -> AppConfig:
        """Phone and desktop builds: the server address comes from the build's environment."""
        server = os.environ.get("SSKDT_SERVER_URL", "http://127.0.0.1:8000").rstrip("/")
        return cls(api_url=server, idp_issuer=os.environ.get("SSKDT_IDP_ISSUER", f"{server}/idp"),
                   redirect_url=os.environ.get("SSKDT_REDIRECT_URL", "vn.gov.sskdt://auth/callback"))
