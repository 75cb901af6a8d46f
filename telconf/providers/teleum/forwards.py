"""Reconcile an ordered list of forwards in the fewest calls (pure: no I/O).

The available calls are edit (change a forward in place), create (appended last),
delete and move (swap with a neighbour). Once it is decided which live forward becomes
which desired entry, the moves needed are exactly the inversions of that assignment,
so the total is ``edits + creates + deletes + inversions`` and the whole problem is
choosing the assignment (see /work/shared/notes/ordered-forwards.md).

The search: for each set ``S`` of *equal* (live, desired) pairs kept as they are, the
rest is an alignment of the remaining live and desired entries (delete / create /
edit in order), solved exactly by dynamic programming, because edit pairs assigned in
order cost the fewest inversions among themselves and against ``S``. Every ``S`` is
tried for short lists (best lower bound first, stopping once no candidate can win);
above a size bound only a few heuristic sets are tried (LCS, greedy, none).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

EXACT_MAX_LENGTH = 10  # longer lists use the heuristic candidates only
EXACT_MAX_CANDIDATES = 1024  # more equal-pair matchings than this: heuristic too

Pairs = tuple[tuple[int, int], ...]  # (live index, desired index) pairs
Solution = tuple[int, Pairs, Pairs]  # total calls, kept equal pairs, edit pairs


class ForwardSlot(NamedTuple):
    """A forward during reconciliation: live forward ``index``, or created for desired ``index``."""

    source: Literal["live", "new"]
    index: int  # type: ignore[assignment]  # shadows tuple.index on purpose: the name reads as the domain


class Move(NamedTuple):
    """One ``moveForward`` call: swap ``item`` with its neighbour above (``up``) or below."""

    item: ForwardSlot
    direction: Literal["up", "down"]


@dataclass(frozen=True)
class Reconciliation:
    """How to turn a live list into a desired one, in calls.

    ``kept`` maps live index -> desired index for every forward whose identity
    survives (``edits`` are those among them that change); ``creates`` are desired
    indices, in the order they are created; ``deletes`` are live indices; ``moves``
    run last and number exactly the inversions of the assignment.
    """

    kept: Pairs
    edits: Pairs
    creates: tuple[int, ...]
    deletes: tuple[int, ...]
    moves: tuple[Move, ...]
    order_before_moves: tuple[ForwardSlot, ...]

    @property
    def total(self) -> int:
        """Number of calls: edits + creates + deletes + moves."""
        return len(self.edits) + len(self.creates) + len(self.deletes) + len(self.moves)


def reconcile(
    live: Sequence[Hashable],
    desired: Sequence[Hashable],
    *,
    exact_max_length: int = EXACT_MAX_LENGTH,
    exact_max_candidates: int = EXACT_MAX_CANDIDATES,
) -> Reconciliation:
    """The cheapest way (optimal for short lists) from ``live`` to ``desired``.

    Entries are compared with ``==``; equal entries need no edit.
    """
    if list(live) == list(desired):
        # Nothing to do, and no other assignment costs zero calls: skip the search,
        # which enumerates every matching of equal pairs (2^n of them for n forwards).
        # Built here rather than by _build (the same value, tested): a no-op plan asks this for every number.
        slots = tuple(ForwardSlot("live", i) for i in range(len(live)))
        return Reconciliation(kept=tuple((i, i) for i in range(len(live))), edits=(), creates=(), deletes=(),
                              moves=(), order_before_moves=slots)
    equal = [(i, j) for i, a in enumerate(live) for j, b in enumerate(desired) if a == b]
    candidates: list[Pairs] | None = None
    if max(len(live), len(desired)) <= exact_max_length:
        candidates = _matchings(equal, exact_max_candidates)
    # The exact search may price an equal pair left to the alignment as an edit (the
    # candidate keeping it costs less), which keeps its lower bound sound; the
    # heuristic has few candidates, so the alignment must see equal pairs as free.
    exact = candidates is not None
    if candidates is None:
        candidates = _heuristic_candidates(live, desired, equal)

    def lower_bound(kept: Pairs) -> int:
        # Every remaining live entry is deleted or edited, every remaining desired one
        # created or edited; one edit serves one of each.
        rest = max(len(live), len(desired)) - len(kept) if exact else abs(len(live) - len(desired))
        return inversions_of([j for _, j in kept]) + rest

    best: Solution | None = None
    for kept in sorted(candidates, key=lambda s: (lower_bound(s), -len(s))):
        if best is not None and lower_bound(kept) >= best[0]:
            break
        found = _align_rest(live, desired, kept, equal_is_free=not exact,
                            bound=None if best is None else best[0])
        if found is not None and (best is None or found[0] < best[0]):
            best = (found[0], kept, found[1])
    assert best is not None
    if not exact:
        best = _improve(live, desired, best)
    _, kept, edits = best
    return _build(live, desired, kept, edits)


def _improve(
    live: Sequence[Hashable],
    desired: Sequence[Hashable],
    best: Solution,
) -> Solution:
    """Local search for the heuristic: give up kept equal pairs while that pays."""
    improved = True
    while improved:
        improved = False
        for pair in best[1]:
            kept = tuple(p for p in best[1] if p != pair)
            found = _align_rest(live, desired, kept, equal_is_free=True, bound=best[0])
            if found is not None and found[0] < best[0]:
                best, improved = (found[0], kept, found[1]), True
                break
    return best


def inversions_of(order: Sequence[int]) -> int:
    """Pairs out of order: the adjacent swaps needed to sort ``order``."""
    return sum(1 for a, b in itertools.combinations(order, 2) if a > b)


def _matchings(
    equal: list[tuple[int, int]], limit: int
) -> list[Pairs] | None:
    """Every partial matching of the equal pairs, or None when there are more than ``limit``."""
    by_live: dict[int, list[int]] = {}
    for i, j in equal:
        by_live.setdefault(i, []).append(j)
    lives = sorted(by_live)
    found: list[Pairs] = []

    def walk(k: int, used: frozenset[int], chosen: Pairs) -> bool:
        if k == len(lives):
            found.append(chosen)
            return len(found) <= limit
        i = lives[k]
        if not walk(k + 1, used, chosen):
            return False
        for j in by_live[i]:
            if j not in used and not walk(k + 1, used | {j}, chosen + ((i, j),)):
                return False
        return True

    return found if walk(0, frozenset(), ()) else None


def _heuristic_candidates(
    live: Sequence[Hashable], desired: Sequence[Hashable], equal: list[tuple[int, int]]
) -> list[Pairs]:
    """Sets of equal pairs worth trying on long lists: an LCS, a greedy matching, none."""
    greedy: list[tuple[int, int]] = []
    used_live: set[int] = set()
    used_desired: set[int] = set()
    for i, j in sorted(equal, key=lambda p: (abs(p[0] - p[1]), p)):
        if i not in used_live and j not in used_desired:
            greedy.append((i, j))
            used_live.add(i)
            used_desired.add(j)
    return [_lcs(live, desired), tuple(sorted(greedy)), ()]


def _lcs(live: Sequence[Hashable], desired: Sequence[Hashable]) -> Pairs:
    """Pairs of one longest common subsequence (kept in place, no move among them)."""
    n, m = len(live), len(desired)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            table[i][j] = (table[i + 1][j + 1] + 1 if live[i] == desired[j]
                           else max(table[i + 1][j], table[i][j + 1]))
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if live[i] == desired[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return tuple(pairs)


def _align_rest(
    live: Sequence[Hashable],
    desired: Sequence[Hashable],
    kept: Pairs,
    *,
    equal_is_free: bool,
    bound: int | None = None,
) -> tuple[int, Pairs] | None:
    """Cheapest completion of ``kept``: total cost and the edit pairs it uses.

    The remaining entries are aligned in order: each remaining live entry is deleted
    or edited into a remaining desired one, each remaining desired entry not edited
    into is created (last, so it is inverted with every kept entry wanted below it).
    None when a quick lower bound shows the cost cannot be below ``bound``.
    """
    kept_live, kept_desired = {p for p, _ in kept}, {q for _, q in kept}
    rest_live = [i for i in range(len(live)) if i not in kept_live]
    rest_desired = [j for j in range(len(desired)) if j not in kept_desired]
    a, b = len(rest_live), len(rest_desired)
    fixed = inversions_of([q for _, q in sorted(kept)])
    create = [1 + sum(1 for _, q in kept if q > j) for j in rest_desired]
    edit = [
        [
            (0 if equal_is_free and live[i] == desired[j] else 1)
            + sum(1 for p, q in kept if (i < p) != (j < q))
            for j in rest_desired
        ]
        for i in rest_live
    ]
    if bound is not None:
        # Each desired entry is created or edited into (charge the edit to it); live
        # entries beyond the desired ones are deleted.
        floor = sum(min([create[y]] + [edit[x][y] for x in range(a)]) for y in range(b))
        if fixed + floor + max(0, a - b) >= bound:
            return None
    # cost[x][y][c]: cheapest completion from rest_live[x:], rest_desired[y:] once c
    # creates were made; each later edit is inverted with those c created entries.
    tail = [0] * (b + 1)
    for y in range(b - 1, -1, -1):
        tail[y] = tail[y + 1] + create[y]
    cost = [[[0] * (y + 1) for y in range(b + 1)] for _ in range(a + 1)]
    choice = [[[""] * (y + 1) for y in range(b + 1)] for _ in range(a + 1)]
    for x in range(a, -1, -1):
        for y in range(b, -1, -1):
            for c in range(y + 1):
                if x == a:
                    cost[x][y][c], choice[x][y][c] = tail[y], "create"
                elif y == b:
                    cost[x][y][c], choice[x][y][c] = a - x, "delete"
                else:
                    cost[x][y][c], choice[x][y][c] = min(
                        (cost[x + 1][y + 1][c] + edit[x][y] + c, "edit"),
                        (cost[x + 1][y][c] + 1, "delete"),
                        (cost[x][y + 1][c + 1] + create[y], "create"),
                        key=lambda option: option[0],
                    )
    edits: list[tuple[int, int]] = []
    x = y = c = 0
    while x < a and y < b:
        step = choice[x][y][c]
        if step == "edit":
            edits.append((rest_live[x], rest_desired[y]))
            x, y = x + 1, y + 1
        elif step == "delete":
            x += 1
        else:
            y, c = y + 1, c + 1
    return fixed + cost[0][0][0], tuple(edits)


def _build(
    live: Sequence[Hashable],
    desired: Sequence[Hashable],
    kept_equal: Pairs,
    edits: Pairs,
) -> Reconciliation:
    kept = tuple(sorted(kept_equal + edits))
    kept_live = {i for i, _ in kept}
    kept_desired = {j for _, j in kept}
    creates = tuple(j for j in range(len(desired)) if j not in kept_desired)
    deletes = tuple(i for i in range(len(live)) if i not in kept_live)
    order = [ForwardSlot("live", i) for i, _ in kept] + [ForwardSlot("new", j) for j in creates]
    target = {ForwardSlot("live", i): j for i, j in kept} | {ForwardSlot("new", j): j for j in creates}
    return Reconciliation(
        kept=kept,
        edits=tuple(sorted(p for p in edits if live[p[0]] != desired[p[1]])),
        creates=creates,
        deletes=deletes,
        moves=_moves(order, target),
        order_before_moves=tuple(order),
    )


def _moves(order: list[ForwardSlot], target: dict[ForwardSlot, int]) -> tuple[Move, ...]:
    """Insertion sort by desired position: each swap removes exactly one inversion."""
    current = list(order)
    moves: list[Move] = []
    for position in range(len(current)):
        k = next(k for k in range(position, len(current)) if target[current[k]] == position)
        while k > position:
            moves.append(Move(current[k], "up"))
            current[k - 1], current[k] = current[k], current[k - 1]
            k -= 1
    return tuple(moves)
