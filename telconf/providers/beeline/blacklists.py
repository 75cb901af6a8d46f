"""Black lists as sets of (ListID, B, A), and the fewest SETBLIST/DELBLIST requests.

Pure functions, no HTTP: the provider diffs live and desired entries here, gives each
changed (ListID, B) pair its own small request, and ``merge_*`` folds the requests of a
plan into as few as the wire forms allow (CONTRACT 2.2):

- SETBLIST: B-numbers that get the same A-set share one entry;
- DELBLIST: ``{"ListID":[n]}`` empties whole lists, ``[{"BNumber":[...],"ListID":n}]``
  removes every A of those B-numbers, and only the rest names A-numbers one by one
  (one request per form used).

Everything is set arithmetic over dicts, linear in the number of entries, so 100k
entries cost milliseconds, not minutes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from telconf.providers.beeline.model import BlacklistEntry

Pair = tuple[int, str]  # (ListID, B-number)


@dataclass(frozen=True)
class PairDiff:
    """How the A-numbers of one (ListID, B) pair change.

    ``before``/``after`` are the whole sorted A lists; ``added``/``removed`` the
    difference. ``list_emptied``: the whole list ends up empty (DELBLIST by ListID).
    """

    list_id: int
    b: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    list_emptied: bool = False
    keeps_others: bool = False  # the pair holds A-numbers an ignore rule keeps: never deleted whole

    @property
    def all_removed(self) -> bool:
        """Every A of the pair goes (DELBLIST by B-number is enough)."""
        return bool(self.removed) and not self.after and not self.keeps_others

    def set_data(self) -> list[dict[str, Any]]:
        """SETBLIST ConfData adding this pair's new A-numbers."""
        return [{"BNumber": [self.b], "ANumber": list(self.added), "ListID": self.list_id}]

    def delete_data(self) -> Any:
        """DELBLIST ConfData removing this pair's A-numbers, in the cheapest form."""
        if self.list_emptied:
            return {"ListID": [self.list_id]}
        if self.all_removed:
            return [{"BNumber": [self.b], "ListID": self.list_id}]
        return [{"BNumber": [self.b], "ANumber": list(self.removed), "ListID": self.list_id}]


def by_pair(entries: Iterable[BlacklistEntry], lists: Iterable[int] | None = None) -> dict[Pair, set[str]]:
    """Group entries as {(ListID, B): {A, ...}}, keeping only ``lists`` when given."""
    wanted = None if lists is None else set(lists)
    grouped: dict[Pair, set[str]] = defaultdict(set)
    for list_id, b, a in entries:
        if wanted is None or list_id in wanted:
            grouped[(list_id, b)].add(a)
    return dict(grouped)


class PairSet(Set[BlacklistEntry]):
    """A read-only set of (ListID, B, A) entries kept grouped as {(ListID, B): {A, ...}}.

    What LBLIST parses into: the diff and the fingerprint work on the groups
    (``pairs``), so a plan never builds tens of thousands of entry tuples; it still
    compares equal to (and iterates like) a frozenset of ``BlacklistEntry``.
    """

    def __init__(self, pairs: Mapping[Pair, frozenset[str]]) -> None:
        self.pairs = {pair: a_numbers for pair, a_numbers in pairs.items() if a_numbers}
        self._len = sum(map(len, self.pairs.values()))

    def __contains__(self, entry: object) -> bool:
        if not isinstance(entry, tuple) or len(entry) != 3:
            return False
        return entry[2] in self.pairs.get((entry[0], entry[1]), ())

    def __iter__(self) -> Iterator[BlacklistEntry]:
        for (list_id, b), a_numbers in self.pairs.items():
            yield from map(BlacklistEntry._make, zip(repeat(list_id), repeat(b), a_numbers))

    def __len__(self) -> int:
        return self._len

    def __repr__(self) -> str:
        return f"PairSet({len(self.pairs)} pairs, {self._len} entries)"

    __hash__ = Set._hash


def grouped(entries: Iterable[BlacklistEntry]) -> Mapping[Pair, Set[str]]:
    """``entries`` as {(ListID, B): {A, ...}}, without regrouping a ``PairSet``."""
    return entries.pairs if isinstance(entries, PairSet) else by_pair(entries)


def diff_lists(live: Iterable[BlacklistEntry], desired: Mapping[int, Iterable[BlacklistEntry]]) -> list[PairDiff]:
    """The changed (ListID, B) pairs of the lists named in ``desired``, in sorted order.

    Lists not named in ``desired`` are left alone (SPEC 1: scope).
    """
    return diff_pairs(grouped(live), desired)


def _wanted_pairs(desired: Mapping[int, Iterable[BlacklistEntry]], managed: set[int]) -> Mapping[Pair, Set[str]]:
    """``by_pair`` of every desired entry of the ``managed`` lists, taking a ``PairSet``'s groups as they are.

    The config builds its lists as ``PairSet``s: tens of thousands of entries are not
    regrouped one by one on every plan. Anything else is grouped as before.
    """
    groups = [entries.pairs for entries in desired.values() if isinstance(entries, PairSet)]
    if len(groups) != len(desired):
        return by_pair((e for entries in desired.values() for e in entries), managed)
    wanted: dict[Pair, Set[str]] = {}
    for pairs in groups:
        for pair, a_numbers in pairs.items():
            if pair[0] in managed:
                wanted[pair] = wanted[pair] | a_numbers if pair in wanted else a_numbers
    return wanted


