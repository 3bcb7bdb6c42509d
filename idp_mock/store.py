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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    family: str  # every token descended from one sign-in shares it (the authorization code's hash)

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


@migrations()
def m002_token_families(db: Database) -> None:
    """Refresh tokens know their sign-in, so a replayed one can end it; access tokens can be revoked."""
    db["refresh_tokens"].add_column("family", str)
    db.execute("UPDATE refresh_tokens SET family = coalesce(code_hash, token_hash)")
    db["refresh_tokens"].create_index(["family"])
    db["revoked_families"].create({"family": str, "revoked_at": float}, pk="family")
    db["revoked_access_tokens"].create({"jti": str, "expires_at": float}, pk="jti")


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

    @contextmanager
    def transaction(self) -> Iterator[None]:
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

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
            if self.db.execute("SELECT 1 FROM auth_codes WHERE code_hash = ?", [hashed]).fetchone():
                self.revoke_family(hashed)  # a replayed code: whoever holds its tokens may be the thief
            return None
        row = self.db["auth_codes"].get(hashed)
        fields = {k: row[k] for k in StoredCode.__dataclass_fields__}
        return StoredCode(**fields)

    def purge_expired(self) -> None:
        now = self.clock()
        self.db.execute("DELETE FROM auth_codes WHERE expires_at < ?", [now - 3600])
        self.db.execute("DELETE FROM refresh_tokens WHERE expires_at < ?", [now])
        self.db.execute("DELETE FROM login_failures WHERE at < ?", [now - 3600])
        self.db.execute("DELETE FROM revoked_access_tokens WHERE expires_at < ?", [now])
        self.db.execute(
            "DELETE FROM revoked_families WHERE revoked_at < ? AND family NOT IN (SELECT family FROM refresh_tokens)",
            [now - 24 * 3600],
        )

    # -- refresh tokens

    def save_refresh_token(
        self, token: str, *, client_id: str, sub: str, scope: str, ttl_seconds: int, family: str
    ) -> None:
        self.db["refresh_tokens"].insert(
            {
                "token_hash": token_hash(token), "client_id": client_id, "sub": sub, "scope": scope,
                "code_hash": family, "family": family, "expires_at": self.clock() + ttl_seconds, "revoked": 0,
            }
        )

    def find_refresh_token(self, token: str) -> StoredRefreshToken | None:
        """The token if it can still be used. One already rotated or revoked ends its whole family:
        either the client misbehaves or someone replays a stolen token (RFC 9700 §4.14.2)."""
        rows = list(self.db["refresh_tokens"].rows_where("token_hash = ?", [token_hash(token)]))
        if not rows:
            return None
        row = rows[0]
        if row["revoked"]:
            self.revoke_family(row["family"])
            return None
        if row["expires_at"] <= self.clock():
            return None
        return StoredRefreshToken(
            token_hash=row["token_hash"], client_id=row["client_id"], sub=row["sub"], scope=row["scope"],
            expires_at=row["expires_at"], revoked=False, family=row["family"],
        )

    def rotate_out(self, hashed: str) -> None:
        """A refresh token that was used once: presenting it again is a replay."""
        self.db.execute("UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = ?", [hashed])

    def revoke_family(self, family: str) -> None:
        """End one sign-in: its refresh tokens and every access token issued from it."""
        with self.transaction():
            self.db.execute("UPDATE refresh_tokens SET revoked = 1 WHERE family = ?", [family])
            self.db.execute(
                "INSERT OR IGNORE INTO revoked_families (family, revoked_at) VALUES (?, ?)", [family, self.clock()]
            )

    def revoke_families_of(self, sub: str, client_id: str) -> None:
        families = [row[0] for row in self.db.execute(
            "SELECT DISTINCT family FROM refresh_tokens WHERE sub = ? AND client_id = ? AND revoked = 0",
            [sub, client_id],
        )]
        for family in families:
            self.revoke_family(family)

    def revoke_access_token(self, jti: str, expires_at: float) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO revoked_access_tokens (jti, expires_at) VALUES (?, ?)", [jti, expires_at]
        )

    def access_token_revoked(self, jti: str, family: str) -> bool:
        return self.db.execute(
            "SELECT 1 FROM revoked_access_tokens WHERE jti = ? UNION ALL SELECT 1 FROM revoked_families WHERE family = ?",
            [jti, family],
        ).fetchone() is not None

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
