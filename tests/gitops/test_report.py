"""``apply --report FILE``: every call with its status, written however the apply ends."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from telconf.engine.apply import CallStatus
from telconf.emulator import Emulators
from telconf.providers.teleum.emulator import demo as teleum_demo
from tests.gitops.conftest import DemoRepo

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "report.schema.json").read_text())


def read_report(path: Path, env: dict[str, str]) -> dict:
    text = path.read_text()
    for name, value in env.items():
        if "PASSWORD" in name:
            assert value not in text, f"{name} leaked into the report"
    data = json.loads(text)
    jsonschema.validate(data, SCHEMA)
    assert sum(data["summary"]["statuses"].values()) == data["summary"]["calls"] == len(data["calls"])
    return data


def test_schema_lists_every_call_status() -> None:
    # A status added to CallStatus must be documented here too (the report writes every one).
    assert set(SCHEMA["$defs"]["status"]["enum"]) == {s.value for s in CallStatus}


def test_report_of_a_complete_apply(demo_repo: DemoRepo, tmp_path: Path) -> None:
    report = tmp_path / "out" / "report.json"
    code, _, err = demo_repo.run("apply", "-c", str(demo_repo.config), "--yes", "--report", str(report))
    assert code == 0, err
    data = read_report(report, demo_repo.env)
    assert data["outcome"] == "complete" and "error" not in data
    assert data["summary"]["statuses"] == {s.value: (len(data["calls"]) if s is CallStatus.DONE else 0)
                                           for s in CallStatus}
    assert data["summary"]["changes"]["create"] > 0
    assert [c["position"] for c in data["calls"]] == list(range(1, len(data["calls"]) + 1))
    assert all(c["seconds"] >= 0 and c["started_at"] for c in data["calls"])
    assert any("spb-office/sip_line/102" in c["changes"] for c in data["calls"])
    # and again: nothing to do, still a report
    code, _, err = demo_repo.run("apply", "-c", str(demo_repo.config), "--yes", "--report", str(report))
    assert code == 0, err
    assert read_report(report, demo_repo.env)["outcome"] == "no changes"


def test_report_of_a_failed_apply(demo_repo: DemoRepo, emulators: Emulators, tmp_path: Path) -> None:
    emulators.beeline.configure(blacklist_limit=1)  # SETBLIST of two A-numbers is refused (413.2)
    report = tmp_path / "report.json"
    code, _, err = demo_repo.run("apply", "-c", str(demo_repo.config), "--yes", "--report", str(report))
    assert code == 1
    data = read_report(report, demo_repo.env)
    assert data["outcome"] == "failed"
    failed = [c for c in data["calls"] if c["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["method"] == "SETBLIST" and failed[0]["error"]
    assert data["error"].startswith(f"call {failed[0]['position']} (msk-callcenter: SETBLIST")
    statuses = data["summary"]["statuses"]
    assert statuses["done"] > 0 and statuses["failed"] == 1


def test_report_of_a_refused_apply(demo_repo: DemoRepo, emulators: Emulators, tmp_path: Path) -> None:
    planfile, report = tmp_path / "plan.json", tmp_path / "report.json"
    code, _, err = demo_repo.run("plan", "-c", str(demo_repo.config), "--out", str(planfile))
    assert code == 0, err
    emulators.beeline.set_active_list("demo", 2)  # someone changed the account since the plan
    code, _, err = demo_repo.run("apply", str(planfile), "--report", str(report))
    assert code == 1
    data = read_report(report, demo_repo.env)
    assert data["outcome"] == "refused" and data["calls"] == []
    assert data["plan_file"] == str(planfile)
    assert "is stale and nothing was applied" in data["error"]


def test_report_of_an_interrupted_apply(demo_repo: DemoRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from telconf.providers.teleum.provider import TeleumProvider

    def interrupted(self: object, call: object) -> None:
        raise KeyboardInterrupt  # the second Ctrl-C: apply stops at once

    monkeypatch.setattr(TeleumProvider, "execute", interrupted)  # the second account of the demo
    report = tmp_path / "report.json"
    code, _, err = demo_repo.run("apply", "-c", str(demo_repo.config), "--yes", "--report", str(report))
    assert code == 130, err
    data = read_report(report, demo_repo.env)
    assert data["outcome"] == "interrupted"
    teleum = [c for c in data["calls"] if c["account"] == "spb-office"]
    assert teleum and all(c["status"] != "done" for c in teleum)
    assert all(c["status"] == "done" for c in data["calls"] if c["account"] == "msk-callcenter")


def test_schema_lists_every_item_status() -> None:
    from telconf.engine.apply_items import ItemStatus

    assert set(SCHEMA["$defs"]["item_status"]["enum"]) == {s.value for s in ItemStatus}


def test_report_of_an_apply_that_met_another_writer(demo_repo: DemoRepo, emulators: Emulators,
                                                    tmp_path: Path) -> None:
    """Someone adds a forward to a number while telconf writes it: the read-back sees it, the report says so."""
    teleum, email, number = emulators.teleum, teleum_demo.LOGIN[0], teleum_demo.NUMBERS[0]
    fired: list[str] = []

    def other_writer(call: str, params: object) -> None:
        if call in ("editForward", "deleteForward", "moveForward") and not fired:
            fired.append(call)
            teleum.add_forward(email, number, rtype="Телефон", rnum="79215550000")

    teleum.before_call = other_writer
    report = tmp_path / "report.json"
    code, _, err = demo_repo.run("apply", "-c", str(demo_repo.config), "--yes", "--report", str(report))
    teleum.before_call = None
    assert fired and code == 1, err
    data = read_report(report, demo_repo.env)
    assert data["outcome"] == "conflicted"
    conflicted = [i for i in data["items"] if i["status"] == "conflict"]
    assert conflicted and all(i["account"] == "spb-office" and i["detail"] for i in conflicted)
    assert data["summary"]["items"]["conflict"] == len(conflicted)
    assert sum(data["summary"]["items"].values()) == len(data["items"])


@pytest.mark.parametrize("target", ["fifo", "/dev/full", "", "folder", "/proc/self/status"])
def test_a_report_path_that_is_not_a_regular_file_is_refused_before_any_call(
        demo_repo: DemoRepo, emulators: Emulators, tmp_path: Path, target: str) -> None:
    if target == "fifo":
        target = str(tmp_path / "fifo")
        os.mkfifo(target)
    elif target == "folder":
        target = str(tmp_path)
    before = emulators.snapshot()
    code, _, err = demo_repo.run("apply", "-c", str(demo_repo.config), "--yes", "--report", target)
    assert code == 1 and "--report" in err and "Internal error" not in err, err
    assert emulators.snapshot() == before  # nothing applied
    if target == "/dev/full":
        assert not Path("/dev/full").is_file()
