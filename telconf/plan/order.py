"""The one place that decides in which order changes run, and what may run at once.

Two sources of order, both data:

- **needs**: a change may name the changes it needs (``Change.needs``, their addresses):
  a forward needs the SIP line it targets created first, a SIP line's delete needs the
  forwards that target it changed first, a menu needs the menu it references. Calls of a
  change wait for every call of the changes it needs.
- **the stage table** (``(kind, action) -> stage``, the provider's ``stages.py``): every
  call of a change gets the stage of its (kind, action) (a stage the provider set on a
  call is kept). It is the default between kinds: a staged change (``Change.staged``, the
  default) waits for every call of a staged change of an earlier stage, as if the stages
  were barriers. A change that says its ``needs`` are all it needs (``staged=False``)
  waits only for them and its lane, and no staged change waits for it unless it needs
  it: its lane runs beside the stages. The stage table is also the tie-break: of the calls free to go, the smaller stage goes first, then
  the provider's own order.

And always: calls of one **lane** (usually one phone number; "" = the account) keep their
order, and so do the calls of one change. ``order_calls`` sorts an account's calls
topologically (with that tie-break, so a plan whose needs agree with its stages keeps the
stable stage order), refusing a cycle the provider did not break, with the addresses of
the changes on it. ``call_graph`` gives ``apply`` the same edges for the batched calls:
a call starts once what it waits for is done, independent lanes run in parallel.

The rules every stage table follows: a stage is a positive integer, smaller runs first;
what another change needs is created in an earlier stage and deleted in a later one.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, replace

from telconf.core.errors import PlanError
from telconf.plan.data import Action, Call, CallWithChanges, Change, StageTable, ref_names


def stage_of(stages: StageTable, kind: str, action: Action) -> int:
    """The stage of a change; a pair the table lacks is a programming error of its provider."""
    try:
        return stages[(kind, action)]
    except KeyError:
        raise KeyError(f"no stage for {kind}/{action.value}: add it to the provider's stage table") from None


def change_needs(changes: Sequence[Change], account: str) -> list[set[int]]:
    """For each change, the indices of the changes it needs (resolved from their addresses).

    A need that names no change of the plan is a ``PlanError`` (a saved plan restricted to
    some items is checked for that first: ``dangling_needs``).
    """
    index = address_index(changes, account)
    found: list[set[int]] = []
    for i, change in enumerate(changes):
        needed = set()
        for address in change.needs:
            if address not in index:
                raise PlanError(f"{change.address(account)} needs {address}, which the plan does not change")
            if index[address] != i:
                needed.add(index[address])
        found.append(needed)
    return found


def address_index(changes: Sequence[Change], account: str) -> dict[str, int]:
    """Change index by address. Several changes may share one (a number's forward moves and
    its deletes at one position): a need then names the last, which comes after the others
    in its lane."""
    return {change.address(account): i for i, change in enumerate(changes)}


def dangling_needs(changes: Sequence[Change], account: str) -> list[tuple[str, str]]:
    """``(change, needed)`` address pairs whose needed change is not among ``changes``."""
    index = address_index(changes, account)
    return [(change.address(account), address) for change in changes
            for address in change.needs if address not in index]


def order_calls(changes: Sequence[Change], stages: StageTable, account: str = "") -> list[CallWithChanges]:
    """Every change's calls, each with its stage set, in an order that respects every need.

    Calls are sorted by stage, stably; then topologically by the needs and lanes (of the
    calls free to go, the first in that stable order goes first): with needs that agree
    with the stages, the stable stage order itself. A cycle is a ``PlanError`` naming the
    changes on it. ``account`` resolves the addresses needs name.
    """
    staged: list[CallWithChanges] = []
    for index, change in enumerate(changes):
        for call in change.calls:
            stage = call.stage or stage_of(stages, change.kind, change.action)
            staged.append((_with_stage(call, stage), (index,)))
    staged.sort(key=lambda item: item[0].stage)
    if not any(change.needs for change in changes):
        return staged  # nothing to sort by: stages and lanes already agree with this order
    graph = _graph(staged, changes, change_needs(changes, account), forward=True)
    order = _topological(graph, changes, account, staged)
    return [staged[i] for i in order]


@dataclass(frozen=True)
class CallGraph:
    """What each call of an account plan waits for (``apply`` starts a call once it is free).

    ``after[i]``: the calls that must be done before call ``i`` starts (its lane's previous
    call, its change's previous call, the calls of the changes it needs); ``staged[i]``: it
    is staged: it also waits for every staged call of an earlier stage;
    ``stages[i]``: its stage.
    """

    after: tuple[frozenset[int], ...]
    staged: tuple[bool, ...]
    stages: tuple[int, ...]

    def dependents(self) -> list[list[int]]:
        """For each call, the calls whose ``after`` names it."""
        found: list[list[int]] = [[] for _ in self.after]
        for i, before in enumerate(self.after):
            for j in before:
                found[j].append(i)
        return found


def call_graph(calls: Sequence[Call], call_changes: Sequence[Sequence[int]], changes: Sequence[Change],
               account: str) -> CallGraph:
    """The edges between the (ordered, batched) calls of an account plan.

    Edges only point back: the plan's order already respects them (``order_calls``, then
    batching of adjacent calls). A need on a later call is a ``PlanError``.
    """
    items: list[CallWithChanges] = [(call, tuple(served)) for call, served in zip(calls, call_changes)]
    return _graph(items, changes, change_needs(changes, account), forward=False)


def _graph(items: Sequence[CallWithChanges], changes: Sequence[Change], needs: Sequence[set[int]],
           *, forward: bool) -> CallGraph:
    """The calls each call waits for: lane and change predecessors, needed changes' calls.

    ``forward``: needs may point at later calls (before sorting); otherwise such a need is
    an error (batching put a call before one it needs).
    """
    calls_of: dict[int, list[int]] = {}
    for position, (_, served) in enumerate(items):
        for change in served:
            calls_of.setdefault(change, []).append(position)
    waits: list[set[int]] = [set() for _ in items]
    last_in_lane: dict[str, int] = {}
    last_of_change: dict[int, int] = {}
    bound: dict[str, int] = {}
    for position, (call, served) in enumerate(items):
        wait = waits[position]
        wait.update(bound[name] for name in ref_names(call.params) if name in bound)
        if call.binds:
            bound[call.binds] = position
        if call.lane in last_in_lane:
            wait.add(last_in_lane[call.lane])
        last_in_lane[call.lane] = position
        for change in served:
            if change in last_of_change:
                wait.add(last_of_change[change])
            last_of_change[change] = position
            for needed in needs[change]:
                for other in calls_of.get(needed, ()):
                    if other == position:
                        continue
                    if not forward and other > position:
                        raise PlanError(f"call {position + 1} ({call.method}) comes before call {other + 1}, "
                                        "which it needs: batching must keep the planned order")
                    wait.add(other)
    staged = tuple(not served or any(changes[c].staged for c in served) for _, served in items)
    return CallGraph(tuple(frozenset(w) for w in waits), staged, tuple(call.stage for call, _ in items))


class Frontier:
    """The calls free to go, as calls are done: explicit edges, and stage barriers.

    Shared by the topological sort and by ``apply`` (which marks calls done as they end,
    in any order). A staged call is free once its ``after`` are done and no staged call
    of an earlier stage is left.
    """

    def __init__(self, graph: CallGraph):
        self.graph = graph
        self._blocking = [len(a) for a in graph.after]
        self._dependents = graph.dependents()
        self._left: dict[int, int] = {}
        for stage, staged in zip(graph.stages, graph.staged):
            if staged:
                self._left[stage] = self._left.get(stage, 0) + 1
        self._parked: dict[int, list[int]] = {}
        self.low = min(self._left, default=0)  # the smallest stage with staged calls not done

    def initial(self) -> list[int]:
        return self._free([i for i, count in enumerate(self._blocking) if count == 0])

    def done(self, call: int) -> list[int]:
        """Mark ``call`` done; the calls it frees, in plan order."""
        freed = []
        for k in self._dependents[call]:
            self._blocking[k] -= 1
            if self._blocking[k] == 0:
                freed.append(k)
        stage = self.graph.stages[call]
        if not self.graph.staged[call]:
            return self._free(sorted(freed))
        self._left[stage] -= 1
        if not self._left[stage]:
            del self._left[stage]
            low = min(self._left, default=stage)
            if low != self.low:
                self.low = low
                for parked in sorted(s for s in self._parked if s <= low):
                    freed += self._parked.pop(parked)
        return self._free(sorted(freed))

    def _free(self, calls: list[int]) -> list[int]:
        free = []
        for i in calls:
            stage = self.graph.stages[i]
            if self.graph.staged[i] and stage > self.low:
                self._parked.setdefault(stage, []).append(i)
            else:
                free.append(i)
        return free


def _topological(graph: CallGraph, changes: Sequence[Change], account: str,
                 items: Sequence[CallWithChanges]) -> list[int]:
    """Kahn's algorithm, the first call free to go first; a cycle raises with its changes."""
    frontier = Frontier(graph)
    ready = frontier.initial()
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for k in frontier.done(i):
            heapq.heappush(ready, k)
    if len(order) < len(items):
        left = set(range(len(items))) - set(order)
        raise PlanError("these changes need each other in a circle, each the next (the provider must break "
                        "it, e.g. by removing a reference first): " + " -> ".join(_cycle(graph, left, changes, account, items)))
    return order


def _cycle(graph: CallGraph, left: set[int], changes: Sequence[Change], account: str,
           items: Sequence[CallWithChanges]) -> list[str]:
    """The addresses of the changes on one cycle among the calls ``left`` unsorted."""

    def waits(node: int) -> list[int]:
        found = [j for j in graph.after[node] if j in left]
        if graph.staged[node]:
            found += [j for j in left if graph.staged[j] and graph.stages[j] < graph.stages[node]]
        return found

    path: list[int] = []
    seen: dict[int, int] = {}
    node = min(left)
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = min(waits(node))
    loop = path[seen[node]:] + [node]
    addresses: list[str] = []
    for call in loop:  # each waits for the next
        address = changes[items[call][1][0]].address(account)
        if not addresses or addresses[-1] != address:
            addresses.append(address)
    return addresses


def _with_stage(call: Call, stage: int) -> Call:
    return call if call.stage == stage else replace(call, stage=stage)


__all__ = ["CallGraph", "Frontier", "call_graph", "change_needs", "dangling_needs", "order_calls", "stage_of"]
