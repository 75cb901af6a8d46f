"""What every provider offers the planner, ``apply`` and ``export``.

A provider owns one account: it reads the live state (``read``), compares it with the
desired state (``diff``, producing ``Change`` objects that carry their calls), may
merge calls into batched requests (``batch``), runs one call (``execute``) and turns
a live state back into config data (``export``). A change may say which changes it
needs (``Change.needs``); ``telconf.plan.order`` turns that and the stage table into the
order, and ``apply`` runs the calls by it.
"""

from __future__ import annotations

import json
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from telconf.core.errors import AccountErrors, BadResponse, OutcomeUnknown, PlanError, ProviderError, TelconfError
from telconf.guard.hosts import address
from telconf.plan.data import Call, CallWithChanges, Change, PlanOptions

__all__ = ["CallWithChanges", "PlanOptions", "LiveState", "ItemCheck", "Provider", "ReadPool", "parallel_map",
           "each_account", "send_then_read_back"]

A = TypeVar("A")
R = TypeVar("R")
T = TypeVar("T")

log = logging.getLogger("telconf.providers")
UNSURE_ATTEMPTS = 3  # sends of one unsure write, each after reading back the last
SETTLE_TIMEOUTS = 2  # after a timed-out write, client timeouts to wait before reading back


@dataclass(frozen=True)
class LiveState:
    """What a provider read of an account.

    ``data`` is the provider's own frozen live model; ``fingerprint`` identifies it
    (``telconf.plan.data.fingerprint`` of its normalised form); ``existing`` counts
    the live items of each kind (for the safety rule); ``reads`` counts list calls;
    ``numbers`` how many phone numbers the account has (what progress on a terminal shows).
    """

    data: Any
    fingerprint: str
    existing: Mapping[str, int] = field(default_factory=dict)
    reads: int = 0
    numbers: int = 0


@dataclass(frozen=True)
class ItemCheck:
    """How one item compares with its desired state after the apply.

    ``problem`` says what differs (None: it is as desired); ``outage`` marks an item left
    out of service while the config wants it in service (for a call-forwarding API: a
    number left with no live forward while its desired list is not empty). The report
    names it in the provider's words (``Provider.outage_words``).
    """

    problem: str | None = None
    outage: bool = False


@dataclass(frozen=True)
class OutageWords:
    """How the apply names an item its provider checked as an outage, in the provider's words.

    ``alarm`` opens the report's first line (``!!! NO LIVE FORWARD: spb: forwards of
    +7 812 ...``) and the last line on screen; ``headline`` heads the error
    (``NUMBERS LEFT WITH NO FORWARD: ...``); ``detail`` follows the item's label in the
    report (``was read back with no forward although the config wants some``). The
    defaults name no kind of API.
    """

    alarm: str = "OUT OF SERVICE"
    headline: str = "ITEMS LEFT OUT OF SERVICE"
    detail: str = "was read back out of service although the config wants it in service"


