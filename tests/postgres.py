"""A throw-away PostgreSQL server for the tests: initdb in a fresh temporary directory, a free port on
127.0.0.1, settings that trade durability for speed, and `pg_ctl -m immediate stop` at the end.

Plain code (no fixtures), so any conftest can build on it:

    with PostgresServer() as pg:
        pg.create_database("book_template")
        ...
        pg.create_database("test_1", template="book_template")
        psycopg.connect(pg.url("test_1"))

PostgreSQL refuses to run as root; when the tests run as root (CI does), initdb and pg_ctl run as the
`postgres` OS user (created by Debian's postgresql package) and the directory is handed to that user.
A test process killed mid-way leaves its server behind: the next run never collides with it (fresh port,
fresh directory), and `reap_orphans()` (called by `start()`) stops servers whose owning process is gone.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import psycopg
from psycopg import sql

__all__ = ["PostgresError", "PostgresServer", "find_bin_dir", "reap_orphans"]

SUPERUSER = "postgres"  # the database superuser initdb creates (-U), whatever OS user runs the server
OS_USER = "postgres"  # the OS user the server runs as when we are root
DIR_PREFIX = "sskdt-pg-"
NAME = re.compile(r"[a-z0-9_]{1,63}")
LOG_TAIL_LINES = 40

# Durability off, enough connections for pools in several test processes; everything else stays default.
TEST_SETTINGS: dict[str, str] = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "128MB",
}

# Only local connections exist (listen_addresses=127.0.0.1, socket in a 0700 directory): trust them all.
PG_HBA = """\
# Written by tests/postgres.py: a throw-away test server, reachable only from this machine.
local   all             all                                     trust
host    all             all             127.0.0.1/32            trust
local   replication     all                                     trust
host    replication     all             127.0.0.1/32            trust
"""


class PostgresError(RuntimeError):
    """The test server could not be set up, started or used."""


def _version_key(path: Path) -> tuple[int, ...]:
    """/usr/lib/postgresql/15/bin -> (15,); "9.6" -> (9, 6); anything else sorts first."""
    parts = path.parent.name.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else (-1,)


def _has_tools(bin_dir: Path) -> bool:
    return all(os.access(bin_dir / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres"))


def find_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin with initdb and pg_ctl, else `pg_config --bindir`, else None."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    for bin_dir in candidates:
        if _has_tools(bin_dir):
            return bin_dir
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True)
        except (OSError, subprocess.SubprocessError):
            return None
        bin_dir = Path(out.stdout.strip())
        if out.stdout.strip() and _has_tools(bin_dir):
            return bin_dir
    return None


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ValueError(f"database name must match [a-z0-9_]{{1,63}}: {name!r}")
    return name


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"(no log: {exc})"
    return "\n".join(text.splitlines()[-lines:])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _postmaster_pid(data_dir: Path) -> int | None:
    """The postmaster's pid from postmaster.pid, only if that process is still this data dir's postgres."""
    try:
        pid = int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None  # gone (or no /proc: then we do not dare signal a pid we cannot identify)
    return pid if str(data_dir) in cmdline else None


def _kill_postmaster(data_dir: Path, wait: float = 10.0) -> None:
    """SIGQUIT is PostgreSQL's immediate shutdown; SIGKILL if it lingers (the children follow the postmaster)."""
    pid = _postmaster_pid(data_dir)
    if pid is None:
        return
    for sig, patience in ((signal.SIGQUIT, wait), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            if not _alive(pid) or _postmaster_pid(data_dir) is None:
                return
            time.sleep(0.05)


def reap_orphans(parent: Path | None = None, min_age: float = 600.0) -> list[Path]:
    """Stop and remove test servers left by processes that no longer exist (a test run killed mid-way).

    A directory counts as an orphan when the pid in its `owner.pid` is dead, or it has no `owner.pid`
    and is older than `min_age` seconds. Returns the directories removed."""
    parent = parent or _temp_parent()
    removed: list[Path] = []
    for base in parent.glob(DIR_PREFIX + "*"):
        try:
            if not base.is_dir() or base.is_symlink():
                continue
            try:
                owner = int((base / "owner.pid").read_text().strip())
            except (OSError, ValueError):  # not written yet (or unreadable): only an old directory counts
                owner = None
            if owner is not None and _alive(owner):
                continue
            if owner is None and time.time() - base.stat().st_mtime < min_age:
                continue
        except OSError:
            continue
        _kill_postmaster(base / "data")
        shutil.rmtree(base, ignore_errors=True)
        if not base.exists():
            removed.append(base)
    return removed


def _temp_parent() -> Path:
    """/tmp: world-traversable (the `postgres` user must reach the directory when we are root) and short
    (a unix socket path must stay under ~107 bytes, which a long $TMPDIR can break)."""
    tmp = Path("/tmp")
    return tmp if tmp.is_dir() else Path(tempfile.gettempdir())


def _as_user_prefix(user: str) -> list[str]:
    """A command prefix that runs what follows as `user` (we are root)."""
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--"]
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--"]
    return []  # su: handled in _run, since it wants one shell string


class PostgresServer:
    """One PostgreSQL server in a temporary directory, for the length of a test session.

    `start()` / `stop()`, or use it as a context manager. `url(db)` gives a libpq URL for psycopg;
    `create_database` / `drop_database` manage databases (names: [a-z0-9_], at most 63 characters)."""

    def __init__(self, bin_dir: Path | str | None = None, settings: Mapping[str, str] | None = None,
                 start_timeout: float = 60.0) -> None:
        found = Path(bin_dir) if bin_dir else find_bin_dir()
        if found is None:
            raise PostgresError("no PostgreSQL server binaries (initdb, pg_ctl) found: "
                                "install Debian's postgresql package (`make test-tools` does)")
        self.bin_dir = found
        self.settings = {**TEST_SETTINGS, **(settings or {})}
        self.start_timeout = start_timeout
        self.host = "127.0.0.1"
        self.port: int | None = None
        self.base_dir: Path | None = None
        self._as_root = os.geteuid() == 0
        self._running = False
        self._conf_lines: list[str] = []

    # Paths -------------------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self._base() / "data"

    @property
    def log_path(self) -> Path:
        return self._base() / "postgres.log"

    @property
    def socket_dir(self) -> Path:
        return self._base()

    def _base(self) -> Path:
        if self.base_dir is None:
            raise PostgresError("the server has not been started")
        return self.base_dir

    @property
    def running(self) -> bool:
        return self._running

    # Life cycle ----------------------------------------------------------------------------------

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> PostgresServer:
        if self._running:
            return self
        reap_orphans()
        try:
            self._make_dir()
            self._initdb()
            self._start_with_free_port()
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Immediate shutdown (no checkpoint: the data is thrown away) and removal of the directory."""
        atexit.unregister(self.stop)
        base, self._running = self.base_dir, False
        if base is None:
            return
        if (base / "data" / "postmaster.pid").exists():
            with contextlib.suppress(PostgresError, subprocess.SubprocessError, OSError):
                self._run([self._tool("pg_ctl"), "-D", str(base / "data"), "-m", "immediate", "-w", "-t", "30",
                           "stop"], timeout=40)
            _kill_postmaster(base / "data")  # no-op once pg_ctl stopped it
        shutil.rmtree(base, ignore_errors=True)
        self.base_dir = None
        self.port = None

    def _make_dir(self) -> None:
        base = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=_temp_parent()))
        self.base_dir = base
        atexit.register(self.stop)  # backstop: a test session that forgets (or fails) still cleans up
        # Atomically (a concurrent reap_orphans must never read a half-written file as "no owner").
        (base / "owner.pid.tmp").write_text(f"{os.getpid()}\n")
        os.replace(base / "owner.pid.tmp", base / "owner.pid")
        if self._as_root:
            try:
                user = pwd.getpwnam(OS_USER)
            except KeyError:
                raise PostgresError(f"running as root, and PostgreSQL refuses to run as root; there is no "
                                    f"{OS_USER!r} OS user to run it as (Debian's postgresql package creates it)"
                                    ) from None
            os.chown(base, user.pw_uid, user.pw_gid)
        os.chmod(base, 0o700)

    def _initdb(self) -> None:
        base = self._base()
        command = [self._tool("initdb"), "-D", str(self.data_dir), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                   "--no-sync"]
        attempts = (["--locale=C.UTF-8"], ["--no-locale"])  # C.UTF-8 is in glibc >= 2.35; else plain C
        for i, locale in enumerate(attempts):
            result = self._run(command + locale, timeout=120, check=False)
            if result.returncode == 0:
                break
            if i == len(attempts) - 1 or "locale" not in (result.stdout + result.stderr).lower():
                raise PostgresError(f"initdb failed ({result.returncode}):\n{result.stdout}{result.stderr}")
            shutil.rmtree(self.data_dir, ignore_errors=True)
        # Writing into existing files keeps their owner (the postgres user when we are root).
        (self.data_dir / "pg_hba.conf").write_text(PG_HBA)
        self._conf_lines = [f"unix_socket_directories = {_quote(str(base))}"] + [
            f"{key} = {_quote(value)}" for key, value in self.settings.items()
        ]

    def _write_port(self, port: int) -> None:
        lines = "\n".join([*self._conf_lines, f"port = {port}"])
        (self.data_dir / "postgresql.auto.conf").write_text(
            "# Written by tests/postgres.py (ALTER SYSTEM would rewrite this file).\n" + lines + "\n")

    def _start_with_free_port(self, attempts: int = 5) -> None:
        """A free port can be taken between our probe and the server's bind: then try another one."""
        for attempt in range(attempts):
            self.port = _free_port()
            self._write_port(self.port)
            result = self._run([self._tool("pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_path),
                                "-w", "-t", str(int(self.start_timeout)), "start"],
                               timeout=self.start_timeout + 15, check=False)
            if result.returncode == 0:
                self._running = True
                return
            log = _tail(self.log_path)
            if "could not bind" in log and attempt < attempts - 1 and _postmaster_pid(self.data_dir) is None:
                continue
            raise PostgresError(f"PostgreSQL did not start (pg_ctl exit {result.returncode}; "
                                f"{result.stdout.strip()} {result.stderr.strip()}).\n"
                                f"Last {LOG_TAIL_LINES} lines of the server log:\n{log}")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                with psycopg.connect(self.url("postgres"), connect_timeout=5) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise PostgresError(f"PostgreSQL does not accept connections on port {self.port}: {exc}\n"
                                        f"Last {LOG_TAIL_LINES} lines of the server log:\n{_tail(self.log_path)}"
                                        ) from exc
                time.sleep(0.05)

    # Commands ------------------------------------------------------------------------------------

    def _tool(self, name: str) -> str:
        return str(self.bin_dir / name)

    def _run(self, command: Sequence[str], timeout: float, check: bool = True) -> subprocess.CompletedProcess:
        """Run a PostgreSQL tool, as the postgres OS user when we are root; cwd is our directory, which
        that user can enter (initdb and pg_ctl fail in a current directory they cannot read)."""
        command = list(command)
        if self._as_root:
            prefix = _as_user_prefix(OS_USER)
            if prefix:
                command = prefix + command
            elif shutil.which("su"):
                command = ["su", "-s", "/bin/sh", OS_USER, "-c", shlex.join(command)]
            else:
                raise PostgresError("running as root, and none of runuser, setpriv or su is available")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}  # no PGDATA/PGPORT surprises
        env["LC_MESSAGES"] = "C"  # messages we search ("could not bind", "locale") stay in English
        try:
            result = subprocess.run(command, cwd=self._base(), env=env, capture_output=True, text=True,
                                    timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise PostgresError(f"{shlex.join(command)} did not finish within {timeout:.0f}s\n"
                                f"Last {LOG_TAIL_LINES} lines of the log:\n{_tail(self.log_path)}") from exc
        if check and result.returncode != 0:
            raise PostgresError(f"{shlex.join(command)} failed ({result.returncode}):\n"
                                f"{result.stdout}{result.stderr}")
        return result

    # Databases -----------------------------------------------------------------------------------

    def url(self, dbname: str = "postgres") -> str:
        """postgresql://postgres@127.0.0.1:PORT/dbname"""
        if not self._running or self.port is None:
            raise PostgresError("the server is not running")
        return f"postgresql://{SUPERUSER}@{self.host}:{self.port}/{_check_name(dbname)}"

    def connect(self, dbname: str = "postgres", **kwargs) -> psycopg.Connection:
        """An autocommit connection (for administration and quick checks)."""
        kwargs.setdefault("autocommit", True)
        kwargs.setdefault("connect_timeout", 10)
        return psycopg.connect(self.url(dbname), **kwargs)

    def create_database(self, name: str, template: str | None = None) -> str:
        """CREATE DATABASE name [TEMPLATE template]; returns its URL.

        A template must have no other sessions (close pools on it first). PostgreSQL itself waits up to
        5 s for sessions that are just exiting, then raises psycopg.errors.ObjectInUse."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_check_name(name)))
        if template is not None:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(_check_name(template)))
        with self.connect() as conn:
            conn.execute(statement)
        return self.url(name)

    def drop_database(self, name: str, missing_ok: bool = True) -> None:
        """DROP DATABASE ... WITH (FORCE): other sessions on it are terminated first."""
        statement = sql.SQL("DROP DATABASE {}{} WITH (FORCE)").format(
            sql.SQL("IF EXISTS ") if missing_ok else sql.SQL(""), sql.Identifier(_check_name(name)))
        with self.connect() as conn:
            conn.execute(statement)

    def databases(self) -> list[str]:
        with self.connect() as conn:
            return [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE NOT datistemplate "
                                               "ORDER BY datname")]


def _quote(value: str) -> str:
    """A postgresql.conf string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
