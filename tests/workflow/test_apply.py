"""apply: stage after stage, lanes in parallel, refs, stop at the first failure, Ctrl-C."""

from __future__ import annotations

import signal
import threading
from typing import Any

import pytest
from workflow_fakes import SPB, C, FakeWorld, M, U, conductor, fake_config, teleum_changes

from telconf.engine.apply import Applier, CallEvent, CallStatus
from telconf.engine.conductor import Conductor
from telconf.core.errors import ApiError, ApplyError
from telconf.plan.data import Call, Change, ref


def plan_for(world: FakeWorld, factory: Any, *names: str) -> tuple[Any, Conductor]:
    """The plan of the fake accounts ``names``, and the conductor that made it (closed by the test's end)."""
    run = conductor(fake_config(*names), factory)
    return run.plan(), run


def test_runs_every_call_in_order_and_resolves_refs(world: FakeWorld, factory: Any) -> None:
    world.changes["spb"] = teleum_changes()
    plan, run = plan_for(world, factory, "spb")
    events: list[CallEvent] = []
    report = run.apply(plan, progress=events.append)
    assert report.ok and len(report.done) == 8
    methods = [call.method for _, call in world.executed]
    assert methods == [c.method for c in plan.accounts[0].calls]
    # the create bound its id; the moves that follow were sent with it, the secret resolved
    moves = [call.params for _, call in world.executed if call.method == "moveForward"]
    assert moves == [{"id": "id4", "dir": "up"}] * 2  # the 4th call sent is the create
    [sip] = [call.params for _, call in world.executed if call.method == "editSIP" and call.params["id"] == 0]
    assert sip["paswd"] == "secret-of-sip_line.103.password"
    assert plan.accounts[0].calls[-3].params["id"] == {"$ref": "fwd:new1"}  # the plan keeps the placeholder
    assert [e.status for e in events].count("start") == 8 and [e.status for e in events].count("done") == 8
    assert events[0].total == 8


def test_lanes_of_one_stage_run_in_parallel_and_stages_in_sequence(world: FakeWorld, factory: Any) -> None:
    both_lanes = threading.Barrier(2, timeout=10)  # deadlocks (and fails) unless the lanes overlap
    numbers = ["74950000001", "74950000002"]

    def on_execute(account: str, call: Call) -> None:
        if call.method == "first":
            both_lanes.wait()

    world.on_execute = on_execute
    world.changes["a"] = [
        Change("redirect", n, U, number=n,
               calls=(Call("first", n, lane=n, stage=30), Call("second", n, lane=n, stage=30))) for n in numbers
    ] + [Change("record_all", "*", C, calls=(Call("last", None, stage=40),))]
    plan, run = plan_for(world, factory, "a")
    report = run.apply(plan)
    assert report.ok
    order = [(call.method, call.params) for _, call in world.executed]
    for n in numbers:  # each lane kept its order
        assert order.index(("first", n)) < order.index(("second", n))
    assert order[-1] == ("last", None)  # the next stage waited for the whole stage


def test_stops_at_the_first_failure_and_reports_everything(world: FakeWorld, factory: Any) -> None:
    world.changes["spb"] = teleum_changes()
    world.changes["other"] = teleum_changes()
    world.fail_on[("spb", "deleteForward")] = ApiError("forward is in use", provider="teleum",
                                                       call="deleteForward", code="err=1")
    plan, run = plan_for(world, factory, "spb", "other")
    with pytest.raises(ApplyError) as err:
        run.apply(plan)
    report = err.value.report
    assert [r.position for r in report.done] == [1, 2, 3, 4]
    [failed] = report.failed
    assert failed.position == 5 and failed.code == "err=1"
    assert "forward is in use" in failed.error and "deleteForward" in failed.label
    assert [r.position for r in report.not_attempted] == list(range(6, 17))  # rest + the other account
    assert not any(account == "other" for account, _ in world.executed)
    assert "apply failed at call 5 (spb: deleteForward (- forward 78123232323#old))" in str(err.value)
    assert "4 calls done, 11 not attempted" in str(err.value)
    text = "\n".join(report.lines(limit=3))
    assert "Done (4):" in text and "Failed (1):" in text and "Not attempted (11):" in text
    assert "  … and 8 more" in text


