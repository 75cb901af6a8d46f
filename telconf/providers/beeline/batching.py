"""Fewer requests: merge calls of one command into one, split one that is too big.

``merge_calls`` folds adjacent calls of the same command and stage into one request
(the planner has already ordered them; the provider emitted them grouped by command).
``halves`` cuts a ConfData in two when the server answers 413.1 (body too big): every
command here is a set operation over its entries, so two halves do what the whole did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from telconf.plan.data import Call
from telconf.providers.base import CallWithChanges
from telconf.providers.beeline.blacklists import delete_form, merge_delete, merge_set

# Commands whose ConfData is a list of independent items: lists concatenate.
LIST_COMMANDS = frozenset({"REDIRECT", "RCANCEL", "PREMEDIA", "ARECORD", "CRECORD", "DELFILE"})
BLACKLIST_COMMANDS = frozenset({"SETBLIST", "DELBLIST"})


def _mergeable(call: Call) -> bool:
    if call.method in LIST_COMMANDS:
        return isinstance(call.params, list)  # never the "all numbers" form (no ConfData)
    return call.method in BLACKLIST_COMMANDS


def merge_calls(calls: Sequence[CallWithChanges]) -> list[CallWithChanges]:
    """Merge runs of adjacent calls with the same command and stage; keep served changes."""
    merged: list[CallWithChanges] = []
    start = 0
    while start < len(calls):
        first = calls[start][0]
        end = start + 1
        if _mergeable(first):
            while end < len(calls) and _same_request(first, calls[end][0]):
                end += 1
        run = calls[start:end]
        merged.extend(run if len(run) == 1 else _merge_run(run))
        start = end
    return merged


def _same_request(first: Call, other: Call) -> bool:
    return other.method == first.method and other.stage == first.stage and _mergeable(other)


def _served(run: Sequence[CallWithChanges]) -> tuple[int, ...]:
    return tuple(sorted({index for _, served in run for index in served}))


def _merge_run(run: Sequence[CallWithChanges]) -> list[CallWithChanges]:
    first = run[0][0]
    lane = first.lane if all(call.lane == first.lane for call, _ in run) else ""
    if first.method == "SETBLIST":
        params = merge_set(call.params for call, _ in run)
        return [(Call("SETBLIST", params, lane=lane, stage=first.stage), _served(run))]
    if first.method == "DELBLIST":
        result = []
        for params in merge_delete(call.params for call, _ in run):
            form = delete_form(params)
            served = _served([(c, s) for c, s in run if delete_form(c.params) == form])
            result.append((Call("DELBLIST", params, lane=lane, stage=first.stage), served))
        return result
    params = _concat(call.params for call, _ in run)
    return [(Call(first.method, params, lane=lane, stage=first.stage), _served(run))]


def _concat(lists: Any) -> list[Any]:
    """Concatenate lists; repeated plain values (numbers, file names) appear once."""
    out: list[Any] = []
    seen: set[Any] = set()
    for items in lists:
        for item in items:
            if isinstance(item, (str, int)):
                if item in seen:
                    continue
                seen.add(item)
            out.append(item)
    return out


def halves(conf_data: Any) -> tuple[Any, Any] | None:
    """Two ConfData that together do what ``conf_data`` does, or None if it cannot be cut.

    A list is cut between entries; a single black-list entry is cut in its A-numbers,
    then its B-numbers; ``{"ListID": [...]}`` in its list ids.
    """
    if isinstance(conf_data, list):
        if len(conf_data) > 1:
            middle = len(conf_data) // 2
            return conf_data[:middle], conf_data[middle:]
        if len(conf_data) == 1 and isinstance(conf_data[0], Mapping):
            entry = conf_data[0]
            for key in ("ANumber", "BNumber"):
                values = entry.get(key)
                if isinstance(values, list) and len(values) > 1:
                    middle = len(values) // 2
                    return [{**entry, key: values[:middle]}], [{**entry, key: values[middle:]}]
        return None
    if isinstance(conf_data, Mapping):
        ids = conf_data.get("ListID")
        if isinstance(ids, list) and len(ids) > 1:
            middle = len(ids) // 2
            return {**conf_data, "ListID": ids[:middle]}, {**conf_data, "ListID": ids[middle:]}
    return None
