"""The live state of a cloudcc account, read from the list commands (CONTRACT 2.2).

Parsing is liberal where the contract says *tolerate* (numbers as strings or ints,
``PENDNIG``, any grouping of LBLIST entries, absent optional keys) and strict about
shape: an answer that is not what a command returns raises ``BadResponse`` naming it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from telconf.core.errors import BadResponse
from telconf.providers.beeline.model import BlacklistEntry, Premedia, Redirect
from telconf.plan.data import fingerprint
from telconf.providers.beeline.blacklists import Pair, PairSet, grouped

PROVIDER = "beeline"


@dataclass(frozen=True)
class LiveVoiceFile:
    """A stored voice file as LVFILES lists it; ``used_by`` are numbers whose PREMEDIA uses it."""

    name: str
    comment: str = ""
    uploaded: str = ""  # DT, the upload time as the server writes it
    used_by: tuple[str, ...] = ()
    pending: bool = False


@dataclass(frozen=True)
class BeelineLive:
    """Everything telconf reconciles on one account.

    ``redirects`` has every client number (None: no redirect); ``premedia`` only numbers
    with a file set; ``recorded`` is empty while ``record_all`` ("*") is on;
    ``file_hashes`` holds SHA-256 of the content of files compared with local ones.
    """

    numbers: tuple[str, ...]
    redirects: Mapping[str, Redirect | None]
    premedia: Mapping[str, Premedia]
    record_all: bool
    recorded: frozenset[str]
    blacklist: AbstractSet[BlacklistEntry]  # a PairSet when read from the server
    active_list: int
    voice_files: Mapping[str, LiveVoiceFile]
    file_hashes: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def blacklist_pairs(self) -> Mapping[Pair, AbstractSet[str]]:
        """``blacklist`` as {(ListID, B): {A, ...}}, the form the diff and the fingerprint use."""
        return grouped(self.blacklist)

    def records(self, number: str) -> bool:
        """Whether calls to ``number`` are recorded now."""
        return self.record_all or number in self.recorded

    def normalised(self) -> dict[str, Any]:
        """JSON-able, order-independent form of the state but its black lists, for the fingerprint.

        The black lists (tens of thousands of entries) are hashed apart, see ``fingerprint``.
        """
        return {
            "redirects": {b: _redirect_data(r) for b, r in sorted(self.redirects.items())},
            "premedia": {b: [p.a or "", p.b or ""] for b, p in sorted(self.premedia.items())},
            "record_all": self.record_all,
            "recorded": sorted(self.recorded),
            "active_list": self.active_list,
            # PENDING flips by itself after an upload; it must not make a saved plan stale.
            "voice_files": {
                f.name: [f.comment, f.uploaded, sorted(f.used_by), self.file_hashes.get(f.name)]
                for f in sorted(self.voice_files.values(), key=lambda f: f.name)
            },
        }

    def fingerprint(self) -> str:
        """Identifies this state: a saved plan made from another one is stale.

        The black lists are fed to the hash pair by pair in sorted order rather than
        through one huge JSON document: same determinism, a fraction of the CPU.
        """
        digest = hashlib.sha256(fingerprint(self.normalised()).encode())
        pairs = self.blacklist_pairs
        for pair in sorted(pairs):
            # Numbers are digits (or empty), so these separators cannot be ambiguous.
            digest.update(f"{pair[0]}:{pair[1]}:{','.join(sorted(pairs[pair]))}\n".encode())
        return "sha256:" + digest.hexdigest()

    def existing(self) -> dict[str, int]:
        """Live items of each kind telconf could delete, for the safety rule."""
        return {
            "redirect": sum(1 for r in self.redirects.values() if r is not None),
            "premedia": len(self.premedia),
            "record": len(self.recorded) if not self.record_all else len(self.numbers),
            "record_all": int(self.record_all),
            "voice_file": len(self.voice_files),
            "blacklist": len(self.blacklist),
        }


def _redirect_data(redirect: Redirect | None) -> Any:
    if redirect is None:
        return None
    return {"to": redirect.to, "caller_id": redirect.caller_id}


# --- parsing ---------------------------------------------------------------------------


def _bad(command: str, what: str) -> BadResponse:
    return BadResponse(f"unexpected answer: {what}", provider=PROVIDER, call=command)


def as_list(value: Any, command: str) -> list[Any]:
    """ConfData that must be a list; absent (None) is an empty list."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(command, f"ConfData is a {type(value).__name__}, expected a list")
    return value


def _entries(value: Any, command: str) -> list[Mapping[str, Any]]:
    items = as_list(value, command)
    if not all(isinstance(item, Mapping) for item in items):
        raise _bad(command, "ConfData entries must be objects")
    return items


def _number(value: Any, command: str, key: str) -> str:
    """A phone number sent as a string or an int; digits only on the wire."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _bad(command, f"{key} is {value!r}, expected a phone number")
    text = str(value).strip().lstrip("+")
    if text and not text.isdigit():
        raise _bad(command, f"{key} is {value!r}, expected a phone number")
    return text


def _numbers(value: Any, command: str, key: str) -> list[str]:
    """A list of numbers; a single number is accepted as a list of one."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [_number(item, command, key) for item in items]


