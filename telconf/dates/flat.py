"""``telconf render --at``: the rendered config as of a moment, overrides folded in.

Works on the plain data of a valid rendered config: each number's ``overrides`` list is
replaced by what it gives at the moment (the active override's keys on top of the
number's). The result plans, at any moment, like the original at that one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from telconf.dates import moments, select
from telconf.dates.build import OVERRIDE_KEYS
from telconf.dates.model import Override
from telconf.dates.resolve import instant


def _override(item: dict[str, Any], zone_name: str) -> Override:
    if item.get("on") == "holidays":
        return Override(str(item["name"]), holidays=True,
                        dates=tuple(date.fromisoformat(str(d)) for d in item.get("dates") or ()))
    return Override(str(item["name"]), start=moments.parse(item["from"], zone_name),
                    end=moments.parse(item["until"], zone_name))


def fold(data: dict[str, Any], at: datetime) -> dict[str, Any]:
    """``data`` (a rendered config) with every number's overrides folded in as of ``at``, in place."""
    for account in (data.get("accounts") or {}).values():
        if not isinstance(account, dict):
            continue
        zone_name = str(account.get("timezone") or moments.DEFAULT_TIMEZONE)
        calendar = str(account.get("calendar") or "").lower()
        when = instant(at, zone_name)
        for number, settings in list((account.get("numbers") or {}).items()):
            if not isinstance(settings, dict) or not isinstance(settings.get("overrides"), list):
                continue
            items = [item for item in settings["overrides"] if isinstance(item, dict)]
            index = select.active([_override(item, zone_name) for item in items], when, zone_name, calendar)
            folded = {key: value for key, value in settings.items() if key != "overrides"}
            if index is not None:
                folded.update({k: v for k, v in items[index].items() if k not in OVERRIDE_KEYS})
            account["numbers"][number] = folded
    return data
