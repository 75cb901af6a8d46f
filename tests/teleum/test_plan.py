"""What a Teleum plan contains: changes, exact calls, placeholders, and the errors it refuses with."""

from __future__ import annotations

import json

import pytest

from telconf.emulator import Emulators
from telconf.core.errors import ApplyError, PlanError
from telconf.core.model import SENSITIVE
from telconf.plan.data import Action
from telconf.providers.base import PlanOptions

from .helpers import (
    EMAIL,
    N1,
    N2,
    SIP_PASSWORD,
    add_forwards,
    fwd,
    line,
    make_account,
    plan_of,
    conductor_of,
    writes,
)

A, B, C = fwd("sip:101"), fwd("tel:79210000000"), fwd("voicemail:vm@example.com")


def test_no_changes_means_no_calls(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL, descr="Reception")
    add_forwards(emu, N1, [A, B])
    plan = plan_of(make_account(emu.teleum_url, {N1: [A, B]}, sip_lines=[line("101", "Reception")]))
    assert not plan.has_changes and plan.call_count == 0
    assert not writes(emu)
    account = plan.accounts[0]
    assert account.existing == {"sip_line": 1, "forward": 2}
    assert account.reads == 7  # six catalog calls and one getForwards


def test_an_edit_carries_every_parameter(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    live_ids = add_forwards(emu, N1, [A, B, C])
    plan = plan_of(make_account(emu.teleum_url, {N1: [A, fwd("tel:79210000000", timeout=30), C]}))
    (edit,) = plan.accounts[0].changes
    assert (edit.action, edit.key, edit.number) == (Action.UPDATE, f"{N1}#2", N1)
    assert edit.before["timeout"] == 20 and edit.after["timeout"] == 30
    assert edit.after["to"] == "tel:+7 921 000-00-00"
    (call,) = edit.calls
    assert call.method == "editForward" and call.lane == N1
    assert call.params == {"id": live_ids[1], "nid": "15", "rtype": "2", "rnum": "79210000000", "timeout": 30,
                           "rcid": "1", "rcnid": "0", "rec": 0, "vpbx": 0, "moh": 0, "isolated": 0, "dowjs2": "[]"}


def test_a_swap_is_one_move(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    live_ids = add_forwards(emu, N1, [A, B, C])
    (move,) = plan_of(make_account(emu.teleum_url, {N1: [A, C, B]})).accounts[0].changes
    assert (move.action, move.key) == (Action.MOVE, N1)
    assert move.before == ["sip:101", "tel:+7 921 000-00-00", "voicemail:vm@example.com"]
    assert move.after == ["sip:101", "voicemail:vm@example.com", "tel:+7 921 000-00-00"]
    assert [c.params for c in move.calls] == [{"id": live_ids[2], "dir": "up"}]


def test_creates_bind_a_ref_that_moves_use(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    add_forwards(emu, N1, [A, B])
    changes = plan_of(make_account(emu.teleum_url, {N1: [fwd("tel:79210000005"), A, B]})).accounts[0].changes
    assert [(c.action, c.key) for c in changes] == [(Action.CREATE, f"{N1}#1"), (Action.MOVE, N1)]
    assert changes[0].calls[0].params["id"] == 0 and changes[0].calls[0].binds == f"fwd:{N1}:1"
    assert [c.params for c in changes[1].calls] == [{"id": {"$ref": f"fwd:{N1}:1"}, "dir": "up"}] * 2


def test_deletes_are_keyed_by_live_id(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    live_ids = add_forwards(emu, N1, [A, B])
    changes = plan_of(make_account(emu.teleum_url, {N1: []})).accounts[0].changes
    assert [(c.action, c.key, c.calls[0].params) for c in changes] == [
        (Action.DELETE, f"{N1}#id{i}", {"id": i}) for i in live_ids]


def test_calls_run_edits_then_creates_then_deletes_then_moves(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    add_forwards(emu, N1, [A, B, C, fwd("tel:79210000001"), fwd("tel:79210000002")])
    desired = [fwd("tel:79210000002"), A, fwd("tel:79210000003", timeout=7), fwd("tel:79210000004"),
               fwd("tel:79210000005"), fwd("tel:79210000006"), fwd("tel:79210000007")]
    calls = plan_of(make_account(emu.teleum_url, {N1: desired})).accounts[0].calls
    kinds = ["edit" if c.method == "editForward" and c.params["id"] != 0 else
             "create" if c.method == "editForward" else c.method for c in calls]
    order = ["edit", "create", "deleteForward", "moveForward"]
    assert kinds == sorted(kinds, key=order.index) and "create" in kinds and "moveForward" in kinds


def test_sip_line_create_is_checked_and_its_password_is_a_placeholder(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    plan = plan_of(make_account(emu.teleum_url, sip_lines=[line("101"), line("102", "New"), line("103", "Newer")]))
    calls = plan.accounts[0].calls
    assert [(c.method, c.params.get("expect")) for c in calls] == [
        ("getNextSIP", "102"), ("editSIP", None), ("getNextSIP", "103"), ("editSIP", None)]
    assert calls[1].params["paswd"] == {"$secret": "sip:102:password"} and not calls[0].write
    assert plan.accounts[0].changes[0].after["password"] == SENSITIVE
    assert SIP_PASSWORD not in json.dumps(plan.to_data())


def test_password_is_sent_again_only_when_rotating(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    account = make_account(emu.teleum_url, sip_lines=[line("101")])
    assert not plan_of(account).has_changes
    (change,) = plan_of(account, PlanOptions(rotate_secrets=True)).accounts[0].changes
    assert change.action is Action.UPDATE and change.calls[0].params["paswd"] == {"$secret": "sip:101:password"}


def test_a_line_number_the_provider_will_not_assign_is_refused(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    with pytest.raises(PlanError, match="SIP line 105 cannot be created: .* would assign 102"):
        plan_of(make_account(emu.teleum_url, sip_lines=[line("101"), line("105")]))


def test_a_new_line_needs_a_password(emu: Emulators) -> None:
    with pytest.raises(PlanError, match="SIP line 101 is created by this plan but has no password"):
        plan_of(make_account(emu.teleum_url, sip_lines=[line("101", password=False)]))


def test_a_forward_to_a_missing_line_is_refused(emu: Emulators) -> None:
    with pytest.raises(PlanError, match=r"forward 1 of \+7 812 323-23-23 targets sip:101"):
        plan_of(make_account(emu.teleum_url, {N1: [A]}))


def test_a_caller_id_the_account_cannot_present_is_refused(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    with pytest.raises(PlanError, match=r"\+7 999 123-45-67 cannot be presented as caller id"):
        plan_of(make_account(emu.teleum_url, {N1: [fwd("sip:101", caller_id="79991234567")]}))


def test_apply_stops_when_the_provider_would_number_the_line_differently(emu: Emulators) -> None:
    with conductor_of(make_account(emu.teleum_url, sip_lines=[line("101")])) as conductor:
        plan = conductor.plan()
        emu.teleum.add_sip(EMAIL)  # someone else takes line 101 meanwhile
        with pytest.raises(ApplyError, match="the apply met concurrent changes; items: 0 done, 0 conflicted, "
                                             "1 changed since the plan") as caught:
            conductor.apply(plan)
    assert any(line.startswith("    ~ spb: SIP line 101: changed since the plan: was {'next_sip': 101}, now {'id': ")
               for line in caught.value.report.lines())
    assert [s["num"] for s in emu.teleum.sips(EMAIL)] == ["101"]
    assert not writes(emu)


def test_different_numbers_get_different_lanes(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    plan = plan_of(make_account(emu.teleum_url, {N1: [A], N2: [B]}, sip_lines=[line("101"), line("102")]))
    lanes = {(c.method, c.lane) for c in plan.accounts[0].calls}
    assert lanes == {("getNextSIP", ""), ("editSIP", ""), ("editForward", N1), ("editForward", N2)}


def test_a_line_targeted_by_an_unmanaged_number_is_not_deleted(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    emu.teleum.add_sip(EMAIL)
    add_forwards(emu, N2, [fwd("sip:102")])
    account = make_account(emu.teleum_url, {N1: [A]}, sip_lines=[line("101")])
    with pytest.raises(PlanError, match=r"SIP line 102 cannot be deleted: a forward of \+7 812 323-23-24"):
        plan_of(account)
    assert plan_of(make_account(emu.teleum_url, {N1: [A], N2: []}, sip_lines=[line("101")])).has_changes
