"""A live Beeline account as config data (SPEC 1), for ``telconf export``.

Deterministic: numbers, files and lists in sorted order, phone numbers in the readable
``+7 495 000-00-01`` form. Voice files are written to ``media/`` and black-list entries
of more than ``BLOCK_FILE_AT`` A-numbers to ``blacklists/<list>-<B>.txt`` beside the
output, as relative paths.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telconf.core.errors import BadResponse
from telconf.guard.redact import excerpt, mask
from telconf.core.phones import display
from telconf.providers.beeline.live import BeelineLive

BLOCK_FILE_AT = 50  # more A-numbers than this go to a block_file
LIST_IDS = (0, 1, 2)


def export_account(live: BeelineLive, out_dir: Path, content: Callable[[str], bytes]) -> dict[str, Any]:
    """Config data of the account (without url/credentials); ``content(name)`` gives file bytes."""
    data: dict[str, Any] = {"voice_files": _voice_files(live, out_dir, content)}
    data["record_all"] = live.record_all
    data["numbers"] = {display(b): _number(live, b) for b in sorted(live.numbers)}
    data["blacklists"] = {"active": live.active_list, "lists": _lists(live, out_dir)}
    return data


def _voice_files(live: BeelineLive, out_dir: Path, content: Callable[[str], bytes]) -> dict[str, Any]:
    media = out_dir / "media"
    files: dict[str, Any] = {}
    for name in sorted(live.voice_files):
        if name in (".", "..") or "/" in name or "\\" in name or len(name) > 200 \
                or any(ord(c) < 32 or ord(c) == 127 for c in name):
            # Written as media/<name>: a name with a path in it could land outside the output.
            raise BadResponse(f"voice file name '{excerpt(name, 40)}' is not a plain file name of at most "
                              "200 printable characters; telconf cannot export it",
                              provider="beeline", call="LVFILES")
        media.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(content(name))
        entry: dict[str, Any] = {"path": f"media/{name}"}
        if live.voice_files[name].comment:
            entry["comment"] = live.voice_files[name].comment
        files[name] = entry
    return files


def _number(live: BeelineLive, number: str) -> dict[str, Any]:
    redirect = live.redirects.get(number)
    data: dict[str, Any] = {"redirect": None}
    if redirect is not None:
        data["redirect"] = {"to": display(redirect.to)}
        if redirect.caller_id:
            data["redirect"]["caller_id"] = display(redirect.caller_id)
    premedia = live.premedia.get(number)
    data["premedia"] = None if premedia is None else {"a": premedia.a, "b": premedia.b}
    if not live.record_all:
        data["record"] = number in live.recorded
    return data


def _lists(live: BeelineLive, out_dir: Path) -> dict[int, list[dict[str, Any]]]:
    """Every list, B-numbers with the same A-set sharing one entry; empty lists as []."""
    lists: dict[int, list[dict[str, Any]]] = {}
    pairs = live.blacklist_pairs
    for list_id in LIST_IDS:
        groups: dict[frozenset[str], list[str]] = defaultdict(list)
        for (pair_list, b), a_numbers in pairs.items():
            if pair_list == list_id:
                groups[frozenset(a_numbers)].append(b)
        entries = []
        for a_set, bs in sorted(groups.items(), key=lambda item: sorted(item[1])[0]):
            bs = sorted(bs)
            entry: dict[str, Any] = {"numbers": [display(b) for b in bs]}
            block = [display(a) for a in sorted(a_set)]
            if len(block) > BLOCK_FILE_AT:
                entry["block_file"] = _write_block_file(out_dir, list_id, bs[0], block)
            else:
                entry["block"] = block
            entries.append(entry)
        lists[list_id] = entries
    return lists


def _write_block_file(out_dir: Path, list_id: int, b: str, block: list[str]) -> str:
    relative = f"blacklists/{list_id}-{b}.txt"
    path = out_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(mask("".join(f"{a}\n" for a in block)), encoding="utf-8")
    return relative
