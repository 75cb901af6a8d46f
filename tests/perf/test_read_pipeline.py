"""Reads that depend on another read start as soon as its answer is in (issue 8).

Teleum's ``getForwards`` needs the number ids of ``getConnectedNumbers`` only, and
Beeline's downloads need ``LVFILES`` only: neither waits for the rest of the list calls.
The proof is the order of the emulators' call logs (a call is logged when it is
answered), with one list call made slow. No assertion measures time.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from telconf.config import load
from telconf.emulator.faults import FaultConfig
from telconf.engine.conductor import Conductor
from telconf.providers.base import ReadPool


@pytest.mark.parametrize(("account", "provider", "needed", "dependent", "slow_call", "count"), [
    # getForwards needs getConnectedNumbers' number ids only: it does not wait for getSIPs
    ("big-teleum", "teleum", "getConnectedNumbers", "getForwards", "getSIPs", "teleum_numbers"),
    # the downloads need LVFILES only: they do not wait for the black lists
    ("big-beeline", "beeline", "LVFILES", "download", "LBLIST", "voice_files"),
])
def test_a_dependent_read_is_sent_once_the_answer_it_needs_is_in(
        generated: Any, account: str, provider: str, needed: str, dependent: str, slow_call: str, count: str) -> None:
    emulator = getattr(generated.emulators, provider)
    emulator.faults = FaultConfig(rate=1.0, kinds={"slow"}, slow_seconds=1.0, methods={slow_call})
    config = load(generated.noop, [account], environ=generated.environ)
    with Conductor(config, parallelism=8, environ=generated.environ) as conductor:
        plan = conductor.plan()

    answered = [entry["method"] for entry in emulator.call_log]  # logged when answered
    assert not plan.has_changes
    assert answered.index(needed) < answered.index(dependent) < answered.index(slow_call)
    assert answered.count(dependent) == getattr(generated.sizes, count)


def test_a_failed_read_stops_the_reads_not_yet_sent() -> None:
    sent: list[str] = []

    def read(name: str) -> str:
        sent.append(name)
        if name == "bad":
            raise RuntimeError("bad answer")
        return name.upper()

    with pytest.raises(RuntimeError, match="bad answer"), ReadPool(1) as pool:
        first, bad = pool.submit(read, "first"), pool.submit(read, "bad")
        later = [pool.submit(read, f"later{i}") for i in range(3)]
        assert pool.result(first) == "FIRST"
        with pytest.raises(RuntimeError, match="bad answer"):
            pool.result(bad)
        pool.result(later[0])  # skipped: raises the first failure, not a cancellation
    assert sent == ["first", "bad"]


def test_leaving_the_pool_waits_for_the_reads_already_running() -> None:
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def running() -> None:
        started.set()
        release.wait(5)
        finished.set()

    with pytest.raises(KeyError), ReadPool(2) as pool:
        pool.submit(running)
        started.wait(5)
        threading.Timer(0.05, release.set).start()
        raise KeyError("the caller failed")
    assert finished.is_set()
