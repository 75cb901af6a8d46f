"""The mass-delete rule (SPEC section 2): refuse a plan that deletes too much at once.

Per account and per item kind: deleting more than ``max_delete_percent`` % of the
existing items of a kind, when the account has at least ``min_items`` of them, trips
the rule. ``apply --force`` overrides it. Counting uses ``Change.size`` (a black-list
change removes many A-numbers at once) against ``AccountPlan.existing``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from telconf.core.errors import UnsafePlanError
from telconf.core.model import Safety
from telconf.plan.data import AccountPlan, Action, Plan


@dataclass(frozen=True)
class Violation:
    """One (account, kind) whose deletes exceed the threshold."""

    account: str
    kind: str
    deleted: int
    existing: int
    max_percent: int

    @property
    def percent(self) -> float:
        return 100.0 * self.deleted / self.existing

    def __str__(self) -> str:
        return (f"account {self.account}: deletes {self.deleted} of {self.existing} {self.kind} items "
                f"({self.percent:.0f}%), more than the {self.max_percent}% allowed "
                f"(safety.max_delete_percent)")


def account_violations(account: AccountPlan, safety: Safety = Safety(),
                       scheduled: Collection[str] = ()) -> list[Violation]:
    """The kinds of one account plan that trip the rule, sorted by kind.

    Deletes on the numbers in ``scheduled`` are not counted: a date switch (an override
    starting or ending, reviewed when it was merged) is what they carry out.
    """
    deleted: dict[str, int] = defaultdict(int)
    for change in account.changes:
        if change.action is Action.DELETE and change.number not in scheduled:
            deleted[change.kind] += change.size
    found = []
    for kind, count in sorted(deleted.items()):
        existing = account.existing.get(kind, 0)
        if existing < safety.min_items or existing <= 0:
            continue
        if count * 100 > safety.max_delete_percent * existing:
            found.append(Violation(account.account, kind, count, existing, safety.max_delete_percent))
    return found


def violations(plan: Plan, safety: Mapping[str, Safety],
               scheduled: Mapping[str, Collection[str]] | None = None) -> list[Violation]:
    """Every violation of the plan; ``safety`` maps account names to their settings, ``scheduled``
    to the numbers a date switch changes (``telconf.dates.resolve.switched_numbers``)."""
    found: list[Violation] = []
    for account in plan.accounts:
        found.extend(account_violations(account, safety.get(account.account, Safety()),
                                        (scheduled or {}).get(account.account, ())))
    return found


def check(plan: Plan, safety: Mapping[str, Safety], *, force: bool = False,
          scheduled: Mapping[str, Collection[str]] | None = None) -> list[Violation]:
    """Raise UnsafePlanError naming every violation, unless ``force``; return them."""
    found = violations(plan, safety, scheduled)
    if found and not force:
        lines = "\n".join(f"  {v}" for v in found)
        raise UnsafePlanError(
            f"the plan deletes too much at once and was refused; nothing was changed:\n{lines}\n"
            "Check the config, or run apply with --force if the deletes are intended."
        )
    return found
