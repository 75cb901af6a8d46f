"""Two applies at once, and other writers between a check and a write (issue 15).

The verdicts asserted here hold whatever the thread timing: they follow from what an
apply promises (exit 0 only for items read back as desired after all its writes), not
from which request the server happens to handle first. The timing is varied anyway
(start offsets), so that the races the checks guard against are really run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from telconf.engine.apply import ApplyReport
from telconf.engine.apply_items import ItemStatus
from telconf.emulator import Emulators
from telconf.core.errors import ApplyError
from telconf.providers.teleum.model import Forward, TeleumAccount
from telconf.engine.conductor import Conductor
from telconf.core.phones import display

from .helpers import (
    EMAIL, N1, N2, add_forwards, converge, emulator_forwards, fwd, line, make_account, number_id, conductor_of,
)

NUMBERS = [f"7812323{1000 + i}" for i in range(10)]
FIRST = {wire: fwd(f"tel:7921000{1000 + i}") for i, wire in enumerate(NUMBERS)}
SECOND = {wire: fwd(f"tel:7921001{1000 + i}", timeout=25) for i, wire in enumerate(NUMBERS)}
LATENCY_MS = 3
RUNS = 20


@dataclass
class Outcome:
    ok: bool
    report: ApplyReport | None
    text: str


def run_apply(account: TeleumAccount, delay: float, results: dict[str, Outcome], name: str) -> None:
    """Plan and apply ``account`` after ``delay`` seconds; record exit-0-or-not and the output."""
    time.sleep(delay)
    with conductor_of(account) as conductor:
        plan = conductor.plan()
        try:
            report = conductor.apply(plan)
            results[name] = Outcome(True, report, "")
        except ApplyError as exc:
            report = exc.report
            results[name] = Outcome(False, report, "\n".join([str(exc), *report.lines()]))


def race(account_a: TeleumAccount, account_b: TeleumAccount, delay_a: float, delay_b: float) -> dict[str, Outcome]:
    results: dict[str, Outcome] = {}
    threads = [threading.Thread(target=run_apply, args=(account_a, delay_a, results, "a")),
               threading.Thread(target=run_apply, args=(account_b, delay_b, results, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert set(results) == {"a", "b"}
    return results


def offsets(run: int) -> tuple[float, float]:
    """Start offsets of the two applies: 0 to 19 latencies apart, either one first."""
    lag = (run // 2) * 0.002
    return (lag, 0.0) if run % 2 else (0.0, lag)


def final_state(emu: Emulators) -> dict[str, list[Forward]]:
    return {wire: emulator_forwards(emu, wire) for wire in NUMBERS}


def matches(state: dict[str, list[Forward]], account: TeleumAccount) -> bool:
    return all(state[wire] == list(account.numbers[wire].forwards) for wire in account.numbers)  # type: ignore[arg-type]


def assert_promises(emu: Emulators, results: dict[str, Outcome], accounts: Sequence[TeleumAccount]) -> None:
    """What telconf promises, whatever the order the server handled the requests in."""
    state = final_state(emu)
    both_ok = all(o.ok for o in results.values())
    assert not (both_ok and not any(matches(state, a) for a in accounts)), \
        "both applies exited 0, and the account matches neither config"
    for outcome in results.values():
        assert outcome.report is not None
        if outcome.ok:
            assert all(i.status is ItemStatus.VERIFIED and not i.outage for i in outcome.report.items)
            continue
        # Every item not done is named in the output, with its outcome.
        for item in outcome.report.items:
            if item.status is not ItemStatus.VERIFIED:
                assert item.label in outcome.text and item.status.value in outcome.text
        if outcome.report.outages:  # first and loudest
            assert outcome.text.startswith("NUMBERS LEFT WITH NO FORWARD")
    for wire in accounts[0].numbers:
        if not state[wire]:
            # The last delete of a number is followed by its sender's verify: it says so, loudly.
            loud = [o for o in results.values() if not o.ok and "NO LIVE FORWARD" in o.text
                    and display(wire) in o.text.split("\n", 1)[0]]
            assert loud, f"{wire} was left with no forward and no apply said so"


def converges(emu: Emulators, account: TeleumAccount) -> None:
    """A re-run after the race exits 0 and leaves the config's state."""
    results: dict[str, Outcome] = {}
    run_apply(account, 0.0, results, "again")
    assert results["again"].ok, results["again"].text
    assert matches(final_state(emu), account)


@pytest.fixture
def ten_numbers(emu: Emulators) -> Emulators:
    """10 numbers with two forwards each."""
    for wire in NUMBERS:
        emu.teleum.add_number(EMAIL, wire)
        add_forwards(emu, wire, [FIRST[wire], SECOND[wire]])
    emu.teleum.configure(latency_ms=LATENCY_MS)
    return emu


def keep(which: dict[str, Forward], url: str) -> TeleumAccount:
    return make_account(url, {wire: [which[wire]] for wire in NUMBERS})


