"""The mass-delete rule, per account and kind, counted by size."""

from __future__ import annotations

import pytest
from workflow_fakes import D, U

from telconf.core.errors import UnsafePlanError
from telconf.core.model import Safety
from telconf.plan import safety
from telconf.plan.data import AccountPlan, Change, Plan


def account(deletes: dict[str, int], existing: dict[str, int], name: str = "spb") -> AccountPlan:
    changes = tuple(Change(kind, f"{kind}{i}", D) for kind, n in deletes.items() for i in range(n))
    return AccountPlan(name, "teleum", changes, (), (), "sha256:0", existing)


def test_more_than_a_quarter_of_ten_or_more_is_refused_and_named() -> None:
    plan = Plan((account({"sip_line": 3}, {"sip_line": 10}),))
    with pytest.raises(UnsafePlanError) as err:
        safety.check(plan, {})
    message = str(err.value)
    assert "account spb: deletes 3 of 10 sip_line items (30%), more than the 25% allowed" in message
    assert "--force" in message and "nothing was changed" in message


def test_at_the_threshold_or_with_few_items_it_passes() -> None:
    assert safety.check(Plan((account({"sip_line": 25}, {"sip_line": 100}),)), {}) == []
    assert safety.check(Plan((account({"sip_line": 9}, {"sip_line": 9}),)), {}) == []


def test_force_returns_the_violations_without_raising() -> None:
    found = safety.check(Plan((account({"forward": 5}, {"forward": 10}),)), {}, force=True)
    assert [(v.kind, v.deleted, v.existing) for v in found] == [("forward", 5, 10)]


def test_threshold_is_per_account_and_kinds_are_separate() -> None:
    plan = Plan((account({"forward": 5}, {"forward": 10, "sip_line": 10}, "a"),
                 account({"forward": 5}, {"forward": 10}, "b")))
    found = safety.violations(plan, {"a": Safety(max_delete_percent=50)})
    assert [v.account for v in found] == ["b"]


def test_size_counts_bulk_deletes_and_updates_do_not_count() -> None:
    changes = (Change("blacklist", "0/x", D, size=30), Change("blacklist", "0/y", U, size=90))
    plan = Plan((AccountPlan("b", "beeline", changes, (), (), "sha256:0", {"blacklist": 100}),))
    with pytest.raises(UnsafePlanError, match="deletes 30 of 100 blacklist items"):
        safety.check(plan, {})
