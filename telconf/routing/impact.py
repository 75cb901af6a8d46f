"""The routing a plan changes: per number, the windows whose route differs, before and after.

Before is the live state as the provider read it; after is that state with the config
on top (``Router.applied``), the state ``apply`` makes. Both go through the same legs
as ``routes``. Only numbers whose legs differ are evaluated, so a plan that touches
no route (a SIP line's description) costs one comparison per number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telconf.core.model import Account
from telconf.routing.hook import router_of
from telconf.routing.model import NumberRouting, route
from telconf.routing.steps import Route
from telconf.routing.week import DAY, DAY_NAMES, Window, clock, edges, windows

Change = Window[tuple[Route, Route]]
WHOLE_WEEK = tuple(range(7))


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
        legs = (*(old_legs or ()), *(new_legs or ()))
        if not any(leg.schedule for leg in legs):  # the same all week (Beeline): one evaluation
            pair = (route(old_legs, 0), route(new_legs, 0))
            changed: tuple[Change, ...] = (Window(WHOLE_WEEK, 0, DAY - 1, pair),) if pair[0] != pair[1] else ()
        else:
            week = windows(edges(leg.schedule for leg in legs),
                           lambda minute: (route(old_legs, minute), route(new_legs, minute)))
            changed = tuple(w for w in week if w.value[0] != w.value[1])
        if changed:
            found.append(NumberImpact(number, changed))
    return tuple(found)


def account_impact(desired: Account, live: Any, changes: Sequence[Any] | None = None) -> tuple[NumberImpact, ...]:
    """What applying ``desired`` on the provider's live state (``LiveState.data``) changes in routing.

    With the plan's ``changes`` (``telconf.plan.data.Change``), only the numbers they name
    are evaluated, unless one is account-wide for routing (``Router.account_wide``): a
    number no change names keeps its route. A provider without a router: nothing (its
    routing is unknown, before and after).
    """
    router = router_of(desired)
    if router is None:
        return ()
    numbers: list[str] = list(desired.numbers)
    if changes is not None and not any(c.number is None and c.kind in router.account_wide for c in changes):
        named = {c.number for c in changes if c.number is not None}
        numbers = [n for n in numbers if n in named] + sorted(named - set(desired.numbers))
    if not numbers:
        return ()
    before = router.live_account(live, desired)
    after = router.applied(before, desired)
    return compare(router.numbers(before, numbers), router.numbers(after, numbers), numbers)
