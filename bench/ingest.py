"""Gateway throughput, and how soon a sent visit can be read in the citizen's book.

    python -m bench.ingest [--seconds 20] [--senders 4] [--per-envelope 50]

Starts `python main.py` with the demo data, pre-signs envelopes of `--per-envelope` visits of new
citizens with facility 01902's key, then `--senders` clients send them for `--seconds`. For one
citizen of each envelope a poller reads the book (as that citizen) until the visit is there;
visible time is counted from the moment the envelope was sent. Last line:
`ingest_visits_per_s=<n> visible_p99_ms=<x>`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx

from api_client.models import VIETNAM_TZ
from server.demo import synthetic_book
from server.gateway.signing import load_credentials, sign_envelope
from server.gateway.xml130 import build_envelope, tables_for

from .book import mint_tokens
from .stack import percentile, running_stack

FACILITY = "01902"


def prepare(count: int, per_envelope: int, data_dir: Path) -> list[tuple[bytes, tuple[str, str, str]]]:
    """(signed envelope, one of its citizens) pairs; every visit is of a citizen new to the book."""
    credentials = load_credentials(data_dir / "demo" / "facilities" / FACILITY)
    rng = random.Random(4750)
    today = date.today()
    prepared = []
    serial = 500_000
    for _ in range(count):
        records, citizen = [], None
        while len(records) < per_envelope:
            serial += 1
            book = synthetic_book(rng, serial, today)
            if not book.visits:
                continue  # a citizen who has never been to a clinic: nothing to send
            start = datetime.now(VIETNAM_TZ).replace(second=0, microsecond=0) - timedelta(minutes=rng.randint(30, 600))
            visit = book.visits[0].model_copy(update={"facility_code": FACILITY, "started_at": start,
                                                      "ended_at": start + timedelta(minutes=30)})
            records.append(tables_for(book.person, visit, f"{FACILITY}-B{serial}"))
            citizen = citizen or (book.person.personal_id, book.person.full_name, book.person.birth_date.isoformat())
        envelope = build_envelope(FACILITY, records, today)
        prepared.append((sign_envelope(envelope, credentials.key_pem, credentials.cert_pem), citizen))
    return prepared


async def run(url: str, api_key: str, prepared, tokens: dict[str, str], seconds: float, senders: int) -> None:
    queue = list(prepared)
    accepted = 0
    visible: list[float] = []
    errors = 0
    pollers: list[asyncio.Task] = []
    deadline = time.perf_counter() + seconds

    async def poll(http: httpx.AsyncClient, token: str, sent_at: float) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        while time.perf_counter() - sent_at < 30:
            page = await http.get("/api/v1/me/visits", params={"limit": 1}, headers=headers)
            if page.status_code == 200 and page.json()["total"] > 0:
                visible.append((time.perf_counter() - sent_at) * 1000)
                return
            await asyncio.sleep(0.01)

    async def sender(http: httpx.AsyncClient) -> None:
        nonlocal accepted, errors
        while queue and time.perf_counter() < deadline:
            body, citizen = queue.pop()
            sent_at = time.perf_counter()
            pollers.append(asyncio.create_task(poll(http, tokens[citizen[0]], sent_at)))
            response = await http.post("/api/v1/gateway/submissions", content=body, headers={
                "Authorization": f"Bearer {api_key}", "Content-Type": "application/xml"})
            if response.status_code == 200:
                accepted += response.json()["accepted"]
                errors += response.json()["rejected"]
            else:
                errors += 1

    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        started = time.perf_counter()
        await asyncio.gather(*(sender(http) for _ in range(senders)))
        elapsed = time.perf_counter() - started
        await asyncio.gather(*pollers)
    print(f"envelopes={len(prepared) - len(queue)} visits={accepted} rejected_or_failed={errors} "
          f"seconds={elapsed:.1f} visible_p50_ms={percentile(visible, 0.5):.0f}")
    print(f"ingest_visits_per_s={accepted / elapsed:.0f} visible_p99_ms={percentile(visible, 0.99):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--per-envelope", type=int, default=50)
    parser.add_argument("--envelopes", type=int, default=400, help="prepared in advance (signing is not timed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        data_dir = Path(tmp)
        with running_stack(data_dir) as url:
            prepared = prepare(args.envelopes, args.per_envelope, data_dir)
            tokens = dict(zip([c[0] for _, c in prepared],
                              mint_tokens(data_dir, url, [citizen for _, citizen in prepared]), strict=True))
            api_key = load_credentials(data_dir / "demo" / "facilities" / FACILITY).api_key
            asyncio.run(run(url, api_key, prepared, tokens, args.seconds, args.senders))


if __name__ == "__main__":
    main()
