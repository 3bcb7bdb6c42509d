"""Flet's `page.login` driven by our Authlib-based OIDC client (web), tokens kept server-side."""

from __future__ import annotations

from flet.auth import Authorization, OAuthProvider

from api_client.oidc import OidcClient, PendingSignIn, Tokens


class VneidProvider(OAuthProvider):
    """Carries the OIDC client to `AuthlibAuthorization`, which `page.login` constructs itself."""

    def __init__(self, oidc: OidcClient, metadata: dict, redirect_url: str, ui_locales: str = "vi") -> None:
        super().__init__(
            client_id=oidc.client_id, client_secret="", redirect_url=redirect_url,
            authorization_endpoint=metadata["authorization_endpoint"], token_endpoint=metadata["token_endpoint"],
        )
        self.oidc = oidc
        self.ui_locales = ui_locales


class AuthlibAuthorization(Authorization):
    def __init__(self, provider: VneidProvider, fetch_user: bool = True, fetch_groups: bool = False,
                 scope: list[str] | None = None) -> None:
        self.provider = provider
        self.pending: PendingSignIn | None = None
        self.state: str | None = None  # Flet checks the callback's state against this
        self.tokens: Tokens | None = None

    def get_authorization_data(self) -> tuple[str, str]:
        self.pending = self.provider.oidc.begin(self.provider.redirect_url, ui_locales=self.provider.ui_locales)
        self.state = self.pending.state
        return self.pending.url, self.pending.state

    async def request_token(self, code: str) -> None:
        assert self.pending is not None
        self.tokens = await self.provider.oidc.complete(self.pending, code)

    async def get_token(self) -> Tokens | None:
        if self.tokens and self.tokens.refresh_token and self.tokens.expires_at - 30 < self.provider.oidc.clock():
            self.tokens = await self.provider.oidc.refresh(self.tokens.refresh_token, self.tokens.claims)
        return self.tokens

    async def dehydrate_token(self, saved_token: str) -> None:
        raise NotImplementedError("tokens are never saved in the browser")
