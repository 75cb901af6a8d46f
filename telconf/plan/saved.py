"""Saved plans: ``plan --out FILE`` writes one, ``apply FILE`` checks it is still true.

A saved plan is JSON: the plan data (placeholders only, never a secret), a hash of
the inputs it was computed from (the config file and the voice files it uploads),
the fingerprint of each account's live state and of each item the plan changes
(issue 15), and what was selected (accounts, options). ``apply FILE`` recomputes the
plan from the same config and a fresh read. It is stale, and nothing is applied, when
the config changed or an item the plan touches changed; drift in other items does not
make it stale (a busy account always has some): their changes are left out, and the
plan applied is exactly the one reviewed. After a successful apply the file is marked
``"applied": true`` and is refused from then on.

Every field that decides whether and what a plan may apply (the ``snapshot`` marker,
``applied``, the fingerprints, the options, the plan itself: all of them) is covered by
``integrity``, a SHA-256 of the rest of the file: an edited or re-labelled file is refused.
With ``TELCONF_PLAN_KEY`` set in the environment (the same secret in the plan and the
apply job) it is an HMAC with that key, which nobody without the key can recompute; with
the key set, a file sealed without it is refused too. A plan made against a snapshot also
carries fingerprints no live account has, so it stays stale even with its marker removed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from telconf import __version__
from telconf.core.errors import PlanError, StalePlanError
from telconf.guard import files as safe_files
from telconf.guard import limits
from telconf.guard.redact import excerpt, mask
from telconf.core.model import Config
from telconf.plan.order import dangling_needs
from telconf.plan.data import AccountPlan, Change, Plan, PlanOptions, fingerprint


class Items(Protocol):
    """What saved plans need of the provider of an account: its items (providers have them).

    Declared here, not imported, so that ``plan/`` never depends on ``providers/``.
    """

    def item_of(self, change: Change) -> str | None: ...

    def item_state(self, view: Any | None, item: str) -> Any: ...

    def item_label(self, item: str) -> str: ...


Restrict = Callable[[AccountPlan, set[str]], AccountPlan]
"""An account's plan with only the changes of some items, ordered and batched again."""

SAVED_FORMAT = "telconf-saved-plan"
PLAN_MAX_BYTES = 256 * 1024 * 1024  # a plan of 300,000 black-list entries is tens of MB
SAVED_VERSION = 1
ENV_PLAN_KEY = "TELCONF_PLAN_KEY"  # when set: saved plans are sealed with an HMAC of this key
SNAPSHOT_FINGERPRINT = "snapshot:"  # the prefix of a snapshot plan's fingerprints: never a live one's


# Options as the saved-plan format (version 1) names them, where ``PlanOptions`` calls them
# otherwise since: files stay readable by every telconf that reads this format version.
RENAMED_OPTIONS = {"rotate_sip_passwords": "rotate_secrets"}
FILE_NAMES = {new: old for old, new in RENAMED_OPTIONS.items()}

@dataclass(frozen=True)
class SavedPlan:
    """The content of a saved plan file."""

    plan: dict[str, Any]
    inputs_hash: str
    fingerprints: dict[str, str]
    accounts: list[str] | None = None  # as selected with --account; None: all
    options: dict[str, Any] = field(default_factory=dict)
    config: str = ""  # the config file it was made from, as given with -c
    items: dict[str, dict[str, str]] | None = None  # account -> item -> fingerprint (None: older file)
    created: str = ""
    applied: bool = False
    applied_at: str | None = None
    snapshot: dict[str, Any] | None = None  # planned against this snapshot: never applied

    @property
    def plan_options(self) -> PlanOptions:
        """The options the plan was made with; an unknown or ill-typed one is a PlanError."""
        known = {f.name: f for f in fields(PlanOptions)}
        options = {RENAMED_OPTIONS.get(str(k), k): v for k, v in self.options.items()}
        unknown = sorted(str(k) for k in options if k not in known)
        if unknown:
            raise PlanError(f"the saved plan has an unknown option {excerpt(unknown[0])!r} "
                            f"(known: {', '.join(known)}): make the plan again")
        for name, value in options.items():
            if not isinstance(value, bool):
                raise PlanError(f"the saved plan's option {name} is not true or false: make the plan again")
        return PlanOptions(**options)

    def to_data(self) -> dict[str, Any]:
        """The file's content, sealed (``integrity``) over what it holds once written."""
        data = {"format": SAVED_FORMAT, "version": SAVED_VERSION, "telconf": __version__}
        data.update(asdict(self))
        return seal(json.loads(mask(json.dumps(data, ensure_ascii=False))))


