"""What every emulator shares: the lock, the call log, latency, faults and state files.

A subclass is a WSGI app: it parses a request into a call name and parameters and
hands a handler to :meth:`EmulatorBase.run_call`, which applies the realism knobs in
one place, so that all APIs misbehave the same way.
"""

from __future__ import annotations

import copy
import inspect
import json
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml
from werkzeug.wrappers import Request, Response

from telconf.emulator.faults import FaultConfig, FaultInjector

#: Parameter names whose values never reach the call log: a password by any spelling, a
#: token, an API key, an Authorization header... whatever the API (providers name their
#: credentials as they like).
SECRET_KEY = re.compile(r"pass|pwd|paswd|token|secret|api_?key|auth|credential|private", re.IGNORECASE)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A UTF-8 JSON response, Cyrillic kept readable."""
    return Response(json.dumps(body, ensure_ascii=False), status=status, headers=headers,
                    content_type="application/json; charset=utf-8")


def redact(params: Any) -> Any:
    """``params`` without the values of secret keys, for the call log."""
    if isinstance(params, dict):
        return {k: redact(v) for k, v in params.items() if not SECRET_KEY.search(str(k))}
    if isinstance(params, list):
        return [redact(v) for v in params]
    return params


_ATOMS = (str, int, float, bool, bytes, type(None))


def working_copy(state: Any) -> Any:
    """A deep copy of JSON-like state (dicts, lists, scalars, bytes).

    It equals ``copy.deepcopy`` for such data (which never shares parts) and is many
    times faster: a write copies the caller's whole account so that an error leaves
    it untouched, and with 60,000 black-list entries ``deepcopy`` took ~100 ms per
    request, serialising the server behind its lock.
    """
    if isinstance(state, dict):
        return {key: working_copy(value) for key, value in state.items()}
    if isinstance(state, list):
        return [item if type(item) in _ATOMS else working_copy(item) for item in state]
    if type(state) in _ATOMS:
        return state
    return copy.deepcopy(state)


def read_state(path: str | Path) -> dict[str, Any]:
    """A state file (JSON, or YAML for ``.yaml``/``.yml``) as a dict."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) if path.suffix.lower() in (".yaml", ".yml") else json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a state file holds a mapping with one section per provider")
    return data


