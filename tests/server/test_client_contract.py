"""The app's API client against the real server, in process: every call parses, every error maps."""

from __future__ import annotations

import httpx
import pytest

from api_client.client import HealthBookClient
from api_client.errors import IdentityLevelInsufficient, NotAuthenticated, NotFound, Offline, ValidationFailed
from api_client.models import RepresentativeUpdate

from ..support import BASE_URL


@pytest.fixture
def client_for(stack, login):
    async def _client(personal_id: str, language: str = "vi") -> HealthBookClient:
        tokens = await login(personal_id)

        async def token() -> str:
            return tokens.access_token

        return HealthBookClient.connect(BASE_URL, token, language=language, transport=httpx.ASGITransport(app=stack))

    return _client


async def test_every_call_parses_into_the_wire_models(client_for):
    mai = await client_for("001190004567")
    me = await mai.me()
    [child] = await mai.dependents()
    assert me.dependents == [child]
    page = await mai.visits(child.person_id, limit=1)
    assert page.total == 2 and len(page.items) == 1
    visit = await mai.visit(page.items[0].id, child.person_id)
    assert visit.prescriptions
    assert (await mai.book(child.person_id)).person.full_name == "Lê Minh An"
    saved = await mai.set_representative(RepresentativeUpdate(
        role="caregiver", full_name="Lê Văn Đức", relationship="spouse", phone="0120007777"))
    assert (await mai.book()).person.representatives == [saved]


async def test_errors_map_to_what_the_app_must_do(client_for, stack):
    with pytest.raises(IdentityLevelInsufficient) as level:
        await (await client_for("001048002345")).book()
    assert "mức độ 2" in level.value.message
    english = await client_for("001048002345", language="en")
    with pytest.raises(IdentityLevelInsufficient) as level_en:
        await english.book()
    assert "level 2" in level_en.value.message
    hung = await client_for("001055001234")
    with pytest.raises(NotFound):
        await hung.visit("nope")
    with pytest.raises(ValidationFailed):
        await hung.visits(limit=0)

    async def no_token() -> str:
        return "garbage"

    with pytest.raises(NotAuthenticated):
        await HealthBookClient.connect(BASE_URL, no_token, transport=httpx.ASGITransport(app=stack)).me()


async def test_an_unreachable_server_is_offline_not_a_crash():
    async def token() -> str:
        return "t"

    client = HealthBookClient.connect("http://127.0.0.1:9", token)  # nothing listens on port 9
    with pytest.raises(Offline):
        await client.me()
    await client.aclose()
