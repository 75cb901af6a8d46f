"""Check before write, verify after: the items of one account during an apply (issue 15).

Provider APIs offer no lock and no version number, so an apply cannot stop anyone else
from writing. What it can do, per item (a number's forwards, a SIP line, a redirect, a
black-list pair...; the provider names them):

- right before the first write of an item, read it again and compare it with the state
  the plan was made from; if it changed, none of its calls is sent, nor those of items
  that need it (a forward to a SIP line whose creation was skipped); a batched request
  carrying it is rebuilt without it (the other items keep their single request);
- after every call of the account has run, read every item it wrote back and compare it
  with the desired state: an apply reports success only for what it saw.

Reads happen only for items with changes, grouped: one read per batched request and
one verify read per account (providers answer it with as few list calls as they can).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from telconf.errors import TelconfError
from telconf.plan.data import AccountPlan, Call
from telconf.providers.base import OutageWords, Provider


class ItemStatus(str, Enum):
    """What became of one item an apply meant to change."""

    VERIFIED = "done"  # every call done, and read back as desired
    CONFLICT = "conflict"  # every call done, but read back otherwise: someone else wrote
    CHANGED = "changed since the plan"  # not (all) sent: it changed since the plan, or one it needs did
    FAILED = "failed"
    NOT_ATTEMPTED = "not attempted"


@dataclass
class ItemResult:
    """One item of the plan and its outcome; ``calls`` are the plan positions serving it."""

    account: str
    item: str
    label: str
    status: ItemStatus = ItemStatus.NOT_ATTEMPTED
    detail: str | None = None
    outage: bool = False  # left out of service while the config wants it in service (ItemCheck.outage)
    words: OutageWords = OutageWords()  # how its provider names an outage
    restored: str | None = None  # what was done to end the outage
    calls: list[int] = field(default_factory=list)


class ItemGuard:
    """The items of one account plan: which calls serve them, checks, stops and verifies."""

    def __init__(self, provider: Provider[Any], account: AccountPlan, positions: Sequence[int]):
        self.provider = provider
        self.account = account
        self.change_items = [provider.item_of(change) for change in account.changes]
        self.call_items: list[tuple[str, ...]] = []
        self.first_write: dict[str, int] = {}
        self.items: dict[str, ItemResult] = {}
        for index, served in enumerate(account.call_changes):
            served_items = [self.change_items[i] for i in served]
            named = tuple(dict.fromkeys(item for item in served_items if item is not None))
            self.call_items.append(named)
            for item in named:
                result = self.items.setdefault(item, ItemResult(account.account, item, provider.item_label(item)))
                result.calls.append(positions[index])
                # Checked before its first call: a read the plan runs first (getNextSIP) belongs
                # to the item's write and must not fail on a change the check would report.
                self.first_write.setdefault(item, index)
        self.needs = provider.item_needs(account.changes) if self.items else {}
        self.stopped: dict[str, str] = {}
        self._checked: set[str] = set()
        self._lock = threading.Lock()

    def calls_to_send(self, index: int) -> tuple[list[Call], str | None]:
        """The requests to send for planned call ``index`` now: the call itself, the call
        rebuilt without the items that must not be written, or none (with the reason)."""
        call = self.account.calls[index]
        items = self.call_items[index]
        if not items:
            return [call], None
        due = [i for i in items if self.first_write.get(i) == index and i not in self._checked]
        if due:
            self._check(due)
        if call.write:
            for item in items:
                if item not in self.stopped and item not in due:  # just read: that read is the guard's
                    reason = self.provider.guard_write(call, item)
                    if reason:
                        self.stop(item, reason)
        live = [i for i in items if i not in self.stopped]
        if not live:
            return [], self.stopped[items[0]]
        if len(live) == len(items):
            return [call], None
        return self._rebuilt(index, set(live)), None

    def _check(self, items: list[str]) -> None:
        """Read ``items`` again; stop those that differ from the state the plan was made from."""
        view = self.provider.read_items(items)
        for item in items:
            planned, now = self.provider.item_state(None, item), self.provider.item_state(view, item)
            if planned != now:
                self.stop(item, f"changed since the plan: {self.provider.describe_item_change(item, planned, now)}")
        with self._lock:
            self._checked.update(items)

    def stop(self, item: str, reason: str) -> None:
        """No more calls of ``item``, nor of the items that need it (transitively)."""
        with self._lock:
            pending = [(item, reason)]
            while pending:
                name, why = pending.pop()
                if name in self.stopped:
                    continue
                self.stopped[name] = why
                label = self.provider.item_label(name)
                pending += [(other, f"not sent: it needs {label}, which {why}")
                            for other, needed in self.needs.items() if name in needed and other not in self.stopped]

    def _rebuilt(self, index: int, live: set[str]) -> list[Call]:
        """Call ``index`` made again from the own calls of the changes it still serves.

        Dropping an item from a batch keeps one request for the others (splitting it
        would only add requests).
        """
        call = self.account.calls[index]
        kept = [(own, (i,)) for i in self.account.call_changes[index]
                if self.change_items[i] is None or self.change_items[i] in live
                for own in self.account.changes[i].calls if own.method == call.method]
        return [replace(c, stage=call.stage, lane=call.lane) for c, _ in self.provider.batch(kept)]

    def _restore(self, item: str) -> str:
        """End an outage at once (the report still says it happened, loudly)."""
        try:
            done = self.provider.restore_service(item)
        except TelconfError as exc:
            return f"telconf could not restore it ({exc})"
        return done or "it is in service again (someone else restored it)"

    def verify(self, statuses: dict[int, str]) -> None:
        """Settle every item's status; read back (once) the items whose calls all ran.

        ``statuses`` maps plan positions to call statuses ("done", "failed", ...).
        """
        to_verify, complete = [], set()
        for item, result in self.items.items():
            states = [statuses[p] for p in result.calls]
            if "failed" in states:
                result.status = ItemStatus.FAILED
            elif item in self.stopped:
                result.status, result.detail = ItemStatus.CHANGED, self.stopped[item]
            elif all(s == "done" for s in states):
                complete.add(item)
            else:
                result.status = ItemStatus.NOT_ATTEMPTED
            if "done" in states:  # partly written too: look for a number left without forwards
                to_verify.append(item)
        if not to_verify:
            return
        try:
            view = self.provider.read_items(to_verify, verify=True)
        except TelconfError as exc:
            for item in to_verify:
                if item in complete:
                    self.items[item].status = ItemStatus.FAILED
                    self.items[item].detail = f"could not be read back after the apply: {exc}"
            return
        for item in to_verify:
            result = self.items[item]
            check = self.provider.check_item(view, item)
            result.outage = check.outage
            result.words = self.provider.outage_words
            if check.outage:
                result.restored = self._restore(item)
            if item not in complete:
                continue
            if check.problem is None:
                result.status = ItemStatus.VERIFIED
            else:
                result.status = ItemStatus.CONFLICT
                result.detail = f"read back after the apply, it is not as desired (someone else wrote it?): " \
                                f"{check.problem}"