def test_a_bug_in_a_provider_is_a_reported_failure_not_a_crash(world: FakeWorld, factory: Any) -> None:
    def on_execute(account: str, call: Call) -> None:
        raise TypeError("boom")

    world.on_execute = on_execute
    world.changes["a"] = [Change("sip_line", "101", C, calls=(Call("editSIP", {}),))]
    plan, run = plan_for(world, factory, "a")
    with pytest.raises(ApplyError, match="TypeError: boom"):
        run.apply(plan)


def test_ctrl_c_finishes_the_call_in_flight_then_stops(world: FakeWorld, factory: Any) -> None:
    main = threading.main_thread().ident
    applier: Applier | None = None

    def on_execute(account: str, call: Call) -> None:
        if call.params == {"n": 2}:  # as if the user pressed Ctrl-C during call 2
            signal.pthread_kill(main, signal.SIGINT)
            assert applier is not None and applier.stopping.wait(10)

    world.on_execute = on_execute
    world.changes["a"] = [Change("forward", f"{SPB}#{i}", U, number=SPB,
                                 calls=(Call("editForward", {"n": i}, lane=SPB),)) for i in range(1, 6)]
    plan, run = plan_for(world, factory, "a")
    applier = run.applier()
    with pytest.raises(ApplyError, match="apply interrupted; 2 calls done, 3 not attempted") as err:
        applier.apply(plan)
    report = err.value.report
    assert report.interrupted
    assert [r.status for r in report.results] == [CallStatus.DONE] * 2 + [CallStatus.NOT_ATTEMPTED] * 3


def test_a_ref_to_a_failed_create_is_never_sent(world: FakeWorld, factory: Any) -> None:
    world.fail_on[("a", "editForward")] = ApiError("bad timeout", provider="teleum", call="editForward")
    world.changes["a"] = [
        Change("forward", "x#1", C, calls=(Call("editForward", {"id": 0}, binds="f1", lane="x"),)),
        Change("forward", "x#1", M, calls=(Call("moveForward", {"id": ref("f1")}, lane="x"),)),
    ]
    plan, run = plan_for(world, factory, "a")
    with pytest.raises(ApplyError):
        run.apply(plan)
    assert [call.method for _, call in world.executed] == ["editForward"]


def test_the_cli_exits_130_after_ctrl_c_and_1_after_a_failure(world: FakeWorld, factory: Any,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from telconf.cli.apply import run as run_cli

    main = threading.main_thread().ident

    def on_execute(account: str, call: Call) -> None:
        if call.params == {"n": 1}:
            signal.pthread_kill(main, signal.SIGINT)  # whether call 2 starts or not, it was interrupted

    world.on_execute = on_execute
    world.changes["a"] = [Change("forward", f"{SPB}#{i}", U, number=SPB,
                                 calls=(Call("editForward", {"n": i}, lane=SPB),)) for i in range(1, 3)]
    plan, run = plan_for(world, factory, "a")
    with pytest.raises(SystemExit) as exit_:
        run_cli(run, plan)
    err = capsys.readouterr().err
    assert exit_.value.code == 130 and "apply interrupted" in err and "Done (" in err

    world.on_execute = None
    world.fail_on[("a", "editForward")] = ApiError("no", provider="teleum", call="editForward", code="err=1")
    with pytest.raises(SystemExit) as exit_:
        run_cli(run, plan)
    err = capsys.readouterr().err
    assert exit_.value.code == 1 and "Failed (1):" in err and "Not attempted (1):" in err
