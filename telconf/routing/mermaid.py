"""A picture of the week for a pull-request comment: a Mermaid gantt chart GitHub and GitLab draw.

Two rows, ``before`` and ``after``, each with a bar per day of every window whose route
changes, labelled with a short form of the route (the table beside it has the whole
route). The chart is placed on a fixed Monday (2024-01-01) and its axis shows days and
hours only, so it reads as "a week". Labels are reduced to characters Mermaid's gantt
syntax cannot mistake for its own (no ``:``, ``#``, ``;``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from telconf.routing.text import target
from telconf.routing.week import DAY_NAMES

MONDAY = (2024, 1, 1)  # any Monday: the chart's axis shows weekdays and hours only
_UNSAFE = re.compile(r"[^\w @.+\-→()/]", re.UNICODE)
LABEL_MAX = 28


def short(steps: Iterable[Mapping[str, Any]]) -> str:
    """``sip 101 +2``: where the call goes first, and how many steps follow (bars can be narrow;
    the table beside the chart has the whole route)."""
    parts = []
    for step in steps:
        kind = step.get("kind")
        if kind == "ring":
            parts.append(target(str(step.get("target") or "")).replace(":", " ", 1))
        elif kind == "block" and step.get("target"):
            parts.append("blocked")
        elif kind == "block":
            parts.append(f"block {step.get('callers', 0)}")
        else:
            parts.append(str(kind))
    label = (parts[0] if parts else "route") + (f" +{len(parts) - 1}" if len(parts) > 1 else "")
    label = _UNSAFE.sub(" ", label).strip() or "route"
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def _moment(day: int, minute: int) -> str:
    year, month, first = MONDAY
    return f"{year:04d}-{month:02d}-{first + day + minute // 1440:02d} {minute % 1440 // 60:02d}:{minute % 60:02d}"


def gantt(title: str, changes: Sequence[Mapping[str, Any]]) -> str:
    """The chart of one number's routing changes (``routing[].changes`` of the plan's JSON)."""
    rows: dict[str, list[str]] = {"before": [], "after": []}
    for index, change in enumerate(changes):
        start = int(change["from"][:2]) * 60 + int(change["from"][3:])
        end = int(change["to"][:2]) * 60 + int(change["to"][3:]) + 1  # "to" is included
        for day in (DAY_NAMES.index(d) for d in change["days"]):
            for row, tag in (("before", "done"), ("after", "active")):
                rows[row].append(f"    {short(change[row])} :{tag}, {row[0]}{index}d{day}, "
                                 f"{_moment(day, start)}, {_moment(day, end)}")
    lines = ["```mermaid", "%%{init: {\"gantt\": {\"displayMode\": \"compact\"}}}%%", "gantt",
             f"    title {_UNSAFE.sub(' ', title).strip()}", "    dateFormat YYYY-MM-DD HH:mm",
             "    axisFormat %a %H:%M", "    tickInterval 1day"]
    for row, tasks in rows.items():
        lines += [f"    section {row}", *tasks]
    return "\n".join(lines + ["```"]) + "\n"
