"""``telconf emulator`` on the command line: demo accounts, state files, Ctrl-C, bad input."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml
from click.testing import CliRunner
from emulator_wire import BeelineWire, TeleumWire

from telconf.cli import main


class Running:
    """A ``telconf emulator`` subprocess and the URLs it printed."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "telconf", "emulator", "--teleum-port", "0", "--beeline-port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.lines = [self.process.stdout.readline() for _ in range(4)]
        self.teleum_url = self.line("Teleum API v3:").split()[-1]
        self.beeline_url = self.line("Beeline cloudcc:").split()[-1]

    def line(self, label: str) -> str:
        """The banner line starting with ``label`` (the providers come in the registry's order)."""
        return next(line for line in self.lines if line.startswith(label))

    def interrupt(self) -> tuple[int, str, str]:
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=10)
        return self.process.returncode, out, err


@pytest.fixture
def running(request: pytest.FixtureRequest) -> Iterator[Running]:
    proc = Running(*getattr(request, "param", ()))
    yield proc
    if proc.process.poll() is None:
        proc.process.kill()
        proc.process.wait()


def test_demo_accounts_are_served_and_announced(running: Running) -> None:
    assert running.teleum_url.endswith("/api/v3/") and running.beeline_url.endswith("/api")
    assert "demo@example.com / demo-password" in running.line("Teleum login:")
    assert "demo / demo-password" in running.line("Beeline login:")
    teleum = TeleumWire(running.teleum_url, "demo@example.com", "demo-password")
    assert len(teleum.ok("getConnectedNumbers")["numbers"]) == 3
    assert len(BeelineWire(running.beeline_url, "demo", "demo-password").ok("RLIST")) == 3
    code, _, err = running.interrupt()
    assert code == 0 and "Stopping." in err and "Traceback" not in err


def test_a_plain_form_post_like_curl_behaves_as_the_contract_says(running: Running) -> None:
    body = requests.post(running.teleum_url, data="cmd=login&email=demo%40example.com&paswd=demo-password",
                         headers={"Content-Type": "application/x-www-form-urlencoded"}).json()
    assert set(body) == {"account", "token", "vivaid"}
    ended = requests.get(running.teleum_url, params={"cmd": "getSIPs", "token": "x", "vivaid": 1})
    assert ended.status_code == 401 and ended.json()["errmsg"] == "SESSION ENDED"


def test_state_file_in_and_out(tmp_path: Path) -> None:
    state = tmp_path / "in.yaml"
    state.write_text(yaml.safe_dump({"beeline": {"accounts": [
        {"login": "acme", "password": "acme-password", "numbers": ["74957654321"]}]}}))
    saved = tmp_path / "out.json"
    proc = Running("--state", str(state), "--save", str(saved))
    try:
        assert "acme" in proc.line("Beeline logins:") and "acme-password" not in "".join(proc.lines)
        BeelineWire(proc.beeline_url, "acme", "acme-password").ok("ARECORD")
        code, _, err = proc.interrupt()
    finally:
        if proc.process.poll() is None:
            proc.process.kill()
    assert code == 0 and f"State saved to {saved}" in err, err
    assert json.loads(saved.read_text())["beeline"]["accounts"][0]["record_all"] is True


def test_faults_from_the_command_line(tmp_path: Path) -> None:
    proc = Running("--fault-rate", "1", "--fault-kinds", "rate_limit", "--seed", "3", "--retry-after", "2")
    try:
        response = requests.post(proc.teleum_url, data={"cmd": "login"})
        assert response.status_code == 429 and response.headers["Retry-After"] == "2"
    finally:
        proc.interrupt()


@pytest.mark.parametrize("args, message", [
    (["--fault-rate", "2"], "Invalid value for '--fault-rate'"),
    (["--fault-kinds", "meteor"], "unknown kind(s) meteor"),
    (["--teleum-port", "70000"], "Invalid value for '--teleum-port'"),
    (["--state", "/nonexistent/state.json"], "does not exist"),
])
def test_bad_options_exit_2_with_a_message(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["emulator", *args])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("content", ["[1, 2]", "{not json", '{"teleum": {"accounts": [{"password": "x"}]}}'])
def test_a_bad_state_file_exits_1_with_a_message(tmp_path: Path, content: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(content)
    result = CliRunner().invoke(main, ["emulator", "--teleum-port", "0", "--beeline-port", "0", "--state", str(path)])
    assert result.exit_code == 1
    assert "not a valid state file" in result.output and "Traceback" not in result.output


def test_a_port_in_use_exits_1_with_a_message() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["emulator", "--teleum-port", str(port), "--beeline-port", "0"])
    assert result.exit_code == 1
    assert "cannot listen on 127.0.0.1" in result.output


def test_verbose_request_log_keeps_secrets_out() -> None:
    proc = Running("-v")
    try:
        requests.get(proc.teleum_url, params={"cmd": "login", "email": "demo@example.com", "paswd": "demo-password"})
    finally:
        code, _, err = proc.interrupt()
    assert code == 0 and '"GET /api/v3/?cmd=login" 200' in err
    assert "demo-password" not in err and "paswd" not in err
