"""Fixtures of the call-count tests: the benchmark's generated accounts, at a small size.

The accounts come from ``benchmarks/bigaccount.py`` (the generator ``benchmarks/run.py``
uses), so these tests also prove that the benchmark's configs match its accounts.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from telconf.emulator import Emulators

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bigaccount  # noqa: E402 - benchmarks/ is not a package

SMALL = bigaccount.Sizes(teleum_numbers=50, forwards_per_number=6, sip_lines=20, beeline_numbers=20,
                         blacklists=3, entries_per_list=400, voice_files=10, blacklist_groups=2)


@dataclass
class Generated:
    """The seeded emulators, the two configs and the environment they need."""

    emulators: Emulators
    sizes: bigaccount.Sizes
    noop: Path
    change: Path
    environ: dict[str, str]


@pytest.fixture
def generated(emulators: Emulators, tmp_path: Path) -> Generated:
    """Both generated accounts in the emulators; uploads are ready at once."""
    bigaccount.seed(emulators, SMALL)
    emulators.beeline.configure(pending_seconds=0)
    noop, change = bigaccount.write_configs(tmp_path, SMALL, emulators.teleum_url, emulators.beeline_url)
    environ = {**bigaccount.environ(), "TELCONF_CACHE_DIR": str(tmp_path / "cache")}
    return Generated(emulators, SMALL, noop, change, environ)


class InFlight:
    """Counts the requests an emulator is serving at once (each held for ``hold`` seconds)."""

    def __init__(self, handle: Callable[[Any], Any], hold: float):
        self._handle, self._hold = handle, hold
        self._lock = threading.Lock()
        self.now = self.most = 0

    def __call__(self, request: Any) -> Any:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            time.sleep(self._hold)  # a slow provider: lets parallel requests overlap
            return self._handle(request)
        finally:
            with self._lock:
                self.now -= 1


@pytest.fixture
def in_flight(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Any], InFlight]]:
    """``in_flight(emulator)`` starts counting the requests it serves at once.

    Each request is held ``hold`` seconds, long enough for parallel requests to
    overlap even on a busy machine.
    """

    def watch(emulator: Any, hold: float = 0.05) -> InFlight:
        counter = InFlight(emulator.handle_request, hold=hold)
        monkeypatch.setattr(emulator, "handle_request", counter)
        return counter

    yield watch
