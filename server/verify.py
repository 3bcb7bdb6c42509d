"""Check a paper of the electronic health book, offline, from a saved key set.

    python -m server.verify FILE.pdf | QR-TEXT [--keys jwks.json] [--issuer URL] [--fetch URL] [--lang en]

The key set comes from `--keys`, else from the cache (~/.cache/sskdt/issuers/), which `--fetch URL` fills
from URL's /.well-known/jwks.json first (the only step that needs a network; https, or http to this machine).
Each issuer's keys are cached apart and vouch only for papers naming that issuer: a key set fetched from
anywhere else cannot make a paper "of" the health book valid. `--issuer URL` refuses a paper from any other
issuer. Exit code 0: valid; 1: refused; 2: the command was not usable.
"""

from __future__ import annotations

import argparse
import hashlib
import ipaddress
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from api_client.identifiers import N_
from locales import translations

from .papers import KeySet, Verdict, verify
from .papers.verification import Refusal
from .papers.wording import describe, language_of

NO_KEYS = N_("No key set: give --keys FILE, or run once with --fetch URL while online.")
UNREADABLE_KEYS = N_("The key set {path} cannot be read.")
FETCH_FAILED = N_("The key set could not be downloaded from {url}.")
NOT_HTTPS = N_("The key set must come over https (http only from this machine): {url}")
UNREADABLE_FILE = N_("The file {path} cannot be read.")


JWKS_PATHS = ("/.well-known/jwks.json", "/api/v1/papers/jwks.json")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sskdt" / "issuers"


def _issuer_of(url: str) -> str:
    """The issuer a key-set address belongs to: its base URL, as papers name it."""
    url = url.rstrip("/")
    for suffix in JWKS_PATHS:
        if url.endswith(suffix):
            return url.removesuffix(suffix)
    return url


def secure_enough(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return bool(parts.hostname)
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def _fetch(url: str) -> None:
    issuer = _issuer_of(url)
    response = httpx.get(f"{issuer}{JWKS_PATHS[0]}", timeout=15, follow_redirects=False)
    response.raise_for_status()
    jwks = response.json()
    KeySet.from_jwks(jwks)  # raises on what is not a key set; an empty one is kept, and refuses every paper
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(issuer.encode()).hexdigest()[:24]
    temporary = folder / f".{name}.tmp"
    temporary.write_text(json.dumps({"issuer": issuer, "jwks": jwks}))
    temporary.replace(folder / f"{name}.json")  # a cut-off download never leaves half a key set


def _cached(only: str | None) -> list[tuple[str, KeySet]]:
    found = []
    folder = cache_dir()
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        entry = json.loads(path.read_text())
        issuer = entry["issuer"]
        if only is None or issuer.rstrip("/") == only.rstrip("/"):
            found.append((issuer, KeySet.from_jwks(entry["jwks"])))
    return found


def _best(verdicts: list[Verdict]) -> Verdict:
    """The valid one, else the refusal that says most (a bad signature over "not ours")."""
    rank = {Refusal.ALTERED: 0, Refusal.BAD_SIGNATURE: 1, Refusal.NOT_OURS: 2, Refusal.UNKNOWN_KEY: 3,
            Refusal.MALFORMED: 4}
    return min(verdicts, key=lambda verdict: -1 if verdict.valid else rank[verdict.refusal or Refusal.MALFORMED])


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
        if not secure_enough(args.fetch):
            print(_(NOT_HTTPS).format(url=args.fetch), file=sys.stderr)
            return 2
        try:
            _fetch(args.fetch)
        except (httpx.HTTPError, ValueError, OSError):
            print(_(FETCH_FAILED).format(url=args.fetch), file=sys.stderr)
            return 2
    key_sets: list[tuple[str | None, KeySet]]
    try:
        if args.keys:  # a set the user chose: it vouches for the issuer they ask for, or any
            key_sets = [(args.issuer, KeySet.from_jwks(json.loads(args.keys.read_text())))]
        else:
            key_sets = list(_cached(args.issuer))
    except (OSError, ValueError, KeyError, TypeError):
        print(_(UNREADABLE_KEYS).format(path=args.keys or cache_dir()), file=sys.stderr)
        return 2
    if not key_sets:
        print(_(NO_KEYS), file=sys.stderr)
        return 2

    paper: bytes | str = args.paper
    candidate = Path(args.paper)
    if len(args.paper) < 4096 and not args.paper.upper().startswith("SSKDT1:") and _is_file(candidate):
        try:
            paper = candidate.read_bytes()
        except OSError:
            print(_(UNREADABLE_FILE).format(path=candidate), file=sys.stderr)
            return 2
    verdict = _best([verify(paper, keys, issuer=issuer) for issuer, keys in key_sets])
    wording = describe(verdict, language)
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
