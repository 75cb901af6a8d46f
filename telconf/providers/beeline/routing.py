"""Beeline cloudcc routing: black list, greeting to the caller, redirect, greeting to the
answering side, recording (notes/call-routing.md).

A caller in the active black list of the number is blocked; otherwise file A of PREMEDIA
plays to the caller, the call goes to the redirect's number (with its fixed caller id, if
any; recorded when the number or every number is), and file B plays to the answering
side. No redirect (``null``) means calls are rejected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from telconf.model import UNMANAGED, is_managed
from telconf.providers.beeline.live import BeelineLive
from telconf.providers.beeline.model import (
    NO_PREMEDIA,
    BeelineAccount,
    BeelineNumber,
    BlacklistEntry,
    Blacklists,
)
from telconf.routing.model import Leg, NumberRouting
from telconf.routing.steps import BLOCK, GREETING, REJECT, RING, Step

LIST_IDS = (0, 1, 2)


def _blocked(blacklists: Blacklists) -> tuple[Mapping[str, frozenset[str]], int | None]:
    """Callers black-listed per B-number in the active list (when it and its content are known)."""
    active = blacklists.active
    if not is_managed(active) or active not in blacklists.lists:
        return {}, None
    found: dict[str, set[str]] = {}
    for entry in blacklists.lists[active]:
        found.setdefault(entry.b, set()).add(entry.a)
    return {b: frozenset(a) for b, a in found.items()}, active


class BeelineRouter:
    """The ``Router`` of Beeline cloudcc accounts (see ``telconf.routing.hook``)."""

    def numbers(self, account: BeelineAccount) -> Mapping[str, NumberRouting]:
        blocked, active = _blocked(account.blacklists)
        return {wire: NumberRouting(wire, self._legs(account, n, blocked.get(wire, frozenset()), active),
                                    where=n.where, template=n.template)
                for wire, n in account.numbers.items()}

    @staticmethod
    def _legs(account: BeelineAccount, number: BeelineNumber, callers: frozenset[str],
              active: int | None) -> tuple[Leg, ...] | None:
        if not is_managed(number.redirect):
            return None
        legs: list[Leg] = []
        if callers:
            legs.append(Leg(Step(BLOCK, callers=callers, note=f"black list {active}")))
        premedia = number.premedia if is_managed(number.premedia) else NO_PREMEDIA
        if premedia.a:
            legs.append(Leg(Step(GREETING, premedia.a, side="caller")))
        redirect = number.redirect
        if redirect is None:
            legs.append(Leg(Step(REJECT)))
            return tuple(legs)
        recorded = number.record if is_managed(number.record) else account.record_all is True
        legs.append(Leg(Step(RING, f"tel:{redirect.to}", caller_id=redirect.caller_id or "caller",
                             recorded=bool(recorded))))
        if premedia.b:
            legs.append(Leg(Step(GREETING, premedia.b, side="answering")))
        return tuple(legs)

    def live_account(self, live: BeelineLive, account: BeelineAccount) -> BeelineAccount:
        numbers = {wire: BeelineNumber(wire, redirect=live.redirects.get(wire),
                                       premedia=live.premedia.get(wire, NO_PREMEDIA), record=live.records(wire))
                   for wire in live.numbers}
        lists: dict[int, set[BlacklistEntry]] = {list_id: set() for list_id in LIST_IDS}
        for (list_id, b), callers in live.blacklist_pairs.items():
            lists.setdefault(list_id, set()).update(BlacklistEntry(list_id, b, a) for a in callers)
        return replace(account, numbers=numbers, record_all=live.record_all,
                       blacklists=Blacklists(active=live.active_list,
                                             lists={i: frozenset(e) for i, e in lists.items()}))

    def applied(self, live: BeelineAccount, desired: BeelineAccount) -> BeelineAccount:
        numbers = dict(live.numbers)
        for wire, number in desired.numbers.items():
            before = live.numbers.get(wire, BeelineNumber(wire))
            numbers[wire] = replace(
                number,
                redirect=number.redirect if is_managed(number.redirect) else before.redirect,
                premedia=number.premedia if is_managed(number.premedia) else before.premedia,
                record=number.record if is_managed(number.record) else before.record)
        record_all = desired.record_all if is_managed(desired.record_all) else live.record_all
        if record_all is True:
            numbers = {w: replace(n, record=True) for w, n in numbers.items()}
        active = desired.blacklists.active if is_managed(desired.blacklists.active) else live.blacklists.active
        lists = {**live.blacklists.lists, **desired.blacklists.lists}
        return replace(desired, numbers=numbers, record_all=record_all,
                       blacklists=Blacklists(active=active if is_managed(active) else UNMANAGED, lists=lists))


ROUTER: Any = BeelineRouter()
