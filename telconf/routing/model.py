"""A number's routing: ordered legs, each a step under a schedule and a caller condition.

A provider describes a number as legs (``telconf.routing.hook``); the core evaluates
them: at a minute, for a caller, the route is the steps of the active legs in order,
stopping after one that answers (voicemail, fax, reject) or blocks the caller; when no
leg sends the call anywhere, it is ``none`` (not forwarded). The week is evaluated only
where a schedule starts or ends (``telconf.routing.week.edges``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from telconf.routing.steps import ANSWERS, BLOCK, NOT_FORWARDED, ROUTING, UNKNOWN_ROUTE, Route, Step
from telconf.routing.week import Span, Window, active, edges, windows


@dataclass(frozen=True)
class Leg:
    """``step`` happens when ``schedule`` is active (empty: always). A ``block`` step's
    ``callers`` say whom it applies to."""

    step: Step
    schedule: tuple[Span, ...] = ()


class NumberRouting(NamedTuple):
    """What the provider says of one number. ``legs`` None: routing unknown (not managed,
    or the provider cannot tell). ``gap_intended``: the config says windows with no forward
    are on purpose; ``where`` is FILE:LINE:COL of the number in the config ("" for live state).

    A named tuple rather than a frozen dataclass: validate makes one per number of a
    20,000-number config, and a tuple is several times cheaper to make. Routes are
    compared through ``legs``, never through this whole value.
    """

    number: str
    legs: tuple[Leg, ...] | None
    where: str = ""
    gap_intended: bool = False
    template: str | None = None


def route(legs: Sequence[Leg] | None, minute: int, caller: str | None = None) -> Route:
    """The route at ``minute`` of the week for ``caller`` (None: any caller not black-listed).

    With no caller, a block step stays in the route as a condition ("blocks N callers")
    and the call goes on; with a caller, it ends the route when the caller is listed.
    """
    if legs is None:
        return UNKNOWN_ROUTE
    steps: list[Step] = []
    routed = False
    for leg in legs:
        if leg.schedule and not active(leg.schedule, minute):
            continue
        step = leg.step
        if step.kind == BLOCK:
            if caller is None:
                if step.callers:
                    steps.append(step)
                continue
            if caller in step.callers:  # the caller's own block: the route ends there
                return (*steps, Step(BLOCK, f"tel:{caller}", callers=frozenset({caller}), note=step.note))
            continue
        steps.append(step)
        routed = routed or step.kind in ROUTING
        if step.kind in ANSWERS:
            break
    if not routed:
        return (*steps, *NOT_FORWARDED)
    return tuple(steps)


_WEEKS: dict[tuple[tuple[Leg, ...], bool, bool], list[Window[Route]]] = {}
_BY_ID: dict[tuple[int, bool, bool], tuple[tuple[Leg, ...], list[Window[Route]]]] = {}


def week(legs: Sequence[Leg] | None, caller: str | None = None) -> list[Window[Route]]:
    """The week of a number as windows covering every minute once, equal neighbours merged.

    Many numbers share one template's legs (often the very same tuple): their week is
    computed once, and found again by identity before it is looked up by value.
    """
    if legs is None:
        return windows((), lambda minute: UNKNOWN_ROUTE)
    legs = tuple(legs)
    blocked = caller is not None and any(caller in leg.step.callers for leg in legs if leg.step.kind == BLOCK)
    fast = (id(legs), caller is None, blocked)
    known = _BY_ID.get(fast)
    if known is not None and known[0] is legs:
        return known[1]
    key = (legs, caller is None, blocked)  # a route depends on the caller only through these
    found = _WEEKS.get(key)
    if found is None:
        found = windows(edges(leg.schedule for leg in legs), lambda minute: route(legs, minute, caller))
        if len(_WEEKS) > 4096:
            _WEEKS.clear()
        _WEEKS[key] = found
    if len(_BY_ID) > 65536:
        _BY_ID.clear()
    _BY_ID[fast] = (legs, found)  # keeps ``legs`` alive, so its id is not reused while cached
    return found
