"""Two server processes on one PostgreSQL database (`python main.py --workers 2`): what one process
does, the other sees; a check-in code is redeemed once whichever process is asked, and the limit on
failed redemptions counts across both."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bench.stack import running_workers

from ..support import sign_in

CITIZEN, RECEPTIONIST = "001055001234", "001192006789"


@pytest.fixture
def workers(backend, data_dir, database_url):
    if backend != "postgresql":
        pytest.skip("several processes share PostgreSQL only (main.py refuses --workers on SQLite)")
    with running_workers(data_dir, database=database_url, workers=2) as urls:  # python main.py --workers 2
        yield urls


def bearer(tokens) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.access_token}"}


async def test_a_code_made_through_one_process_is_redeemed_once_through_either(workers):
    first, second = workers
    citizen = await sign_in(None, CITIZEN, issuer=f"{first}/idp")
    staff = await sign_in(None, RECEPTIONIST, issuer=f"{first}/idp")
    async with httpx.AsyncClient(timeout=30) as http:
        for attempt in range(5):
            code = (await http.post(f"{first}/api/v1/me/check-in-codes", headers=bearer(citizen))).json()["code"]
            answers = await asyncio.gather(*(
                http.post(f"{url}/api/v1/clinic/check-ins", json={"code": code}, headers=bearer(staff))
                for url in (first, second, first, second)))
            statuses = sorted(answer.status_code for answer in answers)
            assert statuses.count(201) == 1, (attempt, [(a.status_code, a.text[:120]) for a in answers])
            assert set(statuses) - {201} <= {409}, statuses
        # what the second process wrote, the first reads: the citizen's log names every check-in
        log = (await http.get(f"{first}/api/v1/me/access-log", headers=bearer(citizen))).json()
        assert sum(line["purpose"] == "check_in" for line in log) == 5


async def test_the_limit_on_failed_redemptions_counts_across_both_processes(workers):
    first, second = workers
    staff = await sign_in(None, RECEPTIONIST, issuer=f"{first}/idp")
    statuses = []
    async with httpx.AsyncClient(timeout=30) as http:
        for attempt in range(24):
            url = (first, second)[attempt % 2]
            answer = await http.post(f"{url}/api/v1/clinic/check-ins", json={"code": f"SSKDT:GUESS{attempt:04d}"},
                                     headers=bearer(staff))
            statuses.append(answer.status_code)
    # 20 failures a minute per account: 10 through each process, then both refuse
    assert statuses[:20] == [404] * 20 and statuses[20:] == [429] * 4, statuses


async def test_a_session_signed_out_through_one_process_is_dead_in_the_other(workers):
    first, second = workers
    citizen = await sign_in(None, CITIZEN, issuer=f"{first}/idp")
    async with httpx.AsyncClient(timeout=30) as http:
        assert (await http.get(f"{second}/api/v1/me", headers=bearer(citizen))).status_code == 200
        revoked = await http.post(f"{first}/idp/revoke", data={"token": citizen.refresh_token,
                                                                "client_id": "sskdt-app"})
        assert revoked.status_code == 200
        await asyncio.sleep(6)  # the API asks the provider again after 5 s (introspection cache)
        assert (await http.get(f"{second}/api/v1/me", headers=bearer(citizen))).status_code == 401
