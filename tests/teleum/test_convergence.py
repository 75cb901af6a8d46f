"""Plan + apply against the emulator reach the desired state with the fewest calls."""

from __future__ import annotations

from telconf.emulator import Emulators
from telconf.core.model import UNMANAGED
from telconf.providers.teleum.model import Interval
from telconf.providers.base import PlanOptions
from telconf.providers.teleum.forwards import reconcile

from .helpers import (
    EMAIL,
    N1,
    N2,
    WORKDAYS,
    add_forwards,
    converge,
    emulator_forwards,
    fwd,
    line,
    live_counts,
    make_account,
    writes,
)

A, B, C = fwd("sip:101"), fwd("tel:79210000000", timeout=30), fwd("voicemail:vm@example.com")
D, E, F = fwd("fax:fax@example.com"), fwd("tel:79210000001"), fwd("tel:79210000002", record=True)


def methods(emu: Emulators) -> list[str]:
    return [entry["method"] for entry in writes(emu)]


def setup_lines(emu: Emulators, count: int = 2) -> None:
    for _ in range(count):
        emu.teleum.add_sip(EMAIL, descr="line")


def test_edit_in_place_is_one_call(emu: Emulators) -> None:
    setup_lines(emu)
    add_forwards(emu, N1, [A, B])
    converge(emu, make_account(emu.teleum_url, {N1: [A, fwd("tel:79210000000", timeout=15, vpbx=True)]}))
    assert methods(emu) == ["editForward"]


def test_insert_in_the_middle_creates_then_moves(emu: Emulators) -> None:
    setup_lines(emu)
    add_forwards(emu, N1, [A, B, C, D])
    plan = converge(emu, make_account(emu.teleum_url, {N1: [A, B, E, C, D]}))
    assert methods(emu) == ["editForward", "moveForward", "moveForward"]
    change = [c for c in plan.accounts[0].changes if c.action.value == "move"][0]
    assert change.after == ["sip:101", "tel:+7 921 000-00-00", "tel:+7 921 000-00-01",
                            "voicemail:vm@example.com", "fax:fax@example.com"]


def test_reverse_a_list_of_six(emu: Emulators) -> None:
    setup_lines(emu)
    live = [A, B, C, D, E, F]
    add_forwards(emu, N1, live)
    converge(emu, make_account(emu.teleum_url, {N1: live[::-1]}))
    assert len(writes(emu)) == reconcile(live, live[::-1]).total < 15


def test_delete_all(emu: Emulators) -> None:
    setup_lines(emu)
    add_forwards(emu, N1, [A, B, C])
    converge(emu, make_account(emu.teleum_url, {N1: []}))
    assert methods(emu) == ["deleteForward"] * 3
    assert emulator_forwards(emu, N1) == []


def test_unmanaged_numbers_are_left_alone(emu: Emulators) -> None:
    setup_lines(emu)
    add_forwards(emu, N2, [A])
    converge(emu, make_account(emu.teleum_url, {N1: [B], N2: UNMANAGED}))
    assert emulator_forwards(emu, N2) == [A]


def test_sip_line_create_and_a_forward_to_it(emu: Emulators) -> None:
    setup_lines(emu, 1)
    add_forwards(emu, N1, [A])
    account = make_account(emu.teleum_url, {N1: [fwd("sip:102"), A]},
                           sip_lines=[line("101", "line"), line("102", "Office", "office@example.com", N2)])
    converge(emu, account)
    assert methods(emu)[:2] == ["editSIP", "editForward"]  # the line exists before a forward targets it
    assert [s["password"] for s in emu.teleum.sips(EMAIL) if s["num"] == "102"] == ["sip-password-1"]


def test_forward_removal_and_sip_line_delete(emu: Emulators) -> None:
    setup_lines(emu, 2)
    add_forwards(emu, N1, [A, fwd("sip:102")])
    account = make_account(emu.teleum_url, {N1: [A]}, sip_lines=[line("101", "line", password=False)])
    converge(emu, account)
    assert methods(emu) == ["deleteForward", "deleteSIP"]  # the forward goes before its line


def test_schedules_round_trip(emu: Emulators) -> None:
    setup_lines(emu)
    weekend = (Interval(6, 7, 10 * 60, 16 * 60 + 30), Interval(3, 3, 0, 59))
    add_forwards(emu, N1, [A, fwd("tel:79210000000", schedule=WORKDAYS)])
    converge(emu, make_account(emu.teleum_url, {N1: [fwd("sip:101", schedule=weekend),
                                                     fwd("tel:79210000000", schedule=WORKDAYS)]}))
    assert methods(emu) == ["editForward"]


def test_caller_id_own_number_uses_its_rcnid(emu: Emulators) -> None:
    setup_lines(emu)
    add_forwards(emu, N1, [A])
    converge(emu, make_account(emu.teleum_url, {N1: [fwd("sip:101", caller_id=N2), fwd("sip:102", caller_id="group")]}))
    assert emulator_forwards(emu, N1)[0].caller_id == N2


def test_no_number_is_ever_left_without_forwards(emu: Emulators) -> None:
    setup_lines(emu)
    add_forwards(emu, N1, [A])
    converge(emu, make_account(emu.teleum_url, {N1: [B, C]}))
    assert min(live_counts(emu, N1, before=1)) >= 1


def test_sip_line_update_keeps_the_password_unless_rotating(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL, descr="Old", password="old-password")
    account = make_account(emu.teleum_url, sip_lines=[line("101", "Reception", "r@example.com", N1)])
    converge(emu, account)
    assert emu.teleum.sips(EMAIL)[0]["password"] == "old-password"
    emu.teleum.clear_log()
    converge(emu, account, PlanOptions(rotate_secrets=True))
    assert emu.teleum.sips(EMAIL)[0]["password"] == "sip-password-1"
    assert methods(emu) == ["editSIP"]
