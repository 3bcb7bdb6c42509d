"""Check-in throughput: codes redeemed at the desk, against a bare JSON endpoint of the same server.

    python -m bench.checkin [--people 5000] [--codes 4000] [--concurrency 32]

Builds a population, starts `python main.py`, creates one code per citizen (their own tokens),
then redeems every code from `--concurrency` clients over loopback with reception staff
tokens, and sends as many GET /api/v1/health the same way. Then the same citizens are identified
by the text of their chip ID card's QR (POST /api/v1/clinic/identify), `--concurrency` clients
again. Last line: `checkin_rps=<n> bare_rps=<n> ratio=<r> p99_ms=<x> identify_p99_ms=<y>`
(p99 of the check-ins, then of the identifications; the target for both is under 50 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
from pathlib import Path

from .book import build_population, mint_tokens
from .loopback import Connection, json_request, load
from .stack import percentile, running_stack

STAFF = [("001192006789", "Hoàng Thị Lan", "1992-05-09"), ("001085007890", "Ngô Thanh Bình", "1985-06-18")]


async def create_codes(url: str, citizen_tokens: list[str], concurrency: int) -> list[str]:
    codes: list[str] = []

    async def worker(tokens: list[str]) -> None:
        connection = await Connection.open(url)
        for token in tokens:
            status, body = await connection.send(json_request("POST", "/api/v1/me/check-in-codes", token=token))
            if status == 201:
                codes.append(json.loads(body)["code"])
        connection.close()

    await asyncio.gather(*(worker(citizen_tokens[i::concurrency]) for i in range(concurrency)))
    return codes


def chip_card_text(personal_id: str, full_name: str, birth_date: str) -> str:
    """What a scanner reads from the back of a chip ID card (the old ID and the address do not matter)."""
    year, month, day = birth_date.split("-")
    sex = "Nữ" if int(personal_id[3]) % 2 else "Nam"
    return f"{personal_id}||{full_name}|{day}{month}{year}|{sex}|Phường Ba Đình, Hà Nội|01072021"


async def run(url: str, citizen_tokens: list[str], staff_tokens: list[str], concurrency: int,
              citizens: list[tuple[str, str, str]]) -> None:
    codes = await create_codes(url, citizen_tokens, concurrency)
    redeems = [json_request("POST", "/api/v1/clinic/check-ins", {"code": code}, staff_tokens[i % len(staff_tokens)])
               for i, code in enumerate(codes)]
    bare = [json_request("GET", "/api/v1/health")] * len(codes)
    await load(url, bare[:500], concurrency, 200)  # warm-up: connections, imports
    await load(url, [json_request("GET", "/api/v1/me", token=t) for t in staff_tokens], 1, 200)  # JWKS
    check_in_seconds, check_in_latencies, check_in_errors = await load(url, redeems, concurrency, 201)
    bare_seconds, bare_latencies, bare_errors = await load(url, bare, concurrency, 200)
    identifies = [json_request("POST", "/api/v1/clinic/identify", {"query": chip_card_text(*citizen)},
                               staff_tokens[i % len(staff_tokens)]) for i, citizen in enumerate(citizens)]
    identify_seconds, identify_latencies, identify_errors = await load(url, identifies, concurrency, 201)
    checkin_rps = len(redeems) / check_in_seconds
    bare_rps = len(bare) / bare_seconds
    print(f"codes={len(codes)} concurrency={concurrency} errors={check_in_errors + bare_errors + identify_errors} "
          f"checkin_p50_ms={percentile(check_in_latencies, 0.5):.1f} bare_p50_ms={percentile(bare_latencies, 0.5):.1f} "
          f"bare_p99_ms={percentile(bare_latencies, 0.99):.1f} identify_rps={len(identifies) / identify_seconds:.0f} "
          f"identify_p50_ms={percentile(identify_latencies, 0.5):.1f}")
    print(f"checkin_rps={checkin_rps:.0f} bare_rps={bare_rps:.0f} ratio={checkin_rps / bare_rps:.2f} "
          f"p99_ms={percentile(check_in_latencies, 0.99):.1f} "
          f"identify_p99_ms={percentile(identify_latencies, 0.99):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.checkin")
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--codes", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-checkin-") as tmp:
        data_dir = Path(tmp)
        _visits, citizens = build_population(data_dir, args.people)
        chosen = random.Random(7).sample(citizens, min(args.codes, len(citizens)))
        with running_stack(data_dir) as url:
            citizen_tokens = mint_tokens(data_dir, url, chosen)
            staff_tokens = mint_tokens(data_dir, url, STAFF)
            import uvloop

            uvloop.run(run(url, citizen_tokens, staff_tokens, args.concurrency, chosen))


if __name__ == "__main__":
    main()
