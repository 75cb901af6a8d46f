"""The pure forwards reconciliation: optimal, correct, never leaves a number empty."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from telconf.providers.teleum.forwards import ForwardSlot, Reconciliation, _build, inversions_of, reconcile


def brute_force_total(live: Sequence[str], desired: Sequence[str]) -> int:
    """The cheapest total over every partial assignment of live to desired entries."""
    best = len(live) + len(desired) + len(desired) ** 2
    for k in range(min(len(live), len(desired)) + 1):
        for lives in itertools.combinations(range(len(live)), k):
            for wanted in itertools.permutations(range(len(desired)), k):
                pairs = list(zip(lives, wanted))
                edits = sum(1 for i, j in pairs if live[i] != desired[j])
                creates = [j for j in range(len(desired)) if j not in wanted]
                order = [j for _, j in pairs] + creates
                total = edits + 2 * (len(desired) - k) + (len(live) - len(desired)) + inversions_of(order)
                best = min(best, total)
    return best


def simulate(live: Sequence[str], desired: Sequence[str], plan: Reconciliation) -> list[str]:
    """Run the plan's calls in the provider's order on a list; check no empty moment."""
    items: list[tuple[ForwardSlot, str]] = [(ForwardSlot("live", i), v) for i, v in enumerate(live)]

    def check() -> None:
        assert items or not desired, "the number was left with no forward"

    kept = dict(plan.kept)
    for i, j in plan.edits:
        items = [(it, desired[j] if it == ForwardSlot("live", i) else v) for it, v in items]
        check()
    for j in plan.creates:
        items.append((ForwardSlot("new", j), desired[j]))
        check()
    for i in plan.deletes:
        assert i not in kept
        items = [(it, v) for it, v in items if it != ForwardSlot("live", i)]
        check()
    assert tuple(it for it, _ in items) == plan.order_before_moves
    for move in plan.moves:
        k = [it for it, _ in items].index(move.item)
        other = k - 1 if move.direction == "up" else k + 1
        assert 0 <= other < len(items), "moved past the end of the list"
        items[k], items[other] = items[other], items[k]
    return [v for _, v in items]


def target_of(plan: Reconciliation, item: ForwardSlot) -> int:
    return dict(plan.kept)[item.index] if item.source == "live" else item.index


def check_plan(live: list[str], desired: list[str], plan: Reconciliation) -> None:
    assert simulate(live, desired, plan) == desired
    order = [target_of(plan, item) for item in plan.order_before_moves]
    assert len(plan.moves) == inversions_of(order)
    assert plan.total == len(plan.edits) + len(plan.creates) + len(plan.deletes) + len(plan.moves)


small_lists = st.lists(st.sampled_from("ABCDE"), max_size=5)


@settings(max_examples=300, deadline=None)
@given(small_lists, small_lists)
def test_exact_search_is_optimal_and_correct(live: list[str], desired: list[str]) -> None:
    plan = reconcile(live, desired)
    check_plan(live, desired, plan)
    assert plan.total == brute_force_total(live, desired)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("ABCDEFGH"), max_size=9), st.lists(st.sampled_from("ABCDEFGH"), max_size=9))
def test_heuristic_is_correct_and_never_beats_exact(live: list[str], desired: list[str]) -> None:
    heuristic = reconcile(live, desired, exact_max_length=0)
    check_plan(live, desired, heuristic)
    assert heuristic.total >= reconcile(live, desired).total


def test_swapping_ends_edits_instead_of_nine_moves() -> None:
    plan = reconcile(list("ABCDEF"), list("FBCDEA"))
    assert plan.total == 2
    assert len(plan.edits) == 2 and not plan.moves


def test_reverse_of_six_is_fifteen_moves_or_cheaper_edits() -> None:
    live, desired = list("ABCDEF"), list("FEDCBA")
    plan = reconcile(live, desired)
    check_plan(live, desired, plan)
    assert plan.total == brute_force_total(live, desired)
    assert plan.total < 15  # editing in place beats 15 swaps


def test_insert_in_the_middle_is_one_create_and_moves() -> None:
    live, desired = list("ABCD"), list("ABXCD")
    plan = reconcile(live, desired)
    check_plan(live, desired, plan)
    assert plan.total == 3  # X created last then moved up twice (cheaper than 3 edits + create)
    assert plan.creates == (2,) and len(plan.moves) == 2


def test_unchanged_list_needs_nothing() -> None:
    assert reconcile(list("ABC"), list("ABC")).total == 0


def test_delete_all_and_create_all() -> None:
    assert reconcile(list("AB"), []).deletes == (0, 1)
    plan = reconcile([], list("AB"))
    assert plan.creates == (0, 1) and not plan.moves


def test_many_duplicates_fall_back_without_blowing_up() -> None:
    live, desired = ["A"] * 12 + ["B"], ["B"] + ["A"] * 12
    plan = reconcile(live, desired)
    check_plan(live, desired, plan)
    assert plan.total <= 2


def test_long_lists_use_the_heuristic_and_stay_correct() -> None:
    live = [f"f{i}" for i in range(40)]
    desired = live[5:] + ["new1"] + live[:5][::-1]
    plan = reconcile(live, desired)
    check_plan(live, desired, plan)


@given(st.lists(st.sampled_from("ABCDEFGH"), max_size=9))
def test_unchanged_list_is_what_the_general_build_makes(forwards: list[str]) -> None:
    """reconcile's shortcut for equal lists builds the very value _build makes of the identity."""
    identity = tuple((i, i) for i in range(len(forwards)))
    assert reconcile(forwards, list(forwards)) == _build(forwards, forwards, identity, ())
