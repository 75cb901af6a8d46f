"""Fault injection and latency for the emulators: a seeded, reproducible misbehaviour.

Whether a call suffers a fault, and which, is decided by a hash of (seed, call name,
the request's parameters, how many times this same request came before). A shared
random sequence would hand faults out by arrival order, which parallel reads make a
matter of thread timing; the hash gives each request the same fate in every run.
Control-API calls (Python methods) never fault.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: Every kind of fault, and what the emulator does for it.
KINDS = {
    "error_5xx": "answer HTTP 500 before doing anything",
    "drop_after_commit": "carry out the call, then close the connection without answering",
    "session_expiry": "forget the session token before handling the call (APIs with sessions)",
    "rate_limit": "answer HTTP 429 with a Retry-After header, doing nothing",
    "slow": "sleep slow_seconds (longer than a client timeout), then handle the call",
    "non_json": "answer HTTP 200 with an HTML page instead of JSON, doing nothing",
}


@dataclass
class FaultConfig:
    """How often and how the emulator misbehaves.

    ``methods`` restricts faults to those API calls (methods, commands; None: all);
    ``exclude`` names calls that never get a fault (e.g. ``{"login"}``).
    """

    rate: float = 0.0
    kinds: frozenset[str] | set[str] = field(default_factory=lambda: frozenset({"error_5xx"}))
    seed: int | None = None
    retry_after: float = 0
    slow_seconds: float = 35.0
    methods: frozenset[str] | set[str] | None = None
    exclude: frozenset[str] | set[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kind(s): {', '.join(sorted(unknown))}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate {self.rate} is not between 0 and 1")
        self.kinds = frozenset(self.kinds)


class FaultInjector:
    """Decides faults for calls from the seed and the request itself; thread-safe."""

    def __init__(self, config: FaultConfig | None = None):
        self._lock = threading.Lock()
        self.configure(config or FaultConfig())
        #: Every fault injected so far, as ``(call name, kind)``, in arrival order.
        self.injected: list[tuple[str, str]] = []

    def configure(self, config: FaultConfig) -> None:
        """Use ``config`` from now on; every request starts again at its first attempt."""
        with self._lock:
            self.config = config
            # No seed: a fresh one, so unseeded faults still differ from run to run.
            self._seed = str(config.seed) if config.seed is not None else secrets.token_hex(8)
            self._attempts: Counter[str] = Counter()

    def draw(self, call: str, applicable: set[str] | frozenset[str], params: Any = None) -> str | None:
        """The fault kind for this request (``call`` with ``params``), or None.

        ``applicable`` limits the kinds; ``params`` is the request's stable content
        (no session tokens), so that a repeated request is told apart by its attempt.
        """
        config = self.config
        if config.rate <= 0 or call in config.exclude:
            return None
        if config.methods is not None and call not in config.methods:
            return None
        kinds = sorted(config.kinds & set(applicable))
        if not kinds:
            return None
        request = f"{call}\0{_canonical(params)}"
        with self._lock:
            self._attempts[request] += 1
            attempt = self._attempts[request]
        digest = hashlib.sha256(f"{self._seed}\0{request}\0{attempt}".encode()).digest()
        if int.from_bytes(digest[:8], "big") / 2**64 >= config.rate:
            return None
        kind = kinds[int.from_bytes(digest[8:16], "big") % len(kinds)]
        with self._lock:
            self.injected.append((call, kind))
        return kind


def _canonical(value: Any) -> str:
    """``value`` as text that ignores key and list order.

    Clients build batches from sets, whose order changes from one process to the next
    (string hashing is randomised): the same request must keep the same identity.
    """
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{_canonical(v)}" for k, v in sorted(value.items(), key=str)) + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "[" + ",".join(sorted(_canonical(v) for v in value)) + "]"
    return json.dumps(value, default=str)
