"""The book at national scale: a large population on PostgreSQL (or SQLite, for comparison), one and
two server processes, over loopback.

    python -m bench.scale --database postgresql://USER@HOST/DB --people 1000000 [--jobs 2]
    python -m bench.scale --database sqlite --people 1000000

Builds the population with `--jobs` processes (synthetic citizens of four provinces, about four
visits each, through `BookStore.import_books`: COPY on PostgreSQL), unless `--reuse` finds it built
already; then measures:
- book read p99: GET /api/v1/me/book of random citizens, one request at a time (one process);
- check-in redemption throughput with one process and with two (`main.py --workers 2`, PostgreSQL
  only), 32 keep-alive clients spread over the processes;
- gateway ingest: signed envelopes of 50 visits of new citizens, 4 senders, visits stored per second.
The PostgreSQL database must exist and be empty (or hold a population built before, with --reuse).
Last line: `backend=<b> people=<n> visits=<n> book_p99_ms=<x> checkin_rps_1w=<n> checkin_rps_2w=<n>
ingest_visits_per_s=<n>`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import httpx

from main import StackConfig, close_stack, create_stack
from server.demo import synthetic_book
from server.gateway.signing import load_credentials
from server.storage import open_store

from .book import mint_tokens
from .checkin import STAFF, create_codes
from .ingest import FACILITY, prepare
from .loopback import Connection, Request, json_request, load
from .stack import percentile, running_workers

BATCH = 2000
PILOT_SERIALS = {1234, 4567, 8901, 2345, 6789, 3456, 5678, 7890, 6543}  # the demo's own IDs end so


def build_part(database: str | None, data_dir: str, first_serial: int, count: int, seed: int) -> int:
    """One job's share of the population; returns its visits. A batch whose random IDs happen to meet
    one already stored is drawn again (IDs are random, like people's)."""
    store = open_store(Path(data_dir) / "book.db", database)
    today = date.today()
    visits = 0
    try:
        for start in range(first_serial, first_serial + count, BATCH):
            size = min(BATCH, first_serial + count - start)
            for attempt in range(5):
                rng = random.Random(seed * 1_000_003 + start * 7 + attempt)
                books = [synthetic_book(rng, serial, today) for serial in range(start, start + size)
                         if serial % 1_000_000 not in PILOT_SERIALS]
                try:
                    store.import_books(books)
                except Exception:
                    if attempt == 4:
                        raise
                    continue
                visits += sum(len(book.visits) for book in books)
                break
    finally:
        store.database.close()
    return visits


def build(database: str | None, data_dir: Path, people: int, jobs: int) -> int:
    # The demo first (facilities, staff, keys, accounts), through the server's own start-up.
    close_stack(create_stack(StackConfig(public_url="http://127.0.0.1:1", data_dir=data_dir,
                                         database_url=database), web=False))
    # The synthetic people, besides the demo's; serials whose IDs could be the demo's own are skipped.
    serials = people - 8 + sum(serial % 1_000_000 in PILOT_SERIALS for serial in range(20, 20 + people))
    share = -(-serials // jobs)
    with ProcessPoolExecutor(jobs) as pool:
        parts = [pool.submit(build_part, database, str(data_dir), 20 + index * share,
                             min(share, serials - index * share), index) for index in range(jobs)]
        visits = sum(part.result() for part in parts)
    store = open_store(data_dir / "book.db", database)
    with store.read() as db:
        db.execute("ANALYZE")
    store.database.close()
    return visits


def population(database: str | None, data_dir: Path, sample: int) -> tuple[int, int, list[tuple[str, str, str]]]:
    store = open_store(data_dir / "book.db", database)
    try:
        people = store.value("SELECT count(*) FROM people")
        visits = store.value("SELECT count(*) FROM visits")
        chosen = store.all("SELECT personal_id, full_name, birth_date FROM people ORDER BY random() LIMIT ?", [sample])
    finally:
        store.database.close()
    return people, visits, chosen


def book_p99(url: str, tokens: list[str], requests: int) -> float:
    rng = random.Random(42)
    latencies = []
    with httpx.Client(base_url=url, timeout=30) as http:
        for token in tokens[:50]:  # warm-up: connection, JWKS
            http.get("/api/v1/me/book", headers={"Authorization": f"Bearer {token}"}).raise_for_status()
        for _ in range(requests):
            token = rng.choice(tokens)
            begin = time.perf_counter()
            http.get("/api/v1/me/book", headers={"Authorization": f"Bearer {token}"}).raise_for_status()
            latencies.append((time.perf_counter() - begin) * 1000)
    print(f"book_reads={len(latencies)} book_p50_ms={percentile(latencies, 0.5):.2f}", flush=True)
    return percentile(latencies, 0.99)


async def check_in_rps(urls: list[str], citizen_tokens: list[str], staff_tokens: list[str],
                       concurrency: int = 32) -> float:
    """Codes made by the citizens, then redeemed at the desks, spread over every process."""
    share = len(citizen_tokens) // len(urls)
    codes_by_url = await asyncio.gather(*(
        create_codes(url, citizen_tokens[index * share:(index + 1) * share], concurrency // len(urls))
        for index, url in enumerate(urls)))
    codes = [code for codes in codes_by_url for code in codes]
    redeems = [json_request("POST", "/api/v1/clinic/check-ins", {"code": code}, staff_tokens[i % len(staff_tokens)])
               for i, code in enumerate(codes)]
    for url in urls:  # warm-up: connections, JWKS, staff cache
        await load(url, [json_request("GET", "/api/v1/me", token=t) for t in staff_tokens] * 20, 4, 200)
    started = time.perf_counter()
    parts = await asyncio.gather(*(
        load(url, redeems[index::len(urls)], concurrency // len(urls), 201) for index, url in enumerate(urls)))
    elapsed = time.perf_counter() - started
    latencies = [latency for _, part, _ in parts for latency in part]
    errors = sum(part_errors for _, _, part_errors in parts)
    print(f"workers={len(urls)} codes={len(redeems)} errors={errors} checkin_p50_ms={percentile(latencies, 0.5):.1f} "
          f"checkin_p99_ms={percentile(latencies, 0.99):.1f}", flush=True)
    return len(redeems) / elapsed


async def ingest_rate(url: str, api_key: str, envelopes: list[bytes], senders: int = 4) -> float:
    queue = list(envelopes)
    accepted = 0

    async def sender() -> None:
        nonlocal accepted
        connection = await Connection.open(url)
        try:
            while queue:
                body = queue.pop()
                status, answer = await connection.send(Request("POST", "/api/v1/gateway/submissions", body, (
                    ("Authorization", f"Bearer {api_key}"), ("Content-Type", "application/xml"))))
                if status == 200:
                    accepted += int(answer.split(b'"accepted":', 1)[1].split(b",", 1)[0])
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(senders)))
    elapsed = time.perf_counter() - started
    print(f"envelopes={len(envelopes)} visits_accepted={accepted} seconds={elapsed:.1f}", flush=True)
    return accepted / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--database", required=True, help="postgresql://USER@HOST/DB, or 'sqlite'")
    parser.add_argument("--people", type=int, default=1_000_000, help="in all, the demo's eight included")
    parser.add_argument("--jobs", type=int, default=2, help="processes building the population")
    parser.add_argument("--data-dir", type=Path, help="keep the data dir here (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="measure the population already in the data dir")
    parser.add_argument("--codes", type=int, default=3000)
    parser.add_argument("--envelopes", type=int, default=40)
    args = parser.parse_args()
    database = None if args.database == "sqlite" else args.database
    backend = "postgresql" if database else "sqlite"
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        if not args.reuse:
            started = time.perf_counter()
            build(database, data_dir, args.people, args.jobs)
            print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
        people, visits, chosen = population(database, data_dir, 2000 + 2 * args.codes)
        print(f"backend={backend} people={people} visits={visits}", flush=True)
        readers, checkers = chosen[:2000], chosen[2000:2000 + args.codes]
        api_key = load_credentials(data_dir / "demo" / "facilities" / FACILITY).api_key
        envelopes = [body for body, _ in prepare(args.envelopes, 50, data_dir)]
        with running_workers(data_dir, database=database) as [url]:
            p99 = book_p99(url, mint_tokens(data_dir, url, readers), 3000)
            staff_tokens = mint_tokens(data_dir, url, STAFF)
            rps_1 = asyncio.run(check_in_rps([url], mint_tokens(data_dir, url, checkers), staff_tokens))
            ingest = asyncio.run(ingest_rate(url, api_key, envelopes))
        rps_2 = "n/a"  # several processes share PostgreSQL only
        if database:
            with running_workers(data_dir, database=database, workers=2) as urls:
                second = chosen[2000 + args.codes:2000 + 2 * args.codes]
                tokens = mint_tokens(data_dir, urls[0], second)  # the issuer is the first process's URL
                rps_2 = f"{asyncio.run(check_in_rps(urls, tokens, mint_tokens(data_dir, urls[0], STAFF))):.0f}"
        print(f"backend={backend} people={people} visits={visits} book_p99_ms={p99:.2f} checkin_rps_1w={rps_1:.0f} "
              f"checkin_rps_2w={rps_2} ingest_visits_per_s={ingest:.0f}")


if __name__ == "__main__":
    main()
