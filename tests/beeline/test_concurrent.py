"""Two applies at once on a Beeline account, and another writer inside a batch (issue 15).

Both configs change every item, each differently (edits, a create, a delete, a black
list pair), so whatever the timing an apply that exits 0 read every item back as its
config wants it after its last write. The verdicts do not depend on thread timing.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from telconf.engine.apply import ApplyReport
from telconf.engine.apply_items import ItemStatus
from telconf.core.errors import ApplyError
from telconf.providers.beeline.model import (
    BeelineAccount,
    BeelineNumber,
    BlacklistEntry,
    Blacklists,
    Redirect,
)

from .conftest import LOGIN, NUMBERS, BeelineBench

N1, N2, N3, N4 = NUMBERS
RUNS = 20


def config(bench: BeelineBench, r1: str, r2: str, r3: str | None, blocked: str) -> BeelineAccount:
    return bench.account(
        numbers={N1: BeelineNumber(N1, redirect=Redirect(r1)), N2: BeelineNumber(N2, redirect=Redirect(r2)),
                 N3: BeelineNumber(N3, redirect=None if r3 is None else Redirect(r3))},
        blacklists=Blacklists(lists={0: frozenset({BlacklistEntry(0, N1, blocked)})}),
    )


def run_apply(bench: BeelineBench, account: BeelineAccount, delay: float, out: dict[str, Any], name: str) -> None:
    time.sleep(delay)
    with bench.conductor(account) as conductor:
        plan = conductor.plan()
        try:
            report: ApplyReport = conductor.apply(plan)
            out[name] = (True, report, "")
        except ApplyError as exc:
            out[name] = (False, exc.report, "\n".join([str(exc), *exc.report.lines()]))


@pytest.fixture
def busy(bench: BeelineBench) -> BeelineBench:
    bench.emu.set_redirect(LOGIN, N1, "79160000001")
    bench.emu.set_redirect(LOGIN, N3, "79160000003")
    bench.emu.add_blacklist(LOGIN, 0, N1, "79000000001")
    bench.emu.configure(latency_ms=3)
    return bench


def test_two_applies_with_edits_creates_and_deletes(busy: BeelineBench) -> None:
    account_a = config(busy, "79160000011", "79160000012", None, "79000000002")
    account_b = config(busy, "79160000021", "79160000022", "79160000023", "79000000003")
    start = busy.emu.snapshot()
    for run in range(RUNS):
        busy.emu.restore(start)
        lag = (run // 2) * 0.002
        delays = (lag, 0.0) if run % 2 else (0.0, lag)
        out: dict[str, Any] = {}
        threads = [threading.Thread(target=run_apply, args=(busy, a, d, out, n))
                   for a, d, n in ((account_a, delays[0], "a"), (account_b, delays[1], "b"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert set(out) == {"a", "b"}
        in_sync = [busy.plan(account).changes == () for account in (account_a, account_b)]
        if out["a"][0] and out["b"][0]:
            assert any(in_sync), "both applies exited 0, and the account matches neither config"
        for ok, report, text in out.values():
            if ok:
                assert report.items and all(i.status is ItemStatus.VERIFIED for i in report.items)
                continue
            for item in report.items:
                if item.status is not ItemStatus.VERIFIED:
                    assert f"{item.label}: {item.status.value}" in text or \
                        (item.label in text and item.status.value in text)
        if run % 5 == 4:  # a re-run converges
            out = {}
            run_apply(busy, account_a, 0.0, out, "again")
            assert out["again"][0], out["again"][2]
            assert busy.plan(account_a).changes == ()


def test_an_item_changed_before_its_batch_is_dropped_from_it(bench: BeelineBench) -> None:
    """N2's redirect changes between plan and write: the REDIRECT batch goes without it."""
    account = bench.account(numbers={N1: BeelineNumber(N1, redirect=Redirect("79160000011")),
                                     N2: BeelineNumber(N2, redirect=Redirect("79160000012"))})
    with bench.conductor(account) as conductor:
        plan = conductor.plan()
        assert [c.method for c in plan.accounts[0].calls] == ["REDIRECT"]
        bench.emu.set_redirect(LOGIN, N2, "79160000099")  # the operator, in the portal
        bench.emu.clear_log()
        with pytest.raises(ApplyError) as caught:
            conductor.apply(plan)
    sent = [c for c in bench.emu.call_log if c["method"] == "REDIRECT"]
    assert len(sent) == 1 and [e["BNumber"] for e in sent[0]["params"]["ConfData"]] == [N1]
    assert bench.state()["redirects"][N2] == {"RNumber": "79160000099"}
    report = caught.value.report
    statuses = {i.label: i.status for i in report.items}
    assert statuses == {"redirect of +7 495 000-00-01": ItemStatus.VERIFIED,
                        "redirect of +7 495 000-00-02": ItemStatus.CHANGED}
    text = "\n".join(report.lines())
    assert '~ cc: redirect of +7 495 000-00-02: changed since the plan: was absent, now ["79160000099", null]' in text


def test_a_black_list_entry_added_between_check_and_write_is_a_conflict(bench: BeelineBench) -> None:
    """The window no API closes: the write lands on a state read a moment ago; verify sees it."""
    bench.emu.add_blacklist(LOGIN, 0, N1, "79000000001")
    account = bench.account(blacklists=Blacklists(lists={0: frozenset({BlacklistEntry(0, N1, "79000000002")})}))
    fired = threading.Event()

    def hook(call: str, params: Any) -> None:
        if call == "SETBLIST" and not fired.is_set():
            fired.set()
            bench.emu.add_blacklist(LOGIN, 0, N1, "79000000077")

    bench.emu.before_call = hook
    out: dict[str, Any] = {}
    run_apply(bench, account, 0.0, out, "a")
    ok, report, text = out["a"]
    assert fired.is_set() and not ok
    conflicts = [i for i in report.items if i.status is ItemStatus.CONFLICT]
    assert [i.label for i in conflicts] == ["black list 0 / +7 495 000-00-01"]
    assert "! cc: black list 0 / +7 495 000-00-01: read back after the apply, it is not as desired" in text
    assert "items: 0 done, 1 conflicted" in text
    bench.emu.before_call = None
    out = {}
    run_apply(bench, account, 0.0, out, "again")  # a re-run converges
    assert out["again"][0], out["again"][2]
