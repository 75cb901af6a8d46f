"""Teleum diff: the changes (with their exact calls) from the live to the desired state.

SIP lines are keyed by line number; forwards of each managed number are reconciled
by ``forwards.reconcile`` (fewest edits + creates + deletes + moves). Calls carry
plain wire parameters (``token``/``vivaid`` are added when they run); a forward
created by the plan is named by a ``ref`` so later moves can address it, a password
by a ``secret``. Stages are not set here: ``telconf.plan.order`` decides them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from telconf.core import phones
from telconf.core.errors import PlanError
from telconf.core.model import SENSITIVE, is_managed
from telconf.providers.teleum.model import Forward, SipLine, Target, TargetKind, TeleumAccount
from telconf.plan.data import Action, Call, Change, ref, secret
from telconf.providers.base import PlanOptions
from telconf.providers.teleum.forwards import ForwardSlot, reconcile
from telconf.providers.teleum.payloads import (
    LiveSipLine,
    TeleumLive,
    canonical,
    forward_params,
    forward_view,
    sip_params,
    sip_view,
    target_text,
)


def password_secret(line_number: str) -> str:
    """The ``$secret`` name of a SIP line's password."""
    return f"sip:{line_number}:password"


def forward_ref(wire: str, position: int) -> str:
    """The ``$ref`` name of the forward created for desired ``position`` (from 1) of a number."""
    return f"fwd:{wire}:{position}"


def diff(account: TeleumAccount, live: TeleumLive, options: PlanOptions) -> list[Change]:
    """Every change of the account: SIP lines, then each managed number's forwards."""
    changes = sip_line_changes(account, live, options)
    lines_after = set(live.sip_lines)
    if is_managed(account.sip_lines):
        lines_after = set(account.sip_lines) | ignored_sip_lines(account, live)
    for wire, number in account.numbers.items():
        if isinstance(number.forwards, tuple):
            changes += forward_changes(wire, number.forwards, live, lines_after)
    return with_needs(changes, account.name)


def with_needs(changes: list[Change], account: str) -> list[Change]:
    """What each change needs of another (``telconf.plan.order``; also: not sent if that is not):

    - a forward set to target a SIP line the plan creates needs that line's creation;
    - a SIP line's delete needs the forward changes that stop targeting it (CONTRACT 1.5:
      deleteSIP of a targeted line fails).

    Both agree with the stage table, which keeps ordering the rest (a number's edits,
    creates, deletes, moves; SIP line creates and deletes in the account's lane, numbered
    in sequence by the provider). A SIP line's edit needs nothing: it is not staged, and
    runs in a lane of its own beside everything else.
    """
    created = {c.key: c.address(account) for c in changes if c.kind == "sip_line" and c.action is Action.CREATE}
    deleted = {c.key for c in changes if c.kind == "sip_line" and c.action is Action.DELETE}
    untargeting: dict[str, list[str]] = {}
    result = []
    for change in changes:
        if change.kind == "forward":
            to = _target(change.after)
            if to in created and change.action in (Action.CREATE, Action.UPDATE):
                change = replace(change, needs=(created[to],))
            was = _target(change.before)
            if was in deleted and change.action in (Action.UPDATE, Action.DELETE) and was != to:
                untargeting.setdefault(was, []).append(change.address(account))
        elif change.kind == "sip_line" and change.action is Action.UPDATE:
            change = replace(change, staged=False)
        result.append(change)
    return [replace(c, needs=tuple(untargeting.get(c.key, ())))
            if c.kind == "sip_line" and c.action is Action.DELETE else c for c in result]


def _target(view: object) -> str | None:
    """The SIP line a forward's view targets (``sip:101`` -> ``101``), else None."""
    to = view.get("to") if isinstance(view, dict) else None
    return to[4:] if isinstance(to, str) and to.startswith("sip:") else None


# --- SIP lines ---------------------------------------------------------------------------


def sip_line_changes(account: TeleumAccount, live: TeleumLive, options: PlanOptions) -> list[Change]:
    """Creates (in the provider's numbering order), updates and deletes of SIP lines."""
    if not isinstance(account.sip_lines, Mapping):
        return []
    desired = account.sip_lines
    changes = _sip_creates([desired[n] for n in desired if n not in live.sip_lines], live)
    for num in sorted(set(desired) & set(live.sip_lines), key=int):
        change = _sip_update(desired[num], live.sip_lines[num], live, options)
        if change is not None:
            changes.append(change)
    for num in sorted(set(live.sip_lines) - set(desired) - ignored_sip_lines(account, live), key=int):
        _check_untargeted(num, live)
        current = live.sip_lines[num]
        changes.append(Change(
            kind="sip_line", key=num, action=Action.DELETE, before=sip_view(current.line),
            calls=(Call("deleteSIP", {"id": current.id}),), config_path=("sip_lines",), config_at_key=True,
        ))
    return changes


def ignored_sip_lines(account: TeleumAccount, live: TeleumLive) -> set[str]:
    """Live lines an ignore rule matches: never created, changed or deleted."""
    if not is_managed(account.sip_lines) or not account.ignore.patterns("sip_lines"):
        return set()
    return {num for num in live.sip_lines if account.ignore.match("sip_lines", num)}


