"""Teleum routing: a number's forwards, in order, each under its schedule.

Each forward rings its target for its timeout when its schedule is active at that
minute; a voicemail or fax answers the call, so later forwards are never reached
(notes/call-routing.md). What the documents do not say (no forward active) the core
calls ``none``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from telconf.core.model import UNMANAGED, is_managed
from telconf.providers.teleum.model import Forward, TargetKind, TeleumAccount, TeleumNumber
from telconf.routing.model import Leg, NumberRouting
from telconf.routing.steps import FAX, RING, VOICEMAIL, Step

if TYPE_CHECKING:  # the live state's type only: validate and routes never import the reader
    from telconf.providers.teleum.payloads import TeleumLive

_KINDS = {TargetKind.SIP: RING, TargetKind.TEL: RING, TargetKind.VOICEMAIL: VOICEMAIL, TargetKind.FAX: FAX}


def legs(forwards: tuple[Forward, ...]) -> tuple[Leg, ...]:
    """The legs of an ordered list of forwards."""
    return tuple(_leg(f) for f in forwards)


def _leg(forward: Forward) -> Leg:
    kind = _KINDS[forward.target.kind]
    ring = kind == RING
    step = Step(kind, str(forward.target), seconds=forward.timeout if ring else None,
                caller_id=forward.caller_id if ring else None, recorded=forward.record and ring)
    return Leg(step, tuple((i.first_day, i.last_day, i.start, i.end) for i in forward.schedule))


def _selected(numbers: Mapping[str, TeleumNumber], only: Collection[str] | None) -> list[tuple[str, TeleumNumber]]:
    if only is None:
        return list(numbers.items())
    return [(wire, numbers[wire]) for wire in only if wire in numbers]


class TeleumRouter:
    """The ``Router`` of Teleum accounts (see ``telconf.routing.hook``)."""

    account_wide: frozenset[str] = frozenset()  # SIP line changes route no call elsewhere

    def numbers(self, account: TeleumAccount, only: Collection[str] | None = None) -> Mapping[str, NumberRouting]:
        # A template's list is one object many numbers share; a flat config repeats a few
        # forwards thousands of times: each distinct forward and list is made into legs once,
        # and equal lists share one tuple (the core's week cache then finds it by identity).
        made: dict[int, tuple[Leg, ...]] = {}
        leg_of: dict[Forward, Leg] = {}
        same: dict[tuple[int, ...], tuple[Leg, ...]] = {}

        def legs_of(forwards: tuple[Forward, ...]) -> tuple[Leg, ...]:
            found = made.get(id(forwards))
            if found is None:
                legs = tuple(leg_of.get(f) or leg_of.setdefault(f, _leg(f)) for f in forwards)
                found = made[id(forwards)] = same.setdefault(tuple(map(id, legs)), legs)
            return found

        found: dict[str, NumberRouting] = {}
        for wire, n in _selected(account.numbers, only):  # a plain loop: validate runs it for every number
            forwards = n.forwards
            legs = (made.get(id(forwards)) or legs_of(forwards)) if is_managed(forwards) else None
            found[wire] = NumberRouting(wire, legs, n.where, n.gap_intended, n.template)
        return found

    def live_account(self, live: TeleumLive, account: TeleumAccount) -> TeleumAccount:
        read = {**live.other_forwards, **live.forwards}
        numbers = {wire: TeleumNumber(wire, tuple(f.forward for f in read[wire]) if wire in read else UNMANAGED)
                   for wire in {**account.numbers, **read}}
        return replace(account, numbers=numbers, sip_lines={n: s.line for n, s in live.sip_lines.items()})

    def applied(self, live: TeleumAccount, desired: TeleumAccount) -> TeleumAccount:
        numbers: dict[str, TeleumNumber] = dict(live.numbers)
        for wire, number in desired.numbers.items():
            before = live.numbers.get(wire)
            if not is_managed(number.forwards) and before is not None:
                number = replace(number, forwards=before.forwards)
            numbers[wire] = number
        lines = desired.sip_lines if is_managed(desired.sip_lines) else live.sip_lines
        return replace(desired, numbers=numbers, sip_lines=lines)


ROUTER: Any = TeleumRouter()
