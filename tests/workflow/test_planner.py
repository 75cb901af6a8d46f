"""The conductor's plan: reads every account, orders calls by stage, batches, closes providers."""

from __future__ import annotations

from typing import Any

import pytest
from workflow_fakes import MSK1, SPB, C, D, FakeWorld, U, conductor, fake_config, fake_plan, teleum_changes

from telconf.core.errors import ApiError, ConfigError
from telconf.plan.data import Call, Change


def test_calls_are_sorted_by_stage_keeping_provider_order(world: FakeWorld, factory: Any) -> None:
    world.changes["spb"] = teleum_changes()
    with conductor(fake_config("spb"), factory) as run:
        plan = run.plan()
        providers = run.providers
    account = plan.accounts[0]
    assert [(c.method, c.stage) for c in account.calls] == [
        ("editSIP", 10), ("editSIP", 15), ("editForward", 20), ("editForward", 30),
        ("deleteForward", 40), ("moveForward", 50), ("moveForward", 50), ("deleteSIP", 60),
    ]
    # each call says which change it serves; the two moves serve the same change
    kinds = [account.changes[i].key for (i,) in account.call_changes]
    assert kinds == ["103", "102", f"{SPB}#1", f"{SPB}#3", f"{SPB}#old", f"{SPB}#3", f"{SPB}#3", "104"]
    assert set(providers) == {"spb"}
    assert account.reads == 3 and account.fingerprint.startswith("sha256:")


def test_a_stage_set_by_the_provider_is_kept(world: FakeWorld, factory: Any) -> None:
    world.changes["b"] = [Change("blacklist", "0/x", U, calls=(Call("SETBLIST", [1], stage=34),
                                                               Call("DELBLIST", [2], stage=32)))]
    plan = fake_plan(fake_config("b"), factory)
    assert [c.method for c in plan.accounts[0].calls] == ["DELBLIST", "SETBLIST"]


def test_batching_merges_calls_and_records_every_change_served(world: FakeWorld, factory: Any) -> None:
    world.batch_methods = frozenset({"REDIRECT"})
    world.changes["b"] = [
        Change("redirect", n, U, number=n, calls=(Call("REDIRECT", [{"BNumber": n}]),))
        for n in ("74950000001", "74950000002", "74950000003")
    ] + [Change("record", MSK1, C, number=MSK1, calls=(Call("ARECORD", [MSK1]),))]
    plan = fake_plan(fake_config("b"), factory)
    account = plan.accounts[0]
    assert [c.method for c in account.calls] == ["REDIRECT", "ARECORD"]
    assert len(account.calls[0].params) == 3
    assert account.call_changes == ((0, 1, 2), (3,))
    assert account.to_data()["changes"][2]["calls"] == [0]


def test_unknown_kind_without_stage_is_a_clear_programming_error(world: FakeWorld, factory: Any) -> None:
    world.changes["a"] = [Change("bogus", "x", D, calls=(Call("X"),))]
    with pytest.raises(KeyError, match="no stage for bogus/delete"):
        fake_plan(fake_config("a"), factory)


def test_account_selection_and_unknown_account(world: FakeWorld, factory: Any) -> None:
    config = fake_config("a", "b", "c")
    plan = fake_plan(config, factory, ["c", "a"])
    assert [a.account for a in plan.accounts] == ["a", "c"]  # config order
    with pytest.raises(ConfigError, match="no account named 'zz'.*accounts: a, b, c"):
        fake_plan(config, factory, ["zz"])


def test_a_failed_read_aborts_the_plan_and_closes_every_provider(world: FakeWorld, factory: Any) -> None:
    from workflow_fakes import FakeProvider

    class Broken(FakeProvider):
        def read(self):  # type: ignore[no-untyped-def]
            if self.account.name == "b":
                raise ApiError("getSIPs failed", provider="fake", call="getSIPs")
            return super().read()

    made: list[FakeProvider] = []

    def make(account: Any, **kw: Any) -> FakeProvider:
        made.append(Broken(account, world, **kw))
        return made[-1]

    with pytest.raises(ApiError, match="getSIPs"):
        fake_plan(fake_config("a", "b"), make)
    assert made and all(p.closed for p in made)


def test_no_changes_means_no_calls(world: FakeWorld, factory: Any) -> None:
    plan = fake_plan(fake_config("a", "b"), factory)
    assert not plan.has_changes and plan.call_count == 0
