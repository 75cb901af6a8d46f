"""Routing checks: warnings with stable codes, derived from the same legs as ``routes``.

``routing-gap``: a number forwarded in some windows of the week and not in others (calls
then go nowhere); ``gap_intended: true`` on the number or its template silences it.
``unreachable-forward``: a forward never reached, because an earlier voicemail or fax
answers in every window where it is active. Numbers of one template with the same
legs get one warning, naming how many they are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from telconf.model import Account
from telconf.phones import display
from telconf.routing import text
from telconf.routing.hook import numbers_of
from telconf.routing.model import Leg, NumberRouting, week
from telconf.routing.steps import ANSWERS, NONE, RING, Step
from telconf.routing.week import active, edges, when

GAP = "routing-gap"
UNREACHABLE = "unreachable-forward"


@dataclass(frozen=True)
class Finding:
    """A routing warning at ``where`` (FILE:LINE:COL of the number)."""

    where: str
    code: str
    message: str


def findings(account: Account) -> Iterator[Finding]:
    """Every routing warning of the account's numbers (unknown routing is not checked)."""
    groups: dict[tuple[tuple[Leg, ...], str | None, bool], list[NumberRouting]] = {}
    for number in numbers_of(account).values():
        if number.legs:
            groups.setdefault((number.legs, number.template, number.gap_intended), []).append(number)
    for (legs, template, intended), members in groups.items():
        if template is None:
            for member in members:
                yield from _check(legs, [member], None, intended)
        else:
            yield from _check(legs, members, template, intended)


def _check(legs: tuple[Leg, ...], members: Sequence[NumberRouting], template: str | None,
           intended: bool) -> Iterator[Finding]:
    first = members[0]
    who = display(first.number)
    if len(members) > 1:
        who += f" (and {len(members) - 1} other number{'s' if len(members) > 2 else ''} of template {template!r})"
    if not intended:
        gaps = [w for w in week(legs) if any(step.kind == NONE for step in w.value)]
        if gaps and len(gaps) < len(week(legs)):
            shown = ", ".join(when(w) for w in gaps)
            yield Finding(first.where, GAP, f"{GAP}: {who} is not forwarded {shown} (no forward is active then); "
                                            "add a forward for those hours, or gap_intended: true if that is wanted")
    for index in unreachable(legs):
        step = legs[index].step
        yield Finding(first.where, UNREACHABLE,
                      f"{UNREACHABLE}: forward {index + 1} of {who} ({text.step(step)}) never rings: an earlier "
                      "voicemail or fax answers whenever it is active; move it up or remove it")


_UNREACHABLE: dict[tuple[Leg, ...], list[int]] = {}


def unreachable(legs: Sequence[Leg]) -> list[int]:
    """Indices of the legs that are active somewhere in the week but never reached (once per
    distinct list: a flat config repeats a few patterns thousands of times)."""
    key = tuple(legs)
    found = _UNREACHABLE.get(key)
    if found is None:
        if len(_UNREACHABLE) > 4096:
            _UNREACHABLE.clear()
        found = _UNREACHABLE[key] = _unreachable(key)
    return found


def _unreachable(legs: Sequence[Leg]) -> list[int]:
    reached: set[int] = set()
    seen_active: set[int] = set()
    for minute in sorted(edges(leg.schedule for leg in legs)):
        answered = False
        for index, leg in enumerate(legs):
            if leg.schedule and not active(leg.schedule, minute):
                continue
            seen_active.add(index)
            if not answered:
                reached.add(index)
            answered = answered or _answers(leg.step)
    return sorted(i for i in seen_active - reached if legs[i].step.kind in (RING, *ANSWERS))


def _answers(step: Step) -> bool:
    return step.kind in ANSWERS
