"""A Beeline kind is read back as soon as its calls are done, beside the later calls (issue 25).

Each list command reads one kind and a command changes only its own kind, so the
redirects (RLIST) are read back once REDIRECT has answered, while the black list is
still being written. The test holds the black-list write until that read-back comes:
read back after the whole account (as before), it would come only after the write.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from telconf.core.errors import ApplyError, PlanError
from telconf.engine.apply_items import ItemStatus
from telconf.providers.beeline.model import BeelineNumber, BlacklistEntry, Blacklists, Redirect
from telconf.providers.beeline.provider import BeelineProvider

from .conftest import NUMBERS, BeelineBench

N1 = NUMBERS[0]
WAIT_SECONDS = 10.0  # only reached when the read-back waits for the black list (the failure)


def test_redirects_are_read_back_while_the_black_list_is_written(bench: BeelineBench) -> None:
    account = bench.account(numbers={N1: BeelineNumber(N1, redirect=Redirect("79160000001"))},
                            blacklists=Blacklists(lists={0: frozenset({BlacklistEntry(0, N1, "79000000001")})}))
    redirected = threading.Event()
    read_back = threading.Event()
    held: list[bool] = []

    def before_call(command: str, params: Any) -> None:
        if command == "REDIRECT":
            redirected.set()
        elif command == "RLIST" and redirected.is_set():
            read_back.set()
        elif command == "SETBLIST":
            held.append(read_back.wait(WAIT_SECONDS))

    with bench.conductor(account) as conductor:
        plan = conductor.plan()
        assert [c.method for c in plan.accounts[0].calls] == ["REDIRECT", "SETBLIST"]
        bench.emu.before_call = before_call
        report = conductor.apply(plan)
    assert held == [True]
    assert report.ok and [i.status for i in report.items] == [ItemStatus.VERIFIED] * 2
    rlists = [c for c in bench.emu.call_log if c["method"] == "RLIST"]
    assert len(rlists) == 3  # the plan's read, the check, the read-back: not read again after the account


def test_an_item_that_cannot_be_compared_after_the_apply_fails_and_the_report_still_comes(
        bench: BeelineBench, monkeypatch: pytest.MonkeyPatch) -> None:
    """A provider error while comparing the read-back (a plan error of the kind's diff) is
    the item's failure in the report, not an error that loses the report."""
    account = bench.account(numbers={N1: BeelineNumber(N1, redirect=Redirect("79160000001"))})

    def check_item(self: BeelineProvider, view: Any, item: str) -> Any:
        raise PlanError("cc: voice file 'x.wav' would be deleted, but number +7 495 000-00-01 plays it")

    with bench.conductor(account) as conductor:
        plan = conductor.plan()
        monkeypatch.setattr(BeelineProvider, "check_item", check_item)
        with pytest.raises(ApplyError) as err:
            conductor.apply(plan)
    [item] = err.value.report.items
    assert item.status is ItemStatus.FAILED
    assert item.detail == ("could not be read back after the apply: cc: voice file 'x.wav' would be deleted, "
                           "but number +7 495 000-00-01 plays it")
    assert "items: 0 done, 0 conflicted, 0 changed since the plan, 1 failed" in str(err.value)