def race_runs(emu: Emulators, account_a: TeleumAccount, account_b: TeleumAccount, runs: range) -> dict[str, int]:
    start = emu.teleum.snapshot()
    tally = {"both ok": 0, "one ok": 0, "none ok": 0, "gap reported": 0, "gap left": 0}
    for run in runs:
        emu.teleum.restore(start)
        results = race(account_a, account_b, *offsets(run))
        assert_promises(emu, results, [account_a, account_b])
        oks = sum(o.ok for o in results.values())
        tally[["none ok", "one ok", "both ok"][oks]] += 1
        tally["gap reported"] += any(o.report and o.report.outages for o in results.values())
        tally["gap left"] += any(not forwards for forwards in final_state(emu).values())
        if run % 5 == 4:
            converges(emu, account_a if run % 2 else account_b)
    return tally


def test_two_applies_keeping_different_forwards(ten_numbers: Emulators) -> None:
    """The issue's case: one config keeps the first forward of each number, the other the second."""
    url = ten_numbers.teleum_url
    tally = race_runs(ten_numbers, keep(FIRST, url), keep(SECOND, url), range(RUNS))
    assert tally["both ok"] + tally["one ok"] + tally["none ok"] == RUNS
    print("TALLY", tally)


MIXED_A = {wire: [fwd(f"tel:7921000{1000 + i}", timeout=15), fwd(f"tel:7921002{1000 + i}")]
           for i, wire in enumerate(NUMBERS)}  # edit the first, turn the second into a third
MIXED_B = {wire: [fwd(f"tel:7921003{1000 + i}")] for i, wire in enumerate(NUMBERS)}  # one new forward only


def test_two_applies_with_edits_creates_and_deletes(ten_numbers: Emulators) -> None:
    """On four of the numbers: one config edits, keeps and creates; the other edits one and deletes one."""
    url, some = ten_numbers.teleum_url, NUMBERS[:4]
    account_a = make_account(url, {w: MIXED_A[w][:1] + [SECOND[w]] + MIXED_A[w][1:] for w in some})
    account_b = make_account(url, {w: MIXED_B[w] for w in some})
    race_runs(ten_numbers, account_a, account_b, range(RUNS))


@pytest.mark.slow
def test_two_applies_many_timings(ten_numbers: Emulators) -> None:
    url = ten_numbers.teleum_url
    race_runs(ten_numbers, keep(FIRST, url), keep(SECOND, url), range(100))


# --- another writer between the check and the write ------------------------------------------


def one_shot(method: str, action: Any) -> Any:
    """An emulator hook running ``action`` when ``method`` first arrives."""
    fired = threading.Event()

    def hook(call: str, params: Any) -> None:
        if call == method and not fired.is_set():
            fired.set()
            action(params)

    return hook


def test_a_forward_deleted_by_hand_between_check_and_delete_is_reported_loudly(ten_numbers: Emulators) -> None:
    wire = NUMBERS[0]
    kept = emulator_forwards(ten_numbers, wire)[0]
    assert kept == FIRST[wire]
    first_id = ten_numbers.teleum.forwards(EMAIL, wire)[0]["id"]
    ten_numbers.teleum.before_call = one_shot(
        "deleteForward", lambda params: ten_numbers.teleum.delete_forward(EMAIL, first_id))
    results: dict[str, Outcome] = {}
    run_apply(keep(FIRST, ten_numbers.teleum_url), 0.0, results, "a")
    outcome = results["a"]
    assert not outcome.ok
    assert outcome.text.startswith("NUMBERS LEFT WITH NO FORWARD: spb: forwards of " + display(wire))
    assert outcome.report is not None
    assert [i.label for i in outcome.report.outages] == [f"forwards of {display(wire)}"]
    assert outcome.report.outages[0].restored == "telconf created its 1 forward again"
    assert emulator_forwards(ten_numbers, wire) == [FIRST[wire]]  # service is back at once
    conflicted = [i for i in outcome.report.items if i.status is ItemStatus.CONFLICT]
    assert [i.label for i in conflicted] == [f"forwards of {display(wire)}"]
    assert sum(i.status is ItemStatus.VERIFIED for i in outcome.report.items) == 9
    converges(ten_numbers, keep(FIRST, ten_numbers.teleum_url))


def planned(account: TeleumAccount) -> tuple[Conductor, Any]:
    """A conductor of ``account`` and its plan; the conductor stays open for the apply."""
    conductor = conductor_of(account)
    try:
        return conductor, conductor.plan()
    except BaseException:
        conductor.close()
        raise


def failed_apply(conductor: Conductor, plan: Any) -> Any:
    """Apply ``plan``, which must end in an ApplyError; return its report (conductor closed)."""
    with conductor, pytest.raises(ApplyError) as caught:
        conductor.apply(plan)
    assert caught.value.report is not None
    return caught.value.report


