"""``apply --report FILE``: what an apply did, as JSON (``schemas/report.schema.json``).

Every call of the plan is listed with its status (every value of ``CallStatus``:
done, failed with the error, not attempted, not sent because its item changed since
the plan), when it was sent and how long it took, and the changes it serves by
address. Every item the apply checked and read back (a number's forwards, a SIP line,
a redirect...) is listed with its outcome (every value of ``ItemStatus``), a number
left with no live forward flagged as an outage. The file is
written whatever happens: success, a failed call, Ctrl-C, or a refusal before any
call (a stale plan, the safety rule), so CI can always keep it as an artifact. It
holds no secret: no call parameters, only methods, labels, addresses and errors.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from telconf import __version__
from telconf.engine.apply import ApplyReport, CallResult, CallStatus
from telconf.engine.apply_items import ItemResult, ItemStatus
from telconf.core.errors import TelconfError
from telconf.guard.redact import for_output
from telconf.plan.data import Plan

REPORT_FORMAT_VERSION = 1
log = logging.getLogger("telconf.output.report")


@dataclass
class ApplyRecord:
    """What the apply command learns as it goes: the plan, then the apply's own report."""

    config: str
    plan_file: str | None = None
    plan: Plan | None = None
    report: ApplyReport | None = None
    started: float = field(default_factory=time.time)


def to_data(record: ApplyRecord, outcome: str, error: str | None, finished: float) -> dict[str, Any]:
    """The report as JSON-able data."""
    results = record.report.results if record.report is not None else []
    by_call = {(r.account, r.position): r for r in results}
    calls = []
    position = 0
    for account in record.plan.accounts if record.plan is not None else ():
        addresses = [c.address(account.account) for c in account.changes]
        for index, call in enumerate(account.calls):
            position += 1
            result = by_call.get((account.account, position))
            served = account.call_changes[index] if index < len(account.call_changes) else ()
            calls.append(_call(position, account.account, call.method, result,
                               [addresses[i] for i in served if i < len(addresses)]))
    counts = {status.value: sum(1 for c in calls if c["status"] == status.value) for status in CallStatus}
    items = [_item(i) for i in record.report.items] if record.report is not None else []
    item_counts = {status.value: sum(1 for i in items if i["status"] == status.value) for status in ItemStatus}
    changes = record.plan.counts() if record.plan is not None else {}
    data: dict[str, Any] = {
        "format_version": REPORT_FORMAT_VERSION,
        "telconf_version": __version__,
        "config": record.config,
        "plan_file": record.plan_file,
        "outcome": outcome,
        "started_at": _iso(record.started),
        "finished_at": _iso(finished),
        "seconds": round(finished - record.started, 3),
        "summary": {
            "calls": len(calls),
            "statuses": counts,
            "changes": {a: changes.get(a, 0) for a in ("create", "update", "delete", "move")},
            "items": item_counts,
            "outages": sum(1 for i in items if i["outage"]),
        },
        "calls": calls,
        "items": items,
    }
    if error:
        data["error"] = error
    lost = record.report.losses if record.report is not None else []
    if lost:
        data = {"lost": lost, **data}  # first: what no later plan will show
    return data


def _call(position: int, account: str, method: str, result: CallResult | None, changes: list[str]) -> dict[str, Any]:
    status = result.status.value if result is not None else CallStatus.NOT_ATTEMPTED.value
    data: dict[str, Any] = {"position": position, "account": account, "method": method,
                            "label": result.label if result is not None else method,
                            "changes": changes, "status": status}
    if result is not None and result.started is not None:
        data["started_at"] = _iso(result.started)
        if result.seconds is not None:
            data["seconds"] = round(result.seconds, 3)
    if result is not None and result.error:
        data["error"] = result.error
        if result.code:
            data["code"] = str(result.code)
    return data


def _item(item: ItemResult) -> dict[str, Any]:
    data: dict[str, Any] = {"account": item.account, "item": item.item, "label": item.label,
                            "status": item.status.value, "outage": item.outage, "calls": list(item.calls)}
    if item.detail:
        data["detail"] = item.detail
    if item.restored:
        data["restored"] = item.restored
    return data


def outcome_of(record: ApplyRecord, exc: BaseException | None) -> tuple[str, str | None]:
    """``(outcome, error)``: complete, no changes, failed, interrupted or refused."""
    report = record.report
    if exc is None:
        if record.plan is not None and not record.plan.has_changes:
            return "no changes", None
        return ("complete", None) if report is not None else ("refused", None)
    if isinstance(exc, KeyboardInterrupt) or (report is not None and report.interrupted):
        return "interrupted", None
    if report is not None and report.failed:
        first = report.failed[0]
        return "failed", f"call {first.position} ({first.account}: {first.label}): {first.error}"
    if report is not None and any(i.status is not ItemStatus.VERIFIED for i in report.items):
        return "conflicted", str(exc) if not isinstance(exc, SystemExit) else None
    if isinstance(exc, SystemExit) and not exc.code:
        return ("complete" if report is not None else "no changes"), None
    message = str(exc) if not isinstance(exc, SystemExit) else None
    return ("refused" if report is None else "failed"), message


@contextmanager
def recording(path: Path | None, record: ApplyRecord) -> Iterator[ApplyRecord]:
    """Yield ``record`` to fill in; write the report to ``path`` however the block ends.

    The path is checked before anything is applied, so an apply never runs without the
    report it was asked for; a report that still cannot be written after a failure is
    logged, and the failure itself is what the command reports.
    """
    if path is not None:
        check_target(path)
    try:
        yield record
    except BaseException as exc:
        if path is not None:
            try:
                write(path, to_data(record, *outcome_of(record, exc), finished=time.time()))
            except TelconfError as error:
                log.error("%s", error)
        raise
    if path is not None:
        write(path, to_data(record, *outcome_of(record, None), finished=time.time()))


def check_target(path: Path) -> None:
    """A report goes to a new file or replaces a regular one: never a device, FIFO or folder."""
    path = Path(path)
    if not path.name or path.name in (".", ".."):
        raise TelconfError(f"--report {str(path)!r}: give a file name")
    special = str(path.resolve()).startswith(("/proc/", "/sys/", "/dev/"))
    if special or ((path.exists() or path.is_symlink()) and not path.is_file()):
        raise TelconfError(f"--report {path}: not a regular file (a device, FIFO, folder, /proc entry or broken "
                           "link); give the path of a new or regular file")


def write(path: Path, data: dict[str, Any]) -> None:
    """Write atomically: a reader never sees half a report."""
    path = Path(path)
    check_target(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise TelconfError(f"cannot write the report {path}: {exc.strerror or type(exc).__name__}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(for_output(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")  # errors may quote a server
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise TelconfError(f"cannot write the report {path}: {exc.strerror or type(exc).__name__}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _iso(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, timezone.utc).isoformat(timespec="milliseconds")
