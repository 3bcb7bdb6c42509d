"""A lean keep-alive HTTP/1.1 client for load over loopback.

httpx spends about a millisecond of CPU per request; with 32 clients on a 2-core machine it
becomes the bottleneck and measures its own queueing. This client does just enough HTTP for
our server's answers (Content-Length bodies) and costs a fraction of that.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


def json_request(method: str, path: str, payload=None, token: str | None = None) -> Request:
    body = json.dumps(payload).encode() if payload is not None else b""
    headers = [("Content-Type", "application/json")] if payload is not None else []
    if token:
        headers.append(("Authorization", f"Bearer {token}"))
    return Request(method, path, body, tuple(headers))


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, url: str) -> Connection:
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        return cls(reader, writer, parts.netloc)

    async def send(self, request: Request) -> tuple[int, bytes]:
        head = [f"{request.method} {request.path} HTTP/1.1", f"Host: {self.host}",
                f"Content-Length: {len(request.body)}"]
        head += [f"{name}: {value}" for name, value in request.headers]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + request.body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def load(url: str, requests: list[Request], concurrency: int, expected: int) -> tuple[float, list[float], int]:
    """Send `requests` over `concurrency` keep-alive connections; (seconds, latencies ms, errors)."""
    pending = iter(requests)
    latencies: list[float] = []
    errors = 0

    async def worker() -> None:
        nonlocal errors
        connection = await Connection.open(url)
        try:
            for request in pending:
                begin = time.perf_counter()
                status, _body = await connection.send(request)
                latencies.append((time.perf_counter() - begin) * 1000)
                errors += status != expected
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, errors
