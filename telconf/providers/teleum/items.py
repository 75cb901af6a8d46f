"""Teleum items for check before write and verify after (issue 15).

Two kinds of item: the forwards of one number (``forwards:WIRE``, read with one
``getForwards``) and one SIP line (``sip_line:NUM``; every line is read with one
``getSIPs``). A number's forwards are one item because their calls address each
other by position and id: a partial write of them is never safe to continue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from telconf.core.model import is_managed
from telconf.providers.teleum.model import TeleumAccount
from telconf.core.phones import display
from telconf.plan.data import Change
from telconf.providers.base import ItemCheck
from telconf.providers.teleum.changes import forward_changes, ignored_sip_lines
from telconf.providers.teleum.payloads import TeleumLive, canonical, forward_view, sip_view, target_text

FORWARDS, SIP_LINE = "forwards", "sip_line"


def item_of(change: Change) -> str | None:
    """``forwards:WIRE`` for a forward change, ``sip_line:NUM`` for a SIP line change."""
    if change.kind == "forward" and change.number:
        return f"{FORWARDS}:{change.number}"
    if change.kind == "sip_line":
        return f"{SIP_LINE}:{change.key}"
    return None


def label(item: str) -> str:
    kind, _, key = item.partition(":")
    return f"forwards of {display(key)}" if kind == FORWARDS else f"SIP line {key}"


def state(view: TeleumLive, item: str) -> Any:
    """Forwards as ``[[id, fields], ...]`` in order; a SIP line as its id and fields, or, while
    it does not exist, the number the provider would give the next line (a create needs it)."""
    kind, _, key = item.partition(":")
    if kind == FORWARDS:
        return [[f.id, forward_view(f.forward)] for f in view.forwards.get(key, ())]
    line = view.sip_lines.get(key)
    return {"next_sip": view.next_sip} if line is None else {"id": line.id, **sip_view(line.line)}


def describe(item: str, before: Any, now: Any) -> str:
    """What changed in an item: forwards added, removed or edited (by id), or a line's fields."""
    if not item.startswith(FORWARDS + ":"):
        return f"was {before or 'absent'}, now {now or 'absent'}"
    old, new = dict((i, v) for i, v in before), dict((i, v) for i, v in now)
    parts = [f"forward {i} to {new[i]['to']} added" for i in new if i not in old]
    parts += [f"forward {i} to {old[i]['to']} removed" for i in old if i not in new]
    for i in (i for i in old if i in new and old[i] != new[i]):
        fields = ", ".join(f"{k} {old[i][k]} -> {new[i][k]}" for k in old[i] if old[i][k] != new[i].get(k))
        parts.append(f"forward {i} edited ({fields})")
    if not parts:
        parts.append(f"order now {[i for i, _ in now]}, was {[i for i, _ in before]}")
    return "; ".join(parts)


def check(account: TeleumAccount, view: TeleumLive, item: str) -> ItemCheck:
    """Whether ``item`` is as the config wants it in ``view``."""
    kind, _, key = item.partition(":")
    if kind == FORWARDS:
        wanted = account.numbers[key].forwards
        desired = wanted if isinstance(wanted, tuple) else ()
        lines_after = (set(account.sip_lines) | ignored_sip_lines(account, view) if is_managed(account.sip_lines)
                       else set(view.sip_lines))
        live = view.forwards.get(key, ())
        outage = bool(desired) and not live
        if not forward_changes(key, desired, view, lines_after):
            return ItemCheck()
        return ItemCheck(f"forwards are {_targets([f.forward for f in live])}, the config wants "
                         f"{_targets([canonical(f) for f in desired])}", outage)
    lines = account.sip_lines
    desired_line = lines.get(key) if isinstance(lines, Mapping) else None
    live_line = view.sip_lines.get(key)
    if desired_line is None:
        return ItemCheck(None if live_line is None else "it exists, the config deletes it")
    if live_line is None:
        return ItemCheck("it does not exist")
    if sip_view(live_line.line) != sip_view(desired_line):
        return ItemCheck(f"it is {sip_view(live_line.line)}, the config wants {sip_view(desired_line)}")
    return ItemCheck()


def _targets(forwards: Sequence[Any]) -> str:
    return "[" + ", ".join(target_text(f.target) for f in forwards) + "]" if forwards else "none"
