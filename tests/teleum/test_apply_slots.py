"""Where the apply's reads go (issue 25): each account has its own ``--parallelism`` slots,
a call waiting for its check read holds none, and the next account reads ahead.

The tests hold a request in the emulator until another one arrives: run the old way,
the other request would only come after the held one, and the hold times out.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import Any

import pytest

from telconf.config import Config
from telconf.emulator import Emulators
from telconf.engine import apply as apply_module
from telconf.engine.apply_items import ItemStatus
from telconf.engine.conductor import Conductor

from .helpers import ENV, N1, N2, conductor_of, converge, fwd, line, make_account, number_id, quick_provider

WAIT_SECONDS = 10.0  # only reached when the awaited request never comes first (the failure)


def test_calls_waiting_for_their_group_read_hold_no_slot(emu: Emulators) -> None:
    """Three SIP line edits share one ``getSIPs``; at ``--parallelism 2`` the second slot
    reads the forward's number meanwhile (it used to wait, in its slot, for that getSIPs)."""
    converge(emu, make_account(emu.teleum_url, {N1: [fwd("tel:79210001000")]},
                               sip_lines=[line("101", "a"), line("102", "a"), line("103", "a")]))
    changed = make_account(emu.teleum_url, {N1: [fwd("tel:79210002000")]},
                           sip_lines=[line("101", "b"), line("102", "b"), line("103", "b")])
    id1 = number_id(emu, N1)
    forward_read = threading.Event()
    held: list[bool] = []

    def before_call(method: str, params: Any) -> None:
        if method == "getForwards" and params.get("numberid") == id1:
            forward_read.set()
        elif method == "getSIPs" and not held:
            held.append(forward_read.wait(WAIT_SECONDS))  # the check of the three lines

    with conductor_of(changed, parallelism=2) as conductor:
        plan = conductor.plan()
        assert [c.method for c in plan.accounts[0].calls].count("editSIP") == 3
        emu.teleum.before_call = before_call
        report = conductor.apply(plan)
    assert held == [True]
    assert report.ok and {i.status for i in report.items} == {ItemStatus.VERIFIED}


def test_the_next_account_reads_ahead_while_the_last_call_of_this_one_runs(emu: Emulators) -> None:
    """The second account's check read comes while the first account's last write is in
    flight, and serves as its check (no second read before its write)."""
    first = make_account(emu.teleum_url, {N1: [fwd("tel:79210001000")]})
    second = dataclasses.replace(make_account(emu.teleum_url, {N2: [fwd("tel:79210002000")]}), name="msk")
    id1, id2 = number_id(emu, N1), number_id(emu, N2)
    second_read = threading.Event()
    held: list[bool] = []
    seen: list[tuple[str, str]] = []

    def before_call(method: str, params: Any) -> None:
        seen.append((method, str(params.get("numberid") or params.get("nid") or "")))
        if method == "getForwards" and params.get("numberid") == id2:
            second_read.set()
        elif method == "editForward" and params.get("nid") == id1:
            held.append(second_read.wait(WAIT_SECONDS))

    config = Config(Path("telconf.yaml"), {first.name: first, second.name: second})
    with Conductor(config, environ=ENV, provider_factory=quick_provider) as conductor:
        plan = conductor.plan()
        emu.teleum.before_call = before_call
        report = conductor.apply(plan)
    assert held == [True]
    assert report.ok and [i.status for i in report.items] == [ItemStatus.VERIFIED] * 2
    # id2: read ahead (the check), written, read back: one read before the write
    assert [m for m, n in seen if n == id2] == ["getForwards", "editForward", "getForwards"]


def test_no_account_has_more_requests_in_flight_than_its_parallelism(emu: Emulators,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """``--parallelism`` bounds each account's requests: calls, checks, reads ahead for it
    while the account before runs, and read-backs while the account after runs."""
    most: dict[str, int] = {}
    tags: dict[str, set[int]] = {}
    submit = apply_module._Slots.submit

    def counted(slots: Any, tag: int, job: Any) -> None:
        assert slots.in_flight < slots.size, f"{slots.name}: a request beyond --parallelism {slots.size}"
        submit(slots, tag, job)
        most[slots.name] = max(most.get(slots.name, 0), slots.in_flight)
        tags.setdefault(slots.name, set()).add(min(tag, 0))

    monkeypatch.setattr(apply_module._Slots, "submit", counted)
    forwards = [fwd("tel:79210001000"), fwd("tel:79210001001"), fwd("tel:79210001002")]
    first = make_account(emu.teleum_url, {N1: forwards, N2: forwards})
    second = dataclasses.replace(make_account(emu.teleum_url, {"74950000001": forwards}), name="msk")
    config = Config(Path("telconf.yaml"), {first.name: first, second.name: second})
    with Conductor(config, environ=ENV, provider_factory=quick_provider, parallelism=2) as conductor:
        report = conductor.apply(conductor.plan())
    assert report.ok
    assert most["spb"] == 2 and most["msk"] >= 1  # msk changes one number: one lane
    # calls (0 and up), checks read apart or ahead (-1) and read-backs (-2) went through the slots
    assert tags == {"spb": {0, -1, -2}, "msk": {0, -1, -2}}
