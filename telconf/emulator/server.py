"""Serving the emulators: each on its own threaded werkzeug server, in a background thread.

Which emulators there are comes from the provider registry: every provider whose
descriptor has an ``emulator`` kit (:class:`telconf.emulator.kit.EmulatorKit`).
"""

from __future__ import annotations

import socket
import ssl
import threading
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from telconf.emulator.base import EmulatorBase, read_state, write_state
from telconf.emulator.kit import EmulatorKit

#: Knobs every emulator has (``EmulatorBase``): they go to all of them.
SHARED_KNOBS = frozenset({"latency_ms", "faults", "shuffle", "shuffle_seed"})


def kits() -> dict[str, EmulatorKit]:
    """The emulator kit of every registered provider that has one, by provider name (sorted).

    A kit that cannot be loaded, or is not an ``EmulatorKit``, leaves its provider out
    (``registry.problems`` says why): one broken package never stops the others' emulators.
    A registry that cannot be read at all gives none here; the command then reports why.
    """
    from telconf.core import registry
    from telconf.core.errors import TelconfError

    try:
        descriptors = registry.providers()
    except TelconfError:
        return {}
    found: dict[str, EmulatorKit] = {}
    for name, descriptor in descriptors.items():
        if descriptor.emulator is None:
            continue
        try:
            kit = descriptor.emulator.load()
        except TelconfError as exc:
            registry.leave_out(name, str(exc))
            continue
        if not isinstance(kit, EmulatorKit):
            registry.leave_out(name, f"its emulator is a {type(kit).__name__}, not a telconf EmulatorKit")
            continue
        found[name] = kit
    return found


def label_of(name: str, kit: EmulatorKit) -> str:
    """How people call the emulator of provider ``name``: its kit's label, else the provider's title."""
    from telconf.core import registry

    return kit.label or registry.get(name).title


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler, logging request lines only when ``verbose``, redacted.

    Teleum GET calls carry the token (and at login the password) in the query string,
    so only ``cmd`` of it is logged.
    """

    verbose = False

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.verbose:
            self.log("info", '"%s %s" %s %s', self.command, redacted_path(self.path), code, size)


def redacted_path(path: str) -> str:
    """``path`` without its query string but for a ``cmd`` parameter (the name of the call).

    The emulator's own copy of the clients' URL redaction: it imports no client code.
    """
    parts = urlsplit("http://emulator" + path)  # a path of "//x" is no host
    cmd = [value for key, value in parse_qsl(parts.query) if key == "cmd"]
    return f"{parts.path}?cmd={cmd[0]}" if cmd else parts.path


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
    """The emulator of every provider that has one, served. Use :meth:`start` as a context manager::

        with Emulators.start(teleum_port=0, beeline_port=0) as emu:
            requests.post(emu.teleum_url, data={"cmd": "login", ...})

    ``apps`` and ``urls`` hold the apps and their base URLs by provider name;
    ``emu.<name>`` and ``emu.<name>_url`` are short for ``emu.apps[name]`` and
    ``emu.urls[name]``.
    """

    def __init__(self, apps: dict[str, EmulatorBase], servers: dict[str, ServedApp]):
        self.apps = apps
        self.urls = {name: server.url for name, server in servers.items()}
        self._servers = servers

    def __getattr__(self, name: str) -> Any:
        # Only called for names not found otherwise: the providers' apps and URLs.
        apps, urls = self.__dict__.get("apps", {}), self.__dict__.get("urls", {})
        if name in apps:
            return apps[name]
        if name.endswith("_url") and name.removesuffix("_url") in urls:
            return urls[name.removesuffix("_url")]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r} (emulators: "
                             f"{', '.join(apps) or 'none'})")

    @classmethod
    def start(cls, host: str = "127.0.0.1", *, state: str | Path | None = None, verbose: bool = False,
              ssl_context: ssl.SSLContext | None = None, **options: Any) -> Emulators:
        """Start every emulator; ``options`` are ports (``<name>_port``, default 0: a free one) and knobs.

        ``latency_ms``, ``faults``, ``shuffle`` and ``shuffle_seed`` apply to all; the
        other knobs to the emulator(s) that have them; an unknown name is a TypeError.
        With ``ssl_context`` (a server-side ``ssl.SSLContext``) all serve HTTPS.
        """
        found = kits()
        ports = {name: int(options.pop(f"{name}_port", 0) or 0) for name in found}
        knobs = split_knobs(options, found)
        apps = {name: kit.app(**knobs[name]) for name, kit in found.items()}
        if state is not None:
            data = read_state(state)
            for name, app in apps.items():
                app.restore(data.get(name, {}))
        servers: dict[str, ServedApp] = {}
        try:
            for name, kit in found.items():
                servers[name] = ServedApp(apps[name], host, ports[name], kit.path, verbose=verbose,
                                          ssl_context=ssl_context)
        except BaseException:
            for server in servers.values():
                server.stop()
            raise
        return cls(apps, servers)

    def reset(self) -> None:
        """Every emulator back to empty: no accounts, logs cleared, knobs at defaults."""
        for app in self.apps.values():
            app.reset()

    def snapshot(self) -> dict[str, Any]:
        """The state of all, as a state file holds it: one section per provider."""
        return {name: app.snapshot() for name, app in self.apps.items()}

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Replace every emulator's state by its section of ``snapshot`` (empty if it has none)."""
        for name, app in self.apps.items():
            app.restore(snapshot.get(name, {}))

    def load(self, path: str | Path) -> None:
        """Restore all from a state file."""
        self.restore(read_state(path))

    def save(self, path: str | Path) -> None:
        """Write all states to a state file (JSON, or YAML for .yaml/.yml)."""
        write_state(path, self.snapshot())

    def stop(self) -> None:
        """Stop every server and wait for their threads."""
        for server in self._servers.values():
            server.stop()

    def __enter__(self) -> Emulators:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def split_knobs(knobs: dict[str, Any], found: dict[str, EmulatorKit] | None = None) -> dict[str, dict[str, Any]]:
    """Send each knob to the emulator(s) that have it, by provider name; unknown names are a TypeError."""
    found = kits() if found is None else found
    split: dict[str, dict[str, Any]] = {name: {} for name in found}
    owners = {name: {knob.name for knob in kit.knobs} for name, kit in found.items()}
    for knob, value in knobs.items():
        targets = list(found) if knob in SHARED_KNOBS else [name for name in found if knob in owners[name]]
        if not targets:
            raise TypeError(f"unknown emulator knob {knob!r}")
        for name in targets:
            split[name][knob] = value
    return split
