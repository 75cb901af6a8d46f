"""Steps and routes as short text, as people read a call flow.

Formatting works on the JSON form of a step (``Step.to_data``), so that plans rendered
from their data and ``routes`` rendered from the model read the same.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from telconf.core.phones import display
from telconf.routing.steps import BLOCK, FAX, GREETING, NONE, REJECT, RING, UNKNOWN, VOICEMAIL, Route, Step

StepData = Mapping[str, Any]


@functools.lru_cache(maxsize=4096)
def target(text: str) -> str:
    """``tel:+7 921 000-00-00`` for ``tel:79210000000``; other targets as they are (a few
    targets recur in thousands of windows: formatted once)."""
    kind, _, value = text.partition(":")
    if kind == "tel" and value.isdigit():
        return f"tel:{display(value)}"
    return text


def step_data(data: StepData) -> str:
    """One step: ``sip:101 (20 s, recorded)``, ``greeting hello.wav to caller``..."""
    kind, name = data.get("kind"), str(data.get("target") or "")
    if kind == RING:
        extras = [f"{data['seconds']} s"] if data.get("seconds") is not None else []
        if data.get("recorded"):
            extras.append("recorded")
        caller_id = data.get("caller_id")
        if caller_id not in (None, "caller"):
            extras.append(f"caller id {caller_id if caller_id == 'group' else display(str(caller_id))}")
        return target(name) + (f" ({', '.join(extras)})" if extras else "")
    if kind in (VOICEMAIL, FAX):
        return name
    if kind == GREETING:
        return f"plays {name} to {data.get('side') or 'caller'}"
    if kind == BLOCK and name:
        return f"blocked: {target(name)} is blocked" + (f" ({data['note']})" if data.get("note") else "")
    if kind == BLOCK:
        count = int(data.get("callers") or 0)
        note = f" ({data['note']})" if data.get("note") else ""
        return f"blocks {count} caller{'s' if count != 1 else ''}{note}"
    if kind == REJECT:
        return "reject"
    if kind == NONE:
        return "none (not routed)"
    if kind == UNKNOWN:
        return "unknown (not managed)"
    return str(kind)


def route_data(steps: Iterable[StepData]) -> str:
    """A whole route from its JSON form: steps joined by arrows."""
    return " → ".join(step_data(s) for s in steps)


def step(step: Step) -> str:
    return step_data(step.to_data())


def route(route: Route) -> str:
    return route_data(s.to_data() for s in route)


def window_label(window: Mapping[str, Any]) -> str:
    """``mon-fri 09:00–18:00`` (``sat-sun`` for whole days) from a window's JSON form."""
    from telconf.routing.week import DAY_NAMES, Window, when

    days = tuple(DAY_NAMES.index(d) for d in window["days"])
    start, end = (int(window[k][:2]) * 60 + int(window[k][3:]) for k in ("from", "to"))
    return when(Window(days, start, end, None))
