"""Recording (with the "*" semantics) and black lists against the emulator over HTTP."""

from __future__ import annotations

import pytest

from telconf.core.errors import ApplyError
from telconf.providers.beeline.model import BeelineNumber, BlacklistEntry, Blacklists

from .conftest import LOGIN, NUMBERS, BeelineBench

N1, N2, N3, N4 = NUMBERS


def test_per_number_recording_is_turned_on_and_off_in_one_request_each(bench: BeelineBench) -> None:
    bench.emu.set_record(LOGIN, [N1, N4])
    account = bench.account(numbers={
        N1: BeelineNumber(N1, record=False), N2: BeelineNumber(N2, record=True), N3: BeelineNumber(N3, record=True),
    })
    plan = bench.converge(account)
    assert [(c.method, c.params) for c in plan.calls] == [("ARECORD", [N2, N3]), ("CRECORD", [N1])]
    assert sorted(bench.state()["record"]) == [N2, N3, N4]


def test_turning_record_all_off_keeps_every_other_number_recorded(bench: BeelineBench) -> None:
    bench.emu.set_record(LOGIN, "*")
    account = bench.account(record_all=False, numbers={
        N1: BeelineNumber(N1, record=False), N2: BeelineNumber(N2, record=True),
    })
    plan = bench.converge(account)
    # "*" off first (CRECORD without ConfData turns off everything), then the numbers that
    # must stay recorded, managed (N2) or not ours to change (N3, N4), back on at once.
    assert [(c.method, c.params) for c in plan.calls] == [("CRECORD", None), ("ARECORD", [N2, N3, N4])]
    state = bench.state()
    assert state["record_all"] is False and sorted(state["record"]) == [N2, N3, N4]


def test_a_number_that_must_not_be_recorded_turns_star_off(bench: BeelineBench) -> None:
    bench.emu.set_record(LOGIN, "*")
    account = bench.account(numbers={N1: BeelineNumber(N1, record=False)})
    bench.converge(account)
    state = bench.state()
    assert state["record_all"] is False and sorted(state["record"]) == [N2, N3, N4]


def test_record_all_is_turned_on_last(bench: BeelineBench) -> None:
    bench.emu.set_record(LOGIN, [N1])
    plan = bench.converge(bench.account(record_all=True, numbers={N2: BeelineNumber(N2, record=True)}))
    assert [(c.method, c.params) for c in plan.calls] == [("ARECORD", None)]
    assert bench.state()["record_all"] is True


def test_star_on_and_every_managed_number_recorded_is_no_change(bench: BeelineBench) -> None:
    bench.emu.set_record(LOGIN, "*")
    plan = bench.plan(bench.account(numbers={N1: BeelineNumber(N1, record=True)}))
    assert plan.changes == ()


def _entries(list_id: int, b: str, start: int, count: int) -> set[BlacklistEntry]:
    return {BlacklistEntry(list_id, b, f"7900{n:07d}") for n in range(start, start + count)}


def test_twenty_thousand_entries_across_three_lists_converge_in_a_handful_of_requests(bench: BeelineBench) -> None:
    bench.emu.blacklist_limit = 10_000
    desired: dict[int, set[BlacklistEntry]] = {0: set(), 1: set(), 2: set()}
    for list_id in range(3):
        for b in NUMBERS:
            # numbers of one list share an A-set except the last: grouping must kick in
            start = 0 if b != N4 else 50_000
            desired[list_id] |= _entries(list_id, b, start + list_id * 10_000, 1_667)
    assert 19_000 < sum(len(s) for s in desired.values()) < 21_000
    account = bench.account(
        numbers={b: BeelineNumber(b) for b in NUMBERS},
        blacklists=Blacklists(active=1, lists={n: frozenset(s) for n, s in desired.items()}),
    )
    bench.emu.clear_log()
    plan = bench.converge(account)
    assert [c.method for c in plan.calls] == ["SETBLIST", "ABLIST"]
    assert len(plan.calls[0].params) == 6  # (list, A-set) groups: 3 lists x (N1-N3, N4)
    assert sum(c.size for c in plan.changes if c.kind == "blacklist") == sum(len(s) for s in desired.values())
    writes = bench.writes()
    assert len(writes) <= 4, [w["method"] for w in writes]
    # now shrink: list 2 emptied, N4 dropped from list 1, 10 entries of N1 dropped from list 0
    desired[2] = set()
    desired[1] = {e for e in desired[1] if e.b != N4}
    desired[0] -= set(sorted(e for e in desired[0] if e.b == N1)[:10])
    account = bench.account(
        numbers={b: BeelineNumber(b) for b in NUMBERS},
        blacklists=Blacklists(lists={n: frozenset(s) for n, s in desired.items()}),
    )
    plan = bench.converge(account)
    assert [c.params for c in plan.calls if c.method == "DELBLIST"][:2] == [
        {"ListID": [2]}, [{"BNumber": [N4], "ListID": 1}]]
    assert [c.method for c in plan.calls] == ["DELBLIST"] * 3  # one per form: lists, B-numbers, entries
    assert len(plan.calls[2].params) == 1 and len(plan.calls[2].params[0]["ANumber"]) == 10


