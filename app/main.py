"""The web app's first page: sign in with VNeID, then who you are and what your book holds."""

from __future__ import annotations

import flet as ft

from api_client.client import HealthBookClient
from api_client.errors import ApiError, Offline
from api_client.oidc import OidcClient, SignInError
from locales import translations

from .config import AppConfig
from .services.auth import AuthlibAuthorization, VneidProvider


def create_main(config: AppConfig):
    async def main(page: ft.Page) -> None:
        _ = translations("vi").gettext
        page.title = _("Electronic health book")
        status = ft.Text(size=18)
        summary = ft.Column()
        oidc = OidcClient(issuer=config.idp_issuer, client_id=config.client_id)

        async def show_book() -> None:
            tokens = await page.auth.get_token()
            client = HealthBookClient.connect(config.api_url, token=lambda: _access(tokens))
            try:
                me = await client.me()
                if me.identity_level < 2:
                    status.value = _("Your VNeID account is level 1. The health book needs level 2.")
                    return
                book = await client.book()
                status.value = ""
                summary.controls = [
                    ft.Semantics(identifier="citizen-name", content=ft.Text(book.person.full_name, size=24,
                                                                             weight=ft.FontWeight.BOLD)),
                    ft.Text(_("Visits: {count}").format(count=len(book.visits))),
                    ft.Text(_("Allergies: {count}").format(count=len(book.history.allergies))),
                    ft.Text(_("Vaccinations: {count}").format(count=len(book.vaccinations))),
                ]
            except (ApiError, Offline) as error:
                status.value = getattr(error, "message", _("The server cannot be reached. Try again later."))
            finally:
                await client.aclose()
                page.update()

        async def on_login(event: ft.LoginEvent) -> None:
            if event.error:
                status.value = _("Sign-in did not complete. Please try again.")
                page.update()
                return
            await show_book()

        async def sign_in(_event) -> None:
            try:
                metadata = await oidc.metadata()
            except (SignInError, Exception):
                status.value = _("The VNeID sign-in service cannot be reached. Try again later.")
                page.update()
                return
            provider = VneidProvider(oidc, metadata, config.redirect_url)
            # Same tab, not a popup: phone browsers block popups opened after a server round trip.
            await page.login(provider, authorization=AuthlibAuthorization, redirect_to_page=True,
                             on_open_authorization_url=open_in_same_tab)

        page.on_login = on_login
        page.add(
            ft.Text(_("Electronic health book"), size=28, weight=ft.FontWeight.BOLD),
            ft.Button(_("Sign in with VNeID"), on_click=sign_in),
            status,
            summary,
        )

    return main


async def open_in_same_tab(url: str) -> None:
    await ft.UrlLauncher().launch_url(url, web_only_window_name="_self")


async def _access(tokens) -> str:
    return tokens.access_token
