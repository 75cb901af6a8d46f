"""Black lists: entries of B-numbers × A-numbers, inline or from block files, as sets of triples.

A list is kept grouped by (ListID, B) (a ``PairSet``, which compares and iterates as the
frozenset of its triples): "numbers: all" times a big block file is tens of thousands of
triples, which the plan would only group again to diff them against the live pairs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path as FilePath
from typing import Any

from telconf.config.context import Context
from telconf.config.ignore import check_named
from telconf.config.source import Path
from telconf.core.errors import Diagnostic
from telconf.guard import files as safe_files
from telconf.guard.redact import excerpt
from telconf.core.model import UNMANAGED, Managed
from telconf.providers.beeline.blacklists import PairSet
from telconf.providers.beeline.model import Blacklists

LIST_IDS = (0, 1, 2)
BAD_TOKEN_SHOWN = 24  # characters of a bad block-file word shown: a file named by mistake may hold a token
_WORD = re.compile(r"\S+")
_PHONE_CHARS = re.compile(r"[0-9+()\-.]+")


def build_blacklists(ctx: Context, path: Path, data: dict[str, Any], managed: Sequence[str]) -> Blacklists:
    """Each list named under ``lists`` as the whole set of (ListID, B, A) triples it must hold."""
    active_id = ctx.integer(data.get("active"))
    active: Managed[int] = active_id if active_id is not None else UNMANAGED
    lists: dict[int, PairSet] = {}
    files: dict[FilePath, list[str]] = {}
    raw_lists = data.get("lists") or {}
    for key, entries in (raw_lists.items() if isinstance(raw_lists, dict) else ()):
        if not (isinstance(key, str) and key.isdigit() and int(key) in LIST_IDS):
            continue  # the schema reported it
        list_id = int(key)
        pairs: dict[tuple[int, str], set[str]] = {}
        for index, entry in enumerate(entries or ()):
            if isinstance(entry, dict):
                where = path + ("lists", key, index)
                b_numbers = _b_numbers(ctx, where + ("numbers",), entry.get("numbers"), managed)
                a_numbers = _a_numbers(ctx, where, entry, files)
                if ctx.building:  # only checking (validate): every problem is found above, no model is kept
                    for b in b_numbers:  # one set update (a C loop) per B-number, no triple made
                        pairs.setdefault((list_id, b), set()).update(a_numbers)
        lists[list_id] = PairSet({pair: frozenset(a_numbers) for pair, a_numbers in pairs.items()})
    return Blacklists(active=active, lists=lists)


def _b_numbers(ctx: Context, path: Path, value: Any, managed: Sequence[str]) -> list[str]:
    if value == "all":
        if not managed:
            ctx.warning(path, "numbers: all, but no number is listed under numbers of this account; "
                              "the entry blocks nothing", code="blacklist-blocks-nothing")
        return list(managed)
    if not isinstance(value, list):
        return []
    wires = [ctx.phone(path + (i,), number) for i, number in enumerate(value)]
    return [wire for wire in wires if wire]


def _a_numbers(ctx: Context, path: Path, entry: dict[str, Any], files: dict[FilePath, list[str]]) -> list[str]:
    numbers: list[str] = []
    block = entry.get("block")
    if isinstance(block, list):
        wires = [ctx.phone(path + ("block", i), number) for i, number in enumerate(block)]
        if ctx.ignore.patterns("blacklist_numbers"):
            for index, wire in enumerate(wires):
                if wire and check_named(ctx, "blacklist_numbers", wire, path + ("block", index)):
                    wires[index] = None
        numbers.extend(wire for wire in wires if wire)
    block_file = entry.get("block_file")
    if isinstance(block_file, str) and not (ctx.has_variable(block_file) and not ctx.building):
        file = ctx.repo_file(path + ("block_file",), block_file, "block_file")
        if file is None:
            return numbers
        if file not in files:
            files[file] = _read_block_file(ctx, path + ("block_file",), file)
            if ctx.ignore.patterns("blacklist_numbers"):
                files[file] = [wire for wire in files[file] if not check_named(
                    ctx, "blacklist_numbers", wire, path + ("block_file",), what=f"{wire!r} (in {ctx.shown(file)})")]
        numbers.extend(files[file])
    return numbers


def bad_token(content: str) -> tuple[str, int]:
    """The part of a bad line to show, and its offset: the first word holding a character no phone
    number has (a line of ``.git/config`` shows ``url``, not the URL), else the first word."""
    words = [(m.group(), m.start()) for m in _WORD.finditer(content)]
    if not words:
        return "", 0
    return next(((w, at) for w, at in words if not _PHONE_CHARS.fullmatch(w)), (content.strip(), words[0][1]))


def _read_block_file(ctx: Context, path: Path, file: FilePath) -> list[str]:
    """The numbers of a block file: one per line, ``#`` starts a comment; errors at the file's lines."""
    try:
        text = safe_files.read_bytes(file, safe_files.BLOCK_FILE_MAX_BYTES).decode("utf-8")
    except FileNotFoundError:
        ctx.error(path, f"block file {ctx.shown(file)} not found")
        return []
    except safe_files.UnsafeFile as exc:
        ctx.error(path, f"block file {ctx.shown(file)} {exc}")
        return []
    except UnicodeDecodeError as exc:
        ctx.error(path, f"block file {ctx.shown(file)} is not UTF-8 text (byte {exc.start})")
        return []
    shown = ctx.shown(file)
    listed_in = ctx.doc.locate(path)[0]  # the file that names the block file (an included one, maybe)
    numbers = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0]
        number = content.strip()
        if not number:
            continue
        wire = ctx.normalise(number)
        if wire is None:
            token, offset = bad_token(content)
            ctx.diagnostics.append(Diagnostic(shown, line_number, offset + 1,
                                              f"'{excerpt(token, BAD_TOKEN_SHOWN)}' is not a valid phone number "
                                              f"(listed in {listed_in} as block_file); expected one number per line"))
        else:
            numbers.append(wire)
    return numbers
