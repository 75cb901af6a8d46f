"""Carry out a plan: run each account's calls, stage after stage, and report.

Within a stage, calls of different lanes (usually different phone numbers) may run
in parallel, each lane in its own order; the next stage starts when the stage is
done. The first failure stops everything: calls in flight finish, nothing new
starts, and the report says what was done, what failed (with the provider's code
and message) and what was not attempted. Ctrl-C stops the same way.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from telconf.errors import ApplyError, ProviderError
from telconf.plan.data import AccountPlan, Call, Plan
from telconf.plan.render import MARKERS
from telconf.providers.base import Provider


class CallStatus(str, Enum):
    """What became of one call."""

    DONE = "done"
    FAILED = "failed"
    NOT_ATTEMPTED = "not attempted"


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
    seconds: float = 0.0

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
        return not self.interrupted and all(r.status is CallStatus.DONE for r in self.results)

    def lines(self, limit: int = 20) -> Iterator[str]:
        """The report as text lines; long groups show their first ``limit`` calls."""
        groups = (("Done", "✓", self.done), ("Failed", "✗", self.failed),
                  ("Not attempted", "·", self.not_attempted))
        for title, mark, results in groups:
            yield f"{title} ({len(results)}):"
            for result in results[:limit]:
                reason = f": {result.error}" if result.error else ""
                yield f"  {mark} [{result.position}] {result.account}: {result.label}{reason}"
            if len(results) > limit:
                yield f"  … and {len(results) - limit} more"


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

    def __init__(self, providers: Mapping[str, Provider], *, parallelism: int = 8,
                 progress: ProgressCallback | None = None):
        self.providers = providers
        self.parallelism = max(1, parallelism)
        self.progress = progress
        self.interrupted = False
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
        report = self.report = ApplyReport()
        accounts: list[tuple[AccountPlan, list[CallResult]]] = []
        for account in plan.accounts:
            results = [CallResult(account.account, len(report.results) + i + 1, call, call_label(account, i))
                       for i, call in enumerate(account.calls)]
            report.results.extend(results)
            accounts.append((account, results))
        total = len(report.results)
        with self._ctrl_c_stops(), \
                ThreadPoolExecutor(max_workers=self.parallelism, thread_name_prefix="telconf-apply") as pool:
            for account, results in accounts:
                self._run_account(pool, account, results, total)
        report.interrupted = self.interrupted
        report.seconds = time.monotonic() - started
        if not report.ok:
            raise ApplyError(_failure_message(report), report)
        return report

    def _run_account(self, pool: ThreadPoolExecutor, account: AccountPlan,
                     results: list[CallResult], total: int) -> None:
        """Run one account stage by stage, until done or stopping."""
        provider = self.providers[account.account]
        refs: dict[str, str] = {}
        for lanes in _stages(account.calls):
            if self._stop.is_set():
                return
            futures = [pool.submit(self._run_lane, provider, [results[i] for i in lane], refs, total)
                       for lane in lanes]
            wait(futures)
            for future in futures:
                future.result()  # re-raise a bug in the runner itself, never a provider error

    @contextmanager
    def _ctrl_c_stops(self) -> Iterator[None]:
        """While applying, Ctrl-C stops starting calls; the calls in flight finish.

        Their outcome must be known for the report (and the next plan) to be true. A
        second Ctrl-C raises KeyboardInterrupt as usual.
        """
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def stop(signum: int, frame: Any) -> None:
            self.interrupted = True
            self._stop.set()
            signal.signal(signal.SIGINT, previous)

        previous = signal.signal(signal.SIGINT, stop)
        try:
            yield
        finally:
            if signal.getsignal(signal.SIGINT) is stop:
                signal.signal(signal.SIGINT, previous)

    def _run_lane(self, provider: Provider, lane: list[CallResult], refs: dict[str, str], total: int) -> None:
        for result in lane:
            if self._stop.is_set():
                return
            self._notify(result, total, "start")
            result.started, began = time.time(), time.monotonic()
            try:
                bound = provider.execute(result.call, refs)
            except ProviderError as exc:
                result.status, result.error, result.code = CallStatus.FAILED, str(exc), exc.code
            except Exception as exc:  # noqa: BLE001 - any failure stops the apply and is reported
                result.status, result.error = CallStatus.FAILED, f"{type(exc).__name__}: {exc}"
            else:
                if result.call.binds and bound is not None:
                    with self._lock:
                        refs[result.call.binds] = bound
                result.status = CallStatus.DONE
            result.seconds = time.monotonic() - began
            if result.status is CallStatus.FAILED:
                self._stop.set()
                self._notify(result, total, "failed")
                return
            self._notify(result, total, "done")

    def _notify(self, result: CallResult, total: int, status: str) -> None:
        if self.progress is not None:
            with self._lock:
                self.progress(CallEvent(result, total, status))


def _stages(calls: tuple[Call, ...]) -> Iterator[list[list[int]]]:
    """Call indices grouped by consecutive stage, then by lane (first-seen order)."""
    index = 0
    while index < len(calls):
        stage = calls[index].stage
        lanes: dict[str, list[int]] = {}
        while index < len(calls) and calls[index].stage == stage:
            lanes.setdefault(calls[index].lane, []).append(index)
            index += 1
        yield list(lanes.values())


def _failure_message(report: ApplyReport) -> str:
    done, not_attempted = len(report.done), len(report.not_attempted)
    if report.failed:
        first = report.failed[0]
        head = f"apply failed at call {first.position} ({first.account}: {first.label}): {first.error}"
    else:
        head = "apply interrupted"
    return f"{head}; {done} call{'s' if done != 1 else ''} done, {not_attempted} not attempted"


def apply_plan(plan: Plan, providers: Mapping[str, Provider], *, parallelism: int = 8,
               progress: ProgressCallback | None = None) -> ApplyReport:
    """Run ``plan`` with the providers that made it (see ``Applier``)."""
    return Applier(providers, parallelism=parallelism, progress=progress).apply(plan)
