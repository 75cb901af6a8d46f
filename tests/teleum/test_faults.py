"""Faults: expired sessions, lost answers, 5xx and 429 -- nothing is created twice, reads abort."""

from __future__ import annotations

import pytest

from telconf.emulator import Emulators
from telconf.emulator.faults import FaultConfig
from telconf.core.errors import SessionExpired, TransientError

from .helpers import EMAIL, N1, N2, add_forwards, converge, emulator_forwards, fwd, line, make_account, writes, conductor_of, plan_of

A, B, C = fwd("sip:101"), fwd("tel:79210000000"), fwd("voicemail:vm@example.com")


def faults(emu: Emulators, kind: str, *methods: str, rate: float = 1.0, seed: int = 1) -> None:
    emu.teleum.faults = FaultConfig(rate=rate, kinds={kind}, methods=set(methods) or None, seed=seed,
                                    exclude={"login"})


def test_session_expired_between_plan_and_apply_is_renewed(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    account = make_account(emu.teleum_url, {N1: [A, B]})
    with conductor_of(account) as conductor:
        plan = conductor.plan()
        emu.teleum.expire_sessions()
        conductor.apply(plan)
    assert emulator_forwards(emu, N1) == [A, B]


def test_sessions_ending_during_the_apply_are_renewed(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    add_forwards(emu, N1, [C, B])
    faults(emu, "session_expiry", "editForward", "deleteForward", "moveForward", rate=0.3, seed=2)
    # One call at a time: an expiry forgets the session every lane shares, so in parallel
    # which lane spends its renewals on another's fault would be a matter of timing.
    converge(emu, make_account(emu.teleum_url, {N1: [A, B, fwd("tel:79210000001")], N2: [A]}), parallelism=1)
    assert any(e["status"] == 401 for e in emu.teleum.call_log)


def test_a_create_whose_answer_is_lost_is_not_repeated(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    faults(emu, "drop_after_commit", "editForward")
    converge(emu, make_account(emu.teleum_url, {N1: [A], N2: [A, B]}))
    assert len(emu.teleum.forwards(EMAIL, N1)) == 1
    assert [e["method"] for e in writes(emu)] == ["editForward"] * 3  # sent once each, then read back


def test_a_lost_sip_line_create_is_adopted(emu: Emulators) -> None:
    faults(emu, "drop_after_commit", "editSIP")
    converge(emu, make_account(emu.teleum_url, sip_lines=[line("101", "Reception")]))
    assert [s["num"] for s in emu.teleum.sips(EMAIL)] == ["101"]


def test_lost_moves_and_deletes_are_read_back(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    X = fwd("tel:79210000009")
    add_forwards(emu, N1, [A, B, C, X, fwd("fax:fax@example.com")])
    faults(emu, "drop_after_commit", "moveForward", "deleteForward")
    plan = converge(emu, make_account(emu.teleum_url, {N1: [B, A, X, C]}))
    planned = [c.method for c in plan.accounts[0].calls]
    assert planned.count("moveForward") >= 1 and planned.count("deleteForward") == 1
    assert [e["method"] for e in writes(emu)] == planned  # each sent once, never a move twice


def test_server_errors_and_rate_limits_are_retried(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    add_forwards(emu, N1, [B, C])
    emu.teleum.faults = FaultConfig(rate=0.25, kinds={"error_5xx", "rate_limit"}, seed=7, exclude={"login"})
    converge(emu, make_account(emu.teleum_url, {N1: [A, C, fwd("tel:79210000001")]}))
    assert emu.teleum.injected_faults


def test_a_failed_read_aborts_the_plan(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    faults(emu, "error_5xx", "getForwards")
    with pytest.raises(TransientError, match="getForwards: HTTP 500"):
        plan_of(make_account(emu.teleum_url, {N1: [A], N2: [A]}))
    assert not writes(emu)


def test_a_create_that_did_not_happen_is_sent_again_once(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    faults(emu, "non_json", "editForward", rate=0.5, seed=2)  # an HTML page instead of the answer: not done
    converge(emu, make_account(emu.teleum_url, {N1: [A, B, C]}))
    assert emu.teleum.injected_faults
    assert len(emu.teleum.forwards(EMAIL, N1)) == 3


def test_a_session_that_keeps_ending_is_an_error_not_a_loop(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    faults(emu, "session_expiry", "getSIPs")
    # Reads one at a time: the expiry ends the shared token, so a read running beside
    # getSIPs would have to renew it too and could be the one that gives up first.
    with pytest.raises(SessionExpired, match="teleum getSIPs: SESSION ENDED"):
        with conductor_of(make_account(emu.teleum_url, {N1: [A]}), parallelism=1) as conductor:
            conductor.plan()
    methods = [e["method"] for e in emu.teleum.call_log]
    assert methods.count("getSIPs") == 4  # one try and three renewals, then the error
    assert methods.count("login") == 4


def test_a_create_that_times_out_but_commits_late_is_adopted(emu: Emulators) -> None:
    emu.teleum.add_sip(EMAIL)
    emu.teleum.faults = FaultConfig(rate=1.0, kinds={"slow"}, methods={"editForward"}, slow_seconds=0.4)
    account = make_account(emu.teleum_url, {N1: [A]})
    with conductor_of(account) as conductor:
        plan = conductor.plan()
        conductor.provider("spb").client.transport.timeout = 0.2  # type: ignore[attr-defined]
        conductor.apply(plan)
    assert len(emu.teleum.forwards(EMAIL, N1)) == 1
    assert [e["method"] for e in emu.teleum.call_log].count("editForward") == 1
