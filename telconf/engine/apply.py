"""Carry out a plan: run each account's calls in the order its edges allow, and report.

A call starts as soon as what it waits for is done (``telconf.plan.order``: its lane's
previous call, the changes it needs, and every earlier stage when its change did not
say what it needs): calls of independent lanes (usually different phone numbers) run
in parallel, each lane in its own order, at most ``parallelism`` requests in flight per
account. Accounts run one after the other. The first failure stops everything: calls in
flight finish, nothing new starts, and the report says what was done, what failed (with
the provider's code and message) and what was not attempted. Ctrl-C stops the same way.

Other writers exist (issue 15): ``telconf.engine.apply_items`` re-reads each item right before
its first write and skips it if it changed since the plan, and reads back every item
written once every call of its account has ended. The apply is a success only when
every item it touched was read back as desired. Those reads ride along (issue 25): the
checks go in slots no call can use (and a call waiting for its check holds none), a read
ahead about to be too old for its write is made again while the calls before the write
run, the next account reads its first items ahead while this one's last calls run, and an
account's read-backs take only slots nothing else wants, while the next account's
calls run.
"""

from __future__ import annotations

import dataclasses
import heapq
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from telconf.engine.apply_items import ItemGuard, ItemResult, ItemStatus, Settling, ReadJob
from telconf.core.errors import ApplyError, ProviderError
from telconf.guard.hosts import address
from telconf.plan.data import AccountPlan, Call, Plan, has_placeholders, resolve
from telconf.plan.order import Frontier, call_graph
from telconf.plan.render import MARKERS
from telconf.providers.base import Provider


class CallStatus(str, Enum):
    """What became of one call."""

    DONE = "done"
    FAILED = "failed"
    NOT_ATTEMPTED = "not attempted"
    SKIPPED = "not sent"  # its item changed since the plan (or one it needs did)


@dataclass
class CallResult:
    """One call of the plan and its outcome; ``position`` counts from 1 over the plan."""

    account: str
    position: int
    call: Call
    label: str
    status: CallStatus = CallStatus.NOT_ATTEMPTED
    error: str | None = None
    code: str | None = None
    started: float | None = None  # time.time() when the call was sent
    seconds: float | None = None  # how long it took, retries included
    lost: str | None = None  # it follows a call that ``holds_next`` and was not carried out: what that lost


@dataclass(frozen=True)
class CallEvent:
    """Progress: a call started (``status`` "start") or ended ("done" / "failed")."""

    result: CallResult
    total: int
    status: str


ProgressCallback = Callable[[CallEvent], None]