def test_lists_not_named_are_left_alone(bench: BeelineBench) -> None:
    bench.emu.add_blacklist(LOGIN, 0, N1, "79000000001")
    bench.emu.add_blacklist(LOGIN, 2, N1, "79000000002")
    account = bench.account(blacklists=Blacklists(lists={2: frozenset()}))
    bench.converge(account)
    lists = bench.state()["blacklists"]
    assert lists["0"] == {N1: ["79000000001"]} and lists["2"] == {}


@pytest.mark.parametrize("grouping", ["per_b", "per_a", "triples"])
def test_any_lblist_grouping_reads_the_same(bench: BeelineBench, grouping: str) -> None:
    bench.emu.lblist_grouping = grouping
    bench.emu.shuffle = True
    bench.emu.shuffle_seed = 3
    wanted = {BlacklistEntry(0, b, a) for b in (N1, N2) for a in ("79000000001", "79000000002")}
    wanted |= {BlacklistEntry(1, N3, "79000000003")}
    for entry in wanted:
        bench.emu.add_blacklist(LOGIN, entry.list_id, entry.b, entry.a)
    plan = bench.plan(bench.account(blacklists=Blacklists(lists={
        0: frozenset(e for e in wanted if e.list_id == 0), 1: frozenset(e for e in wanted if e.list_id == 1)})))
    assert plan.changes == ()


def test_a_request_too_big_for_the_server_is_split_and_carries_on(bench: BeelineBench) -> None:
    bench.emu.blacklist_limit = 1_000
    bench.emu.max_body_bytes = 6_000
    lists = {0: frozenset(_entries(0, N1, 0, 400) | _entries(0, N2, 1000, 400))}
    plan = bench.converge(bench.account(blacklists=Blacklists(lists=lists)))
    assert [c.method for c in plan.calls] == ["SETBLIST"]
    log = bench.emu.call_log
    refused = [c for c in log if c["err"] == "413.1"]  # refused before the emulator reads the command
    sent = [c for c in log if c["method"] == "SETBLIST" and c["status"] == 200]
    assert len(sent) >= 4  # ~18 kB of ConfData through a 6 kB limit
    assert len(refused) <= 3  # one refusal per halving, not one per part


def test_the_servers_black_list_limit_is_reported_clearly(bench: BeelineBench) -> None:
    bench.emu.blacklist_limit = 100
    account = bench.account(blacklists=Blacklists(lists={1: frozenset(_entries(1, N2, 0, 150))}))
    with bench.conductor(account) as conductor, pytest.raises(ApplyError) as raised:
        conductor.apply(conductor.plan())
    (failed,) = raised.value.report.failed
    assert failed.code == "413.2"
    assert "limit of A-numbers per black list and B-number" in failed.error
    assert "list 1 / +7 495 000-00-02 (+150)" in failed.error


def test_the_active_list_is_switched(bench: BeelineBench) -> None:
    plan = bench.converge(bench.account(blacklists=Blacklists(active=2)))
    assert [(c.method, c.params) for c in plan.calls] == [("ABLIST", 2)]
    assert bench.state()["active_list"] == 2
    plan = bench.converge(bench.account(blacklists=Blacklists(active=0)))
    assert [(c.method, c.params) for c in plan.calls] == [("ABLIST", 0)]