def diff_pairs(
    live_pairs: Mapping[Pair, Set[str]], desired: Mapping[int, Iterable[BlacklistEntry]],
) -> list[PairDiff]:
    """``diff_lists`` for live entries already grouped as {(ListID, B): {A, ...}}."""
    managed = set(desired)
    wanted = _wanted_pairs(desired, managed)
    live_lists = {pair[0] for pair, a_numbers in live_pairs.items() if a_numbers}
    emptied = {
        list_id for list_id in managed
        if not any(True for _ in desired[list_id]) and list_id in live_lists
    }
    diffs = []
    empty: frozenset[str] = frozenset()
    for pair in sorted({pair for pair in live_pairs if pair[0] in managed} | wanted.keys()):
        before, after = live_pairs.get(pair, empty), wanted.get(pair, empty)
        if before == after:
            continue
        diffs.append(PairDiff(
            list_id=pair[0], b=pair[1],
            before=tuple(sorted(before)), after=tuple(sorted(after)),
            added=tuple(sorted(after - before)), removed=tuple(sorted(before - after)),
            list_emptied=pair[0] in emptied,
        ))
    return diffs


def _strings(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def set_pairs(conf_data: Any) -> dict[Pair, set[str]]:
    """The (ListID, B) -> A-set that a SETBLIST (or specific DELBLIST) ConfData names."""
    pairs: dict[Pair, set[str]] = defaultdict(set)
    for entry in conf_data or ():
        list_id = int(entry.get("ListID", 0))
        a_numbers = _strings(entry.get("ANumber", []))
        for b in _strings(entry["BNumber"]):
            pairs[(list_id, b)].update(a_numbers)
    return dict(pairs)


def group_entries(pairs: Mapping[Pair, set[str]]) -> list[dict[str, Any]]:
    """Entries naming each (ListID, B) -> A-set, B-numbers with equal A-sets merged."""
    groups: dict[tuple[int, frozenset[str]], list[str]] = defaultdict(list)
    for (list_id, b), a_numbers in pairs.items():
        if a_numbers:
            groups[(list_id, frozenset(a_numbers))].append(b)
    entries: list[dict[str, Any]] = [
        {"BNumber": sorted(bs), "ANumber": sorted(a_set), "ListID": list_id}
        for (list_id, a_set), bs in groups.items()
    ]
    entries.sort(key=lambda e: (e["ListID"], e["BNumber"][0]))
    return entries


def merge_set(conf_datas: Iterable[Any]) -> list[dict[str, Any]]:
    """One SETBLIST ConfData doing what all of ``conf_datas`` do."""
    merged: dict[Pair, set[str]] = defaultdict(set)
    for conf in conf_datas:
        for pair, a_numbers in set_pairs(conf).items():
            merged[pair] |= a_numbers
    return group_entries(merged)


def merge_delete(conf_datas: Iterable[Any]) -> list[Any]:
    """The fewest DELBLIST ConfData (at most three) doing what all of ``conf_datas`` do.

    CONTRACT 2.2 gives the three forms as separate variants, so one request never mixes
    them: whole lists, then whole B-numbers, then single A-numbers.
    """
    whole_lists: set[int] = set()
    whole_b: dict[int, set[str]] = defaultdict(set)
    specific: dict[Pair, set[str]] = defaultdict(set)
    for conf in conf_datas:
        if isinstance(conf, Mapping):
            whole_lists.update(int(n) for n in _strings(conf.get("ListID", [])))
            continue
        for entry in conf or ():
            list_id = int(entry.get("ListID", 0))
            if "ANumber" in entry:
                for b in _strings(entry["BNumber"]):
                    specific[(list_id, b)].update(_strings(entry["ANumber"]))
            else:
                whole_b[list_id].update(_strings(entry["BNumber"]))
    by_b = [
        {"BNumber": sorted(bs), "ListID": list_id}
        for list_id, bs in sorted(whole_b.items()) if list_id not in whole_lists and bs
    ]
    by_a = group_entries({
        pair: a_numbers for pair, a_numbers in specific.items()
        if pair[0] not in whole_lists and pair[1] not in whole_b.get(pair[0], ())
    })
    requests: list[Any] = [{"ListID": sorted(whole_lists)}] if whole_lists else []
    return requests + [entries for entries in (by_b, by_a) if entries]


def delete_form(conf_data: Any) -> str:
    """Which DELBLIST variant a ConfData is: "lists", "numbers" or "entries"."""
    if isinstance(conf_data, Mapping):
        return "lists"
    return "entries" if any("ANumber" in entry for entry in conf_data) else "numbers"


def biggest_pairs(conf_data: Any, count: int = 3) -> list[tuple[Pair, int]]:
    """The (ListID, B) pairs a SETBLIST ConfData adds most A-numbers to (for 413.2 messages)."""
    sizes = [(pair, len(a_numbers)) for pair, a_numbers in set_pairs(conf_data).items()]
    sizes.sort(key=lambda item: (-item[1], item[0]))
    return sizes[:count]
