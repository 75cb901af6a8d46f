"""Check before write, verify after: the items of one account during an apply (issue 15).

Provider APIs offer no lock and no version number, so an apply cannot stop anyone else
from writing. What it can do, per item (a number's forwards, a SIP line, a redirect, a
black-list pair...; the provider names them):

- before the first write of an item, read it again (sent at most ``CHECK_AHEAD_SECONDS``
  before) and compare it with the state the plan was made from; if it changed, none of
  its calls is sent, nor those of items that need it (the changes' ``needs``: a forward
  to a SIP line whose creation was skipped); a batched request carrying it is rebuilt
  without it (the other items keep their single request);
- read every item written back and compare it with the desired state, once every call
  of the account has ended (never earlier: ``ItemGuard.read_back_groups``). An apply
  reports success only for what it saw.

Reads happen only for items with changes, grouped: items of one read group (one list
call) whose writes are due together share one check read, and read-backs are made per
read group (issue 25: they ride along with the account's other calls). A read ahead about
to grow too old before its write is made again while the calls ahead of that write run
(``ItemGuard.refreshes``), so that at a high latency the write need not read it itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cached_property
from typing import Any

from telconf.core.errors import TelconfError
from telconf.plan.data import AccountPlan, Call
from telconf.plan.order import change_needs
from telconf.providers.base import ItemCheck, OutageWords, Provider


CHECK_AHEAD_SECONDS = 1.0  # how old a check read may be (since it was sent) when its item's first write starts
READS_AGAIN = 2  # times an item is read again ahead of its write at most (a call before it may wait long)


@dataclass(frozen=True)
class _Read:
    """A check read's outcome: when it was sent (the state it saw is no older), how long its
    answer took, and the items it found changed since the plan (why)."""

    sent_at: float
    took: float
    changed: dict[str, str]

    def refresh_at(self) -> float:
        """When to read again an item whose write has not come yet: the read must not be
        older than ``CHECK_AHEAD_SECONDS`` when the write is sent, a round trip later at
        the earliest (the call ahead of it in flight), and the new read takes one too."""
        return self.sent_at + CHECK_AHEAD_SECONDS - 2 * self.took

    def fresh(self, now: float) -> bool:
        """Whether a write sent at ``now`` may trust it."""
        return now - self.sent_at <= CHECK_AHEAD_SECONDS


def _ended(future: Future[_Read] | None) -> _Read | None:
    """The read if it has ended well, else None (running, failed or none)."""
    if future is None or not future.done() or future.exception() is not None:
        return None
    return future.result()


class ReadJob:
    """A claimed check read to run in a slot; ``abandon`` ends it unread if it never runs
    (a write waiting for it then reads itself rather than waiting for ever)."""

    def __init__(self, run: Callable[[], None], future: Future[_Read]):
        self._run, self.future = run, future

    def __call__(self) -> None:
        self._run()

    def abandon(self) -> None:
        if not self.future.done():
            self.future.set_exception(RuntimeError("check read never started"))


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
    name: str | Callable[[str], str] = field(repr=False)  # its label, or what names it (when a report asks)
    status: ItemStatus = ItemStatus.NOT_ATTEMPTED
    detail: str | None = None
    outage: bool = False  # left out of service while the config wants it in service (ItemCheck.outage)
    words: OutageWords = OutageWords()  # how its provider names an outage
    restored: str | None = None  # what was done to end the outage
    calls: list[int] = field(default_factory=list)

    @cached_property
    def label(self) -> str:
        """How reports name it (named when first shown: thousands of black-list numbers
        take a while to format, and a text report shows twenty)."""
        return self.name if isinstance(self.name, str) else self.name(self.item)


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
                result = self.items.setdefault(item, ItemResult(account.account, item, provider.item_label))
                result.calls.append(positions[index])
                # Checked before its first call: a read the plan runs first (getNextSIP) belongs
                # to the item's write and must not fail on a change the check would report.
                self.first_write.setdefault(item, index)
        self.needs = self._item_needs() if self.items else {}
        self.stopped: dict[str, str] = {}
        self._checked: set[str] = set()
        self._lock = threading.Lock()
        # item -> its check read (the latest: an item may be read again before its write)
        self._reads: dict[str, Future[_Read]] = {}
        self._previous: dict[str, Future[_Read]] = {}  # item -> its read before the one running (see refreshes)
        self._again: dict[int, int] = {}  # call -> times its items were read again ahead
        self._version = 0  # counts claims: ``_reads_of`` is remade when it changed
        self._reads_of_call: dict[int, tuple[int, list[tuple[Future[_Read], list[str]]]]] = {}
        self._free: set[int] = set()  # calls free to go (or started): their checks are due now
        self._due_at: dict[str, list[str]] = {}  # read group -> items whose first write is free, unchecked
        self._read_back: dict[str, ItemCheck] = {}  # items read back in the slots, as each compared
        self._ahead = sorted((index, item) for item, index in self.first_write.items())  # for upcoming()
        self._firsts: list[list[str]] = [[] for _ in account.calls]  # call -> the items it writes first
        self._group_items: dict[str, list[str]] = {}  # read group -> its items (those with a first write)
        for index, item in self._ahead:
            self._firsts[index].append(item)
            self._group_items.setdefault(provider.read_group(item), []).append(item)
        self._ahead_at = 0

    def _item_needs(self) -> dict[str, set[str]]:
        """Item -> the items it needs: from the changes' needs (the plan's edges), plus what
        the provider adds that is no order (items one request writes together)."""
        found = {item: set(needed) for item, needed in self.provider.item_needs(self.account.changes).items()}
        for index, needed in enumerate(change_needs(self.account.changes, self.account.account)):
            item = self.change_items[index]
            for other in (self.change_items[n] for n in needed):
                if item is not None and other is not None and other != item:
                    found.setdefault(item, set()).add(other)
        return found

    # --- check before write: each item read before its first write -------------------------
    #
    # Items one request reads together (the provider's ``read_group``: every SIP line is in
    # one getSIPs) are checked together when their first writes are free to go at once, and
    # ``apply`` may read an item ahead of its first write (``read_ahead``) while other calls
    # run, and again when that read is about to grow too old (``refreshes``). A write trusts
    # a read sent at most ``CHECK_AHEAD_SECONDS`` before it is judged (``_check``): older,
    # its items are read again just before it.

    def mark_free(self, indices: Sequence[int]) -> None:
        """Calls ``indices`` may start now: their items' checks are due."""
        with self._lock:
            for index in indices:
                self._free.add(index)
                for item in self.call_items[index]:
                    if self.first_write.get(item) == index and item not in self._checked:
                        self._due_at.setdefault(self.provider.read_group(item), []).append(item)

    def upcoming(self, limit: int) -> list[list[str]]:
        """Up to ``limit`` groups of items whose first write is not free yet, in plan order,
        not read yet: what ``apply`` may read ahead while other calls run (it claims them).

        Walks the first writes once over the whole apply: an item passed is read ahead,
        checked by its own write, or stopped.
        """
        groups: dict[str, list[str]] = {}
        with self._lock:
            while self._ahead_at < len(self._ahead):
                index, item = self._ahead[self._ahead_at]
                if not (index in self._free or item in self._reads or item in self._checked or item in self.stopped):
                    group = self.provider.read_group(item)
                    if group not in groups and len(groups) >= limit:
                        break
                    groups.setdefault(group, []).append(item)
                self._ahead_at += 1
        return list(groups.values())

    def read_ahead(self, items: Sequence[str], *, again: bool = False) -> ReadJob | None:
        """Claim ``items`` for one check read; the job that reads them (None: all claimed).

        ``again``: items whose earlier read has ended are claimed too (``refreshes``); that
        read stays usable while the new one runs (``_usable_read``)."""
        future: Future[_Read] = Future()
        with self._lock:
            claimed = [i for i in items if i not in self._checked and i not in self.stopped
                       and (i not in self._reads or again and self._reads[i].done())]
            for item in claimed:
                if item in self._reads:
                    self._previous[item] = self._reads[item]
                self._reads[item] = future
            self._version += 1
        if not claimed:
            return None

        def job() -> None:
            if future.done():
                return  # abandoned
            try:
                sent_at = time.monotonic()
                view = self.provider.read_items(claimed)
                took = time.monotonic() - sent_at
                # Compared here, in the read's own thread, while the account's calls wait on
                # the network: ~1,600 black-list items take ~10 ms, off the write's path.
                changed = self._changed(claimed, view)
            except BaseException as exc:  # noqa: BLE001 - the write reads again, and reports that failure
                future.set_exception(exc)
            else:
                future.set_result(_Read(sent_at, took, changed))

        return ReadJob(job, future)

    def refreshes(self, calls: Sequence[int], limit: int) -> tuple[list[list[str]], float | None]:
        """Reads to make again before ``calls`` go: calls about to be free (every call they wait
        for has started), in plan order.

        An item's read ahead ages while the calls ahead of its write run: one slow call, or a
        few at a high latency, and it would be older than ``CHECK_AHEAD_SECONDS`` when the write
        comes, which would then read it again itself, a round trip in the lane's path. So the
        items a call writes first are read again two round trips before their read grows too
        old (``_Read.refresh_at``), with the other items of their read group whose calls are
        not free yet (one read serves them all). Not read again: an item a read found changed,
        and the items of a call read again ``READS_AGAIN`` times already (a call before it may
        wait long: for a voice file to be processed); their write reads them if need be.

        Returns up to ``limit`` groups to read now, and the seconds until the next read of
        ``calls`` falls due (None: none will).
        """
        now = time.monotonic()
        due: dict[str, list[str]] = {}
        soonest: float | None = None
        with self._lock:
            for index in calls:
                if index in self._free or self._again.get(index, 0) >= READS_AGAIN:
                    continue
                wanted = False
                for future, items in self._reads_of(index):
                    read = _ended(future)
                    if read is None or (read.changed or self.stopped) and all(
                            i in read.changed or i in self.stopped for i in items):
                        continue
                    group = self.provider.read_group(items[0])
                    if read.refresh_at() > now:
                        wait = read.refresh_at() - now
                        soonest = wait if soonest is None else min(soonest, wait)
                    elif group in due or len(due) < limit:
                        due.setdefault(group, [])
                        wanted = True
                if wanted:
                    self._again[index] = self._again.get(index, 0) + 1
            for group, items in due.items():
                for item in self._group_items.get(group, ()):
                    if item in self._checked or item in self.stopped or self.first_write[item] in self._free:
                        continue
                    read = _ended(self._reads.get(item))
                    if read is not None and item not in read.changed:
                        items.append(item)
        return [items for items in due.values() if items], soonest

    def _reads_of(self, index: int) -> list[tuple[Future[_Read], list[str]]]:
        """The reads of the items call ``index`` writes first, each with its items (under the
        lock; remade only after a claim: a black-list call writes ~1,600 items first)."""
        cached = self._reads_of_call.get(index)
        if cached is not None and cached[0] == self._version:
            return cached[1]
        found: dict[int, tuple[Future[_Read], list[str]]] = {}
        for item in self._firsts[index]:
            future = self._reads.get(item)
            if future is not None:
                found.setdefault(id(future), (future, []))[1].append(item)
        reads = list(found.values())
        self._reads_of_call[index] = (self._version, reads)
        return reads

    def _usable_read(self, item: str) -> _Read | None:
        """The read a write of ``item`` may judge it on: its latest, waited for, or while that
        is still running the one before it if still fresh (None: none; the write reads)."""
        with self._lock:
            future = self._reads.get(item)
            before = self._fresh_before(item, time.monotonic())
        if future is None:
            return None
        if not future.done() and before is not None:
            return before
        try:
            return future.result()
        except Exception:  # noqa: BLE001 - read again by the write: its failure is the one reported
            return None

    def _fresh_before(self, item: str, now: float) -> _Read | None:
        """The read of ``item`` before the one running, if a write at ``now`` may trust it (under the lock)."""
        before = _ended(self._previous.get(item))
        return before if before is not None and before.fresh(now) else None

    def _changed(self, items: Sequence[str], view: Any) -> dict[str, str]:
        """Those of ``items`` that differ in ``view`` from the state the plan was made from: why."""
        found = {}
        for item in items:
            planned, now = self.provider.item_state(None, item), self.provider.item_state(view, item)
            if planned != now:
                found[item] = f"changed since the plan: {self.provider.describe_item_change(item, planned, now)}"
        return found

    def reads_before(self, index: int, slots: int) -> tuple[list[ReadJob], list[Future[Any]]]:
        """Call ``index`` is free to go: the check reads it waits for, so that ``apply`` runs
        them in slots of their own rather than in the call's (a group's read serves every
        call of the group: its other calls need not hold a slot while it runs).

        Returns the jobs of the reads to start now (in at most ``slots``; each reads due
        items not read yet with the other due items of their read group, claimed) and every
        read of the call's due items still running (those jobs' included; not one read again
        while the read before it is still fresh). No job and no read: the call may go (a
        read older than ``CHECK_AHEAD_SECONDS`` is made again in it).
        """
        with self._lock:
            due = [item for item in self.call_items[index]
                   if self.first_write.get(item) == index and item not in self._checked]
            groups: dict[str, list[str]] = {}
            for item in due:
                if item not in self._reads:
                    groups.setdefault(self.provider.read_group(item), []).append(item)
            if len(groups) > slots:
                return [], []  # too many to read apart: the call reads them itself
            claimed = [[*items, *self._due_at.pop(group, [])] for group, items in groups.items()]
        jobs = [job for items in claimed if (job := self.read_ahead(list(dict.fromkeys(items)))) is not None]
        now = time.monotonic()
        with self._lock:
            running = {id(future): future for item in due
                       if (future := self._reads.get(item)) is not None and not future.done()
                       and self._fresh_before(item, now) is None}
        return jobs, list(running.values())

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
            just_read = set(due)  # that read is the guard's (a set: a black-list call serves ~1,600 items)
            for item in items:
                if item not in self.stopped and item not in just_read:
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
        """Stop those of ``items`` that differ from the state the plan was made from.

        They are judged together, once every read they wait for has answered, on reads sent
        at most ``CHECK_AHEAD_SECONDS`` before that moment (ahead, or with the other due
        items of their read group); if one is older (waiting for another aged it), all of
        them are read again now, in one read per read group.
        """
        for item in items:
            self._claim_group(item)
        reads = {item: self._usable_read(item) for item in items}
        now = time.monotonic()
        if all(read is not None and read.fresh(now) for read in reads.values()):
            changed = {item: read.changed[item] for item, read in reads.items()
                       if read is not None and item in read.changed}
        else:
            changed = self._changed(items, self.provider.read_items(items))
        for item, reason in changed.items():
            self.stop(item, reason)
        with self._lock:
            self._checked.update(items)

    def _claim_group(self, item: str) -> None:
        """Read ``item`` with the other due items of its read group, once (the first due reads)."""
        with self._lock:
            if item in self._reads:
                return
            group = self._due_at.pop(self.provider.read_group(item), [])
        job = self.read_ahead(list(dict.fromkeys([item, *group])))
        if job is not None:
            job()

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
        checks = {item: self._read_back[item] for item in to_verify if item in self._read_back}
        unread = [item for item in to_verify if item not in checks]
        if unread:
            try:
                view = self.provider.read_items(unread, verify=True)
                checks.update((item, self.provider.check_item(view, item)) for item in unread)
            except TelconfError as exc:  # the report still comes, with these items failed
                for item in unread:
                    if item in complete:
                        self.items[item].status = ItemStatus.FAILED
                        self.items[item].detail = f"could not be read back after the apply: {exc}"
                    checks.pop(item, None)
        for item in to_verify:
            if item not in checks:
                continue
            result = self.items[item]
            check = checks[item]
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

    # --- read back: once the account's last call has ended, in the account's free slots ----

    def read_back_groups(self, statuses: Mapping[int, str]) -> list[list[str]]:
        """The items to read back once every call of the account has ended, by read group:
        those written, wholly or in part (``statuses``: call position -> status).

        Never earlier: an apply may exit 0 only if it read back all it wrote *after its own
        last write*. Read back as soon as its own calls are done, an item another apply
        writes after that read would go unseen while this apply's later writes overwrite the
        other's, and both could exit 0 with an account that matches neither config.
        """
        groups: dict[str, list[str]] = {}
        for item, result in self.items.items():
            if any(statuses[p] == "done" for p in result.calls):
                groups.setdefault(self.provider.read_group(item), []).append(item)
        return list(groups.values())

    def read_back_job(self, items: list[str]) -> Callable[[], None]:
        """The job reading ``items`` back (a failure leaves them to :meth:`verify`, which reports it)."""

        def job() -> None:
            try:
                view = self.provider.read_items(items, verify=True)
                checks = {item: self.provider.check_item(view, item) for item in items}
            except Exception:  # noqa: BLE001 - read again by verify, which reports the error
                return
            with self._lock:
                self._read_back.update(checks)

        return job


class Settling:
    """One account's items being settled while the next account runs: its read-backs
    still in flight, then :meth:`ItemGuard.verify` (``statuses`` None: interrupted, none)."""

    def __init__(self, guard: ItemGuard, reading_back: list[Future[None]], statuses: dict[int, str] | None):
        self.guard = guard
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._settle, args=(reading_back, statuses),
                                        name="telconf-verify", daemon=True)
        self._thread.start()

    def _settle(self, reading_back: list[Future[None]], statuses: dict[int, str] | None) -> None:
        try:
            for future in reading_back:
                future.result()  # the job catches provider errors: only a bug raises here
            if statuses is not None:
                self.guard.verify(statuses)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the applying thread
            self._error = exc

    def items(self) -> list[ItemResult]:
        """The account's items, settled (waits for the read-backs and the verify)."""
        while self._thread.is_alive():
            self._thread.join(timeout=0.05)  # short slices: Ctrl-C stays responsive
        if self._error is not None:
            raise self._error
        return list(self.guard.items.values())