class Provider(ABC, Generic[A]):
    """Base of every provider: one account, read, diffed, applied and exported through its API."""

    name: str = ""
    outage_words: ClassVar[OutageWords] = OutageWords()  # how the apply names its outages

    def __init__(self, account: A, *, parallelism: int = 8, environ: Mapping[str, str] | None = None):
        self.account = account
        self.parallelism = max(1, parallelism)
        self.environ = environ

    @abstractmethod
    def read(self) -> LiveState:
        """Read the whole live state of the account; any failed read raises."""

    @abstractmethod
    def diff(self, live: LiveState, options: PlanOptions) -> list[Change]:
        """The changes that turn ``live`` into the account's desired state."""

    def batch(self, calls: Sequence[CallWithChanges]) -> list[CallWithChanges]:
        """Merge ordered calls into fewer requests where the API allows it."""
        return list(calls)

    @abstractmethod
    def execute(self, call: Call) -> str | None:
        """Run one call, its placeholders already resolved; return the id it binds, if any."""

    def secret(self, name: str) -> str:
        """The value of a ``{"$secret": NAME}`` placeholder of this provider's plans."""
        raise PlanError(f"{self.name}: the plan needs the secret {name}, which the config does not give")

    def file(self, name: str) -> bytes:
        """The content of a ``{"$file": NAME}`` placeholder of this provider's plans."""
        raise PlanError(f"{self.name}: the plan needs the local file {name!r}, which the config does not name")

    def ignored(self, live: LiveState) -> dict[str, int]:
        """Live items per kind that ignore rules kept out of the plan (the safety rule leaves them out)."""
        return {}

    @abstractmethod
    def export(self, live: LiveState, out_dir: Path) -> dict[str, Any]:
        """The account's live state as config data: the mapping of one account under the
        config's ``accounts:`` (its provider's schema fragment), without ``provider``, ``url``
        and ``credentials``, which the export takes from the source file. Files it refers to
        (voice files, long lists) go to ``out_dir``, named relative to it."""

    def export_secrets(self, configured: Any, data: dict[str, Any], *, prefix: bool) -> dict[str, Any]:
        """``data`` (from :meth:`export`) with each write-only secret as a ``${NAME}`` placeholder.

        ``configured`` is the account as the config has it: a secret it names keeps the
        config's placeholder. ``prefix``: other accounts of this provider are exported to
        the same file, so a generated name starts with the account's.
        """
        return data

    # --- items: check before write, verify after (issue 15) --------------------------------
    #
    # An item is what one re-read can compare: a number's forwards, a SIP line, a redirect,
    # a black list pair... Its key is "kind:key". A provider that names no items (the
    # default) is applied without checks.

    def item_of(self, change: Change) -> str | None:
        """The item ``change`` belongs to; None: the change is not checked."""
        return None

    def item_needs(self, changes: Sequence[Change]) -> dict[str, set[str]]:
        """Items that stand or fall together without an order (item -> items it needs).

        What one change needs of another is data of the change (``Change.needs``): the core
        orders the calls by it and derives from it which items are not sent when another is
        not. This is only for ties that are no order, e.g. items one request writes together
        (a black list emptied at once by ListID).
        """
        return {}

    def item_label(self, item: str) -> str:
        """The item as people read it (``forwards of +7 812 323-23-23``)."""
        return item

    def read_items(self, items: Collection[str], *, verify: bool = False) -> Any:
        """A fresh view of the account in which ``items`` are read now (only their reads).

        ``verify``: the view is compared with the desired state (content too, e.g. voice
        files are downloaded), not only with the planned one.
        """
        raise NotImplementedError

    def read_group(self, item: str) -> str:
        """Items of one read group are read by one request (every SIP line by one list call):
        ``apply`` checks the items of a group whose writes are due together with one read."""
        return item

    def item_state(self, view: Any | None, item: str) -> Any:
        """The JSON-able state of ``item`` in ``view`` (None: the state the plan was made from)."""
        raise NotImplementedError

    def describe_item_change(self, item: str, before: Any, now: Any) -> str:
        """What changed in ``item`` between two of its states, for people: ``was X, now Y``
        in compact JSON, each cut at 240 characters (a provider may say it better)."""

        def text(value: Any) -> str:
            shown = "absent" if value is None else json.dumps(value, ensure_ascii=False, default=str)
            return shown if len(shown) <= 240 else shown[:240] + "…"

        return f"was {text(before)}, now {text(now)}"

    def check_item(self, view: Any, item: str) -> ItemCheck:
        """Whether ``item`` is in its desired state in ``view``."""
        raise NotImplementedError

    def restore_service(self, item: str) -> str | None:
        """``item`` was read back as an outage (``ItemCheck.outage``): bring service back if
        it is still so (e.g. create the config's forwards again); say what was done, or None."""
        return None

    def lost_without(self, call: Call) -> str | None:
        """``call`` follows one that ``holds_next`` and was not carried out: what is lost
        (outside the config too) and what restores it, for the output and the report."""
        return None

    def guard_write(self, call: Call, item: str) -> str | None:
        """Just before a write of a checked item: why it must not be sent now, or None."""
        return None

    def mount(self, adapter: Any) -> None:
        """Send every request of this provider through ``adapter`` (a ``requests`` transport
        adapter: ``plan --snapshot`` hands requests to in-process emulators).

        The default mounts it on ``self.client.transport`` (a ``telconf.providers.http.Transport``);
        a provider that talks HTTP another way overrides this.
        """
        session = getattr(getattr(getattr(self, "client", None), "transport", None), "session", None)
        if session is None:
            raise PlanError(f"{self.name}: this provider cannot plan against a snapshot (it has no "
                            "client.transport to send its requests through the in-process emulator)")
        session.mount("http://", adapter)
        session.mount("https://", adapter)

    def close(self) -> None:
        """Release connections."""


