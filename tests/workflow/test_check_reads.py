"""The check reads of an apply, item by item (``ItemGuard``): which reads are made again
ahead of their writes, and on which reads a write is judged (issue 25).

A provider with three items in one read group (as every Beeline item of a kind is, and
every Teleum SIP line), each written first by its own call in that order. Reads are set
up answered, with the age a test needs: no thread, no server.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from typing import Any

from telconf.engine import apply_items
from telconf.engine.apply_items import ItemGuard, _Read
from telconf.plan.data import AccountPlan, Action, Call, Change

ITEMS = ("x:a", "x:b", "x:c")


class OneGroup:
    """Items ``x:KEY`` all read by one list call; the live state is ``live``."""

    def __init__(self) -> None:
        self.live = {item: "planned" for item in ITEMS}
        self.reads: list[list[str]] = []

    def item_of(self, change: Change) -> str:
        return f"x:{change.key}"

    def item_needs(self, changes: Any) -> dict[str, set[str]]:
        return {}

    def item_label(self, item: str) -> str:
        return item

    def read_group(self, item: str) -> str:
        return "x"

    def read_items(self, items: Any, *, verify: bool = False) -> dict[str, str]:
        self.reads.append(sorted(items))
        return dict(self.live)

    def item_state(self, view: Any, item: str) -> str:
        return "planned" if view is None else view[item]

    def describe_item_change(self, item: str, before: Any, now: Any) -> str:
        return f"was {before}, now {now}"


def guard_of(provider: OneGroup) -> ItemGuard:
    changes = tuple(Change("x", key, Action.UPDATE, calls=(Call("SET", key),)) for key in "abc")
    plan = AccountPlan("acct", "fake", changes, tuple(c.calls[0] for c in changes), ((0,), (1,), (2,)), "fp")
    return ItemGuard(provider, plan, [1, 2, 3])  # type: ignore[arg-type]


def answered(guard: ItemGuard, age: float, items: tuple[str, ...] = ITEMS, took: float = 0.01,
             changed: dict[str, str] | None = None) -> Future[_Read]:
    """One read of ``items`` ahead, sent ``age`` seconds ago and answered."""
    future: Future[_Read] = Future()
    future.set_result(_Read(time.monotonic() - age, took, changed or {}))
    for item in items:
        guard._reads[item] = future
    return future


def test_a_read_close_to_its_age_limit_is_made_again_with_its_groups_items_not_yet_free() -> None:
    provider = OneGroup()
    guard = guard_of(provider)
    answered(guard, age=0.99)
    guard.mark_free([0])  # call 0 (writing x:a) is free: its write judges its own read
    groups, _ = guard.refreshes([1], limit=8)
    assert groups == [["x:b", "x:c"]]


def test_a_young_read_is_not_made_again_and_says_when_it_will_be() -> None:
    guard = guard_of(OneGroup())
    answered(guard, age=0.2, took=0.05)
    groups, due_in = guard.refreshes([1], limit=8)
    assert groups == []
    assert due_in is not None and 0.6 < due_in <= 1.0 - 0.2 - 2 * 0.05


def test_the_limit_counts_per_call_not_per_item_of_the_group() -> None:
    """Call 1 had its items read again twice; call 2, whose item rode along both times,
    may still have its own read made again (the limit is not used up by the group)."""
    provider = OneGroup()
    guard = guard_of(provider)
    for _ in range(apply_items.READS_AGAIN):
        answered(guard, age=0.99)
        groups, _ = guard.refreshes([1], limit=8)
        assert groups == [list(ITEMS)]
        job = guard.read_ahead(groups[0], again=True)
        assert job is not None
        job()
    answered(guard, age=0.99)
    assert guard.refreshes([1], limit=8)[0] == []  # call 1: no more
    assert guard.refreshes([2], limit=8)[0] == [list(ITEMS)]  # call 2: its own


def test_an_item_its_read_found_changed_is_not_read_again() -> None:
    guard = guard_of(OneGroup())
    answered(guard, age=0.99, changed={"x:b": "was planned, now theirs"})
    groups, _ = guard.refreshes([1], limit=8)
    assert groups == []  # call 1 writes only x:b first


def test_a_write_judges_every_item_after_waiting_and_reads_all_again_if_one_grew_too_old() -> None:
    """x:a's read is fresh when the check starts; x:b's is still running and answers 50 ms
    later, by which time x:a's is over the limit: both are read again, together."""
    provider = OneGroup()
    guard = guard_of(provider)
    answered(guard, age=apply_items.CHECK_AHEAD_SECONDS - 0.01, items=("x:a",))
    running: Future[_Read] = Future()
    guard._reads["x:b"] = running
    timer = threading.Timer(0.05, lambda: running.set_result(_Read(time.monotonic(), 0.01, {})))
    timer.start()
    try:
        guard._check(["x:a", "x:b"])
    finally:
        timer.cancel()
    assert provider.reads == [["x:a", "x:b"]]
    assert not guard.stopped


def test_a_write_trusts_fresh_reads_without_reading() -> None:
    provider = OneGroup()
    guard = guard_of(provider)
    answered(guard, age=0.1, changed={"x:b": "was planned, now theirs"})
    guard._check(["x:a", "x:b"])
    assert provider.reads == []
    assert guard.stopped == {"x:b": "was planned, now theirs"}


def test_while_a_read_is_made_again_the_write_may_judge_on_the_fresh_one_before_it() -> None:
    """The read made again has not answered: the write does not wait for it while the read
    before it is still young enough."""
    provider = OneGroup()
    guard = guard_of(provider)
    answered(guard, age=0.5)
    job = guard.read_ahead(list(ITEMS), again=True)  # claimed, not run
    assert job is not None
    jobs, running = guard.reads_before(1, slots=8)
    assert jobs == [] and running == []  # nothing to wait for
    guard._check(["x:b"])
    assert provider.reads == []
    job.abandon()  # ends it unread
    assert guard._reads["x:a"].done()
