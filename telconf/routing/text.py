"""Steps and routes as short text, as people read a call flow."""

from __future__ import annotations

from telconf.phones import display
from telconf.routing.steps import BLOCK, FAX, GREETING, NONE, REJECT, RING, UNKNOWN, VOICEMAIL, Route, Step


def target(text: str) -> str:
    """``tel:+7 921 000-00-00`` for ``tel:79210000000``; other targets as they are."""
    kind, _, value = text.partition(":")
    if kind == "tel" and value.isdigit():
        return f"tel:{display(value)}"
    return text


def step(step: Step) -> str:
    """One step: ``sip:101 (20 s, recorded)``, ``greeting hello.wav to caller``..."""
    if step.kind == RING:
        extras = [f"{step.seconds} s"] if step.seconds is not None else []
        if step.recorded:
            extras.append("recorded")
        if step.caller_id not in (None, "caller"):
            shown = step.caller_id if step.caller_id == "group" else display(step.caller_id or "")
            extras.append(f"caller id {shown}")
        return target(step.target) + (f" ({', '.join(extras)})" if extras else "")
    if step.kind in (VOICEMAIL, FAX):
        return step.target
    if step.kind == GREETING:
        return f"greeting {step.target} to {step.side or 'caller'}"
    if step.kind == BLOCK:
        count = len(step.callers)
        return f"blocks {count} caller{'s' if count != 1 else ''}" + (f" ({step.note})" if step.note else "")
    if step.kind == REJECT:
        return "reject"
    if step.kind == NONE:
        return "none (not forwarded)"
    if step.kind == UNKNOWN:
        return "unknown (not managed)"
    return step.kind


def route(route: Route) -> str:
    """A whole route: steps joined by arrows."""
    return " → ".join(step(s) for s in route)
