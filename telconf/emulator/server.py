"""Serving the emulators: each on its own threaded werkzeug server, in a background thread."""

from __future__ import annotations

import socket
import ssl
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from telconf.emulator.base import read_state, write_state
from telconf.emulator.beeline import BeelineEmulator
from telconf.emulator.teleum import TeleumEmulator
from telconf.providers.http import redact_url

TELEUM_KNOBS = frozenset({"session_idle_timeout", "numbers_as_int", "sips_key", "direction_step",
                          "tombstones", "login_fail_status", "session_token"})
BEELINE_KNOBS = frozenset({"pending_seconds", "blacklist_limit", "max_body_bytes", "max_voice_files",
                           "pending_key", "lblist_grouping"})


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler, logging request lines only when ``verbose``, redacted.

    Teleum GET calls carry the token (and at login the password) in the query string,
    so only ``cmd`` of it is logged.
    """

    verbose = False

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.verbose:
            path = redact_url("http://emulator" + self.path).removeprefix("http://emulator")
            self.log("info", '"%s %s" %s %s', self.command, path, code, size)


class ServedApp:
    """One WSGI app served by a threaded werkzeug server in a daemon thread."""

    def __init__(self, app: Any, host: str, port: int, path: str, *, verbose: bool = False,
                 ssl_context: ssl.SSLContext | None = None):
        handler = type("Handler", (QuietHandler,), {"verbose": verbose})
        # Bind here, not in werkzeug: it would print and sys.exit() on a port in use,
        # where a library must raise OSError.
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.create_server((host, port), family=family, backlog=128)
        try:
            self.server: BaseWSGIServer = make_server(host, listener.getsockname()[1], app, threaded=True,
                                                      request_handler=handler, fd=listener.fileno(),
                                                      ssl_context=ssl_context)
        finally:
            listener.close()  # werkzeug serves a duplicate of it
        self.server.daemon_threads = True  # type: ignore[attr-defined]  # threaded=True: a ThreadingMixIn server
        self.port = int(self.server.server_address[1])
        host_in_url = f"[{host}]" if ":" in host else host
        scheme = "https" if ssl_context is not None else "http"
        self.url = f"{scheme}://{host_in_url}:{self.port}{path}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"emulator:{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


class Emulators:
    """Both emulators, served. Use :meth:`start` as a context manager::

        with Emulators.start(teleum_port=0, beeline_port=0) as emu:
            requests.post(emu.teleum_url, data={"cmd": "login", ...})
    """

    def __init__(self, teleum: TeleumEmulator, beeline: BeelineEmulator, teleum_server: ServedApp,
                 beeline_server: ServedApp):
        self.teleum, self.beeline = teleum, beeline
        self._servers = (teleum_server, beeline_server)
        self.teleum_url = teleum_server.url
        self.beeline_url = beeline_server.url

    @classmethod
    def start(cls, host: str = "127.0.0.1", teleum_port: int = 0, beeline_port: int = 0, *,
              state: str | Path | None = None, verbose: bool = False, ssl_context: ssl.SSLContext | None = None,
              **knobs: Any) -> Emulators:
        """Start both servers (port 0 picks a free one); ``knobs`` go to the emulator(s) that have them.

        ``latency_ms`` and ``faults`` apply to both; the others to the one that owns them.
        With ``ssl_context`` (a server-side ``ssl.SSLContext``) both serve HTTPS.
        """
        teleum_knobs, beeline_knobs = split_knobs(knobs)
        teleum, beeline = TeleumEmulator(**teleum_knobs), BeelineEmulator(**beeline_knobs)
        if state is not None:
            data = read_state(state)
            teleum.restore(data.get("teleum", {}))
            beeline.restore(data.get("beeline", {}))
        teleum_server = ServedApp(teleum, host, teleum_port, "/api/v3/", verbose=verbose, ssl_context=ssl_context)
        try:
            beeline_server = ServedApp(beeline, host, beeline_port, "/api", verbose=verbose, ssl_context=ssl_context)
        except BaseException:
            teleum_server.stop()
            raise
        return cls(teleum, beeline, teleum_server, beeline_server)

    def reset(self) -> None:
        """Both emulators back to empty: no accounts, logs cleared, knobs at defaults."""
        self.teleum.reset()
        self.beeline.reset()

    def snapshot(self) -> dict[str, Any]:
        """The state of both, as a state file holds it."""
        return {"teleum": self.teleum.snapshot(), "beeline": self.beeline.snapshot()}

    def restore(self, snapshot: dict[str, Any]) -> None:
        self.teleum.restore(snapshot.get("teleum", {}))
        self.beeline.restore(snapshot.get("beeline", {}))

    def load(self, path: str | Path) -> None:
        """Restore both from a state file."""
        self.restore(read_state(path))

    def save(self, path: str | Path) -> None:
        """Write both states to a state file (JSON, or YAML for .yaml/.yml)."""
        write_state(path, self.snapshot())

    def stop(self) -> None:
        """Stop both servers and wait for their threads."""
        for server in self._servers:
            server.stop()

    def __enter__(self) -> Emulators:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def split_knobs(knobs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Send each knob to the emulator(s) that have it; unknown names are an error."""
    teleum: dict[str, Any] = {}
    beeline: dict[str, Any] = {}
    for name, value in knobs.items():
        if name in ("latency_ms", "faults", "shuffle", "shuffle_seed"):
            teleum[name] = beeline[name] = value
        elif name in TELEUM_KNOBS:
            teleum[name] = value
        elif name in BEELINE_KNOBS:
            beeline[name] = value
        else:
            raise TypeError(f"unknown emulator knob {name!r}")
    return teleum, beeline
