"""Fixtures of the Teleum provider tests: an emulated account, and a front that corrupts answers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from werkzeug.serving import make_server

from telconf.emulator import Emulators

from .helpers import EMAIL, N1, N2, N3, PASSWORD


@pytest.fixture
def emu(emulators: Emulators) -> Emulators:
    """The emulators, with the test account (numbers N1, N2, N3) on Teleum."""
    emulators.teleum.add_account(EMAIL, PASSWORD, [N1, N2, N3])
    return emulators


class Tamper:
    """A WSGI app in front of the Teleum emulator that can rewrite chosen answers.

    ``rules[method] = (status, content_type, body)`` replaces the answer of that method;
    ``seen`` records ``(HTTP method, cmd, query keys)`` of every request.
    """

    def __init__(self, app: Any):
        self.app = app
        self.rules: dict[str, tuple[int, str, str | bytes]] = {}
        self.seen: list[tuple[str, str, set[str]]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        method = query.get("cmd", [""])[0]
        self.seen.append((environ["REQUEST_METHOD"], method, set(query)))
        if method in self.rules:
            status, content_type, body = self.rules[method]
            data = body.encode() if isinstance(body, str) else body
            start_response(f"{status} X", [("Content-Type", content_type), ("Content-Length", str(len(data)))])
            return [data]
        return self.app(environ, start_response)


@pytest.fixture
def tamper(emu: Emulators) -> Iterator[tuple[Tamper, str]]:
    """A tampering front of the emulator (with the test account), served; yields it and its URL."""
    front = Tamper(emu.teleum)
    server = make_server("127.0.0.1", 0, front, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield front, f"http://127.0.0.1:{server.server_port}/api/v3/"
    finally:
        server.shutdown()
        server.server_close()