@dataclass
class ApplyReport:
    """Every call of an apply with its outcome, in plan order."""

    results: list[CallResult] = field(default_factory=list)
    interrupted: bool = False
    signal: int | None = None  # the signal that stopped it (SIGINT, SIGTERM), when one did
    seconds: float = 0.0
    items: list[ItemResult] = field(default_factory=list)  # checked and verified items (issue 15)
    checked: bool = True  # False: run without check and verify (benchmarks only)

    def items_with(self, status: ItemStatus) -> list[ItemResult]:
        return [i for i in self.items if i.status is status]

    @property
    def losses(self) -> list[str]:
        """What the second step of a two-step change not carried out lost (state outside the config)."""
        return [r.lost for r in self.results if r.lost]

    @property
    def outages(self) -> list[ItemResult]:
        """Items read back out of service although the config wants them in service."""
        return [i for i in self.items if i.outage]

    def with_status(self, status: CallStatus) -> list[CallResult]:
        return [r for r in self.results if r.status is status]

    @property
    def done(self) -> list[CallResult]:
        return self.with_status(CallStatus.DONE)

    @property
    def failed(self) -> list[CallResult]:
        return self.with_status(CallStatus.FAILED)

    @property
    def not_attempted(self) -> list[CallResult]:
        return self.with_status(CallStatus.NOT_ATTEMPTED)

    @property
    def ok(self) -> bool:
        return (not self.interrupted and all(r.status is CallStatus.DONE for r in self.results)
                and all(i.status is ItemStatus.VERIFIED for i in self.items))

    def lines(self, limit: int = 20) -> Iterator[str]:
        """The report as text lines; long groups show their first ``limit`` entries.

        State lost outside the config comes first, then an item left out of service, in its
        provider's words; then the calls by outcome, then the items (when they were
        checked) by outcome.
        """
        for lost in self.losses:
            yield f"!!! {lost}."
        for item in self.outages:
            yield f"!!! {item.words.alarm}: {item.account}: {item.label} {item.words.detail}; " \
                  f"{item.restored or 'not restored'}. Check it and run `telconf apply` again now."
        groups = (("Done", "✓", self.done), ("Failed", "✗", self.failed),
                  ("Not attempted", "·", self.not_attempted),
                  ("Not sent", "~", self.with_status(CallStatus.SKIPPED)))
        for title, mark, results in groups:
            if not results and title == "Not sent":
                continue
            yield f"{title} ({len(results)}):"
            for result in results[:limit]:
                reason = f": {result.error}" if result.error else ""
                yield f"  {mark} [{result.position}] {result.account}: {result.label}{reason}"
            if len(results) > limit:
                yield f"  … and {len(results) - limit} more"
        item_groups = (("done (read back as desired)", "✓", ItemStatus.VERIFIED),
                       ("conflict", "!", ItemStatus.CONFLICT),
                       ("changed since the plan, not written", "~", ItemStatus.CHANGED),
                       ("failed", "✗", ItemStatus.FAILED), ("not attempted", "·", ItemStatus.NOT_ATTEMPTED))
        if self.items:
            yield "Items:"
            for title, mark, status in item_groups:
                items = self.items_with(status)
                yield f"  {title} ({len(items)}):"
                for item in items[:limit]:
                    reason = f": {item.detail}" if item.detail and status is not ItemStatus.VERIFIED else ""
                    yield f"    {mark} {item.account}: {item.label}{reason}"
                if len(items) > limit:
                    yield f"    … and {len(items) - limit} more"


def call_label(account: AccountPlan, index: int) -> str:
    """``method (+ kind key, ...)``: the call and the changes it serves."""
    call = account.calls[index]
    served = account.call_changes[index] if index < len(account.call_changes) else ()
    changes = [account.changes[i] for i in served if i < len(account.changes)]
    if not changes:
        return call.method
    parts = [f"{MARKERS.get(c.action.value, '?')} {c.kind} {c.key}" for c in changes[:3]]
    if len(changes) > 3:
        parts.append(f"+{len(changes) - 3} more")
    return f"{call.method} ({', '.join(parts)})"


