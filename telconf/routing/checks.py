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

from telconf.core.model import Account
from telconf.core.phones import display
from telconf.routing import text
from telconf.routing.hook import numbers_of
from telconf.routing.model import Leg, NumberRouting, week
from telconf.routing.steps import ANSWERS, NONE, RING, Route, Step
from telconf.routing.week import Window, active, edges, when

GAP = "routing-gap"
_FORWARDING = frozenset((RING, *ANSWERS))  # steps whose target does not change when a call is routed
UNREACHABLE = "unreachable-forward"


@dataclass(frozen=True)
class Finding:
    """A routing warning at ``where`` (FILE:LINE:COL of the number)."""

    where: str
    code: str
    message: str


def findings(account: Account) -> Iterator[Finding]:
    """Every routing warning of the account's numbers (unknown routing is not checked)."""
    # Grouped by the legs' identity: numbers of one template share one tuple of legs, and so
    # do equal lists of a flat config (hashing 20,000 tuples of legs by value would cost more
    # than the checks). A template's numbers get one warning; other numbers one each.
    groups: dict[tuple[int, bool], list[NumberRouting]] = {}
    for number in numbers_of(account).values():
        if number.legs:
            groups.setdefault((id(number.legs), number.gap_intended), []).append(number)
    for (_, intended), members in groups.items():
        legs = members[0].legs
        assert legs is not None  # only numbers with legs are grouped
        gaps, hidden = _problems(legs, intended)
        if not gaps and not hidden:
            continue
        by_template: dict[str | None, list[NumberRouting]] = {}
        for member in members:
            by_template.setdefault(member.template, []).append(member)
        for template, same in by_template.items():
            for who in ([same] if template is not None else [[m] for m in same]):
                yield from _report(legs, who, template, gaps, hidden)


_PROBLEMS: dict[tuple[object, bool], tuple[list[Window[Route]], list[int]]] = {}


def _problems(legs: tuple[Leg, ...], intended: bool) -> tuple[list[Window[Route]], list[int]]:
    """The windows with no forward (unless intended; none when nothing is ever forwarded) and the
    legs never reached, once per shape of the legs.

    Both depend on when each leg is active and on what kind of step it is (rings, answers),
    never on where a ring goes: numbers of a template used ``with:`` their own targets share
    one shape. Steps that are not forwards (a greeting, a block) are kept whole, so the
    windows with no forward are split exactly as each number's own week splits them.
    """
    shape = (tuple((leg.schedule, leg.step.kind if leg.step.kind in _FORWARDING else leg.step) for leg in legs),
             intended)
    found = _PROBLEMS.get(shape)
    if found is None:
        if len(_PROBLEMS) > 4096:
            _PROBLEMS.clear()
        found = _PROBLEMS[shape] = _problems_of(legs, intended)
    return found


def _problems_of(legs: tuple[Leg, ...], intended: bool) -> tuple[list[Window[Route]], list[int]]:
    weeks = week(legs)
    gaps = [] if intended else [w for w in weeks if any(step.kind == NONE for step in w.value)]
    return (gaps if len(gaps) < len(weeks) else []), unreachable(legs)


def _report(legs: tuple[Leg, ...], members: Sequence[NumberRouting], template: str | None,
            gaps: Sequence[Window[Route]], hidden: Sequence[int]) -> Iterator[Finding]:
    if gaps:
        shown = ", ".join(when(w) for w in gaps)
        yield Finding(members[0].where, GAP, f"{GAP}: {_who(members, template)} is not routed {shown} (no step is "
                                             "active then); add one for those hours, or gap_intended: true "
                                             "if that is wanted")
    for index in hidden:
        step = legs[index].step
        yield Finding(members[0].where, UNREACHABLE,
                      f"{UNREACHABLE}: step {index + 1} of {_who(members, template)} ({text.step(step)}) never "
                      "rings: an earlier voicemail or fax answers whenever it is active; move it up or remove it")


def _who(members: Sequence[NumberRouting], template: str | None) -> str:
    """The number (formatted only when there is something to say: formatting costs more than checking)."""
    who = display(members[0].number)
    if len(members) > 1:
        who += f" (and {len(members) - 1} other number{'s' if len(members) > 2 else ''} of template {template!r})"
    return who


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
