"""An account's read-backs overlap the next account's calls (issue 25), and still settle it."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path
from collections.abc import Callable
from typing import Any

import pytest

from telconf.engine import apply_items
from telconf.engine.apply import ApplyReport
from telconf.engine.apply_items import ItemStatus
from telconf.core.errors import ApplyError
from telconf.engine.conductor import Conductor
from telconf.config import Config
from telconf.emulator import Emulators

from .helpers import ENV, N1, N2, N3, add_forwards, fwd, make_account, number_id, quick_provider

WAIT_SECONDS = 10.0  # only reached when the next account waits for the read-back (the failure)


def test_the_next_account_writes_while_a_read_back_is_in_flight(emu: Emulators) -> None:
    """The read-back of the first account's number is held until the second account writes.

    Run one account after the other (as before issue 25), the second account writes only
    after the read-back has answered: the hold then times out and the test fails.
    """
    first = make_account(emu.teleum_url, {N1: [fwd("tel:79210001000")]})
    second = dataclasses.replace(make_account(emu.teleum_url, {N2: [fwd("tel:79210002000")]}), name="msk")
    id1, id2 = number_id(emu, N1), number_id(emu, N2)
    second_wrote = threading.Event()
    held: list[bool] = []
    writes_to_first = 0

    def before_call(method: str, params: Any) -> None:
        nonlocal writes_to_first
        if method == "editForward" and params.get("nid") == id1:
            writes_to_first += 1
        elif method == "editForward" and params.get("nid") == id2:
            second_wrote.set()
        elif method == "getForwards" and params.get("numberid") == id1 and writes_to_first:
            held.append(second_wrote.wait(WAIT_SECONDS))  # the read-back of the first account

    config = Config(Path("telconf.yaml"), {first.name: first, second.name: second})
    with Conductor(config, environ=ENV, provider_factory=quick_provider) as conductor:
        plan = conductor.plan()
        assert [a.account for a in plan.accounts] == ["spb", "msk"]
        emu.teleum.before_call = before_call
        report = conductor.apply(plan)
    assert held == [True]  # read back once, after the write, while the second account wrote
    assert report.ok and [i.status for i in report.items] == [ItemStatus.VERIFIED] * 2
    assert [i.account for i in report.items] == ["spb", "msk"]  # reported in plan order


def test_the_next_account_reads_ahead_while_the_last_round_of_calls_starts(emu: Emulators) -> None:
    """At ``--parallelism 1`` the second account's check read comes while the first of the
    first account's two writes is held: one round of calls is left to start.

    Read ahead only once every call of the first account has started (before), it would
    come after the second write, which waits for the held first: the hold times out.
    """
    first = make_account(emu.teleum_url, {N1: [fwd("tel:79210001000")], N2: [fwd("tel:79210002000")]})
    second = dataclasses.replace(make_account(emu.teleum_url, {N3: [fwd("tel:79210003000")]}), name="msk")
    firsts, id3 = {number_id(emu, N1), number_id(emu, N2)}, number_id(emu, N3)
    read_ahead = threading.Event()
    held: list[bool] = []

    def before_call(method: str, params: Any) -> None:
        if method == "getForwards" and params.get("numberid") == id3:
            read_ahead.set()  # the second account's check, read ahead
        elif method == "editForward" and params.get("nid") in firsts and not held:
            held.append(read_ahead.wait(WAIT_SECONDS))  # the first account's first write

    config = Config(Path("telconf.yaml"), {first.name: first, second.name: second})
    with Conductor(config, environ=ENV, parallelism=1, provider_factory=quick_provider) as conductor:
        plan = conductor.plan()
        emu.teleum.before_call = before_call
        report = conductor.apply(plan)
    assert held == [True]
    assert report.ok and [i.status for i in report.items] == [ItemStatus.VERIFIED] * 3


class EditHeldForReadsOfN2:
    """N1's edit, held until N2 was read ``reads`` times (or ``hold`` seconds passed, then
    ``linger`` more), and N2's create, which waits for the edit (the stage of edits).

    Check reads age in a test's time: a write trusts one for 0.3 s.
    """

    def __init__(self, emu: Emulators, monkeypatch: pytest.MonkeyPatch, *, reads: int, hold: float,
                 linger: float = 0.0):
        monkeypatch.setattr(apply_items, "CHECK_AHEAD_SECONDS", 0.3)
        add_forwards(emu, N1, [fwd("tel:79210001000", timeout=20)])
        self.emu = emu
        self.account = make_account(emu.teleum_url, {N1: [fwd("tel:79210001000", timeout=30)],
                                                     N2: [fwd("tel:79210002000")]})
        self.id1, self.id2 = number_id(emu, N1), number_id(emu, N2)
        self.reads, self.hold, self.linger = reads, hold, linger
        self.reads_of_n2 = 0
        self.enough = threading.Event()
        self.held: list[bool] = []  # whether N2 was read ``reads`` times during the hold
        self.read_by_release: list[int] = []

    def before_call(self, method: str, params: Any) -> None:
        if method == "getForwards" and params.get("numberid") == self.id2:
            self.reads_of_n2 += 1
            if self.reads_of_n2 == self.reads:
                self.enough.set()
        elif method == "editForward" and params.get("nid") == self.id1 and not self.held:
            self.held.append(self.enough.wait(self.hold))
            time.sleep(self.linger)
            self.read_by_release.append(self.reads_of_n2)

    def apply(self, after_plan: Callable[[], Any] = lambda: None) -> ApplyReport:
        """Plan, run ``after_plan``, apply holding the edit; the report (also of a failed apply)."""
        config = Config(Path("telconf.yaml"), {self.account.name: self.account})
        with Conductor(config, environ=ENV, provider_factory=quick_provider) as conductor:
            plan = conductor.plan()
            calls = [(c.method, c.params.get("nid"), c.params.get("id")) for c in plan.accounts[0].calls]
            assert [(m, nid) for m, nid, _ in calls] == [("editForward", self.id1), ("editForward", self.id2)]
            assert calls[0][2] not in (0, "0") and calls[1][2] in (0, "0")  # an edit, then a create
            after_plan()
            self.emu.teleum.before_call = self.before_call
            try:
                return conductor.apply(plan)
            except ApplyError as exc:
                return exc.report


def test_a_read_ahead_about_to_grow_too_old_is_made_again_while_the_call_before_its_write_runs(
        emu: Emulators, monkeypatch: pytest.MonkeyPatch) -> None:
    """N2 was read ahead before N1's edit. While the edit is held, N2's read ages past what
    its write may trust: it is read again beside the held edit. Before, the create found its
    read too old and read it again itself, after the edit: no second read of N2 came during
    the hold, and the hold timed out.
    """
    case = EditHeldForReadsOfN2(emu, monkeypatch, reads=2, hold=WAIT_SECONDS)
    report = case.apply()
    assert case.held == [True]
    assert report.ok and [i.status for i in report.items] == [ItemStatus.VERIFIED] * 2


def test_an_item_its_read_ahead_found_changed_is_not_read_again_before_its_write(
        emu: Emulators, monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone else gave N2 a forward after the plan: its read ahead says so, it is not read
    again while the edit before its create is held, and its create is not sent."""
    case = EditHeldForReadsOfN2(emu, monkeypatch, reads=2, hold=3 * 0.3)  # a read again would come by then
    report = case.apply(after_plan=lambda: add_forwards(emu, N2, [fwd("fax:fax@example.com")]))
    assert case.held == [False]  # no second read of N2 while N1's edit was held
    assert [(i.item, i.status) for i in report.items] == [
        (f"forwards:{N1}", ItemStatus.VERIFIED), (f"forwards:{N2}", ItemStatus.CHANGED)]


def test_an_item_is_read_again_ahead_at_most_twice_while_the_call_before_its_write_waits(
        emu: Emulators, monkeypatch: pytest.MonkeyPatch) -> None:
    """A call before the write may take long (a voice file being processed): the read ahead
    is made again ``READS_AGAIN`` times, no more, and the write reads it itself."""
    case = EditHeldForReadsOfN2(emu, monkeypatch, reads=1 + apply_items.READS_AGAIN, hold=WAIT_SECONDS,
                                linger=4 * 0.3)  # time enough for more, which must not come
    report = case.apply()
    assert case.held == [True] and case.read_by_release == [1 + apply_items.READS_AGAIN]  # ahead, again twice
    assert case.reads_of_n2 == 1 + apply_items.READS_AGAIN + 2  # and by the create (too old by then), and back
    assert report.ok and [i.status for i in report.items] == [ItemStatus.VERIFIED] * 2
