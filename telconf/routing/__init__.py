"""Call routing: what a call to a number gets, at a moment or over the week.

    steps.py   the vocabulary (``Step``: block, greeting, ring, voicemail, fax, reject, none, unknown)
    week.py    minutes of the week, windows, day lists
    model.py   a number's legs and their evaluation (``route``, ``week``)
    hook.py    the provider's ``Router`` (descriptor field ``routing``)
    moment.py  ``--at WHEN`` in the account's time zone
    views.py   routes of a config/state for ``telconf routes`` (text, JSON, Markdown)
    impact.py  the routing a plan changes; checks.py the routing warnings; cases.py route tests

The entry points are pure functions of an account state and a moment/caller
(:func:`route_at`, :func:`week_of`): a date-resolved state (holidays) is just another state.
"""

from __future__ import annotations

from telconf.core.model import Account
from telconf.routing import model as _model
from telconf.routing.model import NumberRouting
from telconf.routing.steps import UNKNOWN_ROUTE, Route
from telconf.routing.week import Window

__all__ = ["route_at", "week_of", "NumberRouting", "Route"]


def _legs(account: Account, number: str) -> NumberRouting | None:
    from telconf.routing.hook import numbers_of

    return numbers_of(account).get(number)


def route_at(account: Account, number: str, minute: int, caller: str | None = None) -> Route:
    """What a call to ``number`` of ``account`` (in this state) gets at ``minute`` of the week
    (local time, 0 = Monday 00:00) from ``caller`` (None: any caller not black-listed)."""
    found = _legs(account, number)
    return UNKNOWN_ROUTE if found is None else _model.route(found.legs, minute, caller)


def week_of(account: Account, number: str, caller: str | None = None) -> list[Window[Route]]:
    """The week of ``number`` of ``account`` as windows covering every minute once."""
    found = _legs(account, number)
    return _model.week(None if found is None else found.legs, caller)
