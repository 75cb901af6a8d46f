"""What a provider gives the routing model, through its descriptor's ``routing`` field.

A provider's ``Router`` turns its state into :class:`NumberRouting` values. It is pure:
the same account state gives the same legs, with no network and no clock, so that
``telconf routes``, plans, checks, route tests (and a date-resolved state for holidays)
all derive from one model of a call. A provider without a router is "routing unknown".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Protocol

from telconf.core.model import Account
from telconf.routing.model import NumberRouting


class Router(Protocol):
    """A provider's routing hook (``ProviderDescriptor.routing``).

    ``account_wide``: the kinds of the provider's account-level changes (changes naming no
    number) that can change every number's route, such as recording for all numbers; a
    plan evaluates the routing of the numbers its changes name, and of every number only
    after one of these.
    """

    account_wide: frozenset[str]

    def numbers(self, account: Any, only: Collection[str] | None = None) -> Mapping[str, NumberRouting]:
        """Each number of the account state (desired or applied) as legs, or those of ``only``;
        unmanaged ones with legs None."""

    def live_account(self, live: Any, account: Any) -> Account:
        """The provider's live state (``LiveState.data``) as an account of the same type as ``account``
        (the desired one, for its header): what is not read stays ``UNMANAGED``."""

    def applied(self, live: Any, desired: Any) -> Account:
        """The account state after an apply: ``desired`` where it manages a setting, ``live`` elsewhere."""


def router_of(account: Account) -> Router | None:
    """The routing hook of the account's provider, or None ("routing unknown")."""
    from telconf.core import registry

    try:
        descriptor = registry.get(account.provider)
    except registry.ProviderRegistryError:
        return None
    hook = descriptor.routing
    return None if hook is None else hook.load()


_LAST: list[tuple[Account, Mapping[str, NumberRouting]]] = []


def numbers_of(account: Account) -> Mapping[str, NumberRouting]:
    """The account's numbers as routing legs; a provider without a router: each number unknown.

    The last few accounts' answers are kept (by identity: an account state is frozen), so
    that ``routes`` and ``test`` reuse what the config's routing checks made when loading it.
    """
    for known, found in _LAST:
        if known is account:
            return found
    router = router_of(account)
    if router is None:
        found = {number: NumberRouting(number, None) for number in account.numbers}
    else:
        found = router.numbers(account)
    _LAST.insert(0, (account, found))
    del _LAST[4:]
    return found
