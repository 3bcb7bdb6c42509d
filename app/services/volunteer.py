"""The volunteer's desk (Hỗ trợ người dân): a resident's activation status, the steps ticked done with
them, the ward's follow-up list. Activation only: nothing here ever carries health data."""

from __future__ import annotations

from dataclasses import dataclass

from api_client.client import HealthBookClient
from api_client.models import ActivationStatus, ActivationStep, FollowUpPage

from ..viewmodels.activation import merge_pages

FOLLOW_UP_PAGE_SIZE = 50


def guide_url(api_url: str) -> str:
    """The printable guide for volunteers and residents (public, no sign-in needed)."""
    return f"{api_url.rstrip('/')}/api/v1/guide.pdf"


@dataclass
class VolunteerService:
    client: HealthBookClient
    page_size: int = FOLLOW_UP_PAGE_SIZE

    async def look_up(self, query: str) -> ActivationStatus:
        """`query`: the chip ID card's QR text (as a scanner types it) or a typed 12-digit personal ID."""
        return await self.client.activation_status(query.strip())

    async def mark_done(self, personal_id: str, step: ActivationStep) -> ActivationStatus:
        """Recorded on the server with who helped, when and in which ward; answers the new checklist."""
        return await self.client.mark_step_done(personal_id, step)

    async def follow_up(self) -> FollowUpPage:
        """The first page of the ward's residents not yet activated."""
        return await self.client.follow_up(limit=self.page_size, offset=0)

    async def more(self, shown: FollowUpPage) -> FollowUpPage:
        """The list with its next page appended (Xem thêm)."""
        following = await self.client.follow_up(limit=self.page_size, offset=len(shown.residents))
        return merge_pages(shown, following)

    async def decode(self, picture: bytes) -> str:
        """A camera picture of the chip ID card: the QR text the server found in it."""
        return await self.client.decode_qr(picture)
