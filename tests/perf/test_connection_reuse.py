"""HTTP connections are reused: a pooled session sized to --parallelism (issue 8).

The emulators' werkzeug server closes every connection after its answer, so reuse is
shown against a small HTTP/1.1 keep-alive server that counts the connections it accepts.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from telconf.providers.base import parallel_map
from telconf.providers.http import Transport


class KeepAliveHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # connections stay open between requests
    wbufsize = -1  # headers and body in one write (no Nagle / delayed-ACK stall per answer)

    def setup(self) -> None:
        super().setup()
        with self.server.lock:  # type: ignore[attr-defined]
            self.server.connections += 1  # type: ignore[attr-defined]

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = json.dumps({"err": 0}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with self.server.lock:  # type: ignore[attr-defined]
            self.server.requests += 1  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's signature
        pass


@pytest.fixture
def keep_alive_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAliveHandler)
    server.daemon_threads = True
    server.lock, server.connections, server.requests = threading.Lock(), 0, 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("parallelism", [1, 4])
def test_parallel_requests_reuse_at_most_parallelism_connections(keep_alive_server: ThreadingHTTPServer,
                                                                 parallelism: int) -> None:
    url = f"http://127.0.0.1:{keep_alive_server.server_address[1]}/api"
    transport = Transport("test", parallelism=parallelism)
    try:
        answers = parallel_map(lambda i: transport.send("GET", url, params={"i": i}, call="read", idempotent=True),
                               range(60), parallelism)
    finally:
        transport.close()

    assert [a.status_code for a in answers] == [200] * 60
    assert keep_alive_server.requests == 60  # type: ignore[attr-defined]
    assert 1 <= keep_alive_server.connections <= parallelism  # type: ignore[attr-defined]
