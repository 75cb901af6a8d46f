"""The routing a plan changes: per number, the windows whose route differs, before and after.

Before is the live state as the provider read it; after is that state with the config
on top (``Router.applied``), the state ``apply`` makes. Both go through the same legs
as ``routes``. Only numbers whose legs differ are evaluated, so a plan that touches
no route (a SIP line's description) costs one comparison per number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from telconf.model import Account
from telconf.routing.hook import router_of
from telconf.routing.model import NumberRouting, route
from telconf.routing.steps import Route
from telconf.routing.week import DAY_NAMES, Window, clock, edges, windows

Change = Window[tuple[Route, Route]]


@dataclass(frozen=True)
class NumberImpact:
    """The windows of ``number`` whose route changes (``value`` is (before, after))."""

    number: str
    changes: tuple[Change, ...]

    def to_data(self) -> dict[str, Any]:
        """``{number, changes[] of {days[], from, to, before[], after[]}}`` (plan.schema.json)."""
        return {"number": self.number, "changes": [
            {"days": [DAY_NAMES[d] for d in w.days], "from": clock(w.start), "to": clock(w.end),
             "before": [s.to_data() for s in w.value[0]], "after": [s.to_data() for s in w.value[1]]}
            for w in self.changes]}


def compare(before: Mapping[str, NumberRouting], after: Mapping[str, NumberRouting],
            numbers: Iterable[str]) -> tuple[NumberImpact, ...]:
    """The impact on each of ``numbers`` (in order) whose routing differs."""
    found: list[NumberImpact] = []
    for number in numbers:
        old, new = before.get(number), after.get(number)
        old_legs = old.legs if old is not None else None
        new_legs = new.legs if new is not None else None
        if old_legs == new_legs:
            continue
        points = edges(leg.schedule for leg in (*(old_legs or ()), *(new_legs or ())))
        week = windows(points, lambda minute: (route(old_legs, minute), route(new_legs, minute)))
        changed = tuple(w for w in week if w.value[0] != w.value[1])
        if changed:
            found.append(NumberImpact(number, changed))
    return tuple(found)


def account_impact(desired: Account, live: Any) -> tuple[NumberImpact, ...]:
    """What applying ``desired`` on the provider's live state (``LiveState.data``) changes in routing.

    A provider without a router: nothing (its routing is unknown, before and after).
    """
    router = router_of(desired)
    if router is None:
        return ()
    before = router.live_account(live, desired)
    after = router.applied(before, desired)
    return compare(router.numbers(before), router.numbers(after), desired.numbers)
