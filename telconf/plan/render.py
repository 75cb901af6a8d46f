"""What the plan renderers share: summary wording, grouping and value display.

Renderers read the plan as data (``Plan.to_data()``, or a saved plan's ``plan``), so
a saved plan file renders exactly like a fresh one. They never see provider objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Protocol, TextIO

from telconf.guard.redact import escape
from telconf.core.phones import display

MARKERS = {"create": "+", "update": "~", "delete": "-", "move": "↕"}
SENSITIVE = "(sensitive)"
LIST_SHOWN = 5  # items of a long list shown before "… and N more"

PlanData = dict[str, Any]


class Renderer(Protocol):
    """Writes a plan to a text stream."""

    def run(self, plan: Any, fh: TextIO) -> None: ...


def as_data(plan: Any) -> PlanData:
    """Plan data from a ``Plan`` or from data already."""
    data: PlanData = plan.to_data() if hasattr(plan, "to_data") else plan
    return data


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def summary_line(data: PlanData) -> str:
    """``Plan: 3 to add, 2 to change, 1 to delete, 4 moves; 14 API calls`` or ``No changes.``"""
    s = data["summary"]
    if not any(s[k] for k in ("create", "update", "delete", "move")):
        return "No changes."
    return (f"Plan: {s['create']} to add, {s['update']} to change, {s['delete']} to delete, "
            f"{_plural(s['move'], 'move')}; {_plural(s['calls'], 'API call')}")


def snapshot_line(data: PlanData) -> str | None:
    """``Planned against the snapshot FILE, not the live accounts: recorded 3 h ago (...)``; None when live."""
    against = data.get("planned_against") or {}
    if against.get("kind") != "snapshot":
        return None
    from telconf.plan.context import describe_snapshot

    text = describe_snapshot(against)
    return text[0].upper() + text[1:] + ". This plan cannot be applied."


def moment_lines(data: PlanData) -> list[str]:
    """``As of 2026-12-31T20:00:00+03:00 (spb)``, the overrides active with their ends, the next change.

    Nothing for a plan of now whose config has no override: the moment says nothing new there.
    """
    moment = data.get("moment")
    if not isinstance(moment, dict):
        return []
    accounts = [a for a in moment.get("accounts") or () if isinstance(a, dict)]
    if not moment.get("given") and not any(a.get("active") or a.get("next_change_at") for a in accounts):
        return []
    zones = {a["timezone"]: a["at"]["local"] for a in accounts}
    when = "; ".join(f"{local} ({zone})" for zone, local in zones.items()) or str(moment.get("at"))
    lines = [f"As of {when}{' (--at)' if moment.get('given') else ''}:"]
    for account in accounts:
        for item in account.get("active") or ():
            until = item.get("until")
            end = f" until {until['local']}" if isinstance(until, dict) else " (no end in sight)"
            lines.append(f"  {account['account']}: {display(item['number'])}: override {item['override']!r}{end}")
    if not any(a.get("active") for a in accounts):
        lines.append("  no override is active")
    nexts = [(a["next_change_at"]["utc"], a["next_change_at"]["local"], a["account"])
             for a in accounts if isinstance(a.get("next_change_at"), dict)]
    if nexts:
        _, local, account = min(nexts)
        lines.append(f"  next change: {local} ({account}); `telconf schedule` lists the coming ones")
    else:
        lines.append("  no change ahead")
    return lines


def account_counts(account: PlanData) -> dict[str, int]:
    """Changes per action of one account, plus its API calls."""
    counts = {action: 0 for action in MARKERS}
    for change in account["changes"]:
        counts[change["action"]] = counts.get(change["action"], 0) + 1
    counts["calls"] = len(account["calls"])
    return counts


def account_summary(account: PlanData) -> str:
    """``2 to add, 1 to change; 5 API calls`` (only the non-zero actions)."""
    counts = account_counts(account)
    words = {"create": "to add", "update": "to change", "delete": "to delete"}
    parts = [f"{counts[a]} {w}" for a, w in words.items() if counts[a]]
    if counts["move"]:
        parts.append(_plural(counts["move"], "move"))
    if not parts:
        return "no changes"
    return f"{', '.join(parts)}; {_plural(counts['calls'], 'API call')}"


def ignored_text(account: PlanData) -> str:
    """``ignored (ignore rules): 3 sip_line, 1 voice_file`` or "" when nothing was."""
    ignored = account.get("ignored") or {}
    if not ignored:
        return ""
    return "ignored (ignore rules): " + ", ".join(f"{count} {kind}" for kind, count in ignored.items())


def number_title(number: str | None, changes: list[PlanData] | None = None) -> str:
    """Heading of a group of changes: the readable number (and its template), or the account itself."""
    if not number:
        return "account"
    template = next((c["template"] for c in changes or () if c.get("template")), None)
    return f"{display(number)} (template {template})" if template else display(number)


def grouped(changes: list[PlanData]) -> Iterator[tuple[str | None, list[PlanData]]]:
    """Changes grouped by number (account-wide ones first), keeping plan order within."""
    groups: dict[str | None, list[PlanData]] = {None: []}
    for change in changes:
        groups.setdefault(change.get("number"), []).append(change)
    for number, members in groups.items():
        if members:
            yield number, members


def scalar(value: Any) -> str:
    """A JSON scalar as the user wrote it: strings bare, ``none`` for null."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):  # from the config or a server: no terminal escape gets through
        return escape(value).replace("\n", "\\n") if value else '""'
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def value_text(value: Any) -> str:
    """Any JSON value on one line; long lists shortened to their count and a few items."""
    if isinstance(value, list):
        return list_text(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {value_text(v)}" for k, v in value.items()) + "}"
    return scalar(value)


