"""Latency of GET /api/v1/me/book for random citizens of a large population, over loopback.

    python -m bench.book --people 100000 [--requests 5000] [--citizens 2000]

Builds the population in a temporary data dir, starts `python main.py` on it, and reads the
books of randomly chosen citizens one request at a time. Access tokens are minted with the
provider's own key (signing in 2000 people would only measure scrypt); the API verifies them
against the JWKS exactly as it does for the app. Last line:
`people=<n> visits=<n> book_p50_ms=<x> book_p99_ms=<y>`.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import httpx

from idp_mock import Client, IdpSettings, create_idp_app
from idp_mock.store import Account
from server.demo import generate, seed_pilot
from server.storage import open_store

from .stack import percentile, running_stack


def build_population(data_dir: Path, people: int) -> tuple[int, list[tuple[str, str, str]]]:
    store = open_store(data_dir / "book.db")
    seed_pilot(store)
    visits = generate(store, people)
    citizens = store.all("SELECT personal_id, full_name, birth_date FROM people")
    return visits, citizens


def mint_tokens(data_dir: Path, url: str, citizens: list[tuple[str, str, str]]) -> list[str]:
    """Level 2 access tokens signed with the provider's own key (the API checks them as usual)."""
    idp = create_idp_app(IdpSettings(issuer=f"{url}/idp", data_dir=data_dir / "idp"))
    client = Client(client_id="sskdt-app", name="bench", redirect_uris=[])
    return [
        idp.state.server.access_token_for(
            Account(sub=f"bench-{i}", personal_id=pid, full_name=name, birthdate=birth, gender="male",
                    level=2, bhyt_card=None, password_hash=""),
            client, family=f"bench-{i}",
        )
        for i, (pid, name, birth) in enumerate(citizens)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.book")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--citizens", type=int, default=2000, help="distinct citizens whose books are read")
    args = parser.parse_args()
    rng = random.Random(42)
    with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
        data_dir = Path(tmp)
        started = time.perf_counter()
        visits, citizens = build_population(data_dir, args.people)
        print(f"built people={len(citizens)} visits={visits} in {time.perf_counter() - started:.0f} s", flush=True)
        with running_stack(data_dir) as url:
            tokens = mint_tokens(data_dir, url, rng.sample(citizens, min(args.citizens, len(citizens))))
            latencies = []
            with httpx.Client(base_url=url, timeout=10) as http:
                for token in tokens[:50]:  # warm-up: connection, JWKS fetch
                    http.get("/api/v1/me/book", headers={"Authorization": f"Bearer {token}"}).raise_for_status()
                for _ in range(args.requests):
                    token = rng.choice(tokens)
                    begin = time.perf_counter()
                    response = http.get("/api/v1/me/book", headers={"Authorization": f"Bearer {token}"})
                    latencies.append((time.perf_counter() - begin) * 1000)
                    response.raise_for_status()
        print(f"requests={len(latencies)} citizens={len(tokens)} mean_ms={sum(latencies) / len(latencies):.2f}")
        print(
            f"people={len(citizens)} visits={visits} "
            f"book_p50_ms={percentile(latencies, 0.5):.2f} book_p99_ms={percentile(latencies, 0.99):.2f}"
        )


if __name__ == "__main__":
    main()