def test_a_number_changed_after_the_plan_is_not_written(ten_numbers: Emulators) -> None:
    """Changed between plan and check: none of its calls is sent, the others go on."""
    wire = NUMBERS[3]
    account = keep(FIRST, ten_numbers.teleum_url)
    conductor, plan = planned(account)
    added = fwd("tel:79219999999")
    add_forwards(ten_numbers, wire, [added])  # the operator adds a forward in the portal
    ten_numbers.teleum.clear_log()
    report = failed_apply(conductor, plan)
    changed = [i for i in report.items if i.status is ItemStatus.CHANGED]
    assert [i.label for i in changed] == [f"forwards of {display(wire)}"]
    assert changed[0].detail is not None
    assert changed[0].detail.startswith("changed since the plan: forward ")
    assert changed[0].detail.endswith(" to tel:+7 921 999-99-99 added")
    text = "\n".join(report.lines())
    assert f"~ spb: forwards of {display(wire)}: changed since the plan" in text
    assert emulator_forwards(ten_numbers, wire) == [FIRST[wire], SECOND[wire], added]  # untouched
    deleted = [e for e in ten_numbers.teleum.call_log if e["method"] == "deleteForward"]
    assert len(deleted) == 9
    assert sum(i.status is ItemStatus.VERIFIED for i in report.items) == 9


def test_a_forward_to_a_sip_line_whose_creation_was_skipped_is_not_sent(emu: Emulators) -> None:
    """The line the plan creates appears meanwhile (made by hand): neither it nor the forward to it is written."""
    account = make_account(emu.teleum_url, {N1: [fwd("sip:101")], N2: [fwd("tel:79210000002")]},
                           sip_lines=[line("101", "Reception")])
    conductor, plan = planned(account)
    emu.teleum.add_sip(EMAIL, descr="Made by hand")  # takes number 101
    emu.teleum.clear_log()
    report = failed_apply(conductor, plan)
    statuses = {i.label: (i.status, i.detail) for i in report.items}
    assert statuses["SIP line 101"][0] is ItemStatus.CHANGED
    assert statuses["SIP line 101"][1].startswith("changed since the plan: was {'next_sip': 101}, now {'id': ")
    assert statuses[f"forwards of {display(N1)}"] == (
        ItemStatus.CHANGED, "not sent: it needs SIP line 101, which changed since the plan: "
        + statuses["SIP line 101"][1].removeprefix("changed since the plan: "))
    assert statuses[f"forwards of {display(N2)}"][0] is ItemStatus.VERIFIED
    sent = [(e["method"], e["params"].get("nid")) for e in emu.teleum.call_log if e["method"] in ("editSIP", "editForward")]
    assert sent == [("editForward", number_id(emu, N2))]
    assert emu.teleum.forwards(EMAIL, N1) == []


# --- read back only after the account's last write ---------------------------------------------


HOLD_SECONDS = 0.5  # how long a held write gives an early read-back to come (it must not)


def recorded(emu: Emulators, method: str, wire_id: str, after: int = 0) -> int | None:
    """Position in the call log of the first ``method`` on number id ``wire_id`` from ``after``."""
    for position, call in enumerate(list(emu.teleum.call_log)[after:], start=after):
        params = call["params"] or {}
        if call["method"] == method and wire_id in (params.get("nid"), params.get("numberid")):
            return position
    return None


def wait_for(found: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while (value := found()) is None and time.monotonic() < deadline:
        time.sleep(0.005)
    return value


def test_items_are_read_back_only_after_the_accounts_last_write(emu: Emulators) -> None:
    """Apply A writes N1, then N2; B plans and applies both between them. A reads N1 back
    after its N2 write, sees B's forward and exits 1. Had A read N1 back once N1's own
    call was done, both would exit 0 with N1 as B wants it and N2 as A wants it."""
    converge(emu, make_account(emu.teleum_url, {N1: [fwd("tel:79210001000")], N2: [fwd("tel:79210002000")]}))
    account_a = make_account(emu.teleum_url, {N1: [fwd("tel:79210001001")], N2: [fwd("tel:79210002001")]})
    account_b = make_account(emu.teleum_url, {N1: [fwd("tel:79210001002")], N2: [fwd("tel:79210002002")]})
    id1, id2 = number_id(emu, N1), number_id(emu, N2)
    results: dict[str, Outcome] = {}
    held: list[int | None] = []

    def before_call(method: str, params: Any) -> None:
        if held or method != "editForward" or params.get("nid") != id2:
            return
        written = wait_for(lambda: recorded(emu, "editForward", id1), 10.0)  # A's N1 write, answered
        assert written is not None
        held.append(wait_for(lambda: recorded(emu, "getForwards", id1, written), HOLD_SECONDS))
        b = threading.Thread(target=run_apply, args=(account_b, 0.0, results, "b"))
        b.start()
        b.join(timeout=60)

    emu.teleum.clear_log()
    emu.teleum.before_call = before_call
    run_apply(account_a, 0.0, results, "a")
    assert held == [None], "A read N1 back while its N2 write was in flight"
    assert results["b"].ok, results["b"].text
    assert not results["a"].ok
    assert results["a"].report is not None
    conflicted = [i.label for i in results["a"].report.items if i.status is ItemStatus.CONFLICT]
    assert conflicted == [f"forwards of {display(N1)}"]
    assert f"forwards of {display(N1)}" in results["a"].text
    assert emulator_forwards(emu, N1) == [fwd("tel:79210001002")] and emulator_forwards(emu, N2) == [
        fwd("tel:79210002001")]