def list_text(items: list[Any]) -> str:
    shown = ", ".join(value_text(v) for v in items[:LIST_SHOWN])
    if len(items) > LIST_SHOWN:
        return f"[{shown}, … and {len(items) - LIST_SHOWN} more] ({len(items)} in all)"
    return f"[{shown}]"


def field_lines(change: PlanData) -> list[tuple[str, str]]:
    """``(field, text)`` pairs describing a change: before → after for every changed field.

    Creates list the new fields, deletes the old ones; updates only what differs.
    Lists of scalars that both exist (black lists) show what is added and removed.
    """
    before, after, action = change.get("before"), change.get("after"), change["action"]
    if action == "create":
        return _fields(after)
    if action == "delete":
        return _fields(before)
    if isinstance(before, dict) and isinstance(after, dict):
        lines = []
        for key in list(after) + [k for k in before if k not in after]:
            old, new = before.get(key), after.get(key)
            if old != new:
                lines.append((key, changed_text(old, new)))
        return lines
    return [("", changed_text(before, after))]


def changed_text(old: Any, new: Any) -> str:
    """``old → new``; for two lists, what is added and removed."""
    if isinstance(old, list) and isinstance(new, list) and _flat(old) and _flat(new) \
            and len(old) + len(new) > 2 * LIST_SHOWN:
        old_set, new_set = set(map(_key, old)), set(map(_key, new))
        added = [v for v in new if _key(v) not in old_set]
        removed = [v for v in old if _key(v) not in new_set]
        parts = [f"+{len(added)} {list_text(added)}"] if added else []
        parts += [f"-{len(removed)} {list_text(removed)}"] if removed else []
        return f"{len(old)} → {len(new)} items: " + ("; ".join(parts) or "same items, new order")
    return f"{value_text(old)} → {value_text(new)}"


def _key(value: Any) -> str:
    return json.dumps(value)


def _flat(items: list[Any]) -> bool:
    return all(not isinstance(v, (list, dict)) for v in items)


def _fields(value: Any) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [(key, value_text(v)) for key, v in value.items() if v is not None]
    if value is None:
        return []
    return [("", value_text(value))]


def change_title(change: PlanData) -> str:
    """``forward 78123232323#2`` plus the item count for bulk changes."""
    size = change.get("size", 1)
    extra = f" ({size} items)" if size and size > 1 else ""
    return f"{change['kind']} {change['key']}{extra}"
