"""Public holidays of an account's ``calendar:`` (a country code, e.g. ``ru``).

The dates come from the ``holidays`` package, imported only when a config uses a
calendar: ``telconf validate`` of a config without one never loads it. A calendar is a
set of local days; what a holiday is called is the package's business, not telconf's.
"""

from __future__ import annotations

import functools
from datetime import date


def code_of(name: str) -> str:
    """The package's code for a calendar name (``ru`` -> ``RU``)."""
    return name.strip().upper()


@functools.lru_cache(maxsize=1)
def known() -> frozenset[str]:
    """The calendar codes the installed ``holidays`` package knows (upper case)."""
    import holidays

    return frozenset(holidays.list_supported_countries())


def is_known(name: str) -> bool:
    """Whether ``name`` is a calendar telconf can give holidays of."""
    return code_of(name) in known()


@functools.lru_cache(maxsize=256)
def days(name: str, year: int) -> frozenset[date]:
    """The public holidays (days off included) of calendar ``name`` in ``year``."""
    import holidays

    return frozenset(holidays.country_holidays(code_of(name), years=year).keys())
