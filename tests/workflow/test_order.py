"""Dependencies as data (issue 27): needs order an account's calls, the stage table stays the
default between kinds and the tie-break, a cycle is refused with its addresses, and apply
starts a call as soon as what it waits for is done."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from workflow_fakes import C, D, FakeWorld, U, conductor, fake_config

from telconf.core.errors import PlanError
from telconf.plan.data import Action, Call, Change
from telconf.plan.order import Frontier, call_graph, dangling_needs, order_calls

STAGES = {("menu", Action.CREATE): 10, ("menu", Action.UPDATE): 10, ("menu", Action.DELETE): 20,
          ("setting", Action.UPDATE): 5}


def menu(key: str, action: Action = C, *needs: str, staged: bool = False) -> Change:
    return Change("menu", key, action, needs=tuple(f"acct/menu/{n}" for n in needs), staged=staged,
                  calls=(Call(f"set-{key}", lane=key),))


def methods(changes: list[Change]) -> list[str]:
    return [call.method for call, _ in order_calls(changes, STAGES, "acct")]


def test_a_change_goes_after_what_it_needs_even_when_listed_first() -> None:
    # menu a references b: b is created first; c needs nothing and keeps its place.
    assert methods([menu("a", C, "b"), menu("c"), menu("b")]) == ["set-c", "set-b", "set-a"]
    assert methods([menu("a"), menu("c"), menu("b")]) == ["set-a", "set-c", "set-b"]  # no needs: stable


def test_the_stage_table_stays_the_tie_break_between_kinds() -> None:
    changes = [menu("a", D), Change("setting", "s", U, calls=(Call("setting"),)), menu("b")]
    assert methods(changes) == ["setting", "set-b", "set-a"]


def test_a_cycle_is_refused_with_the_addresses_on_it() -> None:
    with pytest.raises(PlanError) as err:
        order_calls([menu("a", C, "b"), menu("b", C, "c"), menu("c", C, "a"), menu("d")], STAGES, "acct")
    assert "need each other in a circle" in str(err.value)
    assert "acct/menu/a -> acct/menu/b -> acct/menu/c -> acct/menu/a" in str(err.value)


def test_a_need_that_names_no_change_of_the_plan_is_an_error() -> None:
    with pytest.raises(PlanError, match="acct/menu/a needs acct/menu/zz, which the plan does not change"):
        order_calls([menu("a", C, "zz")], STAGES, "acct")
    assert dangling_needs([menu("a", C, "zz"), menu("b", C, "a")], "acct") == [("acct/menu/a", "acct/menu/zz")]


def test_unstaged_changes_wait_only_for_their_needs_staged_ones_for_earlier_stages() -> None:
    changes = [menu("a", C, staged=True), menu("x", D, staged=True), menu("b", D), menu("c", D, "a")]
    ordered = order_calls(changes, STAGES, "acct")
    calls = [call for call, _ in ordered]
    graph = call_graph(calls, [served for _, served in ordered], changes, "acct")
    frontier = Frontier(graph)
    names = [call.method for call in calls]
    assert names == ["set-a", "set-x", "set-b", "set-c"]
    assert sorted(names[i] for i in frontier.initial()) == ["set-a", "set-b"]  # x waits for stage 10
    assert sorted(names[i] for i in frontier.done(0)) == ["set-c", "set-x"]


def test_an_unstaged_lane_runs_beside_the_stages(world: FakeWorld, factory: Any) -> None:
    # "early" (stage 20, needs nothing) and "first" (stage 10) must overlap, or the barrier
    # times out: the stage table no longer holds back a change that says all it needs.
    together = threading.Barrier(2, timeout=10)

    def on_execute(account: str, call: Call) -> None:
        if call.method in ("first", "early"):
            together.wait()

    world.on_execute = on_execute
    world.changes["a"] = [
        Change("sip_line", "101", C, calls=(Call("first", lane="x", stage=10),)),
        Change("forward", "n#1", D, number="n", staged=False, calls=(Call("early", lane="n", stage=40),)),
        Change("forward", "m#1", U, number="m", calls=(Call("later", lane="m", stage=20),)),
    ]
    with conductor(fake_config("a"), factory) as run:
        report = run.apply(run.plan())
    assert report.ok
    order = [call.method for _, call in world.executed]
    assert order.index("later") > order.index("first")  # staged: after stage 10
