"""Teleum SIP lines (CONTRACT 1.5): numbering, passwords, deletion rules."""

from __future__ import annotations

import pytest
from emulator_wire import T_EMAIL, T_NUMBERS, TeleumWire

from telconf.emulator import Emulators


def new_line(teleum: TeleumWire, **params: object) -> dict[str, str]:
    sent = {"id": 0, "email": "line@example.com", "descr": "Line", "rcid": 0, "paswd": "long-password", **params}
    return teleum.ok("editSIP", **sent)


def test_created_line_takes_the_number_get_next_sip_gave(teleum: TeleumWire) -> None:
    for _ in range(3):
        expected = teleum.ok("getNextSIP")["num"]
        assert new_line(teleum)["num"] == expected


def test_line_numbers_are_never_reused(teleum: TeleumWire) -> None:
    first, second = new_line(teleum), new_line(teleum)
    assert (first["num"], second["num"]) == ("101", "102")
    teleum.ok("deleteSIP", id=second["id"])
    assert teleum.ok("getNextSIP")["num"] == "103"
    assert new_line(teleum)["num"] == "103"


def test_next_sip_follows_the_highest_existing_line(emulators: Emulators, teleum: TeleumWire) -> None:
    emulators.teleum.add_sip(T_EMAIL, num=150)
    assert teleum.ok("getNextSIP")["num"] == "151"


def test_sip_line_object_has_the_contract_fields_and_no_password(teleum: TeleumWire) -> None:
    made = new_line(teleum, descr="Reception")
    (line,) = teleum.ok("getSIPs")["sips"]
    assert set(line) == {"id", "num", "email", "def", "rcid", "descr", "uagent", "status"}
    assert line["id"] == made["id"] and line["descr"] == "Reception" and line["rcid"] == "0"
    assert "long-password" not in teleum.call("getSIPs").text


@pytest.mark.parametrize("password", ["", "short77"])
def test_create_needs_a_password_of_8_or_more(emulators: Emulators, teleum: TeleumWire, password: str) -> None:
    before = emulators.teleum.snapshot()
    assert "paswd" in teleum.fails("editSIP", id=0, email="a@example.com", descr="x", rcid=0, paswd=password)
    assert emulators.teleum.snapshot() == before


def test_create_without_paswd_key_fails(teleum: TeleumWire) -> None:
    teleum.fails("editSIP", id=0, descr="x")


def test_edit_with_empty_or_absent_password_keeps_it(emulators: Emulators, teleum: TeleumWire) -> None:
    made = new_line(teleum)
    teleum.ok("editSIP", id=made["id"], descr="Renamed", paswd="")
    teleum.ok("editSIP", id=made["id"], email="new@example.com")
    (line,) = emulators.teleum.sips(T_EMAIL)
    assert line["password"] == "long-password" and line["descr"] == "Renamed"
    assert line["email"] == "new@example.com" and line["num"] == made["num"]


def test_edit_with_a_new_password_sets_it(emulators: Emulators, teleum: TeleumWire) -> None:
    made = new_line(teleum)
    teleum.ok("editSIP", id=made["id"], paswd="another-password")
    assert emulators.teleum.sips(T_EMAIL)[0]["password"] == "another-password"
    teleum.fails("editSIP", id=made["id"], paswd="short")


def test_caller_id_of_a_line_is_an_rcid_or_0(teleum: TeleumWire) -> None:
    rcid = teleum.ok("getRCIDs")["rcids"][1]["id"]
    made = new_line(teleum, rcid=rcid)
    assert teleum.ok("getSIPs")["sips"][0]["rcid"] == rcid
    teleum.fails("editSIP", id=made["id"], rcid="99999")
    teleum.fails("editSIP", id=0, paswd="long-password", rcid="99999")


def test_invalid_email_and_unknown_id_fail(teleum: TeleumWire) -> None:
    teleum.fails("editSIP", id=0, paswd="long-password", email="not-an-email")
    teleum.fails("editSIP", id=424242, descr="x")
    teleum.fails("deleteSIP", id=424242)


def test_lines_cannot_be_renumbered(teleum: TeleumWire) -> None:
    made = new_line(teleum)
    teleum.ok("editSIP", id=made["id"], num="199")  # an unknown parameter is ignored
    assert teleum.ok("getSIPs")["sips"][0]["num"] == made["num"]


def test_delete_of_a_line_a_live_forward_targets_fails(emulators: Emulators, teleum: TeleumWire) -> None:
    made = new_line(teleum)
    forward = emulators.teleum.add_forward(T_EMAIL, T_NUMBERS[1], rtype="SIP", rnum=made["num"])
    before = emulators.teleum.snapshot()
    assert made["num"] in teleum.fails("deleteSIP", id=made["id"])
    assert emulators.teleum.snapshot() == before
    teleum.ok("deleteForward", id=forward["id"])  # a tombstone does not hold the line
    teleum.ok("deleteSIP", id=made["id"])
    assert teleum.ok("getSIPs")["sips"] == []


def test_sips_list_key_may_be_spis(emulators: Emulators, teleum: TeleumWire) -> None:
    new_line(teleum)
    emulators.teleum.sips_key = "spis"
    body = teleum.ok("getSIPs")
    assert "sips" not in body and len(body["spis"]) == 1
