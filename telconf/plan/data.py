"""The plan as plain data: changes (what will differ) and calls (how, in order).

Providers produce ``Change`` objects, each carrying the API calls it needs; the
conductor orders (``telconf.plan.order``) and batches the calls of an account into
``AccountPlan.calls``; renderers and ``apply`` only read these objects.

Call parameters are JSON values. Three placeholders stand for what is not known, or
must not be written down, when the plan is made; ``apply`` resolves them (``resolve``):

- ``{"$ref": NAME}``: the id returned by an earlier call whose ``binds`` is NAME
  (a forward created by this plan, then moved);
- ``{"$secret": NAME}``: a secret of the desired state (a SIP line password),
  rendered as ``(sensitive)``;
- ``{"$file": NAME}``: the content of a local voice file.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from telconf.core.errors import PlanError
from telconf.core.model import Action as Action, StageTable as StageTable  # re-exported: providers import them from here

PLAN_FORMAT_VERSION = 2  # 2: change addresses, positions, sources; telconf version, config, warnings




@dataclass(frozen=True)
class PlanOptions:
    """Choices that change what a plan contains.

    ``rotate_secrets``: also set every write-only secret the config gives (a SIP line's
    password), which cannot be read back to compare.
    """

    rotate_secrets: bool = False


def ref(name: str) -> dict[str, str]:
    """Placeholder for the id bound by an earlier call of the same plan."""
    return {"$ref": name}


def secret(name: str) -> dict[str, str]:
    """Placeholder for a secret of the desired state."""
    return {"$secret": name}


def local_file(name: str) -> dict[str, str]:
    """Placeholder for the content of a local voice file."""
    return {"$file": name}


_PLACEHOLDERS = frozenset({"$ref", "$secret", "$file"})


def has_placeholders(value: Any) -> bool:
    """True when ``value`` holds a placeholder (a quick look: most calls hold none)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if len(item) == 1 and next(iter(item)) in _PLACEHOLDERS:
                return True
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))
    return False


def resolve(value: Any, refs: Mapping[str, str], secret: Callable[[str], str],
            file: Callable[[str], bytes]) -> Any:
    """``value`` with every placeholder replaced: the one place they are resolved (by ``apply``).

    ``refs`` are the ids bound so far; ``secret`` and ``file`` look a secret or a local
    file up in the desired state (the provider's ``secret``/``file``). An id no earlier
    call bound is a ``PlanError``: the plan is not in the order it was made in.
    """
    if isinstance(value, dict):
        if len(value) == 1:
            (key, name), = value.items()
            if key == "$ref":
                if name not in refs:
                    raise PlanError(f"{name} was not created by an earlier call of the plan")
                return refs[name]
            if key == "$secret":
                return secret(name)
            if key == "$file":
                return file(name)
        return {k: resolve(v, refs, secret, file) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, refs, secret, file) for v in value]
    return value


def ref_names(value: Any) -> list[str]:
    """The names of the ``{"$ref": NAME}`` placeholders in call parameters: a call waits
    for the call that binds each (whatever lanes they are in)."""
    if not has_placeholders(value):
        return []
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if len(item) == 1 and next(iter(item)) == "$ref":
                found.append(str(next(iter(item.values()))))
            else:
                stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


@dataclass(frozen=True)
class Call:
    """One API request: a method (or command) of the provider's API, with its parameters.

    ``lane``: calls of one lane keep their order; calls of different lanes within one
    stage may run in parallel (a lane is usually one phone number; "" = the account).
    ``binds``: on success, the id the call returns is remembered under this name.
    ``holds_next``: the next call of its lane must follow once this one is sent, whatever
    happens: the API forces a two-step change whose first step alone loses state outside
    the config (Beeline's ``CRECORD`` all, then ``ARECORD`` the others). ``apply`` sends the
    next call even when stopping (Ctrl-C, SIGTERM, a failure), retries it, and names what
    was lost if it still fails (``Provider.lost_without``).
    """

    method: str
    params: Any = None
    binds: str | None = None
    lane: str = ""
    stage: int = 0
    write: bool = True
    holds_next: bool = False

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"method": self.method, "params": self.params}
        if self.binds:
            data["binds"] = self.binds
        if self.lane:
            data["lane"] = self.lane
        data["stage"] = self.stage
        if self.holds_next:
            data["holds_next"] = True
        return data


CallWithChanges = tuple[Call, tuple[int, ...]]
"""A call, and the indices of the changes it serves (a batched call serves several)."""


