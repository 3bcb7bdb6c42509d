"""The provider's signing key: RSA 2048, created on first start, kept in the data dir (mode 0600)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from joserfc.jwk import KeySet, KeySetSerialization, RSAKey

ALGORITHM = "RS256"


def load_or_create_signing_key(path: Path) -> RSAKey:
    if path.exists():
        return RSAKey.import_key(json.loads(path.read_text()))
    key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": ALGORITHM})
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Written whole or not at all: a start killed half-way must not leave a key that cannot be read.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(key.as_dict(private=True), file)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    return key


def public_jwks(key: RSAKey) -> KeySetSerialization:
    return KeySet([key]).as_dict(private=False)
