"""Check a paper of the electronic health book, offline, from a saved key set.

    python -m server.verify FILE.pdf | QR-TEXT [--keys jwks.json] [--issuer URL] [--fetch URL] [--lang en]

The key set comes from `--keys`, else from the cache (~/.cache/sskdt/jwks.json), which `--fetch URL`
fills from URL's /.well-known/jwks.json first (the only step that needs a network). `--issuer URL`
refuses a paper from any other issuer. Exit code 0: valid; 1: refused; 2: the command was not usable.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import httpx

from api_client.identifiers import N_
from locales import translations

from .papers import KeySet, verify
from .papers.wording import describe, language_of

NO_KEYS = N_("No key set: give --keys FILE, or run once with --fetch URL while online.")
UNREADABLE_KEYS = N_("The key set {path} cannot be read.")
FETCH_FAILED = N_("The key set could not be downloaded from {url}.")
UNREADABLE_FILE = N_("The file {path} cannot be read.")


def cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sskdt" / "jwks.json"


def _fetch(url: str) -> dict:
    address = url if url.endswith(".json") else f"{url.rstrip('/')}/.well-known/jwks.json"
    response = httpx.get(address, timeout=15, follow_redirects=False)
    response.raise_for_status()
    jwks = response.json()
    KeySet.from_jwks(jwks)  # raises nothing; an empty set is still written, and then refuses every paper
    path = cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(jwks))
    return jwks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.verify",
                                     description="Check a paper of the electronic health book (PDF or QR text).")
    parser.add_argument("paper", help="the paper's PDF file, or the text of its QR code (SSKDT1:...)")
    parser.add_argument("--keys", type=Path, help="a saved key set (JWKS) to check with")
    parser.add_argument("--issuer", help="accept only papers issued by this URL")
    parser.add_argument("--fetch", metavar="URL", help="download the issuer's key set into the cache first")
    parser.add_argument("--lang", default="vi", help="vi (default) or en")
    args = parser.parse_args(argv)
    language = language_of(args.lang)
    _ = translations(language).gettext

    if args.fetch:
        try:
            _fetch(args.fetch)
        except (httpx.HTTPError, ValueError):
            print(_(FETCH_FAILED).format(url=args.fetch), file=sys.stderr)
            return 2
    keys_path = args.keys or cache_path()
    if not keys_path.exists():
        print(_(NO_KEYS), file=sys.stderr)
        return 2
    try:
        keys = KeySet.from_jwks(json.loads(keys_path.read_text()))
    except (OSError, ValueError):
        print(_(UNREADABLE_KEYS).format(path=keys_path), file=sys.stderr)
        return 2

    paper: bytes | str = args.paper
    candidate = Path(args.paper)
    if len(args.paper) < 4096 and not args.paper.upper().startswith("SSKDT1:") and _is_file(candidate):
        try:
            paper = candidate.read_bytes()
        except OSError:
            print(_(UNREADABLE_FILE).format(path=candidate), file=sys.stderr)
            return 2
    wording = describe(verify(paper, keys, issuer=args.issuer), language)
    print(("✔ " if wording.valid else "✘ ") + wording.headline)
    for line in (wording.reason, wording.scope):
        if line:
            print(line)
    width = max((len(label) for label, _value in wording.facts), default=0)
    for label, value in wording.facts:
        print(f"  {label.ljust(width)}  {value}")
    return 0 if wording.valid else 1


def _is_file(path: Path) -> bool:
    """A compact JWS pasted as the argument is longer than a file name may be: that is not an error."""
    try:
        return path.is_file()
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
