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
from telconf.plan.planner import close_all, make_plan
from telconf.providers.base import ReadPool


def slow(emulator: Any, method: str, seconds: float = 1.0) -> None:
    emulator.faults = FaultConfig(rate=1.0, kinds={"slow"}, slow_seconds=seconds, methods={method})


def answered(emulator: Any) -> list[str]:
    return [entry["method"] for entry in emulator.call_log]


def test_forwards_are_read_while_the_other_catalog_calls_answer(generated: Any) -> None:
    slow(generated.emulators.teleum, "getSIPs")
    config = load(generated.noop, ["big-teleum"], environ=generated.environ)
    plan, providers = make_plan(config, parallelism=8, environ=generated.environ)
    close_all(providers)

    methods = answered(generated.emulators.teleum)
    assert not plan.has_changes
    assert methods.index("getConnectedNumbers") < methods.index("getForwards") < methods.index("getSIPs")
    assert methods.count("getForwards") == generated.sizes.teleum_numbers


def test_voice_files_are_downloaded_while_the_black_lists_are_read(generated: Any) -> None:
    slow(generated.emulators.beeline, "LBLIST")
    config = load(generated.noop, ["big-beeline"], environ=generated.environ)
    plan, providers = make_plan(config, parallelism=8, environ=generated.environ)
    close_all(providers)

    methods = answered(generated.emulators.beeline)
    assert not plan.has_changes
    assert methods.index("LVFILES") < methods.index("download") < methods.index("LBLIST")
    assert methods.count("download") == generated.sizes.voice_files


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
