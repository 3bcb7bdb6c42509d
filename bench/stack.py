"""Start `python main.py` on a free loopback port for a benchmark, and stop it afterwards."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_stack(data_dir: Path, *, demo: bool = True, database: str | None = None) -> Iterator[str]:
    """`python main.py` on a free port; its URL once it answers."""
    with running_workers(data_dir, demo=demo, database=database) as urls:
        yield urls[0]


@contextlib.contextmanager
def running_workers(data_dir: Path, *, demo: bool = True, database: str | None = None,
                    workers: int = 1) -> Iterator[list[str]]:
    """`python main.py [--workers N]`, each process on its own port; their URLs once all answer."""
    port = free_port() if workers == 1 else consecutive_free_ports(workers)
    args = [sys.executable, str(ROOT / "main.py"), "--port", str(port), "--data-dir", str(data_dir)]
    if database:
        args += ["--database", database]
    if workers > 1:
        args += ["--workers", str(workers)]
    if not demo:
        args.append("--no-demo")
    with open(data_dir / "server.log", "w") as log:
        process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, "FLET_WEB_NO_CDN": "1"},
                                   stdout=log, stderr=subprocess.STDOUT)
    urls = [f"http://127.0.0.1:{port + index}" for index in range(workers)]
    try:
        deadline = time.monotonic() + 300
        for url in urls:
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data_dir / "server.log").read_text())
                time.sleep(0.2)
        yield urls
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def consecutive_free_ports(count: int) -> int:
    for _ in range(50):
        first = free_port()
        if first + count < 65535 and all(_bindable(first + index) for index in range(count)):
            return first
    raise RuntimeError("no consecutive free ports")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
