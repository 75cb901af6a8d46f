"""Beeline cloudcc routing: black list, greeting to the caller, redirect, greeting to the
answering side, recording (notes/call-routing.md).

A caller in the active black list of the number is blocked; otherwise file A of PREMEDIA
plays to the caller, the call goes to the redirect's number (with its fixed caller id, if
any; recorded when the number or every number is), and file B plays to the answering
side. No redirect (``null``) means calls are rejected.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Set as AbstractSet
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from telconf.core.model import UNMANAGED, is_managed
from telconf.providers.beeline.blacklists import Pair, PairSet
from telconf.providers.beeline.model import (
    NO_PREMEDIA,
    BeelineAccount,
    BeelineNumber,
    BlacklistEntry,
    Blacklists,
)
from telconf.routing.model import Leg, NumberRouting
from telconf.routing.steps import BLOCK, GREETING, REJECT, RING, Step

if TYPE_CHECKING:  # the live state's type only: validate and routes never import the reader
    from telconf.providers.beeline.live import BeelineLive

LIST_IDS = (0, 1, 2)


class _Lists(Mapping[int, AbstractSet[BlacklistEntry]]):
    """Black lists as ``Blacklists.lists`` holds them, made from (ListID, B) -> callers only when
    asked: routing needs just the active list's callers per number, and a live account has
    tens of thousands of entries. ``over`` (the config's lists) wins over ``pairs`` (the live ones).
    """

    def __init__(self, pairs: Mapping[Pair, AbstractSet[str]],
                 over: Mapping[int, AbstractSet[BlacklistEntry]] | None = None):
        self.pairs = pairs
        self.over = over or {}
        self._ids = sorted({list_id for list_id, _ in pairs} | set(LIST_IDS) | set(self.over))
        self._made: dict[int, PairSet] = {}

    def __getitem__(self, list_id: int) -> AbstractSet[BlacklistEntry]:
        if list_id in self.over:
            return self.over[list_id]
        if list_id not in self._ids:
            raise KeyError(list_id)
        if list_id not in self._made:
            self._made[list_id] = PairSet({pair: frozenset(callers) for pair, callers in self.pairs.items()
                                           if pair[0] == list_id})
        return self._made[list_id]

    def __contains__(self, list_id: object) -> bool:  # without making the list (Mapping's would)
        return list_id in self._ids

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def callers(self, list_id: int, only: Collection[str] | None = None) -> dict[str, frozenset[str]]:
        if list_id in self.over:
            return _grouped(self.over[list_id], only)
        return {b: frozenset(callers) for (i, b), callers in self.pairs.items() if i == list_id}


def _grouped(entries: Iterable[BlacklistEntry], only: Collection[str] | None = None) -> dict[str, frozenset[str]]:
    """Callers per B-number (of ``only``, when given) of a list's entries (a ``PairSet`` is grouped already)."""
    wanted = None if only is None else set(only)
    if isinstance(entries, PairSet):
        return {b: frozenset(a) for (_, b), a in entries.pairs.items() if wanted is None or b in wanted}
    found: dict[str, list[str]] = {}
    for _, b, a in entries:
        if wanted is None or b in wanted:
            found.setdefault(b, []).append(a)
    return {b: frozenset(a) for b, a in found.items()}


def _blocked(blacklists: Blacklists, only: Collection[str] | None = None
             ) -> tuple[Mapping[str, frozenset[str]], int | None]:
    """Callers black-listed per B-number in the active list (when it and its content are known)."""
    active, lists = blacklists.active, blacklists.lists
    if not is_managed(active) or active not in lists:
        return {}, None
    return (lists.callers(active, only) if isinstance(lists, _Lists) else _grouped(lists[active], only)), active


class BeelineRouter:
    """The ``Router`` of Beeline cloudcc accounts (see ``telconf.routing.hook``)."""

    # Recording for all numbers, and which black list is active, reach every number's route.
    account_wide: frozenset[str] = frozenset({"record_all", "blacklist_active"})

    def numbers(self, account: BeelineAccount, only: Collection[str] | None = None) -> Mapping[str, NumberRouting]:
        blocked, active = _blocked(account.blacklists, only)
        chosen = account.numbers.items() if only is None else \
            [(wire, account.numbers[wire]) for wire in only if wire in account.numbers]
        return {wire: NumberRouting(wire, self._legs(account, n, blocked.get(wire, frozenset()), active),
                                    where=n.where, template=n.template)
                for wire, n in chosen}

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
        return replace(account, numbers=numbers, record_all=live.record_all,
                       blacklists=Blacklists(active=live.active_list, lists=_Lists(live.blacklist_pairs)))

    def applied(self, live: BeelineAccount, desired: BeelineAccount) -> BeelineAccount:
        numbers = dict(live.numbers)
        for wire, number in desired.numbers.items():
            if is_managed(number.redirect) and is_managed(number.premedia) and is_managed(number.record):
                numbers[wire] = number  # the config says it all
                continue
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
        read = live.blacklists.lists
        lists = _Lists(read.pairs, desired.blacklists.lists) if isinstance(read, _Lists) \
            else {**read, **desired.blacklists.lists}
        return replace(desired, numbers=numbers, record_all=record_all,
                       blacklists=Blacklists(active=active if is_managed(active) else UNMANAGED, lists=lists))


ROUTER: Any = BeelineRouter()
