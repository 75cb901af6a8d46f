"""Beeline items are read back after the account's last write, and compared there.

Apply A changes a redirect, then the active black list; B plans and applies the same two
items between A's two writes. Read back once REDIRECT was done (as the apply did for a
while, to save time), A would exit 0 with B's redirect and its own active list, and so
would B: an account that matches neither config. A reads back after its last write, sees
B's redirect, and exits 1. The held ABLIST waits for a read-back that must not come.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from telconf.core.errors import ApplyError, PlanError
from telconf.engine.apply import ApplyReport
from telconf.engine.apply_items import ItemStatus
from telconf.providers.beeline.model import BeelineAccount, BeelineNumber, Blacklists, Redirect
from telconf.providers.beeline.provider import BeelineProvider

from .conftest import LOGIN, NUMBERS, BeelineBench

N1 = NUMBERS[0]
HOLD_SECONDS = 0.5  # how long the held write gives an early read-back to come (it must not)


def redirect_and_active_list(bench: BeelineBench, to: str, active: int) -> BeelineAccount:
    return bench.account(numbers={N1: BeelineNumber(N1, redirect=Redirect(to))}, blacklists=Blacklists(active=active))


def logged(bench: BeelineBench, command: str, after: int = 0) -> int | None:
    """Position in the call log of the first ``command`` from ``after``."""
    return next((i for i, call in enumerate(list(bench.emu.call_log)[after:], start=after)
                 if call["method"] == command), None)


def outcome(bench: BeelineBench, account: BeelineAccount) -> tuple[bool, ApplyReport]:
    with bench.conductor(account) as conductor:
        plan = conductor.plan()
        try:
            return True, conductor.apply(plan)
        except ApplyError as exc:
            return False, exc.report


def test_items_are_read_back_only_after_the_accounts_last_write(bench: BeelineBench) -> None:
    bench.emu.set_redirect(LOGIN, N1, "79160000000")
    account_a = redirect_and_active_list(bench, "79160000001", 1)
    account_b = redirect_and_active_list(bench, "79160000002", 2)
    outcomes: dict[str, tuple[bool, ApplyReport]] = {}
    held: list[int | None] = []

    def before_call(command: str, params: Any) -> None:
        if held or command != "ABLIST" or "ConfData" not in params:
            return  # only A's ABLIST write is held, once
        redirected = logged(bench, "REDIRECT")  # answered: ABLIST comes after it (a later stage)
        assert redirected is not None
        deadline = time.monotonic() + HOLD_SECONDS
        while logged(bench, "RLIST", redirected) is None and time.monotonic() < deadline:
            time.sleep(0.005)
        held.append(logged(bench, "RLIST", redirected))
        b = threading.Thread(target=lambda: outcomes.setdefault("b", outcome(bench, account_b)))
        b.start()
        b.join(timeout=60)

    bench.emu.clear_log()
    bench.emu.before_call = before_call
    outcomes["a"] = outcome(bench, account_a)
    assert held == [None], "A read its redirect back while its ABLIST was in flight"
    (a_ok, a_report), (b_ok, b_report) = outcomes["a"], outcomes["b"]
    assert b_ok and [i.status for i in b_report.items] == [ItemStatus.VERIFIED] * 2
    assert not a_ok
    statuses = {i.label: i.status for i in a_report.items}
    assert statuses == {"redirect of +7 495 000-00-01": ItemStatus.CONFLICT,
                        "the active black list": ItemStatus.VERIFIED}
    assert bench.state()["redirects"][N1]["RNumber"] == "79160000002" and bench.state()["active_list"] == 1


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
