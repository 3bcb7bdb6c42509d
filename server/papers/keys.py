"""The papers' signing key (EC P-256, ES256) and the public key set verifiers check them with.

The key file, `<data_dir>/papers/signing-key.json`, 0600, holds the current private key and the public
halves of retired ones: `{"current": <private JWK>, "retired": [<public JWK>, ...]}`. Every key's id is
its RFC 7638 JWK thumbprint, so anyone holding a public key can check that the `kid` names it. Retired
keys stay in the published set for ever: a paper printed years ago must still verify. Several server
processes on one machine share the file; the first to start creates it, under a lock.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from joserfc.jwk import ECKey

from ..storage.private import write_private

ALGORITHM = "ES256"
KEY_FILE = Path("papers") / "signing-key.json"
MAX_KEYS = 64  # a key set from outside with more than this is not ours


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class KeySet:
    """Public keys by key id; what `verify` needs, and all it needs."""

    keys: dict[str, ec.EllipticCurvePublicKey]

    def as_jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [public_jwk(key) for key in self.keys.values()]}

    @classmethod
    def from_jwks(cls, jwks: Any) -> KeySet:
        """Only P-256 keys whose `kid`, if given, is their thumbprint; anything else in the set is skipped
        (a key set is also read from files and URLs of other parties)."""
        keys: dict[str, ec.EllipticCurvePublicKey] = {}
        entries = jwks.get("keys") if isinstance(jwks, dict) else None
        for entry in (entries if isinstance(entries, list) else [])[:MAX_KEYS]:
            if not isinstance(entry, dict) or entry.get("kty") != "EC" or entry.get("crv") != "P-256":
                continue
            try:
                key = ECKey.import_key({name: entry[name] for name in ("kty", "crv", "x", "y")})
            except Exception:  # noqa: BLE001 - a malformed key in someone's set: not a key of ours
                continue
            kid = key.thumbprint()
            if entry.get("kid", kid) == kid:
                keys[kid] = key.public_key
        return cls(keys)


def public_jwk(key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    jwk = ECKey.import_key(key)
    public = {name: str(value) for name, value in jwk.as_dict(private=False).items()}
    return {**public, "kid": jwk.thumbprint(), "use": "sig", "alg": ALGORITHM}


def thumbprint(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> str:
    return ECKey.import_key(key).thumbprint()


@dataclass(frozen=True)
class PaperKeys:
    signing: SigningKey
    public: KeySet


def load_or_create(data_dir: Path) -> PaperKeys:
    """The key file in `data_dir`, made on first start (one process makes it, the others wait and read)."""
    path = data_dir / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _locked(path):
        if not path.exists():
            _write(path, ec.generate_private_key(ec.SECP256R1()), [])
        return _read(path)


def rotate(data_dir: Path) -> PaperKeys:
    """A new current key; the old one's public half joins the retired ones (old papers still verify).
    Processes already running sign with the old key until they restart, which stays valid."""
    path = data_dir / KEY_FILE
    with _locked(path):
        old = _read(path)
        retired = [public_jwk(key) for kid, key in old.public.keys.items()]
        _write(path, ec.generate_private_key(ec.SECP256R1()), retired)
        return _read(path)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Held while a process reads or makes the key file, so two first starts make one key, not two."""
    lock_path = path.with_name(f".{path.name}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(path: Path, current: ec.EllipticCurvePrivateKey, retired: list[dict[str, str]]) -> None:
    jwk = ECKey.import_key(current)
    content = {"current": {**jwk.as_dict(private=True), "kid": jwk.thumbprint()}, "retired": retired}
    write_private(path, json.dumps(content, indent=1).encode())


def _read(path: Path) -> PaperKeys:
    content = json.loads(path.read_text())
    if "current" not in content:  # a bare JWK: the first layout of the file
        content = {"current": content, "retired": []}
    private = ECKey.import_key(content["current"]).private_key
    assert isinstance(private, ec.EllipticCurvePrivateKey), "the current key must hold its private half"
    kid = thumbprint(private)
    public = KeySet.from_jwks({"keys": content.get("retired", [])})
    return PaperKeys(SigningKey(kid, private), KeySet({kid: private.public_key(), **public.keys}))