def ignored_counts(account: TeleumAccount, live: TeleumLive) -> dict[str, int]:
    """How many live items of each kind ignore rules left out of the comparison."""
    count = len(ignored_sip_lines(account, live))
    return {"sip_line": count} if count else {}


def _check_untargeted(num: str, live: TeleumLive) -> None:
    """A line may be deleted only if no forward outside the config still targets it."""
    for wire, forwards in sorted(live.other_forwards.items()):
        if any(f.forward.target == Target(TargetKind.SIP, num) for f in forwards):
            raise PlanError(f"SIP line {num} cannot be deleted: a forward of {phones.display(wire)}, whose forwards "
                            "the config does not manage, targets it; manage that number's forwards or keep the line")


def _sip_creates(lines: list[SipLine], live: TeleumLive) -> list[Change]:
    changes = []
    expected = live.next_sip
    for line in sorted(lines, key=lambda line: int(line.number)):
        if int(line.number) != expected:
            raise PlanError(
                f"SIP line {line.number} cannot be created: the provider numbers new lines in sequence "
                f"and would assign {expected}; add line {expected} instead (or first)")
        if line.password is None:
            raise PlanError(f"SIP line {line.number} is created by this plan but has no password in the config")
        params = sip_params(line, live.catalog, sip_id=0) | {"paswd": secret(password_secret(line.number))}
        changes.append(Change(
            kind="sip_line", key=line.number, action=Action.CREATE,
            after=sip_view(line) | {"password": SENSITIVE},
            config_path=("sip_lines", line.number), config_at_key=True,
            calls=(
                # Checked when it runs: stop if the server would give the line another number.
                Call("getNextSIP", {"expect": str(expected)}, write=False),
                Call("editSIP", params, binds=f"sip:{line.number}"),
            ),
        ))
        expected += 1
    return changes


def _sip_update(line: SipLine, current: LiveSipLine, live: TeleumLive, options: PlanOptions) -> Change | None:
    rotate = options.rotate_secrets and line.password is not None
    before, after = sip_view(current.line), sip_view(line)
    if before == after and not rotate:
        return None
    params = sip_params(line, live.catalog, sip_id=current.id)
    if rotate:
        params["paswd"] = secret(password_secret(line.number))
        before, after = before | {"password": SENSITIVE}, after | {"password": f"{SENSITIVE}, new"}
    return Change(kind="sip_line", key=line.number, action=Action.UPDATE, before=before, after=after,
                  calls=(Call("editSIP", params, lane=f"sip:{line.number}"),), config_path=("sip_lines", line.number), config_at_key=True)


# --- forwards ----------------------------------------------------------------------------


def forward_changes(wire: str, desired: tuple[Forward, ...], live: TeleumLive, lines_after: set[str]) -> list[Change]:
    """Edits, creates, deletes and one move change for one number (in that order)."""
    wanted = [canonical(f) for f in desired]
    for position, forward in enumerate(wanted, 1):
        if forward.target.kind is TargetKind.SIP and forward.target.value not in lines_after:
            raise PlanError(f"forward {position} of {phones.display(wire)} targets sip:{forward.target.value}, "
                            "which is not a SIP line of the account")
    current = live.forwards.get(wire, ())
    plan = reconcile([f.forward for f in current], wanted)
    number_id = live.catalog.numbers[wire]

    def call(method: str, params: dict[str, object], binds: str | None = None) -> Call:
        return Call(method, params, binds=binds, lane=wire)

    changes = []
    for i, j in plan.edits:
        changes.append(Change(
            kind="forward", key=f"{wire}#{j + 1}", action=Action.UPDATE, number=wire, position=j + 1,
            before=forward_view(current[i].forward), after=forward_view(wanted[j]),
            config_path=("numbers", wire, "forwards", j),
            calls=(call("editForward", forward_params(wanted[j], live.catalog, forward_id=current[i].id,
                                                      number_id=number_id)),),
        ))
    for j in plan.creates:
        changes.append(Change(
            kind="forward", key=f"{wire}#{j + 1}", action=Action.CREATE, number=wire, position=j + 1,
            after=forward_view(wanted[j]), config_path=("numbers", wire, "forwards", j),
            calls=(call("editForward", forward_params(wanted[j], live.catalog, forward_id=0, number_id=number_id),
                        binds=forward_ref(wire, j + 1)),),
        ))
    for i in plan.deletes:
        changes.append(Change(
            kind="forward", key=f"{wire}#id{current[i].id}", action=Action.DELETE, number=wire, position=i + 1,
            before=forward_view(current[i].forward), config_path=("numbers", wire, "forwards"),
            calls=(call("deleteForward", {"id": current[i].id}),),
        ))
    if plan.moves:
        def identity(item: ForwardSlot) -> str | dict[str, str]:
            return current[item.index].id if item.source == "live" else ref(forward_ref(wire, item.index + 1))

        def target(item: ForwardSlot) -> str:
            # After the edits a kept forward already has its desired settings.
            return target_text(wanted[dict(plan.kept)[item.index] if item.source == "live" else item.index].target)

        changes.append(Change(
            kind="forward", key=wire, action=Action.MOVE, number=wire, config_path=("numbers", wire, "forwards"),
            before=[target(item) for item in plan.order_before_moves],
            after=[target_text(f.target) for f in wanted],
            calls=tuple(call("moveForward", {"id": identity(m.item), "dir": m.direction}) for m in plan.moves),
        ))
    return changes

