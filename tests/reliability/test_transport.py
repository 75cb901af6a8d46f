"""Answers broken below HTTP: cut off mid-body, undecodable. A raw TCP server sends them.

Regression: a body cut off mid-way (a connection dropped while the answer was being
sent) escaped the Transport as requests' ChunkedEncodingError -- not retried on a
read, not OutcomeUnknown on a write, and an "Internal error" at the CLI.
"""

from __future__ import annotations

import re

import socket
import threading
from collections.abc import Iterator

import pytest

from telconf.core.errors import BadResponse, OutcomeUnknown, TransientError
from telconf.providers.http import RetryPolicy, Transport

OK = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{"err": 0}\n'
CUT_CHUNKED = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
               b'10\r\n{"sips":')
CUT_LENGTH = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"sips": ['
BAD_GZIP = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\nConnection: close\r\n\r\nabcde"
NO_WAIT = RetryPolicy(attempts=3, base_delay=0, max_delay=0)


class RawServer:
    """Answers the n-th connection with ``answers[n]`` (the last one repeats), then closes it."""

    def __init__(self, answers: list[bytes]):
        self.answers, self.connections = answers, 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/api/v3/?cmd=getSIPs&token=secret-token"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                answer = self.answers[min(self.connections, len(self.answers) - 1)]
                self.connections += 1  # before answering: the client may be done before we are
                conn.sendall(answer)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw() -> Iterator[type[RawServer]]:
    servers: list[RawServer] = []

    def start(answers: list[bytes]) -> RawServer:
        server = RawServer(answers)
        servers.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in servers:
        server.close()


@pytest.mark.parametrize("cut", [CUT_CHUNKED, CUT_LENGTH], ids=["chunked", "content-length"])
def test_a_read_cut_off_mid_body_is_retried(raw: type[RawServer], cut: bytes) -> None:
    server = raw([cut, OK])
    response = Transport("teleum", retry=NO_WAIT).send("GET", server.url, call="getSIPs", idempotent=True)
    assert response.json() == {"err": 0}
    assert server.connections == 2


def test_a_read_cut_off_every_time_is_a_transient_error_naming_the_call(raw: type[RawServer]) -> None:
    server = raw([CUT_LENGTH])
    with pytest.raises(TransientError) as caught:
        Transport("teleum", retry=NO_WAIT).send("GET", server.url, call="getSIPs", idempotent=True)
    assert re.fullmatch(r"teleum getSIPs: the answer was cut off \(server 127\.0\.0\.1:\d+\)", str(caught.value))
    assert server.connections == 3


def test_a_write_cut_off_mid_answer_has_an_unknown_outcome(raw: type[RawServer]) -> None:
    server = raw([CUT_CHUNKED, OK])
    with pytest.raises(OutcomeUnknown) as caught:
        Transport("teleum", retry=NO_WAIT).send("GET", server.url, call="editForward", idempotent=False)
    assert "the answer was cut off" in str(caught.value) and "secret-token" not in str(caught.value)
    assert server.connections == 1  # never sent again blindly


def test_an_undecodable_body_is_a_bad_response(raw: type[RawServer]) -> None:
    server = raw([BAD_GZIP])
    with pytest.raises(BadResponse) as caught:
        Transport("teleum", retry=NO_WAIT).send("GET", server.url, call="getSIPs", idempotent=True)
    assert re.fullmatch(r"teleum getSIPs: the answer's content encoding could not be decoded "
                        r"\(server 127\.0\.0\.1:\d+\)", str(caught.value))
