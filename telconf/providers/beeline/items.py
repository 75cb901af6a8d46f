"""Beeline items for check before write and verify after (issue 15).

An item is what one change addresses: a number's redirect, greetings (premedia) or
recording, recording for all numbers (with the per-number settings it carries), one
black-list pair (ListID, B), the active list, a voice file. Every item of a kind is
re-read by one list command, so a batched request costs one read per kind it carries.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from telconf.providers.beeline.model import BeelineAccount
from telconf.core.phones import display
from telconf.plan.data import Change
from telconf.providers.base import ItemCheck
from telconf.providers.beeline import changes as kinds
from telconf.providers.beeline.changes import LocalFile
from telconf.providers.beeline.live import (
    BeelineLive, parse_ablist, parse_lblist, parse_lrecord, parse_lvfiles, parse_mlist, parse_rlist,
)

# Which list command reads each kind again.
COMMANDS = {"redirect": "RLIST", "premedia": "MLIST", "record": "LRECORD", "record_all": "LRECORD",
            "blacklist": "LBLIST", "blacklist_active": "ABLIST", "voice_file": "LVFILES"}


def item_of(change: Change) -> str:
    """``kind:key``; a number's recording turned off by switching off "*" is part of that switch."""
    if change.kind == "record" and not change.calls:
        return "record_all:*"
    return f"{change.kind}:{change.key}"


def label(item: str) -> str:
    kind, _, key = item.partition(":")
    if kind == "blacklist":
        list_id, _, b = key.partition(":")
        return f"black list {list_id} / {display(b)}"
    names = {"redirect": "redirect of {}", "premedia": "greetings of {}", "record": "recording of {}"}
    if kind in names:
        return names[kind].format(display(key))
    return {"record_all": "recording of all numbers", "blacklist_active": "the active black list"}.get(
        kind, f"voice file {key}")


def written_together(changes: Sequence[Change]) -> dict[str, set[str]]:
    """The pairs of a black list emptied at once (DELBLIST by ListID) need each other, since
    that one request removes them all: none is sent if one is not. No order (they share a
    request); the order between items is the changes' ``needs`` (``changes.with_needs``)."""
    found: dict[str, set[str]] = {}
    emptied: dict[str, set[str]] = {}
    for change in changes:
        if change.kind == "blacklist" and change.calls and isinstance(change.calls[0].params, Mapping):
            emptied.setdefault(change.key.partition(":")[0], set()).add(item_of(change))
    for group in emptied.values():
        for item in group:
            found.setdefault(item, set()).update(group - {item})
    return found


def read(request: Callable[[str], Any], planned: BeelineLive, items: Collection[str],
         parallel: Callable[[Callable[[str], Any], list[str]], list[Any]]) -> BeelineLive:
    """``planned`` with the parts the items need read again (one list command per kind)."""
    commands = sorted({COMMANDS[i.partition(":")[0]] for i in items})
    answers = dict(zip(commands, parallel(request, commands)))
    fresh: dict[str, Any] = {}
    if "RLIST" in answers:
        fresh["redirects"] = parse_rlist(answers["RLIST"])
    if "MLIST" in answers:
        fresh["premedia"] = parse_mlist(answers["MLIST"])
    if "LRECORD" in answers:
        fresh["record_all"], fresh["recorded"] = parse_lrecord(answers["LRECORD"])
    if "LBLIST" in answers:
        fresh["blacklist"] = parse_lblist(answers["LBLIST"])
    if "ABLIST" in answers:
        fresh["active_list"] = parse_ablist(answers["ABLIST"])
    if "LVFILES" in answers:
        fresh["voice_files"] = parse_lvfiles(answers["LVFILES"])
    return dataclasses.replace(planned, **fresh)


def state(view: BeelineLive, item: str) -> Any:
    """The item's JSON-able state (a voice file's PENDING flag flips by itself: left out)."""
    kind, _, key = item.partition(":")
    if kind == "redirect":
        redirect = view.redirects.get(key)
        return None if redirect is None else [redirect.to, redirect.caller_id]
    if kind == "premedia":
        premedia = view.premedia.get(key)
        return None if premedia is None else [premedia.a or "", premedia.b or ""]
    if kind == "record":
        return view.records(key)
    if kind == "record_all":
        return [view.record_all, sorted(view.recorded)]
    if kind == "blacklist":
        list_id, _, b = key.partition(":")
        return sorted(view.blacklist_pairs.get((int(list_id), b), ()))
    if kind == "blacklist_active":
        return view.active_list
    stored = view.voice_files.get(key)
    return None if stored is None else [stored.comment, stored.uploaded]


def remaining_changes(account: BeelineAccount, view: BeelineLive, kind: str,
                      local: Callable[[], Mapping[str, LocalFile]]) -> dict[str, Change]:
    """What a plan made from ``view`` would still change, for the items of ``kind``."""
    if kind == "redirect":
        found = kinds.redirect_changes(account, view)
    elif kind == "premedia":
        found = kinds.premedia_changes(account, view)
    elif kind in ("record", "record_all"):
        found = kinds.recording_changes(account, view)
    elif kind == "blacklist":
        found = kinds.blacklist_changes(account, view)
    elif kind == "blacklist_active":
        found = kinds.active_list_change(account, view)
    else:
        found = kinds.voice_file_uploads(account, view, local()) + kinds.voice_file_deletes(account, view)
    return {item_of(c): c for c in found}


def check(remaining: Mapping[str, Change], item: str) -> ItemCheck:
    change = remaining.get(item)
    if change is None:
        return ItemCheck()
    return ItemCheck(f"it is {_shown(change.before)}, the config wants {_shown(change.after)}")


def _shown(value: Any) -> str:
    if value is None:
        return "absent"
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"
