"""Saved plans: ``plan --out FILE`` writes one, ``apply FILE`` checks it is still true.

A saved plan is JSON: the plan data (placeholders only, never a secret), a hash of
the inputs it was computed from (the config file and the voice files it uploads),
the fingerprint of each account's live state, and what was selected (accounts,
options). ``apply FILE`` recomputes the plan from the same config and a fresh read;
if anything differs the plan is stale and nothing is applied. After a successful
apply the file is marked ``"applied": true`` and is refused from then on.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from telconf import __version__
from telconf.errors import PlanError, StalePlanError
from telconf.guard import limits
from telconf.guard.redact import excerpt, mask
from telconf.model import BeelineAccount, Config, is_managed
from telconf.plan.data import Plan
from telconf.providers.base import PlanOptions

SAVED_FORMAT = "telconf-saved-plan"
SAVED_VERSION = 1


@dataclass(frozen=True)
class SavedPlan:
    """The content of a saved plan file."""

    plan: dict[str, Any]
    inputs_hash: str
    fingerprints: dict[str, str]
    accounts: list[str] | None = None  # as selected with --account; None: all
    options: dict[str, Any] = field(default_factory=dict)
    config: str = ""  # the config file it was made from, as given with -c
    created: str = ""
    applied: bool = False
    applied_at: str | None = None

    @property
    def plan_options(self) -> PlanOptions:
        """The options the plan was made with; an unknown or ill-typed one is a PlanError."""
        known = {f.name: f for f in fields(PlanOptions)}
        unknown = sorted(str(k) for k in self.options if k not in known)
        if unknown:
            raise PlanError(f"the saved plan has an unknown option {excerpt(unknown[0])!r} "
                            f"(known: {', '.join(known)}): make the plan again")
        for name, value in self.options.items():
            if not isinstance(value, bool):
                raise PlanError(f"the saved plan's option {name} is not true or false: make the plan again")
        return PlanOptions(**self.options)

    def to_data(self) -> dict[str, Any]:
        data = {"format": SAVED_FORMAT, "version": SAVED_VERSION, "telconf": __version__}
        data.update(asdict(self))
        return data


def inputs_hash(config: Config) -> str:
    """A hash of the content of the config file and of every voice file it would upload.

    Paths are left out: a plan made in one CI job may be applied from another checkout.
    """
    digest = hashlib.sha256()
    files: list[tuple[str, Path]] = [("config", Path(config.path))]
    for name, account in config.accounts.items():
        if isinstance(account, BeelineAccount) and is_managed(account.voice_files):
            files.extend((f"{name}/{key}", Path(f.path)) for key, f in sorted(account.voice_files.items()))
    for label, path in files:
        digest.update(label.encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"missing")
    return "sha256:" + digest.hexdigest()


def make_saved(plan: Plan, config: Config, *, accounts: list[str] | None, options: PlanOptions) -> SavedPlan:
    """The saved form of a plan just computed from ``config``."""
    return SavedPlan(
        plan=plan.to_data(),
        inputs_hash=inputs_hash(config),
        fingerprints={a.account: a.fingerprint for a in plan.accounts},
        accounts=list(accounts) if accounts else None,
        options=asdict(options),
        config=str(config.path),
        created=_now(),
    )


def write(path: Path, saved: SavedPlan) -> None:
    """Write the file atomically, so a crash never leaves half a plan behind."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(mask(json.dumps(saved.to_data(), indent=2, ensure_ascii=False)) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read(path: Path) -> SavedPlan:
    """Load a saved plan; a file that is not one is a PlanError saying why."""
    try:
        data = limits.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlanError(f"cannot read plan file {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise PlanError(f"{path} is not a telconf plan file (not JSON: {excerpt(str(exc), 120)})") from None
    if not isinstance(data, dict) or data.get("format") != SAVED_FORMAT:
        raise PlanError(f"{path} is not a telconf plan file (write one with `telconf plan --out {path}`)")
    if data.get("version") != SAVED_VERSION:
        raise PlanError(f"{path} is a plan file of version {data.get('version')}; this telconf reads "
                        f"version {SAVED_VERSION}: make the plan again")
    try:
        return SavedPlan(
            plan=data["plan"], inputs_hash=data["inputs_hash"], fingerprints=dict(data["fingerprints"]),
            accounts=data.get("accounts"), options=dict(data.get("options") or {}), config=data.get("config", ""),
            created=data.get("created", ""), applied=bool(data.get("applied")), applied_at=data.get("applied_at"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanError(f"{path} is a damaged telconf plan file ({type(exc).__name__}: {excerpt(str(exc))})") from None


def check_not_applied(path: Path, saved: SavedPlan) -> None:
    """Refuse a plan file that was applied already."""
    if saved.applied:
        raise StalePlanError(f"{path} was already applied (at {saved.applied_at}); a plan is applied "
                             "only once: make a new one with `telconf plan --out`")


def check_fresh(path: Path, saved: SavedPlan, config: Config, fresh: Plan) -> None:
    """Raise StalePlanError unless ``fresh`` (recomputed now) is exactly the saved plan."""
    reasons = []
    if inputs_hash(config) != saved.inputs_hash:
        # Paths may differ between a plan job and an apply job; only content counts.
        if saved.config and Path(saved.config).resolve() != Path(config.path).resolve():
            reasons.append(f"it was made from {saved.config}, not from {config.path} as it is now")
        else:
            reasons.append(f"the config file {config.path} (or a voice file it uploads) changed")
    now = {a.account: a.fingerprint for a in fresh.accounts}
    for account in sorted(set(now) | set(saved.fingerprints)):
        if account not in now or account not in saved.fingerprints:
            reasons.append(f"the accounts differ ({account} is only in the "
                           f"{'new' if account in now else 'saved'} plan)")
        elif now[account] != saved.fingerprints[account]:
            reasons.append(f"the live state of account {account} changed")
    if not reasons and _as_json(fresh.to_data()) != _as_json(saved.plan):
        reasons.append("the plan computed now differs from the saved one")
    if reasons:
        raise StalePlanError(f"{path} is stale and nothing was applied: " + "; ".join(reasons)
                             + ". Make a new plan with `telconf plan --out`.")


def mark_applied(path: Path, saved: SavedPlan) -> SavedPlan:
    """Rewrite the file as applied, so it is refused next time."""
    done = SavedPlan(**{**asdict(saved), "applied": True, "applied_at": _now()})
    write(path, done)
    return done


def _as_json(data: Any) -> Any:
    """Data as it reads back from a file (tuples become lists, keys strings)."""
    return json.loads(json.dumps(data, ensure_ascii=False))


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
