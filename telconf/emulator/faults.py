"""Fault injection and latency for the emulators: a seeded, reproducible misbehaviour.

Each call of a provider API draws once from a seeded RNG; with probability ``rate`` it
suffers one of the enabled ``kinds``. Control-API calls (Python methods) never do.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

#: Every kind of fault, and what the emulator does for it.
KINDS = {
    "error_5xx": "answer HTTP 500 before doing anything",
    "drop_after_commit": "carry out the call, then close the connection without answering",
    "session_expiry": "forget the Teleum session token before handling the call",
    "rate_limit": "answer HTTP 429 with a Retry-After header, doing nothing",
    "slow": "sleep slow_seconds (longer than a client timeout), then handle the call",
    "non_json": "answer HTTP 200 with an HTML page instead of JSON, doing nothing",
}


@dataclass
class FaultConfig:
    """How often and how the emulator misbehaves.

    ``methods`` restricts faults to those Teleum methods / Beeline commands (None: all);
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
    """Draws faults for calls from a seeded RNG; thread-safe."""

    def __init__(self, config: FaultConfig | None = None):
        self._lock = threading.Lock()
        self.configure(config or FaultConfig())
        #: Every fault injected so far, as ``(call name, kind)``.
        self.injected: list[tuple[str, str]] = []

    def configure(self, config: FaultConfig) -> None:
        """Use ``config`` from now on, restarting the RNG from its seed."""
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)

    def draw(self, call: str, applicable: set[str] | frozenset[str]) -> str | None:
        """The fault kind for this call of ``call``, or None; ``applicable`` limits kinds."""
        config = self.config
        if config.rate <= 0 or call in config.exclude:
            return None
        if config.methods is not None and call not in config.methods:
            return None
        kinds = sorted(config.kinds & set(applicable))
        if not kinds:
            return None
        with self._lock:
            if self._rng.random() >= config.rate:
                return None
            kind = self._rng.choice(kinds)
            self.injected.append((call, kind))
        return kind