def _integrity(data: Mapping[str, Any], key: str | None) -> str:
    """The seal of a saved plan's data: every field but ``integrity`` itself, canonical JSON."""
    body = json.dumps({k: v for k, v in data.items() if k != "integrity"}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    if key:
        return "hmac-sha256:" + hmac.new(key.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _plan_key() -> str | None:
    return os.environ.get(ENV_PLAN_KEY) or None


def seal(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its ``integrity`` (HMAC with ``TELCONF_PLAN_KEY`` when set)."""
    return {**{k: v for k, v in data.items() if k != "integrity"}, "integrity": _integrity(data, _plan_key())}


def _seal_problem(data: Mapping[str, Any]) -> str | None:
    """Why the file's seal does not hold, or None."""
    found = data.get("integrity")
    if not isinstance(found, str):
        return "it has no integrity seal (made by an older telconf, or edited)"
    key = _plan_key()
    if key and not found.startswith("hmac-sha256:"):
        return f"it is not sealed with {ENV_PLAN_KEY}, which is set here"
    if not key and found.startswith("hmac-sha256:"):
        return f"it is sealed with a key ({ENV_PLAN_KEY}) that is not set here"
    if not hmac.compare_digest(found, _integrity(data, key)):
        return "its content does not match its integrity seal: it was edited after telconf wrote it" + \
            (f", or {ENV_PLAN_KEY} differs" if key else "")
    return None


def inputs_hash(config: Config) -> str:
    """A hash of the content of the config file and of every voice file it would upload.

    Paths are left out: a plan made in one CI job may be applied from another checkout.
    """
    digest = hashlib.sha256()
    files: list[tuple[str, Path]] = [("config", Path(config.path))]
    for account in config.accounts.values():
        files.extend(account.input_files())
    for label, path in files:
        digest.update(label.encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"missing")
    return "sha256:" + digest.hexdigest()


def item_fingerprints(plan: Plan, providers: Mapping[str, Items]) -> dict[str, dict[str, str]]:
    """For each account, the fingerprint of each item the plan changes, as it was read."""
    found: dict[str, dict[str, str]] = {}
    for account in plan.accounts:
        provider = providers[account.account]
        items = sorted({i for i in map(provider.item_of, account.changes) if i is not None})
        found[account.account] = {i: fingerprint(provider.item_state(None, i)) for i in items}
    return found


def make_saved(plan: Plan, config: Config, *, accounts: list[str] | None, options: PlanOptions,
               providers: Mapping[str, Items] | None = None, snapshot: dict[str, Any] | None = None) -> SavedPlan:
    """The saved form of a plan just computed from ``config`` (by ``providers``, or against ``snapshot``)."""
    return SavedPlan(
        items=item_fingerprints(plan, providers) if providers is not None else None,
        snapshot=snapshot,
        plan=plan.to_data(),
        inputs_hash=inputs_hash(config),
        fingerprints={a.account: (SNAPSHOT_FINGERPRINT if snapshot is not None else "") + a.fingerprint
                      for a in plan.accounts},
        accounts=list(accounts) if accounts else None,
        options={FILE_NAMES.get(k, k): v for k, v in asdict(options).items()},
        config=str(config.path),
        created=_now(),
    )


def write(path: Path, saved: SavedPlan) -> None:
    """Write the file atomically, so a crash never leaves half a plan behind."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(saved.to_data(), indent=2, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read(path: Path) -> SavedPlan:
    """Load a saved plan; a file that is not one is a PlanError saying why."""
    try:
        data = limits.loads(safe_files.read_bytes(Path(path), PLAN_MAX_BYTES).decode("utf-8"))
    except FileNotFoundError:
        raise PlanError(f"cannot read plan file {path}: no such file") from None
    except safe_files.UnsafeFile as exc:
        raise PlanError(f"cannot read plan file {path}: it {exc}") from None
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise PlanError(f"{path} is not a telconf plan file (not JSON: {excerpt(str(exc), 120)})") from None
    if not isinstance(data, dict) or data.get("format") != SAVED_FORMAT:
        raise PlanError(f"{path} is not a telconf plan file (write one with `telconf plan --out {path}`)")
    if type(data.get("version")) is not int or data.get("version") != SAVED_VERSION:  # noqa: E721 - true is not 1
        raise PlanError(f"{path} is a plan file of version {data.get('version')}; this telconf reads "
                        f"version {SAVED_VERSION}: make the plan again")
    problem = _shape_problem(data)
    if problem:
        raise PlanError(f"{path} is a damaged telconf plan file ({problem}): make the plan again")
    problem = _seal_problem(data)
    if problem:
        raise PlanError(f"{path} cannot be applied: {problem}. Make the plan again with `telconf plan --out`")
    try:
        return SavedPlan(
            plan=data["plan"], inputs_hash=data["inputs_hash"], fingerprints=dict(data["fingerprints"]),
            accounts=data.get("accounts"), options=dict(data.get("options") or {}), config=data.get("config", ""),
            created=data.get("created", ""), applied=bool(data.get("applied")), applied_at=data.get("applied_at"),
            items=None if data.get("items") is None else {a: dict(i) for a, i in data["items"].items()},
            snapshot=data.get("snapshot"),
        )
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise PlanError(f"{path} is a damaged telconf plan file ({type(exc).__name__}: {excerpt(str(exc))})") from None


def _shape_problem(data: dict[str, Any]) -> str | None:
    """What is wrong with the shape of a saved plan's data (it may have been edited), or None."""

    def strings(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    def string_map(value: Any) -> bool:
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())

    plan = data.get("plan")
    accounts = plan.get("accounts") if isinstance(plan, dict) else None
    checks = {
        "plan": isinstance(accounts, list) and all(
            isinstance(a, dict) and isinstance(a.get("changes", []), list)
            and all(isinstance(c, dict) for c in a.get("changes", [])) for a in accounts),
        "inputs_hash": isinstance(data.get("inputs_hash"), str),
        "fingerprints": string_map(data.get("fingerprints")),
        "accounts": data.get("accounts") is None or strings(data.get("accounts")),
        "options": isinstance(data.get("options", {}), dict),
        "config": isinstance(data.get("config", ""), str),
        "applied_at": data.get("applied_at") is None or isinstance(data.get("applied_at"), str),
        "items": data.get("items") is None or (isinstance(data.get("items"), dict)
                                               and all(string_map(i) for i in data["items"].values())),
        "snapshot": data.get("snapshot") is None or isinstance(data.get("snapshot"), dict),
    }
    wrong = [name for name, ok in checks.items() if not ok]
    return f"`{wrong[0]}` is not what telconf wrote" if wrong else None


def check_not_snapshot(path: Path, saved: SavedPlan) -> None:
    """Refuse a plan made against a snapshot: it says what a past state would need, not the live one."""
    if saved.snapshot:
        raise PlanError(f"{path} was planned against the snapshot {saved.snapshot.get('file')}, not the live "
                        "accounts, and cannot be applied: make the plan again without --snapshot "
                        "(with the accounts' credentials), then apply that")


def check_not_applied(path: Path, saved: SavedPlan) -> None:
    """Refuse a plan file that was applied already."""
    if saved.applied:
        raise StalePlanError(f"{path} was already applied (at {saved.applied_at}); a plan is applied "
                             "only once: make a new one with `telconf plan --out`")


def check_moment(path: Path, saved: SavedPlan, now: Mapping[str, Any]) -> None:
    """Refuse a plan whose desired state moved: an override started or ended since its moment.

    ``now`` is the moment of the apply (``moment_data``). A plan without a moment (older
    files, or a config without overrides) has nothing to go stale on.
    """
    recorded = saved.plan.get("moment")
    if not isinstance(recorded, dict):
        return
    reasons = []
    current = {a.get("account"): a for a in now.get("accounts") or () if isinstance(a, dict)}
    for account in recorded.get("accounts") or ():
        due = account.get("next_change_at") if isinstance(account, dict) else None
        here = current.get(account.get("account")) if isinstance(account, dict) else None
        if isinstance(due, dict) and here is not None and str(here["at"]["utc"]) >= str(due.get("utc")):
            reasons.append(f"the desired state of account {account['account']} changed at {due.get('local')} "
                           f"(an override started or ended), after the plan's moment {account['at']['local']}")
    if not reasons and active_names(recorded) != active_names(now):
        before = ", ".join(sorted(f"{n} {o!r}" for _, n, o in active_names(recorded))) or "none"
        after = ", ".join(sorted(f"{n} {o!r}" for _, n, o in active_names(now))) or "none"
        reasons.append(f"the overrides active now ({after}) are not those of the plan's moment ({before})")
    _raise_stale(path, reasons)


def active_names(moment: Mapping[str, Any] | None) -> set[tuple[str, str, str]]:
    """(account, number, override) of every override a plan's ``moment`` records as active."""
    found: set[tuple[str, str, str]] = set()
    for account in (moment or {}).get("accounts") or ():
        for item in (account.get("active") or ()) if isinstance(account, Mapping) else ():
            if isinstance(item, Mapping):
                found.add((str(account.get("account")), str(item.get("number")), str(item.get("override"))))
    return found


def check_fresh(path: Path, saved: SavedPlan, config: Config, fresh: Plan,
                providers: Mapping[str, Items] | None = None, restrict: Restrict | None = None) -> Plan:
    """The plan to apply: the saved one, checked against ``fresh`` (recomputed now).

    Raises StalePlanError when it is not still true. With per-item fingerprints (and the
    ``providers`` that computed ``fresh``), only the items the plan touches must be
    unchanged; otherwise the whole accounts must be.
    """
    if saved.items is not None and providers is not None and restrict is not None:
        return _check_items(path, saved, config, fresh, providers, restrict)
    reasons = []
    if inputs_hash(config) != saved.inputs_hash:
        # Paths may differ between a plan job and an apply job; only content counts.
        if saved.config and Path(saved.config).resolve() != Path(config.path).resolve():
            reasons.append(f"it was made from {saved.config}, not from {config.path} as it is now")
        else:
            reasons.append(f"the config file {config.path} (or a file it names) changed")
    now = {a.account: a.fingerprint for a in fresh.accounts}
    for account in sorted(set(now) | set(saved.fingerprints)):
        if account not in now or account not in saved.fingerprints:
            reasons.append(f"the accounts differ ({account} is only in the "
                           f"{'new' if account in now else 'saved'} plan)")
        elif now[account] != saved.fingerprints[account]:
            reasons.append(f"the live state of account {account} changed")
    if not reasons and _changes(fresh.to_data()) != _changes(saved.plan):
        reasons.append("the plan computed now differs from the saved one")
    _raise_stale(path, reasons)
    return fresh


def _check_items(path: Path, saved: SavedPlan, config: Config, fresh: Plan,
                 providers: Mapping[str, Items], restrict: Restrict) -> Plan:
    reasons = _input_reasons(saved, config)
    assert saved.items is not None
    now = {a.account: a for a in fresh.accounts}
    changed: list[str] = []
    accounts = []
    for name in sorted(set(now) | set(saved.items)):
        if name not in now or name not in saved.items:
            reasons.append(f"the accounts differ ({name} is only in the {'new' if name in now else 'saved'} plan)")
            continue
        provider = providers[name]
        for item, print_ in sorted(saved.items[name].items()):
            if fingerprint(provider.item_state(None, item)) != print_:
                changed.append(f"{name}: {provider.item_label(item)}")
        kept = [c for c in now[name].changes if provider.item_of(c) in saved.items[name]]
        dangling = dangling_needs(kept, name)
        if dangling:  # the plan's edges: what it does now needs a change it was not reviewed with
            reasons.append("changes it makes now need changes it does not make: " + ", ".join(
                f"{change} needs {needed}" for change, needed in dangling))
            continue
        accounts.append(restrict(now[name], set(saved.items[name])))
    if changed:
        reasons.append("items it changes were changed since: " + ", ".join(changed))
    plan = Plan(tuple(sorted(accounts, key=lambda a: [x.account for x in fresh.accounts].index(a.account))))
    if not reasons and _comparable(plan.to_data()) != _comparable(saved.plan):
        reasons.append("the plan computed now for the items it changes differs from the saved one")
    _raise_stale(path, reasons)
    return plan


def _input_reasons(saved: SavedPlan, config: Config) -> list[str]:
    if inputs_hash(config) == saved.inputs_hash:
        return []
    if saved.config and Path(saved.config).resolve() != Path(config.path).resolve():
        return [f"it was made from {saved.config}, not from {config.path} as it is now"]
    return [f"the config file {config.path} (or a file it names) changed"]


def _comparable(data: dict[str, Any]) -> Any:
    """What a plan does, without what drift elsewhere changes (the live fingerprint and item counts)."""
    accounts = _changes(data)
    for account in accounts or ():
        account.pop("fingerprint", None)
        account.pop("existing", None)
    return accounts


def _raise_stale(path: Path, reasons: list[str]) -> None:
    if reasons:
        raise StalePlanError(f"{path} is stale and nothing was applied: " + "; ".join(reasons)
                             + ". Make a new plan with `telconf plan --out`.")


def mark_applied(path: Path, saved: SavedPlan) -> SavedPlan:
    """Rewrite the file as applied, so it is refused next time."""
    done = SavedPlan(**{**asdict(saved), "applied": True, "applied_at": _now()})
    write(path, done)
    return done


def _changes(plan: dict[str, Any]) -> Any:
    """What a plan does, as comparable data: its accounts without the config positions.

    ``source`` (lines in the config) may move without changing the plan; the config's
    content is compared by ``inputs_hash`` already. ``routing`` is what callers get, derived
    from the states (drift in a number the plan does not touch may change it): not compared.
    """
    accounts = _as_json(plan.get("accounts"))
    for account in accounts or ():
        account.pop("routing", None)
        for change in account.get("changes", ()):
            change.pop("source", None)
    return accounts


def _as_json(data: Any) -> Any:
    """Data as it reads back from a file (tuples become lists, keys strings)."""
    return json.loads(json.dumps(data, ensure_ascii=False))


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