class ReadPool:
    """Reads sent as soon as what they need is known, at most ``parallelism`` at once.

    A read that needs another's answer (a list of forwards that needs the number ids
    of ``getConnectedNumbers``) is submitted when that answer arrives, while the other
    reads are still in flight. Reads start in submission order. Once one has failed,
    the reads not yet started are skipped, and :meth:`result` of any read raises that
    first failure. Leaving the ``with`` block waits for every started read, so a failure
    never leaves one running.
    """

    def __init__(self, parallelism: int):
        self._pool = ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="telconf-read")
        self._failure: BaseException | None = None

    def submit(self, fn: Callable[..., A], /, *args: Any) -> Future[A]:
        def read() -> A:
            if self._failure is not None:
                raise _Skipped
            try:
                return fn(*args)
            except BaseException as exc:
                if self._failure is None:
                    self._failure = exc
                raise

        return self._pool.submit(read)

    def result(self, future: Future[A]) -> A:
        """The read's answer; its error, or the first failure if it was skipped."""
        try:
            return future.result()
        except _Skipped:
            assert self._failure is not None
            raise self._failure from None

    def __enter__(self) -> ReadPool:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        self._pool.shutdown(wait=True, cancel_futures=exc_type is not None)


class _Skipped(Exception):
    """A read not sent because another had failed."""


def parallel_map(fn: Callable[[R], A], items: Iterable[R], parallelism: int) -> list[A]:
    """``[fn(x) for x in items]`` with at most ``parallelism`` running at once.

    The first exception is raised once every started call has finished, so a failed
    read never leaves a partial result behind.
    """
    items = list(items)
    if parallelism <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    with ReadPool(min(parallelism, len(items))) as pool:
        futures = [pool.submit(fn, item) for item in items]
        return [pool.result(f) for f in futures]


def each_account(fn: Callable[[R], A], items: Sequence[R], name_of: Callable[[R], str], url_of: Callable[[R], str],
                 parallelism: int) -> list[A]:
    """``[fn(x) for x in items]``, one account each, in parallel; every account runs to its end.

    Unlike :func:`parallel_map`, one account's failure does not stop the others: an
    operator fixing credentials wants every failing account named at once. Each error
    names its account and host:port; one failure is raised as it is, several together
    as ``AccountErrors``.
    """
    def one(item: R) -> A | TelconfError:
        try:
            return fn(item)
        except ProviderError as exc:
            return exc.locate(account=name_of(item), host=address(url_of(item)))
        except TelconfError as exc:
            return exc

    if len(items) <= 1 or parallelism <= 1:
        results = [one(item) for item in items]
    else:
        with ThreadPoolExecutor(max_workers=min(parallelism, len(items)), thread_name_prefix="telconf-account") as pool:
            results = list(pool.map(one, items))
    failed = [r for r in results if isinstance(r, TelconfError)]
    if len(failed) == 1:
        raise failed[0]
    if failed:
        raise AccountErrors(failed)
    return results  # type: ignore[return-value]  # no TelconfError left among them


def send_then_read_back(
    what: str,
    send: Callable[[], T],
    settled: Callable[[], T | None],
    *,
    timeout: float,
    attempts: int = UNSURE_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Send a write that must not be repeated blindly; after a lost answer, read back first.

    ``settled()`` reads the live state: it returns the write's result when the write
    took effect, or None when it did not (then it is sent again). An unreadable answer
    counts as lost. A request that timed out may still be running on the server: a late
    commit after the read-back would turn a resend into a duplicate, so the read-back
    waits ``SETTLE_TIMEOUTS`` client timeouts first (the server's time, not a backoff).
    """
    for attempt in range(1, attempts + 1):
        try:
            return send()
        except (OutcomeUnknown, BadResponse) as exc:
            log.warning("%s: %s; reading back to see whether it took effect", what, exc.detail)
            if isinstance(exc, OutcomeUnknown) and exc.may_still_run:
                sleep(SETTLE_TIMEOUTS * timeout)
            found = settled()
            if found is not None:
                log.warning("%s had taken effect; not sending it again", what)
                return found
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")
