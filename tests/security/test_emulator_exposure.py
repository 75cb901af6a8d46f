"""``telconf emulator`` off loopback warns and gives the demo accounts random passwords; bodies are capped;
the documented minimal state file loads."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import requests

from telconf.emulator import Emulators


def test_a_non_loopback_address_gets_random_demo_passwords_shown_once() -> None:
    """Issue 22 row 12: off loopback the published demo passwords would let anyone in."""
    process = subprocess.Popen(
        [sys.executable, "-m", "telconf", "emulator", "--host", "0.0.0.0", "--teleum-port", "0",
         "--beeline-port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stderr is not None
        lines = [process.stdout.readline() for _ in range(4)]
        warning = process.stderr.readline()
        port = urlsplit(next(line for line in lines if line.startswith("Teleum API")).split()[-1]).port
        teleum = next(line for line in lines if line.startswith("Teleum login:"))
        login, password = re.fullmatch(r"Teleum login: +(\S+) / (\S+) +\(random, shown once\) +numbers .*\n",
                                       teleum).groups()  # type: ignore[union-attr]
        url = f"http://127.0.0.1:{port}/api/v3/"
        with_random = requests.post(url, params={"cmd": "login"}, data={"email": login, "paswd": password},
                                    timeout=10).json()
        with_published = requests.post(url, params={"cmd": "login"},
                                       data={"email": login, "paswd": "demo-password"}, timeout=10).json()
        # Loopback still reaches it; a 2 MB body is refused, not read into memory.
        answer = requests.post(url, params={"cmd": "login"},
                               data={"email": "x", "paswd": "y" * (2 * 1024 * 1024)}, timeout=10)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "warning: listening on 0.0.0.0, not a loopback address" in warning
    assert "demo-password" not in "".join(lines) + out + err + warning
    assert len(password) >= 16 and "token" in with_random and with_published.get("err") == 1
    beeline = next(line for line in lines if line.startswith("Beeline login:"))
    assert "(random, shown once)" in beeline and password not in beeline
    assert password not in out + err, "shown once only"
    assert answer.status_code == 413


def test_both_emulators_cap_request_bodies(emulators: Emulators) -> None:
    big = b"x" * (emulators.teleum.max_body_bytes + 1)
    teleum = requests.post(emulators.teleum_url, params={"cmd": "login"}, data=big,
                           headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    assert teleum.status_code == 413 and teleum.json()["err"] == 1
    beeline = requests.post(emulators.beeline_url + "/request", auth=("x", "y"),
                            files={"api_form": (None, b"{}"), "vfile": ("a.wav", b"x" * (11 * 1024 * 1024))},
                            timeout=10)
    assert beeline.status_code == 413


def _documented_minimal_state() -> str:
    """The YAML block after "a minimal one:" in the README or the docs pages."""
    root = Path(__file__).parents[2]
    for page in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        found = re.search(r"a minimal one:\s*```yaml\n(.*?)```", page.read_text(), re.S | re.I)
        if found:
            return found.group(1)
    raise AssertionError("the minimal state file is no longer documented")


def test_the_documented_minimal_state_file_works(tmp_path: Path) -> None:
    """Issue 22 row 17: it ended in `not a valid state file (KeyError: 'vivaid')`."""
    state = tmp_path / "state.yaml"
    state.write_text(_documented_minimal_state())
    process = subprocess.Popen(
        [sys.executable, "-m", "telconf", "emulator", "--state", str(state), "--teleum-port", "0",
         "--beeline-port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        teleum = next(line for line in lines if line.startswith("Teleum API")).split()[-1]
        beeline = next(line for line in lines if line.startswith("Beeline")).split()[-1]
        session = requests.post(teleum, params={"cmd": "login"},
                                data={"email": "a@example.com", "paswd": "password-a"}, timeout=10).json()
        numbers = requests.get(teleum, params={"cmd": "getConnectedNumbers", "token": session["token"],
                                               "vivaid": session["vivaid"]}, timeout=10).json()
        redirects = requests.post(beeline + "/request", auth=("acme", "acme-password"),
                                  files={"api_form": (None, json.dumps({"Command": "RLIST"}))}, timeout=10).json()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "not a valid state file" not in err, err
    assert [(n["id"], n["number"]) for n in numbers["numbers"]] == [("15", "78123232323")]
    assert [r["BNumber"] for r in redirects["ConfData"]] == ["74957654321"], redirects