class Applier:
    """Runs a plan through the providers that planned it."""

    def __init__(self, providers: Mapping[str, Provider[Any]], *, parallelism: int = 8,
                 progress: ProgressCallback | None = None, check: bool = True):
        self.providers = providers
        self.check = check  # check before write and verify after (off only to measure their cost)
        self.parallelism = max(1, parallelism)
        self.progress = progress
        self.interrupted = False
        self.signal: int | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.report: ApplyReport | None = None  # the report so far, even if apply never returns

    @property
    def stopping(self) -> threading.Event:
        """Set once the apply stops starting calls (a failure or Ctrl-C)."""
        return self._stop

    def apply(self, plan: Plan) -> ApplyReport:
        """Run every call; return the report, or raise ApplyError carrying it."""
        started = time.monotonic()
        report = self.report = ApplyReport(checked=self.check)
        accounts: list[tuple[AccountPlan, list[CallResult]]] = []
        for account in plan.accounts:
            results = [CallResult(account.account, len(report.results) + i + 1, call, call_label(account, i))
                       for i, call in enumerate(account.calls)]
            report.results.extend(results)
            accounts.append((account, results))
        total = len(report.results)
        ended: queue.Queue[tuple[_Slots, int, Future[None]]] = queue.Queue()
        runs = [_Run(account, results, _Slots(self.parallelism, ended, account.account),
                     self.providers[account.account] if self.check else None)
                for account, results in accounts]
        settling: list[Settling] = []
        with self._ctrl_c_stops():
            try:
                for at, run in enumerate(runs):
                    earlier = [r.slots for r in runs[:at] if r.slots.busy]  # the others' threads are gone
                    for done in runs[:at]:
                        if not done.slots.busy:
                            done.slots.close()
                    self._run_account(run, runs[at + 1] if at + 1 < len(runs) else None, earlier, total)
                    if run.guard is not None:
                        # Every call of the account has ended: its items are read back now, never
                        # earlier (``ItemGuard.read_back_groups``), while the next account runs.
                        statuses = None if self.interrupted else {r.position: r.status.value for r in run.results}
                        reading_back = [] if statuses is None else [
                            run.slots.read_back(run.guard.read_back_job(group))
                            for group in run.guard.read_back_groups(statuses)]
                        settling.append(Settling(run.guard, reading_back, statuses))
                _drain([r.slots for r in runs])
            finally:
                for run in runs:
                    run.slots.close()
            for settle in settling:
                report.items.extend(settle.items())
        report.interrupted, report.signal = self.interrupted, self.signal
        report.seconds = time.monotonic() - started
        if not report.ok:
            raise ApplyError(_failure_message(report), report)
        return report

    def _run_account(self, run: _Run, after: _Run | None, earlier: list[_Slots], total: int) -> None:
        """Run one account's calls, each as soon as what it waits for is done, until done or stopping.

        The edges are the plan's (``telconf.plan.order.call_graph``): lanes keep their order,
        a call waits for the changes it needs and, when its change did not say, for every
        earlier stage. At most ``parallelism`` requests are in flight per account (its
        ``_Slots``); of the calls free to go, the first in plan order goes first.

        Reads ride along (issue 25). A slot no call can use reads ahead the items whose
        first writes come next. The ``earlier`` accounts' read-backs take only slots
        nothing else wants, in their own accounts' slots, beside this one's calls. Once at
        most one round of this account's calls is left to start (``parallelism`` or fewer),
        the account after it reads ahead the items its first calls write: answered about
        when this account's last calls end. A read ahead must not be older than
        ``CHECK_AHEAD_SECONDS`` when its write is judged: once every call that write waits
        for has started (``imminent``; the first ``2 * parallelism`` in plan order), a read
        close to that age is made again in a free slot when no call is ready, beside those
        calls, at most ``READS_AGAIN`` times a call (``ItemGuard.refreshes``); the loop
        wakes when the next one falls due. A read still too old when its write comes is
        made by the write.

        Returns once no call of the account runs or can start any more.
        """
        account, results, guard, slots = run.plan, run.results, run.guarded(), run.slots
        provider = self.providers[account.account]
        refs: dict[str, str] = {}
        followers = _followers(account.calls)
        frontier, ready = run.frontier()
        # The calls about to be free: every call they wait for has started (a second frontier,
        # told of calls as they start, not end): their reads ahead are kept fresh.
        soon = run.soon() if guard is not None else None
        imminent = set(soon.initial()) if soon is not None else set()
        if guard is not None:
            guard.mark_free(ready)
        heapq.heapify(ready)
        calls_in_flight = started = 0
        waiting: dict[int, list[Future[Any]]] = {}  # calls free to go but for their check reads

        while True:
            while ready and slots.free and not self._stop.is_set():
                index = heapq.heappop(ready)
                if guard is not None:
                    jobs, running = guard.reads_before(index, slots.free)
                    for job in jobs:
                        _submit_read(slots, job)
                    if running:
                        waiting[index] = running
                        continue
                slots.submit(index, partial(self._run_call, provider, index, results[index], refs, total, guard,
                                            (followers[index], results[followers[index]]) if index in followers
                                            else None))
                calls_in_flight += 1
                started += 1
                if soon is not None:
                    imminent.discard(index)
                    imminent.update(soon.done(index))
            if not calls_in_flight and (self._stop.is_set() or not (ready or waiting)):
                return  # no call runs, none can start
            refresh_in = None
            if not self._stop.is_set():
                if guard is not None and not ready and slots.free:
                    # Idle slots: first the reads about to be too old for their writes, then
                    # the items whose first writes come next.
                    refresh_in = _read_again(guard, slots, heapq.nsmallest(2 * slots.size, imminent))
                    _read_ahead(guard, slots)
                if after is not None:
                    after.frontier()  # made while calls are in flight, like its guard
                    if after.provider is not None:
                        after.soon()
                upcoming = after.guarded() if after is not None else None
                if upcoming is not None and after is not None and len(account.calls) - started <= slots.size:
                    _read_ahead(upcoming, after.slots)  # the next account's first items
            for other in earlier:
                other.start_read_backs()
            ended = _next_ended(slots.ended, refresh_in)
            if ended is None:
                continue  # a read ahead is due to be made again
            owner, index = ended
            for call in [i for i, reads in waiting.items() if all(f.done() for f in reads)]:
                del waiting[call]
                heapq.heappush(ready, call)
            if owner is not slots or index < 0:
                continue
            calls_in_flight -= 1
            if results[index].status in (CallStatus.DONE, CallStatus.SKIPPED):
                freed = frontier.done(index)
                if guard is not None:
                    guard.mark_free(freed)
                for call in freed:
                    heapq.heappush(ready, call)

    @contextmanager
    def _ctrl_c_stops(self) -> Iterator[None]:
        """While applying, Ctrl-C stops starting calls; the calls in flight finish.

        Their outcome must be known for the report (and the next plan) to be true. SIGTERM
        (a CI job cancelled) stops the same way. A second signal raises KeyboardInterrupt
        (``Terminated`` for SIGTERM) in the main thread as usual; the lanes still finish
        their call in flight, and the call after one that ``holds_next``.
        """
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def stop(signum: int, frame: Any) -> None:
            self.interrupted = True
            self.signal = self.signal or signum
            self._stop.set()
            for number, handler in previous.items():
                signal.signal(number, handler)

        previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for number, handler in previous.items():
                if signal.getsignal(number) is stop:
                    signal.signal(number, handler)

    def _run_call(self, provider: Provider[Any], index: int, result: CallResult, refs: dict[str, str], total: int,
                  guard: ItemGuard | None, follower: tuple[int, CallResult] | None = None) -> None:
        """Run one call; a call that ``holds_next`` runs its ``follower`` (the next of its lane) too."""
        if result.status is not CallStatus.NOT_ATTEMPTED:
            return  # sent already, right after the call it follows (``holds_next``)
        if self._stop.is_set():
            return
        self._attempt(provider, index, result, refs, total, guard, tries=1)
        if follower is not None and result.call.holds_next and result.status in (CallStatus.DONE, CallStatus.FAILED):
            # The second step of a two-step change goes now, in this job, whatever happened
            # since: a signal, this call failing (maybe after it took effect). Retried: idempotent.
            follow_index, follow = follower
            self._attempt(provider, follow_index, follow, refs, total, guard, tries=FOLLOWER_ATTEMPTS)
            if follow.status is not CallStatus.DONE:
                follow.lost = provider.lost_without(follow.call) or \
                    f"{follow.label} follows a call that needs it and was not carried out"

    def _attempt(self, provider: Provider[Any], index: int, result: CallResult, refs: dict[str, str], total: int,
                 guard: ItemGuard | None, *, tries: int) -> None:
        """Send call ``index`` (up to ``tries`` times while it fails), report progress; a failure stops the apply."""
        self._notify(result, total, "start")
        result.started, began = time.time(), time.monotonic()
        for attempt in range(1, tries + 1):
            self._send(provider, index, result, refs, total, guard)
            if result.status is not CallStatus.FAILED or attempt == tries:
                break
            time.sleep(FOLLOWER_PAUSE * attempt)
        result.seconds = time.monotonic() - began
        if result.status is CallStatus.FAILED:
            self._stop.set()
            self._notify(result, total, "failed")
        elif result.status is CallStatus.DONE:
            self._notify(result, total, "done")

    def _send(self, provider: Provider[Any], index: int, result: CallResult, refs: dict[str, str], total: int,
              guard: ItemGuard | None) -> None:
        """Send planned call ``index`` (as the guard allows it) and set ``result``'s status."""
        try:
            calls, skipped = guard.calls_to_send(index) if guard is not None else ([result.call], None)
            if not calls:
                result.status, result.error = CallStatus.SKIPPED, skipped
                self._notify(result, total, "skipped")
                return
            bound = None
            for call in calls:
                bound = provider.execute(resolved(call, refs, provider))
        except ProviderError as exc:
            exc.locate(host=address(getattr(provider.account, "url", "")))  # the account is in the line
            result.status, result.error, result.code = CallStatus.FAILED, str(exc), exc.code
        except Exception as exc:  # noqa: BLE001 - any failure stops the apply and is reported
            result.status, result.error = CallStatus.FAILED, f"{type(exc).__name__}: {exc}"
        else:
            if result.call.binds and bound is not None:
                with self._lock:
                    refs[result.call.binds] = bound
            result.status, result.error, result.code = CallStatus.DONE, None, None

    def _notify(self, result: CallResult, total: int, status: str) -> None:
        if self.progress is not None:
            with self._lock:
                self.progress(CallEvent(result, total, status))