@dataclass(frozen=True)
class Change:
    """One difference between the desired and the live state of an account.

    ``kind`` is the item kind (the provider's: ``sip_line``, ``forward``, ``redirect``...);
    ``key`` names the item within the kind; ``before``/``after`` are JSON values (dicts
    of fields where the item has fields) with secrets as ``(sensitive)``; ``number``
    is the phone number the item belongs to, for grouping. ``size`` is how many items
    the change creates or deletes (black-list changes carry many A-numbers).
    ``calls`` are the change's own calls, before ordering and batching. ``needs`` names
    (by address) the changes whose calls must be done before these start, and whose
    not being sent stops this one too.
    """

    kind: str
    key: str
    action: Action
    before: Any = None
    after: Any = None
    number: str | None = None
    size: int = 1
    calls: tuple[Call, ...] = ()
    warning: str | None = None
    warning_code: str | None = None
    position: int | None = None  # a forward's place: in the desired list, or the live one for a delete
    template: str | None = None  # the config template the number's desired settings came from
    address_item: str | None = None  # ITEM of the address when not the number or key; "" for none
    # Where the config asks for the item, inside its account (keys as the provider knows them:
    # numbers in wire form); None: the number's entry, or the account. ``config_at_key``:
    # point at the key (a SIP line, a voice file), as the config's own errors do.
    config_path: tuple[str | int, ...] | None = None
    config_at_key: bool = False
    # The addresses of the changes of this account this one needs done first (``telconf.plan.order``).
    needs: tuple[str, ...] = ()
    # Ordered by the stage table against the other staged changes (the default between
    # kinds); False: ``needs`` (and its lane) say all this change waits for, and no staged
    # change waits for it unless it needs it.
    staged: bool = True

    def address(self, account: str) -> str:
        """The change's stable address (grammar in ``schemas/plan.schema.json``).

        ``ACCOUNT/KIND[/ITEM][/POSITION]``: ITEM is the number in E.164 (``+78123232323``)
        for per-number kinds, else the key (``101``, ``greeting.wav``), unless the provider
        gave ``address_item`` (``0/+74957654321`` for black list 0 and its B-number, none
        for an account-wide setting); POSITION is a forward's place from 1 in the desired
        list, ``live-N`` for a deleted forward (its place in the live list).
        """
        parts = [account, self.kind]
        if self.address_item is not None:
            parts += [self.address_item] if self.address_item else []
        elif self.number:
            parts.append(e164(self.number))
        else:
            parts.append(self.key)
        if self.position is not None:
            parts.append(f"live-{self.position}" if self.action is Action.DELETE else str(self.position))
        return "/".join(parts)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "key": self.key,
            "action": self.action.value,
            "before": self.before,
            "after": self.after,
            "size": self.size,
        }
        if self.number:
            data["number"] = self.number
        if self.position is not None:
            data["position"] = self.position
        if self.warning:
            data["warning"] = self.warning
            data["warning_code"] = self.warning_code or "change"
        if self.template:
            data["template"] = self.template
        if self.needs:
            data["needs"] = list(self.needs)
        return data


def e164(wire: str) -> str:
    """A wire number as ``+E.164`` (addresses)."""
    return wire if wire.startswith("+") else "+" + wire


@dataclass(frozen=True)
class AccountPlan:
    """The plan of one account: its changes and the ordered calls that make them.

    ``call_changes[i]`` lists the indices of the changes served by ``calls[i]``
    (a batched request serves several). ``existing`` counts the live items
    of each kind, for the safety rule. ``fingerprint`` identifies the live state read.
    """

    account: str
    provider: str
    changes: tuple[Change, ...]
    calls: tuple[Call, ...]
    call_changes: tuple[tuple[int, ...], ...]
    fingerprint: str
    existing: Mapping[str, int] = field(default_factory=dict)
    reads: int = 0  # list calls made to read the live state
    ignored: Mapping[str, int] = field(default_factory=dict)  # live items per kind ignore rules left out
    # The routing the plan changes (telconf.routing.impact.NumberImpact per number): what
    # callers get before and after, for reviewers. Derived from the states, not compared.
    routing: tuple[Any, ...] = field(default=(), compare=False)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def counts(self) -> Counter[str]:
        """Changes per action, e.g. ``{"create": 3, "move": 2}``."""
        return Counter(c.action.value for c in self.changes)

    def to_data(self) -> dict[str, Any]:
        changes = [{"address": c.address(self.account), **c.to_data()} for c in self.changes]
        for index, served in enumerate(self.call_changes):
            for change_index in served:
                changes[change_index].setdefault("calls", []).append(index)
        return {
            "account": self.account,
            "provider": self.provider,
            "fingerprint": self.fingerprint,
            "existing": dict(sorted(self.existing.items())),
            **({"ignored": dict(sorted(self.ignored.items()))} if self.ignored else {}),
            "changes": changes,
            "calls": [c.to_data() for c in self.calls],
            "routing": [r.to_data() for r in self.routing],
        }


@dataclass(frozen=True)
class Plan:
    """The plan over every selected account."""

    accounts: tuple[AccountPlan, ...]
    # What the plan was made from (telconf.plan.context.PlanContext): config, warnings,
    # snapshot. Not part of what a saved plan compares.
    context: Any = field(default=None, compare=False)

    @property
    def has_changes(self) -> bool:
        return any(a.has_changes for a in self.accounts)

    def counts(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for account in self.accounts:
            total.update(account.counts())
        return total

    @property
    def call_count(self) -> int:
        return sum(len(a.calls) for a in self.accounts)

    def to_data(self) -> dict[str, Any]:
        """The plan as JSON-able data (documented by ``schemas/plan.schema.json``)."""
        counts = self.counts()
        data: dict[str, Any] = {
            "format_version": PLAN_FORMAT_VERSION,
            "summary": {
                "create": counts["create"],
                "update": counts["update"],
                "delete": counts["delete"],
                "move": counts["move"],
                "calls": self.call_count,
            },
            "accounts": [a.to_data() for a in self.accounts],
        }
        from telconf.plan.context import PlanContext

        (self.context or PlanContext(config=None)).decorate(data, self)
        return data


def fingerprint(data: Any) -> str:
    """A stable hash of JSON-able data (the normalised live state of an account)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