def _int(value: Any, command: str, key: str) -> int:
    try:
        if isinstance(value, bool):
            raise ValueError
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise _bad(command, f"{key} is {value!r}, expected an integer") from None


def parse_rlist(conf: Any) -> dict[str, Redirect | None]:
    """RLIST -> {B: Redirect or None}."""
    redirects: dict[str, Redirect | None] = {}
    for entry in _entries(conf, "RLIST"):
        if "BNumber" not in entry:
            raise _bad("RLIST", "an entry has no BNumber")
        b = _number(entry["BNumber"], "RLIST", "BNumber")
        to = _number(entry.get("RNumber") or "", "RLIST", "RNumber")
        caller = _number(entry.get("ANumber") or "", "RLIST", "ANumber")
        redirects[b] = Redirect(to=to, caller_id=caller or None) if to else None
    return redirects


def parse_mlist(conf: Any) -> dict[str, Premedia]:
    """MLIST -> {B: Premedia} for numbers with at least one file."""
    premedia: dict[str, Premedia] = {}
    for entry in _entries(conf, "MLIST"):
        if "BNumber" not in entry:
            raise _bad("MLIST", "an entry has no BNumber")
        b = _number(entry["BNumber"], "MLIST", "BNumber")
        file_a, file_b = str(entry.get("FileA") or ""), str(entry.get("FileB") or "")
        if file_a or file_b:
            premedia[b] = Premedia(a=file_a or None, b=file_b or None)
    return premedia


def parse_lrecord(conf: Any) -> tuple[bool, frozenset[str]]:
    """LRECORD -> (recording for all, numbers recorded); ``["*"]`` means all."""
    items = [str(item).strip() for item in as_list(conf, "LRECORD")]
    if "*" in items:
        return True, frozenset()
    return False, frozenset(_number(item, "LRECORD", "number") for item in items)


def _cached_numbers(value: Any, command: str, key: str, cache: dict[str, str]) -> list[str]:
    """``_numbers`` for big answers: each distinct number string is checked only once.

    Only strings that passed ``_number`` are cached (an int or a bool never matches a
    string key), so anything else still takes, and fails, the full check.
    """
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    try:
        return [cache[item] for item in items]
    except (KeyError, TypeError):  # a number not seen yet, or an unhashable item
        pass
    numbers = []
    for item in items:
        number = _number(item, command, key)
        if type(item) is str:
            cache[item] = number
        numbers.append(number)
    return numbers


def parse_lblist_pairs(conf: Any) -> dict[Pair, frozenset[str]]:
    """LBLIST, grouped however the server likes, -> {(ListID, B): {A, ...}} (no empty set)."""
    a_sets: dict[Pair, set[str]] = {}
    cache: dict[str, str] = {}
    for entry in _entries(conf, "LBLIST"):
        list_id = _int(entry.get("ListID", 0), "LBLIST", "ListID")
        a_numbers = _cached_numbers(entry.get("ANumber"), "LBLIST", "ANumber", cache)
        for b in _cached_numbers(entry.get("BNumber"), "LBLIST", "BNumber", cache):
            if not a_numbers:
                continue
            a_set = a_sets.get((list_id, b))
            if a_set is None:
                a_sets[(list_id, b)] = set(a_numbers)
            else:
                a_set.update(a_numbers)
    return {pair: frozenset(a_set) for pair, a_set in a_sets.items()}


def parse_lblist(conf: Any) -> PairSet:
    """LBLIST, grouped however the server likes, -> (ListID, B, A) triples."""
    return PairSet(parse_lblist_pairs(conf))


def parse_ablist(conf: Any) -> int:
    """ABLIST (query form) -> the active list; a list of one is tolerated."""
    if isinstance(conf, list) and len(conf) == 1:
        conf = conf[0]
    if conf is None or conf == "":
        return 0  # the documents' default list
    return _int(conf, "ABLIST", "ConfData")


def _pending(entry: Mapping[str, Any]) -> bool:
    value = entry.get("PENDING", entry.get("PENDNIG", "NO"))
    if isinstance(value, bool):
        return value
    return str(value).strip().upper() in {"YES", "Y", "1", "TRUE"}


def parse_lvfiles(conf: Any) -> dict[str, LiveVoiceFile]:
    """LVFILES -> {filename: LiveVoiceFile}; ``PENDNIG`` is read as ``PENDING``."""
    files: dict[str, LiveVoiceFile] = {}
    for entry in _entries(conf, "LVFILES"):
        name = entry.get("filename", entry.get("FileName"))
        if not isinstance(name, str) or not name:
            raise _bad("LVFILES", "an entry has no filename")
        files[name] = LiveVoiceFile(
            name=name,
            comment=str(entry.get("Comment") or ""),
            uploaded=str(entry.get("DT") or ""),
            used_by=tuple(sorted(_numbers(entry.get("BNumber"), "LVFILES", "BNumber"))),
            pending=_pending(entry),
        )
    return files