def _followers(calls: tuple[Call, ...]) -> dict[int, int]:
    """For each call that ``holds_next``: the index of the next call of its lane."""
    found = {}
    for index, call in enumerate(calls):
        if call.holds_next:
            after = next((j for j in range(index + 1, len(calls)) if calls[j].lane == call.lane), None)
            if after is not None:
                found[index] = after
    return found


FOLLOWER_ATTEMPTS = 3  # the call after one that holds_next, each try with the transport's own retries
FOLLOWER_PAUSE = 1.0  # seconds, times the attempt, between those tries


def resolved(call: Call, refs: Mapping[str, str], provider: Provider[Any]) -> Call:
    """``call`` with its placeholders resolved, for sending only (plans and reports keep them)."""
    if call.params is None or not has_placeholders(call.params):
        return call
    return dataclasses.replace(call, params=resolve(call.params, refs, provider.secret, provider.file))


READ_AHEAD, READ_BACK = -1, -2  # what ``_Slots`` runs besides calls (whose tags are their indices)


@dataclass
class _Run:
    """One account of an apply: its plan, results, slots and, checking, its item guard."""

    plan: AccountPlan
    results: list[CallResult]
    slots: _Slots
    provider: Provider[Any] | None  # checking: the provider its guard asks
    guard: ItemGuard | None = field(default=None, init=False)
    _frontier: tuple[Frontier, list[int]] | None = field(default=None, init=False, repr=False)
    _soon: Frontier | None = field(default=None, init=False, repr=False)

    def frontier(self) -> tuple[Frontier, list[int]]:
        """The account's call graph as it starts, and the calls free to go at once (made once)."""
        if self._frontier is None:
            plan = self.plan
            frontier = Frontier(call_graph(plan.calls, plan.call_changes, plan.changes, plan.account))
            self._frontier = frontier, frontier.initial()
        return self._frontier

    def soon(self) -> Frontier:
        """A second frontier over the same graph, told of calls as they start (made once)."""
        if self._soon is None:
            self._soon = Frontier(self.frontier()[0].graph)
        return self._soon

    def guarded(self) -> ItemGuard | None:
        """The item guard (made when first needed: thousands of black-list items take a while)."""
        if self.guard is None and self.provider is not None:
            self.guard = ItemGuard(self.provider, self.plan, [r.position for r in self.results])
        return self.guard


