"""The last synced books on a phone: sqlite-utils in the app's data folder, AES-GCM encrypted.

The key is made on first use and kept in the platform keystore (Android Keystore / iOS Keychain
through flet-secure-storage), never in the database. Signing out erases both. The web app has
no cache at all: its Python runs on the server, and the browser keeps nothing.
"""

from __future__ import annotations

import base64
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel
from sqlite_utils import Database

KEY_NAME = "sskdt.cache_key"


class KeyStore(Protocol):
    async def get(self, name: str) -> str | None: ...
    async def set(self, name: str, value: str) -> None: ...
    async def remove(self, name: str) -> None: ...


async def cache_key(keystore: KeyStore) -> bytes:
    stored = await keystore.get(KEY_NAME)
    if stored:
        return base64.b64decode(stored)
    key = AESGCM.generate_key(bit_length=256)
    await keystore.set(KEY_NAME, base64.b64encode(key).decode())
    return key


ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class Cached(Generic[ModelT]):
    value: ModelT
    synced_at: datetime


class OfflineCache:
    """Named records (`me`, `book:<person id>`), each sealed with AES-GCM and its name as AAD."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._aead = AESGCM(key)

    def _db(self) -> Database:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = Database(sqlite3.connect(self.path, check_same_thread=False))
        if not db["records"].exists():
            db["records"].create({"name": str, "synced_at": str, "blob": bytes}, pk="name")
        return db

    def save(self, name: str, value: BaseModel, synced_at: datetime) -> None:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, value.model_dump_json().encode(), name.encode())
        db = self._db()
        try:
            with db.conn:
                db["records"].upsert(
                    {"name": name, "synced_at": synced_at.isoformat(), "blob": nonce + sealed}, pk="name"
                )
        finally:
            db.conn.close()

    def load(self, name: str, model: type[ModelT]) -> Cached[ModelT] | None:
        if not self.path.exists():
            return None
        db = self._db()
        try:
            rows = list(db["records"].rows_where("name = ?", [name]))
        finally:
            db.conn.close()
        if not rows:
            return None
        blob = rows[0]["blob"]
        try:
            plain = self._aead.decrypt(blob[:12], blob[12:], name.encode())
        except InvalidTag:
            return None  # another key (app reinstalled) or tampering: as good as no cache
        return Cached(model.model_validate_json(plain), datetime.fromisoformat(rows[0]["synced_at"]))

    def erase(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
