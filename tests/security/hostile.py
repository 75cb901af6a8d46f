"""A hostile HTTP server on a raw socket: one attack mode per instance, every request recorded.

Each mode is a function (socket, request) -> None that writes whatever it likes, so a
test can send what no well-behaved framework would: a body that never ends, one byte
every half second, a redirect to another host, a password echoed with terminal escapes.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

Mode = Callable[[socket.socket, bytes], None]


@dataclass
class Recorded:
    """Every request a hostile server received (head and body, raw)."""

    requests: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, data: bytes) -> None:
        with self.lock:
            self.requests.append(data)

    def text(self) -> str:
        with self.lock:
            return b"\n".join(self.requests).decode("latin-1")


def _read_request(conn: socket.socket) -> bytes:
    conn.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@contextmanager
def serve(mode: Mode) -> Iterator[tuple[str, Recorded]]:
    """Serve ``mode`` on 127.0.0.1 (a free port); yield (base URL, recorded requests)."""
    recorded = Recorded()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            try:
                request = _read_request(self.request)
                if not request:
                    return
                recorded.add(request)
                mode(self.request, request)
            except OSError:
                pass  # the client gave up: that is what the attacks are for

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorded
    finally:
        server.shutdown()
        server.server_close()


def answer(status: int, body: bytes, headers: dict[str, str] | None = None) -> Mode:
    """Answer every request with ``status`` and ``body``."""
    def mode(conn: socket.socket, request: bytes) -> None:
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        conn.sendall(f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{extra}"
                     f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    return mode


def redirect(status: int, location: str) -> Mode:
    """A 3xx to ``location``."""
    return answer(status, b"", {"Location": location})


def json_answer(data: object, status: int = 200) -> Mode:
    return answer(status, json.dumps(data).encode())


def endless() -> Mode:
    """200 with a close-delimited body that never ends (zeros, as fast as the client reads)."""
    def mode(conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[")
        block = b"0," * 32768
        while True:
            conn.sendall(block)
    return mode


def trickle(interval: float = 0.5) -> Mode:
    """200 promising 1000 bytes, then one byte every ``interval`` seconds."""
    def mode(conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
        for _ in range(1000):
            conn.sendall(b" ")
            time.sleep(interval)
    return mode


@dataclass
class Accepts:
    """Connections a trap accepted (nothing is read or answered: any connection is a leak)."""

    count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self) -> None:
        with self.lock:
            self.count += 1


@contextmanager
def trap(host: str = "127.0.0.1") -> Iterator[tuple[int, Accepts]]:
    """A raw listening socket on ``host`` (a free port) that counts every connection it accepts.

    Connections are counted synchronously with the client's connect: the kernel completes the
    handshake into the backlog, and on leaving, the backlog is drained before the count is read.
    """
    accepts = Accepts()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, 0))
    server.listen(64)
    server.settimeout(0.05)
    stop = threading.Event()

    def accept_all() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except (socket.timeout, BlockingIOError):
                if stop.is_set():
                    return
                continue
            except OSError:
                return
            accepts.add()
            conn.close()

    thread = threading.Thread(target=accept_all, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], accepts
    finally:
        stop.set()  # the loop drains the backlog (accept answers at once) before it sees the flag
        thread.join(5)
        server.close()
