"""Ctrl-C: apply stops after the calls in flight, reports, exits 130; a re-run converges.

``telconf apply`` runs in a subprocess against the emulator, which answers every call
after a delay; SIGINT is sent once the first write has been carried out.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from telconf.emulator import Emulators

from .scenarios import ENV, TeleumScenario

READS = {"login", "getConnectedNumbers", "getForwardsTypes", "getForwardsRCIDs", "getRCIDs", "getForwards",
         "getSIPs", "getNextSIP"}
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _sigint_as_at_a_terminal() -> None:
    # A runner started in the background (nohup, `cmd &` in a script) passes SIGINT on as
    # ignored, and then Python never turns it into KeyboardInterrupt: restore the default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def telconf(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", "from telconf.cli import main; main()", *args],
                            env={**os.environ, **ENV}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_sigint_as_at_a_terminal)


def writes(emulators: Emulators) -> list[dict[str, object]]:
    return [e for e in list(emulators.teleum.call_log) if e["method"] not in READS]


def wait_for(condition: object, what: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


def test_ctrl_c_during_apply_stops_after_the_call_in_flight_and_a_rerun_converges(
        emulators: Emulators, tmp_path: Path) -> None:
    scenario = TeleumScenario.build(emulators, tmp_path, seed=2)
    emulators.teleum.latency_ms = 150
    process = telconf("apply", "--yes", "--parallelism", "2", "-c", str(scenario.config_path))
    wait_for(lambda: writes(emulators), "the first write")
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == 130, stderr
    assert "apply interrupted" in stderr and "Traceback" not in stderr
    not_attempted = int(re.search(r"^Not attempted \((\d+)\):", stderr, re.M).group(1))  # type: ignore[union-attr]
    assert not_attempted > 0, "the interrupt came too late to test anything"
    assert "Failed (0):" in stderr
    # Stopped after the call in flight: the writes the server carried out are exactly those reported done.
    done_section = stderr.split("Done (", 1)[1].split("Failed (", 1)[0]
    reported = re.findall(r"✓ \[\d+\] office: (\w+)", done_section)
    carried_out = [str(w["method"]) for w in writes(emulators) if w["err"] is None]
    assert sorted(m for m in reported if m not in READS) == sorted(carried_out)
    assert carried_out

    emulators.teleum.latency_ms = 0
    rerun = telconf("apply", "--yes", "-c", str(scenario.config_path))
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    again = telconf("plan", "--detailed-exitcode", "-c", str(scenario.config_path))
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, out + err  # 0: no changes left
    scenario.check()


def test_ctrl_c_while_planning_changes_nothing(emulators: Emulators, tmp_path: Path) -> None:
    scenario = TeleumScenario.build(emulators, tmp_path, seed=2)
    emulators.teleum.latency_ms = 300
    process = telconf("apply", "--yes", "-c", str(scenario.config_path))
    wait_for(lambda: emulators.teleum.call_log, "the first read")
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Interrupted." in stderr and "Traceback" not in stderr
    assert writes(emulators) == []


def _signal_on_first_call(emulators: Emulators, process: subprocess.Popen[str], signum: int) -> None:
    """Send ``signum`` from the emulator while it holds the first request (reading: nothing written yet)."""
    sent: list[str] = []

    def before_call(call: str, params: object) -> None:
        if not sent:
            sent.append(call)
            process.send_signal(signum)

    emulators.teleum.before_call = before_call


@pytest.mark.parametrize("command", [["plan"], ["apply", "--yes"], ["export", "-o", "export.yaml"]])
@pytest.mark.parametrize("signum, code, said", [(signal.SIGINT, 130, "Interrupted.\n"),
                                                (signal.SIGTERM, 143, "Interrupted (SIGTERM).\n")])
def test_a_signal_while_reading_ends_with_130_or_143_never_aborted(
        emulators: Emulators, tmp_path: Path, command: list[str], signum: int, code: int, said: str) -> None:
    scenario = TeleumScenario.build(emulators, tmp_path, seed=2)
    process = telconf(*command, "-c", str(scenario.config_path))
    try:
        _signal_on_first_call(emulators, process, signum)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        emulators.teleum.before_call = None
    assert process.returncode == code, stderr
    assert stderr.endswith(said) and "Aborted!" not in stderr and "Traceback" not in stderr
    assert writes(emulators) == []


def test_sigterm_during_apply_writes_the_report_with_done_and_not_attempted(
        emulators: Emulators, tmp_path: Path) -> None:
    # What CI cancellation sends: stop after the calls in flight, summary, report, exit 143.
    scenario = TeleumScenario.build(emulators, tmp_path, seed=2)
    report = tmp_path / "report.json"
    process = telconf("apply", "--yes", "--parallelism", "2", "-c", str(scenario.config_path), "--report", str(report))
    sent: list[str] = []

    def before_call(call: str, params: object) -> None:
        if call not in READS and not sent:
            sent.append(call)
            process.send_signal(signal.SIGTERM)

    emulators.teleum.before_call = before_call
    try:
        stdout, stderr = process.communicate(timeout=60)
    finally:
        emulators.teleum.before_call = None
    assert process.returncode == 143, stderr
    assert "apply interrupted" in stderr and "Traceback" not in stderr
    assert re.search(r"^Done \(\d+\):", stderr, re.M) and "Failed (0):" in stderr
    not_attempted = int(re.search(r"^Not attempted \((\d+)\):", stderr, re.M).group(1))  # type: ignore[union-attr]
    assert not_attempted > 0
    data = json.loads(report.read_text())
    assert data["outcome"] == "interrupted"
    assert data["summary"]["statuses"]["not attempted"] == not_attempted
    done_writes = sorted(c["method"] for c in data["calls"] if c["status"] == "done" and c["method"] not in READS)
    assert done_writes == sorted(str(w["method"]) for w in writes(emulators) if w["err"] is None)
    assert done_writes


def test_ctrl_c_at_the_confirmation_prompt_is_an_interruption(emulators: Emulators, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # click turns Ctrl-C at a prompt into Abort ("Aborted!", exit 1): telconf says interrupted, 130.
    import click
    from click.testing import CliRunner

    from telconf.cli import main

    scenario = TeleumScenario.build(emulators, tmp_path, seed=2)
    report = tmp_path / "report.json"

    def ctrl_c(*args: object, **kwargs: object) -> str:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise click.exceptions.Abort() from None

    monkeypatch.setattr("telconf.cli.apply.stdin_is_terminal", lambda: True)
    monkeypatch.setattr("telconf.cli.terminal.click.prompt", ctrl_c)
    result = CliRunner().invoke(main, ["apply", "-c", str(scenario.config_path), "--report", str(report)], env=ENV)
    assert result.exit_code == 130, result.output
    assert "Interrupted." in result.output and "Aborted!" not in result.output
    assert writes(emulators) == []
    assert json.loads(report.read_text())["outcome"] == "interrupted"
