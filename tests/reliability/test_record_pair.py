"""Issue 22 row 2: turning Beeline's ``record_all`` off is two calls, sent whole.

``CRECORD`` (no list) turns recording off everywhere, then ``ARECORD`` turns it back on
for every number that stays recorded, numbers outside the config included. Stopping
between them loses those numbers' recording for good (no later plan can see it), so
``apply`` sends the second call whatever happens: Ctrl-C, SIGTERM (CI cancelling the
job), a second signal, a failure of the first. When the second call still fails after
retries, what was lost is the first and the last thing said, and in the report.

The signal is sent by the emulator itself, from its ``before_call`` hook, while it holds
the ``CRECORD`` request: it always arrives between the two calls, with no sleep.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from telconf.engine import apply as apply_module
from telconf.cli import main
from telconf.emulator import Emulators
from telconf.emulator.faults import FaultConfig
from telconf.providers.beeline.provider import BeelineProvider

from .scenarios import NO_WAIT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "report.schema.json").read_text())
LOGIN, PASSWORD = "callcenter", "beeline-pair-pw"
NUMBERS = ["74950000001", "74950000002", "74950000003", "74950000004"]
MANAGED = NUMBERS[:2]  # +74950000001 wants no recording; 3 and 4 are outside the config
ENV = {"BEELINE_LOGIN": LOGIN, "BEELINE_PASSWORD": PASSWORD}


def _sigint_as_at_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # see tests/reliability/test_interrupt.py


def setup(emulators: Emulators, tmp_path: Path) -> Path:
    """Recording on for all numbers; the config turns it off, and off for number 1."""
    emu = emulators.beeline
    emu.add_account(LOGIN, PASSWORD, NUMBERS)
    emu.set_record(LOGIN, "*")
    config = {"version": 1, "accounts": {"callcenter": {
        "provider": "beeline", "url": emulators.beeline_url,
        "credentials": {"username": "${BEELINE_LOGIN}", "password": "${BEELINE_PASSWORD}"},
        "record_all": False,
        "numbers": {"+74950000001": {"record": False}, "+74950000002": {"record": True}},
    }}}
    path = tmp_path / "telconf.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def signals_on(emulators: Emulators, method: str, send: Callable[[], None]) -> None:
    """Run ``send`` while the emulator holds the first ``method`` request, before it is carried out."""
    sent = []

    def before_call(call: str, params: Any) -> None:
        if call == method and not sent:
            sent.append(call)
            send()

    emulators.beeline.before_call = before_call


def telconf(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", "from telconf.cli import main; main()", *args],
                            env={**os.environ, **ENV}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_sigint_as_at_a_terminal)


def recorded(emulators: Emulators) -> tuple[bool, set[str]]:
    state = emulators.beeline.account_state(LOGIN)
    return bool(state["record_all"]), set(state["record"])


def writes(emulators: Emulators) -> list[str]:
    return [str(e["method"]) for e in emulators.beeline.call_log if e["method"] in ("CRECORD", "ARECORD")]


def report_of(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text())
    jsonschema.validate(data, SCHEMA)
    assert PASSWORD not in path.read_text()
    return data


@pytest.mark.parametrize("signals, code", [
    ((signal.SIGTERM,), 143),
    ((signal.SIGINT,), 130),
    ((signal.SIGINT, signal.SIGTERM), 143),  # a second signal does not cut the pair either
])
def test_a_signal_between_crecord_and_arecord_still_sends_arecord(
        emulators: Emulators, tmp_path: Path, signals: tuple[int, ...], code: int) -> None:
    config = setup(emulators, tmp_path)
    report = tmp_path / "report.json"
    process = telconf("apply", "--yes", "-c", str(config), "--report", str(report))
    signals_on(emulators, "CRECORD", lambda: [process.send_signal(s) for s in signals])
    out, err = process.communicate(timeout=60)

    assert process.returncode == code, err
    assert "Traceback" not in err and "Aborted!" not in err
    assert writes(emulators) == ["CRECORD", "ARECORD"]
    # Numbers 2, 3, 4 stay recorded (3 and 4 are outside the config); number 1 does not.
    assert recorded(emulators) == (False, {"74950000002", "74950000003", "74950000004"})
    assert "RECORDING LOST" not in err
    data = report_of(report)
    assert data["outcome"] == "interrupted"
    assert [c["status"] for c in data["calls"]] == ["done", "done"]
    assert "lost" not in data
    # Nothing is lost: the next plan has nothing to do.
    emulators.beeline.before_call = None
    result = CliRunner().invoke(main, ["plan", "-c", str(config), "--detailed-exitcode"], env=ENV)
    assert result.exit_code == 0, result.output


def test_sigterm_before_the_pair_sends_neither_call(emulators: Emulators, tmp_path: Path) -> None:
    config = setup(emulators, tmp_path)
    report = tmp_path / "report.json"
    process = telconf("apply", "--yes", "-c", str(config), "--report", str(report))
    signals_on(emulators, "LRECORD", lambda: process.send_signal(signal.SIGTERM))  # while reading
    out, err = process.communicate(timeout=60)

    assert process.returncode == 143, err
    assert "Interrupted (SIGTERM)." in err and "Traceback" not in err
    assert writes(emulators) == []
    assert recorded(emulators) == (True, set())
    assert report_of(report)["outcome"] == "interrupted"


def test_when_arecord_keeps_failing_the_lost_numbers_come_first_and_last(
        emulators: Emulators, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apply_module, "FOLLOWER_PAUSE", 0.0)
    monkeypatch.setattr(BeelineProvider, "retry", NO_WAIT)
    config = setup(emulators, tmp_path)
    report = tmp_path / "report.json"
    emulators.beeline.faults = FaultConfig(rate=1.0, methods={"ARECORD"}, seed=1)
    result = CliRunner().invoke(main, ["apply", "--yes", "-c", str(config), "--report", str(report)], env=ENV)

    assert result.exit_code == 1, result.output
    arecords = [m for m in writes(emulators) if m == "ARECORD"]
    assert len(arecords) > 3, "the second call is retried (3 tries, each with the transport's retries)"
    assert recorded(emulators) == (False, set())
    lines = [line for line in result.output.splitlines() if line.strip()]
    error = next(line for line in lines if line.startswith("Error: "))
    assert error.startswith("Error: RECORDING LOST on 3 numbers (2 outside the config, which no later plan "
                            "will show): +7 495 000-00-02, +7 495 000-00-03, +7 495 000-00-04"), error
    assert "set `record_all: true`, run `telconf apply`" in error
    assert lines[-1].startswith("!!! RECORDING LOST on 3 numbers"), lines[-1]
    data = report_of(report)
    assert data["outcome"] == "failed"
    assert list(data)[0] == "lost" and data["lost"][0].startswith("RECORDING LOST on 3 numbers")
    assert [c["status"] for c in data["calls"]] == ["done", "failed"]


def test_a_failed_crecord_is_still_followed_by_arecord(emulators: Emulators, tmp_path: Path) -> None:
    # CRECORD's answer may be lost after it took effect: ARECORD repairs what it may have done.
    config = setup(emulators, tmp_path)
    emulators.beeline.faults = FaultConfig(rate=1.0, kinds={"drop_after_commit"}, methods={"CRECORD"}, seed=1)
    result = CliRunner().invoke(main, ["apply", "--yes", "-c", str(config)], env=ENV)

    assert result.exit_code == 1, result.output
    assert writes(emulators)[-1] == "ARECORD"
    assert recorded(emulators) == (False, {"74950000002", "74950000003", "74950000004"})
    assert "RECORDING LOST" not in result.output


def test_the_read_back_covers_the_numbers_outside_the_config(emulators: Emulators, tmp_path: Path) -> None:
    # Someone else turns recording off on number 4 (outside the config) right after ARECORD:
    # the apply reads it back and does not report success.
    config = setup(emulators, tmp_path)
    done = []

    def before_call(call: str, params: Any) -> None:
        if call == "ARECORD":
            done.append(call)
        elif call == "LRECORD" and done == ["ARECORD"]:
            done.append(call)
            emulators.beeline.set_record(LOGIN, ["74950000002", "74950000003"])

    emulators.beeline.before_call = before_call
    result = CliRunner().invoke(main, ["apply", "--yes", "-c", str(config)], env=ENV)

    assert result.exit_code == 1, result.output
    assert "recording is off on 1 number(s) that must stay recorded (outside the config too): " \
           "+7 495 000-00-04" in result.output


@pytest.fixture(autouse=True)
def no_hook_left(emulators: Emulators) -> Any:
    yield
    emulators.beeline.before_call = None
