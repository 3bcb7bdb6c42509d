"""The provider's own data: accounts, authorization codes, refresh tokens and login failures.

Codes and refresh tokens are stored only as SHA-256 hashes; passwords as scrypt hashes.
One SQLite connection per thread (WAL), because Authlib's hooks are synchronous and run in
FastAPI's thread pool.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

Clock = Callable[[], float]

_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str | None) -> bool:
    """Constant work whether or not the account exists, so timing does not reveal IDs."""
    if stored is None:
        hashlib.scrypt(password.encode(), salt=b"\0" * 16, **_SCRYPT)
        return False
    _, salt_b64, digest_b64 = stored.split("$")
    digest = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt_b64), **_SCRYPT)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class Account:
    sub: str
    personal_id: str
    full_name: str
    birthdate: str  # YYYY-MM-DD
    gender: str  # male | female
    level: int  # 1 | 2
    bhyt_card: str | None
    password_hash: str

    @property
    def acr(self) -> str:
        return f"vneid:level{self.level}"


@dataclass(frozen=True)
class StoredCode:
    """What Authlib needs back from an authorization code."""

    code_hash: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str
    code_challenge_method: str
    sub: str
    auth_time: int
    acr: str

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return self.acr

    def get_amr(self) -> list[str]:
        return ["pwd"]


@dataclass(frozen=True)
class StoredRefreshToken:
    token_hash: str
    client_id: str
    sub: str
    scope: str
    expires_at: float
    revoked: bool

    def check_client(self, client) -> bool:
        return client.get_client_id() == self.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return int(self.expires_at - time.time())

    def is_expired(self) -> bool:
        return False  # checked against the store's clock when it is looked up

    def is_revoked(self) -> bool:
        return self.revoked


migrations = Migrations("idp")


@migrations()
def m001_initial(db: Database) -> None:
    db["accounts"].create(
        {
            "sub": str, "personal_id": str, "full_name": str, "birthdate": str, "gender": str,
            "level": int, "bhyt_card": str, "password_hash": str,
        },
        pk="sub",
    )
    db["accounts"].create_index(["personal_id"], unique=True)
    db["auth_codes"].create(
        {
            "code_hash": str, "client_id": str, "redirect_uri": str, "scope": str, "nonce": str,
            "code_challenge": str, "code_challenge_method": str, "sub": str, "auth_time": int,
            "acr": str, "expires_at": float, "used_at": float,
        },
        pk="code_hash",
    )
    db["refresh_tokens"].create(
        {
            "token_hash": str, "client_id": str, "sub": str, "scope": str, "code_hash": str,
            "expires_at": float, "revoked": int,
        },
        pk="token_hash",
    )
    db["refresh_tokens"].create_index(["sub"])
    db["login_failures"].create({"id": int, "key": str, "at": float}, pk="id")
    db["login_failures"].create_index(["key", "at"])


class IdpStore:
    def __init__(self, path: Path, clock: Clock = time.time) -> None:
        self.path = path
        self.clock = clock
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        migrations.apply(self.db)

    @property
    def db(self) -> Database:
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=5000")
            db = self._local.db = Database(conn)
        return db

    # -- accounts

    def add_account(
        self, *, personal_id: str, full_name: str, birthdate: str, gender: str, level: int,
        password: str, bhyt_card: str | None = None, password_hash: str | None = None,
    ) -> Account:
        row = {
            "sub": uuid.uuid4().hex, "personal_id": personal_id, "full_name": full_name,
            "birthdate": birthdate, "gender": gender, "level": level, "bhyt_card": bhyt_card,
            "password_hash": password_hash or hash_password(password),
        }
        self.db["accounts"].insert(row)
        return Account(**row)

    def account_by_personal_id(self, personal_id: str) -> Account | None:
        rows = list(self.db["accounts"].rows_where("personal_id = ?", [personal_id], limit=1))
        return Account(**rows[0]) if rows else None

    def account_by_sub(self, sub: str) -> Account | None:
        rows = list(self.db["accounts"].rows_where("sub = ?", [sub], limit=1))
        return Account(**rows[0]) if rows else None

    def count_accounts(self) -> int:
        return self.db["accounts"].count

    # -- authorization codes

    def save_code(self, code: str, ttl_seconds: int, **fields) -> None:
        self.db["auth_codes"].insert(
            {"code_hash": token_hash(code), "expires_at": self.clock() + ttl_seconds, "used_at": None, **fields}
        )

    def redeem_code(self, code: str, client_id: str) -> StoredCode | None:
        """Single use, atomically: a second redemption finds nothing and revokes what the first got."""
        hashed = token_hash(code)
        now = self.clock()
        claimed = self.db.execute(
            "UPDATE auth_codes SET used_at = ? WHERE code_hash = ? AND client_id = ? "
            "AND used_at IS NULL AND expires_at > ?",
            [now, hashed, client_id, now],
        ).rowcount
        if not claimed:
            self.db.execute("UPDATE refresh_tokens SET revoked = 1 WHERE code_hash = ?", [hashed])
            return None
        row = self.db["auth_codes"].get(hashed)
        fields = {k: row[k] for k in StoredCode.__dataclass_fields__}
        return StoredCode(**fields)

    def purge_expired(self) -> None:
        now = self.clock()
        self.db.execute("DELETE FROM auth_codes WHERE expires_at < ?", [now - 3600])
        self.db.execute("DELETE FROM refresh_tokens WHERE expires_at < ?", [now])
        self.db.execute("DELETE FROM login_failures WHERE at < ?", [now - 3600])

    # -- refresh tokens

    def save_refresh_token(
        self, token: str, *, client_id: str, sub: str, scope: str, ttl_seconds: int, code_hash: str | None
    ) -> None:
        self.db["refresh_tokens"].insert(
            {
                "token_hash": token_hash(token), "client_id": client_id, "sub": sub, "scope": scope,
                "code_hash": code_hash, "expires_at": self.clock() + ttl_seconds, "revoked": 0,
            }
        )

    def find_refresh_token(self, token: str) -> StoredRefreshToken | None:
        rows = list(
            self.db["refresh_tokens"].rows_where(
                "token_hash = ? AND revoked = 0 AND expires_at > ?", [token_hash(token), self.clock()]
            )
        )
        if not rows:
            return None
        row = rows[0]
        return StoredRefreshToken(
            token_hash=row["token_hash"], client_id=row["client_id"], sub=row["sub"],
            scope=row["scope"], expires_at=row["expires_at"], revoked=bool(row["revoked"]),
        )

    def revoke_refresh_token(self, hashed: str) -> None:
        self.db.execute("UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = ?", [hashed])

    def revoke_refresh_tokens_of(self, sub: str, client_id: str) -> None:
        self.db.execute("UPDATE refresh_tokens SET revoked = 1 WHERE sub = ? AND client_id = ?", [sub, client_id])

    # -- login throttling

    def record_login_failure(self, *keys: str) -> None:
        now = self.clock()
        self.db["login_failures"].insert_all([{"key": key, "at": now} for key in keys])

    def clear_login_failures(self, key: str) -> None:
        self.db.execute("DELETE FROM login_failures WHERE key = ?", [key])

    def recent_failures(self, key: str, window_seconds: int) -> tuple[int, float]:
        """(count, time of the latest) within the window."""
        count, latest = self.db.execute(
            "SELECT count(*), max(at) FROM login_failures WHERE key = ? AND at > ?",
            [key, self.clock() - window_seconds],
        ).fetchone()
        return count, latest or 0.0