class _Slots:
    """One account's requests in flight: at most ``size`` (``--parallelism`` is per account).

    Calls and reads ahead start as the apply decides; read-backs wait in a queue for a
    slot nothing else wants (``start_read_backs``). Every request's end is put on the
    apply's one ``ended`` queue, so one loop follows every account.
    """

    def __init__(self, size: int, ended: queue.Queue[tuple[_Slots, int, Future[None]]], name: str):
        self.size, self.name = size, name
        self.in_flight = 0
        self.ended = ended
        self._executor: ThreadPoolExecutor | None = None  # started with the first request
        self._read_backs: deque[tuple[Callable[[], None], Future[None]]] = deque()

    @property
    def free(self) -> int:
        return self.size - self.in_flight

    @property
    def busy(self) -> bool:
        return bool(self.in_flight or self._read_backs)

    def submit(self, tag: int, job: Callable[[], None]) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="telconf-apply")
        future = self._executor.submit(job)
        future.add_done_callback(lambda done: self.ended.put((self, tag, done)))
        self.in_flight += 1

    def read_back(self, job: Callable[[], None]) -> Future[None]:
        """Queue read-back ``job``; the future ends when it has run."""
        ended: Future[None] = Future()
        self._read_backs.append((job, ended))
        return ended

    def start_read_backs(self) -> None:
        """Start queued read-backs in the free slots, oldest first."""
        while self._read_backs and self.free:
            job, ended = self._read_backs.popleft()
            self.submit(READ_BACK, partial(_run_into, job, ended))

    def close(self) -> None:
        """Wait for the requests in flight and end the threads; read-backs never started end
        as cancelled (only after a bug: ``_drain`` runs them all)."""
        while self._read_backs:
            self._read_backs.popleft()[1].cancel()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


