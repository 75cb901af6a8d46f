"""Teleum transport, login and sessions (CONTRACT 1.1, 1.2)."""

from __future__ import annotations

import pytest
import requests
from emulator_wire import T_EMAIL, T_PASSWORD, TeleumWire

from telconf.emulator import Emulators


class Clock:
    """A settable clock for the emulator's session timer."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_login_returns_account_token_and_vivaid(emulators: Emulators) -> None:
    emulators.teleum.add_account(T_EMAIL, T_PASSWORD, ["78123232323"])
    response = requests.post(emulators.teleum_url, data={"cmd": "login", "email": T_EMAIL, "paswd": T_PASSWORD})
    body = response.json()
    assert response.headers["Content-Type"].startswith("application/json")
    assert body["account"] == "00000001" and body["vivaid"] == 1
    assert len(body["token"]) == 32 and int(body["token"], 16) >= 0


@pytest.mark.parametrize("status", [200, 403])
def test_wrong_credentials_give_err_1(emulators: Emulators, status: int) -> None:
    emulators.teleum.add_account(T_EMAIL, T_PASSWORD)
    emulators.teleum.login_fail_status = status
    for email, password in ((T_EMAIL, "wrong-password"), ("nobody@example.com", T_PASSWORD), (T_EMAIL, "")):
        response = requests.post(emulators.teleum_url, data={"cmd": "login", "email": email, "paswd": password})
        assert response.status_code == status
        assert response.json()["err"] == 1 and "token" not in response.json()


def test_get_query_and_post_form_are_both_accepted(teleum: TeleumWire) -> None:
    by_get = teleum.call("getConnectedNumbers", get=True).json()
    by_post = teleum.call("getConnectedNumbers").json()
    assert by_get == by_post and len(by_get["numbers"]) == 3


def test_login_by_get_works_too(emulators: Emulators) -> None:
    emulators.teleum.add_account(T_EMAIL, T_PASSWORD)
    body = requests.get(emulators.teleum_url, params={"cmd": "login", "email": T_EMAIL, "paswd": T_PASSWORD}).json()
    assert "token" in body


def test_unknown_token_is_401_session_ended(teleum: TeleumWire) -> None:
    teleum.token = "0" * 32
    response = teleum.call("getSIPs")
    assert response.status_code == 401
    assert response.json() == {"err": 1, "errmsg": "SESSION ENDED"}


def test_missing_token_is_401_session_ended(emulators: Emulators, teleum: TeleumWire) -> None:
    response = requests.post(emulators.teleum_url, data={"cmd": "balance", "vivaid": teleum.vivaid})
    assert response.status_code == 401 and response.json()["errmsg"] == "SESSION ENDED"


def test_idle_session_ends_after_the_timeout(emulators: Emulators, teleum: TeleumWire) -> None:
    clock = Clock()
    emulators.teleum.clock = clock
    teleum = TeleumWire(emulators.teleum_url)  # logged in at clock.now
    clock.now += 15 * 60 + 1
    assert teleum.call("balance").status_code == 401
    assert teleum.call("balance").status_code == 401  # the token is gone for good


def test_every_authenticated_call_resets_the_idle_timer(emulators: Emulators, teleum: TeleumWire) -> None:
    clock = Clock()
    emulators.teleum.clock = clock
    teleum = TeleumWire(emulators.teleum_url)
    for _ in range(4):  # an hour of calls, each within 15 minutes of the one before
        clock.now += 14 * 60
        teleum.ok("balance")
    clock.now += 15 * 60 + 1
    assert teleum.call("balance").status_code == 401


def test_session_idle_timeout_is_a_knob(emulators: Emulators) -> None:
    clock = Clock()
    emulators.teleum.add_account(T_EMAIL, T_PASSWORD)
    emulators.teleum.configure(clock=clock, session_idle_timeout=60)
    teleum = TeleumWire(emulators.teleum_url)
    clock.now += 59
    teleum.ok("balance")
    clock.now += 61
    assert teleum.call("balance").status_code == 401


def test_login_again_after_session_ended_repeats_the_call(emulators: Emulators, teleum: TeleumWire) -> None:
    emulators.teleum.expire_sessions()
    assert teleum.call("getNextSIP").status_code == 401
    again = TeleumWire(emulators.teleum_url)
    assert again.ok("getNextSIP")["num"] == "101"


def test_wrong_vivaid_is_err_1(teleum: TeleumWire) -> None:
    teleum.vivaid = 99
    assert "vivaid" in teleum.fails("balance")


def test_unknown_or_missing_method_is_err_1(emulators: Emulators, teleum: TeleumWire) -> None:
    assert "Unknown method" in teleum.fails("getEverything")
    body = requests.post(emulators.teleum_url, data={"token": teleum.token}).json()
    assert body["err"] == 1


def test_other_paths_are_404(emulators: Emulators) -> None:
    assert requests.get(emulators.teleum_url.replace("/api/v3/", "/api/v2/")).status_code == 404


def test_accounts_are_isolated(emulators: Emulators, teleum: TeleumWire) -> None:
    emulators.teleum.add_account("b@example.com", "password-b", ["78123232399"])
    other = TeleumWire(emulators.teleum_url, "b@example.com", "password-b")
    assert [n["number"] for n in other.ok("getConnectedNumbers")["numbers"]] == ["78123232399"]
    foreign_nid = other.ok("getConnectedNumbers")["numbers"][0]["id"]
    assert "numberid" in teleum.fails("getForwards", numberid=foreign_nid)


def test_balance_names_the_contract(teleum: TeleumWire) -> None:
    body = teleum.ok("balance")
    assert body == {"vivaid": "1", "contract": "00000001", "balance": "100.20"}


def test_success_may_carry_err_0_and_extra_fields(emulators: Emulators, teleum: TeleumWire) -> None:
    emulators.teleum.configure(err_zero=True, extra_fields=True)
    body = teleum.ok("getConnectedNumbers")
    assert body["err"] == 0 and all("x_updated" in n for n in body["numbers"])
