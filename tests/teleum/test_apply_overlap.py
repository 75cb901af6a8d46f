"""An account's read-backs overlap the next account's calls (issue 25), and still settle it."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import Any

from telconf.engine.apply_items import ItemStatus
from telconf.engine.conductor import Conductor
from telconf.config import Config
from telconf.emulator import Emulators

from .helpers import ENV, N1, N2, fwd, make_account, number_id, quick_provider

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
