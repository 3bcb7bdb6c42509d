"""What a facility's IT officer runs: make a sample envelope, or sign and send one.

    python -m server.gateway sample --people 10 [--facility 01902] > out.xml
    python -m server.gateway submit out.xml --facility 01902 [--url http://127.0.0.1:8000] [--data-dir ./data]

`submit` signs with the facility's key from DATA_DIR/demo/facilities/<code>/ (key.pem, cert.pem) and
authenticates with its api_key, as the hospital software would.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx

from api_client.models import VIETNAM_TZ

from ..demo import FACILITIES, PRACTITIONERS, nguyen_van_hung, synthetic_book
from .signing import load_credentials, sign_envelope
from .xml130 import build_envelope, tables_for

ROOT = Path(__file__).resolve().parents[2]


def sample_records(people: int, facility_code: str, *, seed: int = 130, today: date | None = None) -> list[dict]:
    """Plausible visits of today at that facility: Nguyễn Văn Hùng first (so the app shows it), then
    synthetic citizens the book may not know yet."""
    today = today or date.today()
    rng = random.Random(seed)
    facility_name = FACILITIES.get(facility_code, (f"Cơ sở {facility_code}", ""))[0]
    records = []
    for index in range(people):
        book = nguyen_van_hung(today) if index == 0 else synthetic_book(rng, rng.randint(10**6, 10**7), today)
        template = book.visits[-1] if book.visits else nguyen_van_hung(today).visits[-1]
        start = datetime.now(VIETNAM_TZ).replace(second=0, microsecond=0) - timedelta(hours=2, minutes=index)
        prescriber = next(iter(PRACTITIONERS.get(facility_code, [])), (None,))[0]
        visit = template.model_copy(update={
            "prescriptions": [p.model_copy(update={"prescriber": prescriber}) for p in template.prescriptions],
            "facility_code": facility_code, "facility_name": facility_name, "started_at": start,
            "ended_at": start + timedelta(minutes=40), "re_exam": None, "referral": None, "discharge_paper": None,
            "record_summary": None,
        })
        records.append(tables_for(book.person, visit, f"{facility_code}-{start:%Y%m%d}-{rng.randint(0, 999999):06d}"))
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.gateway", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    sample = commands.add_parser("sample", help="write an unsigned envelope of plausible visits to stdout")
    sample.add_argument("--people", type=int, default=10)
    sample.add_argument("--facility", default="01902")
    submit = commands.add_parser("submit", help="sign an envelope with the facility's key and send it")
    submit.add_argument("file", type=Path)
    submit.add_argument("--facility", default="01902")
    submit.add_argument("--url", default="http://127.0.0.1:8000")
    submit.add_argument("--data-dir", type=Path, default=ROOT / "data")
    args = parser.parse_args(argv)

    if args.command == "sample":
        envelope = build_envelope(args.facility, sample_records(args.people, args.facility), date.today())
        sys.stdout.buffer.write(envelope)
        return 0

    credentials = load_credentials(args.data_dir / "demo" / "facilities" / args.facility)
    signed = sign_envelope(args.file.read_bytes(), credentials.key_pem, credentials.cert_pem)
    response = httpx.post(
        f"{args.url.rstrip('/')}/api/v1/gateway/submissions", content=signed, timeout=60,
        headers={"Authorization": f"Bearer {credentials.api_key}", "Content-Type": "application/xml"},
    )
    print(json.dumps(response.json(), ensure_ascii=False, indent=2))
    answer = response.json()
    return 0 if response.is_success and not answer.get("rejected") else 1


if __name__ == "__main__":
    sys.exit(main())
