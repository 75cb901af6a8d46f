"""The values of the date layer: an override and when it is active.

Stdlib only, so that ``telconf.core.model`` can name the type for checkers without a layer
above it being imported at run time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Override:
    """One entry of a number's ``overrides:`` list.

    Either a range (``start`` included, ``end`` excluded: aware datetimes) or, with
    ``holidays``, every public holiday of the account's calendar plus ``dates``, each a
    whole local day. ``body`` is the provider's number value built from the override's
    keys (the keys it does not name are unmanaged there), ``keys`` the keys it sets.
    """

    name: str
    start: datetime | None = None
    end: datetime | None = None
    holidays: bool = False
    dates: tuple[date, ...] = ()
    body: Any = field(default=None, compare=False)
    keys: tuple[str, ...] = ()
    where: str = field(default="", compare=False)  # FILE:LINE:COL of the entry

    @property
    def kind(self) -> str:
        """``holidays`` or ``range``."""
        return "holidays" if self.holidays else "range"
