"""``telconf routes``: the routes of account states, as data, text and Markdown.

The data (``schemas/routes.schema.json``, ``format_version`` 1) is what every format
renders: ``numbers[]`` of ``{account, number, windows[]}`` (the week) or ``{account,
number, steps[]}`` (``--at``). Windows and steps come from ``telconf.routing.model``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from telconf.core.model import Account
from telconf.core.phones import display
from telconf.routing import text
from telconf.routing.hook import numbers_of
from telconf.routing.model import route, week
from telconf.routing.moment import minute_of_week
from telconf.routing.steps import Route
from telconf.routing.week import DAY, DAY_NAMES, Window, clock

ROUTES_FORMAT_VERSION = 1


def window_data(window: Window[Route]) -> dict[str, Any]:
    return {"days": [DAY_NAMES[d] for d in window.days], "from": clock(window.start), "to": clock(window.end),
            "steps": [s.to_data() for s in window.value]}


_SHARED: dict[int, tuple[list[Window[Route]], list[dict[str, Any]]]] = {}


def _windows_data(windows: list[Window[Route]]) -> list[dict[str, Any]]:
    """The JSON form of a week; numbers sharing one template share one week (and its data)."""
    found = _SHARED.get(id(windows))
    if found is None or found[0] is not windows:
        found = (windows, [window_data(w) for w in windows])
        _SHARED[id(windows)] = found
    return found[1]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def routes_json(data: Mapping[str, Any]) -> str:
    """The data as JSON: one compact line per number (fast for 20,000 numbers: the windows
    many numbers share are encoded once, and the text is joined once)."""
    encoded: dict[int, str] = {}
    accounts: dict[Any, str] = {}
    top = _dumps({k: v for k, v in data.items() if k != "numbers"})
    parts = [top[:-1], ',"numbers":[']
    for index, entry in enumerate(data["numbers"]):
        parts.append("\n" if index == 0 else ",\n")
        windows = entry.get("windows")
        if windows is None or len(entry) != 3 or not entry["number"].isdigit():
            parts.append(_dumps(entry))
            continue
        account = accounts.get(entry["account"])
        if account is None:
            account = accounts[entry["account"]] = _dumps(entry["account"])
        shared = encoded.get(id(windows))
        if shared is None:
            shared = encoded[id(windows)] = _dumps(windows)
        parts += ['{"account":', account, ',"number":"', entry["number"], '","windows":', shared, "}"]
    parts.append("\n]}\n" if data["numbers"] else "]}\n")
    return "".join(parts)


def routes_data(accounts: Iterable[Account], numbers: Sequence[str] = (), *, at: str | None = None,
                caller: str | None = None, source: str = "config",
                overrides: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, Any]:
    """The routes of ``numbers`` (all when empty) of ``accounts``: the week, or the moment ``at``.

    ``overrides`` (a dated ``at``: the accounts are already as of then) names, per account and
    number, the override that gave the number its state; each entry at the moment then says
    ``override`` (null: its own settings). A number asked for that no account has is
    ``unknown`` under account ``null``.
    """
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for account in accounts:
        routings = numbers_of(account)
        for wire, routing in routings.items():
            if numbers and wire not in numbers:
                continue
            seen.add(wire)
            entry: dict[str, Any] = {"account": account.name, "number": wire}
            if at is not None:
                minute = minute_of_week(at, account.timezone)
                entry["at"] = {"day": DAY_NAMES[minute // DAY], "time": clock(minute % DAY),
                               "timezone": account.timezone}
                entry["steps"] = [s.to_data() for s in route(routing.legs, minute, caller)]
                if overrides is not None:
                    entry["override"] = overrides.get(account.name, {}).get(wire)
            else:
                entry["windows"] = _windows_data(week(routing.legs, caller))
            found.append(entry)
    for wire in numbers:
        if wire not in seen:
            entry = {"account": None, "number": wire}
            if at is not None:
                entry["steps"] = [{"kind": "unknown", "target": None, "seconds": None}]
            else:
                entry["windows"] = [{"days": list(DAY_NAMES), "from": "00:00", "to": "23:59",
                                     "steps": [{"kind": "unknown", "target": None, "seconds": None}]}]
            found.append(entry)
    return {"format_version": ROUTES_FORMAT_VERSION, "source": source, "at": at, "caller": caller,
            "numbers": found}


def routes_text(data: Mapping[str, Any]) -> str:
    """One block per number: its windows (or its route at the moment), aligned."""
    out: list[str] = []
    for entry in data["numbers"]:
        out.append(f"{entry['account'] or '(no account)'}  {display(entry['number'])}")
        if "steps" in entry:
            at = entry.get("at")
            moment = f"{at['day']} {at['time']}" if at else str(data.get("at"))
            out.append(f"  {moment}  {text.route_data(entry['steps'])}{_by_override(entry)}")
        else:
            labels = [text.window_label(w) for w in entry["windows"]]
            width = max(len(label) for label in labels)
            out += [f"  {label.ljust(width)}  {text.route_data(w['steps'])}"
                    for label, w in zip(labels, entry["windows"])]
        out.append("")
    return "\n".join(out)


def _by_override(entry: Mapping[str, Any]) -> str:
    """`` (override NAME)`` when an override gave the number its route at the moment."""
    name = entry.get("override")
    return f"  (override {name})" if name else ""


def cell(value: str) -> str:
    """Text safe inside a Markdown table cell."""
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("`", "'")


def routes_markdown(data: Mapping[str, Any], escape: Callable[[str], str] = cell) -> str:
    """A heading and a table per number: when, route.

    ``escape`` makes a config value inert outside code (the CLI passes the plan's Markdown
    escaping: HTML, ``@mentions`` and autolinks neutralised, as in a plan comment); the
    routing layer cannot import it itself.
    """
    out = ["## Call routing", ""]
    if data.get("at"):
        out += [f"At `{cell(str(data['at']))}`" + (f", caller `{cell(str(data['caller']))}`" if data.get("caller")
                                                     else "") + ".", ""]
    for entry in data["numbers"]:
        out += [f"### {escape(display(entry['number']))} ({escape(entry['account'] or 'no account')})", "",
                "| when | route |", "|---|---|"]
        if "steps" in entry:
            at = entry.get("at")
            moment = f"{at['day']} {at['time']}" if at else str(data.get("at"))
            out.append(f"| {escape(moment)} | {escape(text.route_data(entry['steps']) + _by_override(entry))} |")
        else:
            out += [f"| {escape(text.window_label(w))} | {escape(text.route_data(w['steps']))} |"
                    for w in entry["windows"]]
        out.append("")
    return "\n".join(out)
