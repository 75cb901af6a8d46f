"""Black-list diff and request minimisation (pure: no server)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from telconf.providers.beeline.model import BlacklistEntry
from telconf.plan.data import Action
from telconf.plan.order import stage_of
from telconf.providers.beeline.stages import STAGES
from telconf.providers.beeline.batching import halves, merge_calls
from telconf.providers.beeline.blacklists import PairSet, by_pair, diff_lists, merge_delete, merge_set
from telconf.plan.data import Call

B_NUMBERS = ["74950000001", "74950000002", "74950000003", "74950000004"]
A_NUMBERS = [f"7900000000{i}" for i in range(8)]

entries = st.builds(BlacklistEntry, st.integers(0, 2), st.sampled_from(B_NUMBERS), st.sampled_from(A_NUMBERS))


def simulate(state: set[BlacklistEntry], method: str, conf: Any) -> None:
    """What a server following CONTRACT 2.2 does with one SETBLIST/DELBLIST."""
    if method == "SETBLIST":
        for e in conf:
            state.update(BlacklistEntry(e["ListID"], b, a) for b in e["BNumber"] for a in e["ANumber"])
    elif isinstance(conf, Mapping):
        state.difference_update({e for e in state if e.list_id in conf["ListID"]})
    else:
        for e in conf:
            if "ANumber" in e:
                state.difference_update(
                    BlacklistEntry(e["ListID"], b, a) for b in e["BNumber"] for a in e["ANumber"])
            else:
                state.difference_update({x for x in state if x.list_id == e["ListID"] and x.b in e["BNumber"]})


def planned_calls(live: frozenset[BlacklistEntry], desired: dict[int, frozenset[BlacklistEntry]]):
    calls = []
    for index, pair in enumerate(diff_lists(live, desired)):
        if pair.removed:
            calls.append((Call("DELBLIST", pair.delete_data(), stage=stage_of(STAGES, "blacklist", Action.DELETE)), (index,)))
        if pair.added:
            calls.append((Call("SETBLIST", pair.set_data(), stage=stage_of(STAGES, "blacklist", Action.CREATE)), (index,)))
    calls.sort(key=lambda item: item[0].stage)
    return merge_calls(calls)


@settings(max_examples=300, deadline=None)
@given(
    live=st.frozensets(entries, max_size=40),
    desired_entries=st.frozensets(entries, max_size=40),
    managed=st.frozensets(st.integers(0, 2)),
)
def test_planned_requests_reach_the_desired_lists(live, desired_entries, managed) -> None:
    desired = {n: frozenset(e for e in desired_entries if e.list_id == n) for n in managed}
    state = set(live)
    requests = planned_calls(live, desired)
    for call, _ in requests:
        simulate(state, call.method, call.params)
    expected = {e for e in live if e.list_id not in managed} | {e for s in desired.values() for e in s}
    assert state == expected
    # one SETBLIST at most, and one DELBLIST per form (whole lists, whole B-numbers, entries)
    methods = [call.method for call, _ in requests]
    assert methods.count("SETBLIST") <= 1
    assert methods.count("DELBLIST") <= 3
    assert methods == sorted(methods)  # DELBLIST (stage 32) before SETBLIST (stage 34)



@settings(max_examples=300, deadline=None)
@given(
    live=st.frozensets(entries, max_size=40),
    desired_entries=st.frozensets(entries, max_size=40),
    managed=st.frozensets(st.integers(0, 2)),
    foreign=st.frozensets(entries, max_size=6),
)
def test_grouped_desired_lists_diff_as_their_entries_do(live, desired_entries, managed, foreign) -> None:
    """The config's lists are PairSets (grouped by ListID and B): the same diff as the frozensets of their triples,
    including entries filed under another list's key (grouped by their own ListID, as before)."""
    desired = {n: frozenset(e for e in desired_entries if e.list_id == n) | (foreign if n == 0 else frozenset())
               for n in managed}
    as_pairs = {n: PairSet({pair: frozenset(a) for pair, a in by_pair(triples).items()})
                for n, triples in desired.items()}
    assert as_pairs == desired
    assert diff_lists(live, as_pairs) == diff_lists(live, desired)


