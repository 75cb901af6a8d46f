"""Fault injection and latency: seeded, reproducible, filterable, never on the control API."""

from __future__ import annotations

import time

import pytest
import requests
from emulator_wire import B_LOGIN, B_NUMBERS, T_EMAIL, T_NUMBERS, BeelineWire, TeleumWire

from telconf.emulator import Emulators, FaultConfig


def wait_for(condition: object, seconds: float = 5.0) -> bool:
    """Poll ``condition`` until true (for effects that land after a client gave up)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_error_5xx_answers_500_and_does_nothing(emulators: Emulators, teleum: TeleumWire) -> None:
    emulators.teleum.add_sip(T_EMAIL)
    emulators.teleum.faults = FaultConfig(rate=1.0, kinds={"error_5xx"}, seed=1)
    before = emulators.teleum.snapshot()
    response = teleum.call("editSIP", id=0, paswd="long-password")
    assert response.status_code == 500
    assert emulators.teleum.snapshot() == before
    assert emulators.teleum.call_log[-1]["fault"] == "error_5xx"


def test_beeline_error_5xx_uses_the_error_body(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.faults = FaultConfig(rate=1.0, kinds={"error_5xx"}, seed=1)
    before = emulators.beeline.snapshot()
    response = beeline.call("REDIRECT", [{"BNumber": B_NUMBERS[0], "RNumber": "79111234567"}])
    assert response.status_code == 500 and response.json()["ERR_CODE"] == "500.1"
    assert emulators.beeline.snapshot() == before


def test_drop_after_commit_applies_then_drops(emulators: Emulators, teleum: TeleumWire) -> None:
    emulators.teleum.faults = FaultConfig(rate=1.0, kinds={"drop_after_commit"}, seed=1)
    with pytest.raises(requests.ConnectionError):
        teleum.call("editSIP", id=0, paswd="long-password", descr="Made")
    assert [line["descr"] for line in emulators.teleum.sips(T_EMAIL)] == ["Made"]


def test_beeline_drop_after_commit_applies_then_drops(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.faults = FaultConfig(rate=1.0, kinds={"drop_after_commit"}, seed=1)
    with pytest.raises(requests.ConnectionError):
        beeline.call("ARECORD")
    assert emulators.beeline.account_state(B_LOGIN)["record_all"] is True


def test_session_expiry_forgets_the_token(emulators: Emulators, teleum: TeleumWire) -> None:
    emulators.teleum.faults = FaultConfig(rate=1.0, kinds={"session_expiry"}, seed=1, exclude={"login"})
    response = teleum.call("balance")
    assert response.status_code == 401 and response.json()["errmsg"] == "SESSION ENDED"
    emulators.teleum.faults = FaultConfig()
    assert teleum.call("balance").status_code == 401  # the token really is gone
    assert TeleumWire(emulators.teleum_url).ok("balance")


def test_rate_limit_answers_429_with_retry_after(emulators: Emulators, teleum: TeleumWire,
                                                 beeline: BeelineWire) -> None:
    for emulator in (emulators.teleum, emulators.beeline):
        emulator.faults = FaultConfig(rate=1.0, kinds={"rate_limit"}, seed=1, retry_after=3)
    for response in (teleum.call("balance"), beeline.call("LRECORD")):
        assert response.status_code == 429 and response.headers["Retry-After"] == "3"


def test_slow_sleeps_past_the_client_timeout_then_applies(emulators: Emulators, teleum: TeleumWire) -> None:
    emulators.teleum.faults = FaultConfig(rate=1.0, kinds={"slow"}, seed=1, slow_seconds=0.5)
    with pytest.raises(requests.Timeout):
        requests.post(teleum.url, data={"cmd": "editSIP", "token": teleum.token, "vivaid": teleum.vivaid,
                                        "id": 0, "paswd": "long-password"}, timeout=0.1)
    assert wait_for(lambda: len(emulators.teleum.sips(T_EMAIL)) == 1)


def outcomes(emulators: Emulators, teleum: TeleumWire, seed: int) -> list[int]:
    emulators.teleum.faults = FaultConfig(rate=0.5, kinds={"error_5xx", "rate_limit"}, seed=seed)
    return [teleum.call("balance").status_code for _ in range(30)]


def test_faults_are_reproducible_from_the_seed(emulators: Emulators, teleum: TeleumWire) -> None:
    first, again, other = outcomes(emulators, teleum, 7), outcomes(emulators, teleum, 7), outcomes(emulators, teleum, 8)
    assert first == again and first != other
    assert {200, 429, 500} <= set(first)


def test_rate_zero_never_faults(emulators: Emulators, teleum: TeleumWire) -> None:
    emulators.teleum.faults = FaultConfig(rate=0.0, kinds={"error_5xx"}, seed=1)
    assert {teleum.call("balance").status_code for _ in range(20)} == {200}


def test_methods_filter_limits_faults(emulators: Emulators, teleum: TeleumWire) -> None:
    emulators.teleum.faults = FaultConfig(rate=1.0, kinds={"error_5xx"}, seed=1, methods={"getSIPs"})
    assert teleum.call("balance").status_code == 200
    assert teleum.call("getSIPs").status_code == 500
    assert emulators.teleum.injected_faults == [("getSIPs", "error_5xx")]


def test_excluded_calls_never_fault(emulators: Emulators) -> None:
    emulators.teleum.add_account(T_EMAIL, "owner-password", T_NUMBERS)
    emulators.teleum.faults = FaultConfig(rate=1.0, kinds={"error_5xx"}, seed=1, exclude={"login"})
    teleum = TeleumWire(emulators.teleum_url)  # would raise on a 500
    assert teleum.call("balance").status_code == 500


def test_login_may_fault_too(emulators: Emulators) -> None:
    emulators.teleum.add_account(T_EMAIL, "owner-password")
    emulators.teleum.faults = FaultConfig(rate=1.0, kinds={"error_5xx"}, seed=1)
    response = requests.post(emulators.teleum_url, data={"cmd": "login", "email": T_EMAIL, "paswd": "owner-password"})
    assert response.status_code == 500


def test_control_api_is_never_faulted(emulators: Emulators) -> None:
    emulators.teleum.faults = FaultConfig(rate=1.0, kinds={"error_5xx"}, seed=1)
    emulators.teleum.add_account(T_EMAIL, "owner-password", T_NUMBERS)
    assert emulators.teleum.snapshot()["accounts"][0]["email"] == T_EMAIL
    assert emulators.teleum.injected_faults == []


def test_session_expiry_is_not_a_beeline_fault(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.faults = FaultConfig(rate=1.0, kinds={"session_expiry"}, seed=1)
    assert beeline.call("LRECORD").status_code == 200


@pytest.mark.parametrize("bad", [dict(rate=1.5), dict(rate=-0.1), dict(kinds={"meteor"})])
def test_fault_config_rejects_nonsense(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        FaultConfig(**bad)  # type: ignore[arg-type]


def test_latency_knob_keeps_answers_right(emulators: Emulators, teleum: TeleumWire) -> None:
    emulators.teleum.latency_ms = 5
    assert teleum.ok("getNextSIP")["num"] == "101"
    assert emulators.teleum.latency_ms == 5


def test_non_json_answers_html_and_does_nothing(emulators: Emulators, teleum: TeleumWire,
                                                beeline: BeelineWire) -> None:
    for emulator in (emulators.teleum, emulators.beeline):
        emulator.faults = FaultConfig(rate=1.0, kinds={"non_json"}, seed=1)
    before = emulators.snapshot()
    for response in (teleum.call("editSIP", id=0, paswd="long-password"), beeline.call("ARECORD")):
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
        with pytest.raises(ValueError):
            response.json()
    assert emulators.snapshot() == before
