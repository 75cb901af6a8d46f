"""The shared machinery serves whatever kits the registry has: a third one needs no change to it."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from werkzeug.wrappers import Request, Response

from telconf.emulator import Emulators, server
from telconf.emulator.base import EmulatorBase, json_response
from telconf.emulator.kit import EmulatorKit, Knob


class EchoEmulator(EmulatorBase):
    """A toy API: ``GET <path>`` answers its accounts and its ``greeting`` knob."""

    section = "echo"

    def set_defaults(self) -> None:
        super().set_defaults()
        self.greeting = "hello"

    def _clear_state(self) -> None:
        self.accounts: list[str] = []

    def snapshot(self) -> dict[str, Any]:
        return {"accounts": list(self.accounts)}

    def restore(self, snapshot: dict[str, Any]) -> None:
        self._clear_state()
        self.accounts = list(snapshot.get("accounts", []))

    def handle_request(self, request: Request) -> Response:
        return self.run_call(request, "echo", {}, lambda: (json_response(
            {"greeting": self.greeting, "accounts": self.accounts}), None))


ECHO = EmulatorKit(app=EchoEmulator, path="/echo", port=8799,
                   knobs=(Knob("greeting", str, "what it says."), Knob("pending_seconds", float, "shared name.")))


@pytest.fixture
def with_echo(monkeypatch: pytest.MonkeyPatch) -> dict[str, EmulatorKit]:
    """The registry's kits plus ``echo``, as if a third provider package were installed."""
    found = {**server.kits(), "echo": ECHO}
    monkeypatch.setattr(server, "kits", lambda: found)
    return found


def test_knobs_go_to_every_emulator_that_has_them(with_echo: dict[str, EmulatorKit]) -> None:
    split = server.split_knobs({"greeting": "hi", "pending_seconds": 1, "latency_ms": 2}, with_echo)
    assert split["echo"] == {"greeting": "hi", "pending_seconds": 1, "latency_ms": 2}
    assert split["beeline"] == {"pending_seconds": 1, "latency_ms": 2} and split["teleum"] == {"latency_ms": 2}
    with pytest.raises(TypeError, match="unknown emulator knob 'greetings'"):
        server.split_knobs({"greetings": "hi"}, with_echo)


def test_a_third_emulator_is_served_restored_and_saved_like_the_others(with_echo: dict[str, EmulatorKit]) -> None:
    with Emulators.start(echo_port=0, greeting="hi") as emu:
        assert set(emu.apps) == {"beeline", "echo", "teleum"} and emu.echo is emu.apps["echo"]
        assert emu.echo_url == emu.urls["echo"] and emu.echo_url.endswith("/echo")
        emu.restore({"echo": {"accounts": ["a"]}})
        assert requests.get(emu.echo_url, timeout=10).json() == {"greeting": "hi", "accounts": ["a"]}
        assert emu.snapshot()["echo"] == {"accounts": ["a"]} and emu.snapshot()["teleum"]["accounts"] == []
        emu.reset()
        assert emu.echo.accounts == [] and emu.echo.greeting == "hello"
        with pytest.raises(AttributeError, match="no attribute 'ehco'"):
            emu.ehco  # noqa: B018 - the attribute access is the test


def test_the_call_log_keeps_no_credential_whatever_the_api_calls_it() -> None:
    """A third API's token or API key stays out of the call log as a password does."""
    from telconf.emulator.base import redact

    params = {"cmd": "login", "paswd": "p1", "Password": "p2", "token": "t", "api_key": "k", "apiKey": "k2",
              "Authorization": "Bearer t", "keys": {"1": "sales"}, "nested": [{"client_secret": "s", "num": 101}]}
    assert redact(params) == {"cmd": "login", "keys": {"1": "sales"}, "nested": [{"num": 101}]}
