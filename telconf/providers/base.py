"""What every provider offers the planner, ``apply`` and ``export``.

A provider owns one account: it reads the live state (``read``), compares it with the
desired state (``diff``, producing ``Change`` objects that carry their calls), may
merge calls into batched requests (``batch``), runs one call (``execute``) and turns
a live state back into config data (``export``). Ordering is not its business:
``telconf.plan.order`` decides it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from telconf.model import Account
from telconf.plan.data import Call, Change

A = TypeVar("A")
R = TypeVar("R")


@dataclass(frozen=True)
class LiveState:
    """What a provider read of an account.

    ``data`` is the provider's own frozen live model; ``fingerprint`` identifies it
    (``telconf.plan.data.fingerprint`` of its normalised form); ``existing`` counts
    the live items of each kind (for the safety rule); ``reads`` counts list calls.
    """

    data: Any
    fingerprint: str
    existing: Mapping[str, int] = field(default_factory=dict)
    reads: int = 0


@dataclass(frozen=True)
class PlanOptions:
    """Choices that change what a plan contains."""

    rotate_sip_passwords: bool = False


CallWithChanges = tuple[Call, tuple[int, ...]]


class Provider(ABC, Generic[A]):
    """Base of the Teleum and Beeline providers."""

    name: str = ""

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
    def execute(self, call: Call, refs: dict[str, str]) -> str | None:
        """Run one call, resolving its placeholders; return the id it binds, if any."""

    @abstractmethod
    def export(self, live: LiveState, out_dir: Path) -> dict[str, Any]:
        """The account's live state as config data (SPEC section 1); files go to ``out_dir``."""

    def close(self) -> None:
        """Release connections."""


def parallel_map(fn: Callable[[R], A], items: Iterable[R], parallelism: int) -> list[A]:
    """``[fn(x) for x in items]`` with at most ``parallelism`` running at once.

    The first exception is raised once every started call has finished, so a failed
    read never leaves a partial result behind.
    """
    items = list(items)
    if parallelism <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    pool = ThreadPoolExecutor(max_workers=min(parallelism, len(items)))
    futures = [pool.submit(fn, item) for item in items]
    try:
        return [f.result() for f in futures]
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # no new reads after a failure
        raise
    finally:
        pool.shutdown(wait=True)
