"""``telconf emulator`` off loopback warns and hides the demo passwords; bodies are capped."""

from __future__ import annotations

import signal
import subprocess
import sys
from urllib.parse import urlsplit

import requests

from telconf.emulator import Emulators


def test_a_non_loopback_address_is_warned_about_and_passwords_are_not_shown() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "telconf", "emulator", "--host", "0.0.0.0", "--teleum-port", "0",
         "--beeline-port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stderr is not None
        lines = [process.stdout.readline() for _ in range(3)]
        warning = process.stderr.readline()
        port = urlsplit(next(line for line in lines if line.startswith("Teleum API")).split()[-1]).port
        # Loopback still reaches it; a 2 MB body is refused, not read into memory.
        answer = requests.post(f"http://127.0.0.1:{port}/api/v3/", params={"cmd": "login"},
                               data={"email": "x", "paswd": "y" * (2 * 1024 * 1024)}, timeout=10)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "warning: listening on 0.0.0.0, not a loopback address" in warning
    assert "demo-password" not in "".join(lines) + out + err + warning
    assert "credentials not shown" in lines[2]
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