def _read_ahead(guard: ItemGuard, slots: _Slots) -> None:
    """Read ahead, in ``slots``' free slots, the items whose first writes come next."""
    for items in guard.upcoming(slots.free):
        job = guard.read_ahead(items)
        if job is not None:
            _submit_read(slots, job)


def _read_again(guard: ItemGuard, slots: _Slots, imminent: list[int]) -> float | None:
    """Read again, in ``slots``' free slots, the items of the ``imminent`` calls whose reads
    ahead are about to be too old (``ItemGuard.refreshes``); the seconds until the next is."""
    groups, refresh_in = guard.refreshes(imminent, slots.free)
    for items in groups:
        job = guard.read_ahead(items, again=True)
        if job is not None:
            _submit_read(slots, job)
    return refresh_in


def _submit_read(slots: _Slots, job: ReadJob) -> None:
    """Start a claimed check read; one that cannot start (a second Ctrl-C) ends unread, so
    that no write waits for it for ever."""
    try:
        slots.submit(READ_AHEAD, job)
    except BaseException:
        job.abandon()
        raise


def _next_ended(ended: queue.Queue[tuple[_Slots, int, Future[None]]],
                within: float | None = None) -> tuple[_Slots, int] | None:
    """Wait for the next request of any account to end: its slots and tag (None: ``within``
    seconds passed first).

    Waits in short slices: a Ctrl-C that lands just before a blocking wait would only be
    handled when that wait ends, and the calls in flight wait for it.
    """
    until = None if within is None else time.monotonic() + within
    while True:
        timeout = 0.05 if until is None else min(0.05, until - time.monotonic())
        if timeout <= 0:
            return None
        try:
            owner, tag, future = ended.get(timeout=timeout)
            break
        except queue.Empty:
            continue
    owner.in_flight -= 1
    future.result()  # re-raise a bug in the runner itself, never a provider error
    return owner, tag


def _drain(every: list[_Slots]) -> None:
    """Run every queued read-back, and wait for every request in flight."""
    while any(s.busy for s in every):
        for slots in every:
            slots.start_read_backs()
        _next_ended(every[0].ended)  # no deadline: it waits for a request


def _run_into(job: Callable[[], None], ended: Future[None]) -> None:
    """Run ``job`` and end ``ended`` with its outcome."""
    if not ended.set_running_or_notify_cancel():
        return
    try:
        job()
    except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for it
        ended.set_exception(exc)
        raise
    ended.set_result(None)


def outage_names(report: ApplyReport, words: str) -> dict[str, str]:
    """``{"NUMBERS LEFT WITH NO FORWARD": "spb: forwards of +7 812 ..."}``: the outages'
    ``account: label`` by the providers' ``words`` (``alarm`` or ``headline``)."""
    found: dict[str, list[str]] = {}
    for item in report.outages:
        found.setdefault(getattr(item.words, words), []).append(f"{item.account}: {item.label}")
    return {title: ", ".join(names) for title, names in found.items()}


def _failure_message(report: ApplyReport) -> str:
    done, not_attempted = len(report.done), len(report.not_attempted)
    if report.losses:
        head = "; ".join(report.losses)
    elif report.outages:
        head = "; ".join(f"{headline}: {names}" for headline, names in outage_names(report, "headline").items())
    elif report.failed:
        first = report.failed[0]
        head = f"apply failed at call {first.position} ({first.account}: {first.label}): {first.error}"
    elif report.interrupted:
        head = "apply interrupted"
    else:
        head = "the apply met concurrent changes"
    tail = f"{done} call{'s' if done != 1 else ''} done, {not_attempted} not attempted"
    if report.items:
        counts = {s: len(report.items_with(s)) for s in ItemStatus}
        tail = (f"items: {counts[ItemStatus.VERIFIED]} done, {counts[ItemStatus.CONFLICT]} conflicted, "
                f"{counts[ItemStatus.CHANGED]} changed since the plan, {counts[ItemStatus.FAILED]} failed, "
                f"{counts[ItemStatus.NOT_ATTEMPTED]} not attempted; {tail}")
        if report.failed:
            first = report.failed[0]
            head += "" if head.startswith("apply failed") else \
                f"; failed at call {first.position} ({first.account}: {first.label}): {first.error}"
    return f"{head}; {tail}"