@settings(max_examples=200, deadline=None)
@given(conf=st.lists(st.fixed_dictionaries({
    "BNumber": st.lists(st.sampled_from(B_NUMBERS), min_size=1, max_size=3, unique=True),
    "ANumber": st.lists(st.sampled_from(A_NUMBERS), min_size=1, max_size=5, unique=True),
    "ListID": st.integers(0, 2),
}), min_size=1, max_size=4))
def test_halves_do_what_the_whole_does(conf) -> None:
    whole: set[BlacklistEntry] = set()
    simulate(whole, "SETBLIST", conf)
    parts = halves(conf)
    if parts is None:
        assert len(conf) == 1 and len(conf[0]["ANumber"]) == 1 and len(conf[0]["BNumber"]) == 1
        return
    split: set[BlacklistEntry] = set()
    for part in parts:
        simulate(split, "SETBLIST", part)
    assert split == whole


def test_identical_a_sets_share_one_entry() -> None:
    merged = merge_set([
        [{"BNumber": ["74950000001"], "ANumber": ["79000000001", "79000000002"], "ListID": 0}],
        [{"BNumber": ["74950000002"], "ANumber": ["79000000002", "79000000001"], "ListID": 0}],
        [{"BNumber": ["74950000003"], "ANumber": ["79000000001"], "ListID": 0}],
        [{"BNumber": ["74950000001"], "ANumber": ["79000000001", "79000000002"], "ListID": 1}],
    ])
    assert merged == [
        {"BNumber": ["74950000001", "74950000002"], "ANumber": ["79000000001", "79000000002"], "ListID": 0},
        {"BNumber": ["74950000003"], "ANumber": ["79000000001"], "ListID": 0},
        {"BNumber": ["74950000001"], "ANumber": ["79000000001", "79000000002"], "ListID": 1},
    ]


def test_emptied_list_and_emptied_b_use_the_short_forms() -> None:
    live = frozenset({
        BlacklistEntry(0, "74950000001", "79000000001"), BlacklistEntry(0, "74950000002", "79000000001"),
        BlacklistEntry(1, "74950000001", "79000000001"), BlacklistEntry(1, "74950000001", "79000000002"),
        BlacklistEntry(1, "74950000002", "79000000003"), BlacklistEntry(1, "74950000003", "79000000001"),
        BlacklistEntry(1, "74950000003", "79000000002"),
    })
    desired = {0: frozenset(), 1: frozenset({BlacklistEntry(1, "74950000003", "79000000001")})}
    requests = [call.params for call, _ in planned_calls(live, desired)]
    assert requests == [
        {"ListID": [0]},
        [{"BNumber": ["74950000001", "74950000002"], "ListID": 1}],
        [{"BNumber": ["74950000003"], "ANumber": ["79000000002"], "ListID": 1}],
    ]


def test_whole_list_form_swallows_entries_of_that_list() -> None:
    assert merge_delete([
        {"ListID": [2]},
        [{"BNumber": ["74950000001"], "ListID": 2}],
        [{"BNumber": ["74950000001"], "ANumber": ["79000000001"], "ListID": 2}],
    ]) == [{"ListID": [2]}]


def test_hundred_thousand_entries_diff_to_few_requests() -> None:
    live = frozenset(BlacklistEntry(n % 3, B_NUMBERS[n % 4], f"7900{n:07d}") for n in range(0, 100_000))
    desired = {
        0: frozenset(e for e in live if e.list_id == 0 and not e.a.endswith("7")),
        1: frozenset(e for e in live if e.list_id == 1) | {BlacklistEntry(1, B_NUMBERS[0], "79990000000")},
        2: frozenset(),
    }
    requests = planned_calls(live, desired)
    assert [call.method for call, _ in requests] == ["DELBLIST", "DELBLIST", "SETBLIST"]  # lists, entries
    state = set(live)
    for call, _ in requests:
        simulate(state, call.method, call.params)
    assert state == set().union(*desired.values())