def write_state(path: str | Path, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON, or YAML for ``.yaml``/``.yml``."""
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")


class EmulatorBase:
    """State lock, call log, latency and fault injection of one provider emulator."""

    #: The key of this provider's section in a state file.
    section = ""
    #: Fault kinds that make sense for this API.
    fault_kinds: frozenset[str] = frozenset()

    def __init__(self, **knobs: Any):
        self._lock = threading.RLock()
        self._injector = FaultInjector()
        self.call_log: list[dict[str, Any]] = []
        self._clear_state()
        self.set_defaults()
        self.configure(**knobs)

    # -- knobs -----------------------------------------------------------------------

    def set_defaults(self) -> None:
        """Every realism knob back to its default (subclasses extend)."""
        self.latency_ms = 0
        #: Tests: ``before_call(call, params)`` runs when a call arrives, before it is handled
        #: (outside the state lock, so it may use the control API): another writer acting
        #: between a client's read and its write.
        self.before_call: Callable[[str, Any], None] | None = None
        self._injector.configure(FaultConfig())
        self.shuffle = False
        self.shuffle_seed: int | None = None
        self._rng: tuple[int | None, random.Random] | None = None

    def configure(self, **knobs: Any) -> None:
        """Set knobs by name; unknown names are an error, not a silent no-op."""
        for name, value in knobs.items():
            if name == "faults":
                self.faults = value
            elif name.startswith("_") or not hasattr(self, name) or inspect.ismethod(getattr(self, name)):
                raise TypeError(f"{type(self).__name__} has no knob {name!r}")
            else:
                setattr(self, name, value)

    @property
    def faults(self) -> FaultConfig:
        """The fault configuration; assigning one restarts its RNG from the seed."""
        return self._injector.config

    @faults.setter
    def faults(self, config: FaultConfig | None) -> None:
        self._injector.configure(config or FaultConfig())

    @property
    def injected_faults(self) -> list[tuple[str, str]]:
        """``(call, kind)`` of every fault injected since the last reset."""
        return self._injector.injected

    # -- control ---------------------------------------------------------------------

    def clear_log(self) -> None:
        """Forget the call log and the record of injected faults."""
        with self._lock:
            self.call_log.clear()
            self._injector.injected.clear()

    def reset(self) -> None:
        """Empty state (no accounts), empty log, knobs at their defaults."""
        with self._lock:
            self._clear_state()
            self.set_defaults()
            self.clear_log()

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON-able data (the ``--state`` file section)."""
        raise NotImplementedError

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Replace the whole state by ``snapshot`` (as from :meth:`snapshot`)."""
        raise NotImplementedError

    def load(self, path: str | Path) -> None:
        """Restore from a state file's section for this provider (or a bare snapshot)."""
        data = read_state(path)
        self.restore(data.get(self.section, {} if _has_sections(data, self.section) else data))

    def save(self, path: str | Path) -> None:
        """Write this provider's state as a state file with one section."""
        write_state(path, {self.section: self.snapshot()})

    # -- serving ---------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        response = self.handle_request(request)
        return response(environ, start_response)

    def handle_request(self, request: Request) -> Response:
        """Answer one HTTP request (subclasses)."""
        raise NotImplementedError

    def run_call(self, request: Request, call: str, params: Any,
                 handler: Callable[[], tuple[Response, str | None]]) -> Response:
        """Run ``handler`` under the lock, with faults, and log it.

        ``handler`` returns the response and an error text (None on success).
        """
        if self.before_call is not None:
            self.before_call(call, params)
        kind = self._injector.draw(call, self.fault_kinds, self.fault_key(params))
        if kind == "slow":
            time.sleep(self.faults.slow_seconds)
        if kind in ("error_5xx", "rate_limit", "non_json"):
            response = self.fault_response(call, kind)
            self._record(call, params, response.status_code, kind, kind)
            return response
        if kind == "session_expiry":
            self.expire_session_of(request, params)
        with self._lock:
            response, err = handler()
        self._record(call, params, response.status_code, err, kind)
        if kind == "drop_after_commit":
            return _drop_connection(request, response)
        return response

    def fault_key(self, params: Any) -> Any:
        """What identifies a request for fault decisions: its parameters (subclasses drop session values)."""
        return params

    def listing(self, items: list[Any]) -> list[Any]:
        """``items`` in the order the server returns lists: shuffled (seeded) with ``shuffle``."""
        if self.shuffle:
            if self._rng is None or self._rng[0] != self.shuffle_seed:
                self._rng = (self.shuffle_seed, random.Random(self.shuffle_seed))
            items = list(items)
            self._rng[1].shuffle(items)
        return items

    def fault_response(self, call: str, kind: str) -> Response:
        """The answer for an ``error_5xx``, ``rate_limit`` or ``non_json`` fault."""
        if kind == "non_json":  # e.g. a proxy's or captive portal's page
            return Response("<html><body>Service temporarily unavailable</body></html>",
                            content_type="text/html; charset=utf-8")
        if kind == "rate_limit":
            return json_response({"err": 1, "errmsg": "Too Many Requests"}, 429,
                                 {"Retry-After": _seconds(self.faults.retry_after)})
        return json_response({"err": 1, "errmsg": "Internal Server Error"}, 500)

    def expire_session_of(self, request: Request, params: Any) -> None:
        """Forget the session the request uses (for APIs with sessions)."""

    def _record(self, call: str, params: Any, status: int, err: str | None, fault: str | None) -> None:
        entry = {"method": call, "params": redact(copy.deepcopy(params)), "status": status, "err": err}
        if fault:
            entry["fault"] = fault
        with self._lock:
            self.call_log.append(entry)

    def _clear_state(self) -> None:
        raise NotImplementedError


def _has_sections(data: dict[str, Any], section: str) -> bool:
    """True when ``data`` is a whole state file (sections named by provider), not one emulator's snapshot."""
    from telconf.core import registry

    return section in data or any(name in data for name in registry.names())


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _drop_connection(request: Request, response: Response) -> Response:
    """Close the client's connection without an answer (the call has been applied).

    Shutting the socket down makes werkzeug's server fail to write the response, which
    it treats as a connection dropped by the peer; the client sees no status line.
    """
    sock = request.environ.get("werkzeug.socket")
    if sock is None:  # not under werkzeug's server: the best we can do is an empty 500
        return Response(b"", status=500)
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    return response
