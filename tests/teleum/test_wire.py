"""The client on the wire: secrets in POST bodies, typed errors, malformed answers, tolerate rules."""

from __future__ import annotations

import json

import pytest

from telconf.emulator import Emulators
from telconf.core.errors import ApiError, ApplyError, AuthError, BadResponse, PlanError
from telconf.providers.teleum.client import TeleumClient

from .conftest import Tamper
from .helpers import (
    EMAIL,
    N1,
    N2,
    PASSWORD,
    add_forwards,
    apply,
    converge,
    emulator_forwards,
    fwd,
    line,
    make_account,
    plan_of,
)

A, B = fwd("sip:101"), fwd("tel:79210000000", caller_id=N2)


def test_login_and_edit_sip_go_as_post_without_secrets_in_the_url(emu: Emulators, tamper: tuple[Tamper, str]) -> None:
    front, url = tamper
    converge(emu, make_account(url, {N1: [A]}, sip_lines=[line("101", "Reception")]))
    posted = {cmd for verb, cmd, _ in front.seen if verb == "POST"}
    assert posted == {"login", "editSIP"}
    assert all(not keys & {"paswd", "email"} for _, _, keys in front.seen)


@pytest.mark.parametrize("status", [200, 403])
def test_refused_login_is_an_auth_error(emu: Emulators, status: int) -> None:
    emu.teleum.configure(login_fail_status=status)
    client = TeleumClient(emu.teleum_url, EMAIL, "wrong-password")
    with pytest.raises(AuthError, match="teleum login: login refused: Wrong e-mail or password") as caught:
        client.call("getSIPs")
    assert "wrong-password" not in str(caught.value)


def test_an_error_answer_is_an_api_error_with_the_providers_message(emu: Emulators) -> None:
    client = TeleumClient(emu.teleum_url, EMAIL, PASSWORD)
    with pytest.raises(ApiError, match=r"teleum deleteForward: Unknown forward id '999'"):
        client.call("deleteForward", {"id": 999}, idempotent=False)


def test_err_as_a_string_fails_whatever_the_status(emu: Emulators, tamper: tuple[Tamper, str]) -> None:
    front, url = tamper
    emu.teleum.add_sip(EMAIL)
    front.rules["editForward"] = (200, "application/json", json.dumps({"err": "1", "errmsg": "Invalid rnum"}))
    with pytest.raises(ApplyError, match="teleum editForward: Invalid rnum") as caught:
        apply(make_account(url, {N1: [A]}))
    assert len(caught.value.report.failed) == 1


@pytest.mark.parametrize(("method", "answer", "message"), [
    ("getForwards", "<html><body>502 Bad Gateway</body></html>", "answer is not JSON"),
    ("getSIPs", {"vivaid": "1", "lines": []}, "has no 'sips' list"),
    ("getForwardsTypes", {"forwardTypes": "SIP"}, "not a list of objects"),
    ("getConnectedNumbers", ["78123232323"], "not a JSON object"),
    ("getNextSIP", {"num": "one hundred"}, "'num' is not a number"),
    ("getForwards", {"forwards": [{"id": "1", "rtype": "1", "rnum": "101", "rtime": "20", "rcid": "1"}]},
     "no usable 'direction'"),
    ("getForwards", {"forwards": [{"id": "1", "rtype": "1", "rnum": "101", "rtime": "20", "rcid": "3",
                                   "rcnid": "99", "direction": "1"}]}, "rcnid 99"),
    ("getForwards", {"forwards": [{"id": "1", "rtype": "1", "rnum": "101", "rtime": "20", "rcid": "1",
                                   "direction": "1", "dowjs2": "[{\"ttsh\": 9}]"}]}, "dowjs2"),
    ("getForwards", {"forwards": [{"id": "1", "rtype": "9", "rnum": "101", "rtime": "20", "rcid": "1",
                                   "direction": "1"}]}, "type 9"),
])
def test_a_malformed_answer_aborts_the_plan_naming_the_call(
    emu: Emulators, tamper: tuple[Tamper, str], method: str, answer: object, message: str,
) -> None:
    front, url = tamper
    body = answer if isinstance(answer, str) else json.dumps(answer)
    front.rules[method] = (200, "text/html" if isinstance(answer, str) else "application/json", body)
    with pytest.raises(BadResponse, match=f"teleum {method}: .*{message}"):
        plan_of(make_account(url, {N1: [A]}))


def test_login_without_a_token_is_a_bad_response(emu: Emulators, tamper: tuple[Tamper, str]) -> None:
    front, url = tamper
    front.rules["login"] = (200, "application/json", json.dumps({"account": "1"}))
    with pytest.raises(BadResponse, match="teleum login: the answer has no token"):
        plan_of(make_account(url, {N1: [A]}))


@pytest.mark.parametrize("knobs", [
    {"numbers_as_int": True},
    {"sips_key": "spis"},
    {"shuffle": True, "shuffle_seed": 3},
    {"direction_step": 7},
    {"tombstones": True},
    {"err_zero": True, "extra_fields": True},
])
def test_tolerated_wire_variants_converge(emu: Emulators, knobs: dict[str, object]) -> None:
    emu.teleum.configure(**knobs)
    emu.teleum.add_sip(EMAIL, descr="Reception", rcid=emu.teleum.snapshot()["accounts"][0]["numbers"][0]["id"])
    add_forwards(emu, N1, [B, fwd("fax:fax@example.com"), A])
    converge(emu, make_account(emu.teleum_url, {N1: [A, B, fwd("voicemail:vm@example.com")]},
                               sip_lines=[line("101", "Reception", caller_id=N1), line("102", "New")]))


def test_ids_are_resolved_by_name(emulators: Emulators) -> None:
    emulators.teleum.add_account(EMAIL, PASSWORD, [N1, N2],
                                 type_ids={"SIP": "40", "Телефон": "4", "Автоответчик": "2", "Факс": "1"},
                                 rcid_ids={"вызывающего": "9", "групповой": "1", "свой": "2"})
    emulators.teleum.add_sip(EMAIL)
    add_forwards(emulators, N1, [fwd("fax:fax@example.com", caller_id="group")])
    converge(emulators, make_account(emulators.teleum_url, {N1: [A, B, fwd("fax:fax@example.com", caller_id="group")]}))
    assert emulator_forwards(emulators, N1)[1].caller_id == N2


def test_a_number_that_is_not_connected_is_a_plan_error(emu: Emulators) -> None:
    with pytest.raises(PlanError, match=r"\+7 999 123-45-67 is not a connected number"):
        plan_of(make_account(emu.teleum_url, {"79991234567": [A]}))
