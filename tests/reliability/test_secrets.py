"""Secrets canary: no password, token or Authorization header ever reaches any output.

Every secret gets a unique canary value (the Teleum password and session token, the
Beeline password, the SIP line passwords). validate, plan (every format, a saved plan),
apply (with -v, faults on, SIP passwords rotated, a stale saved plan), export, and
forced errors (refused logins, failing calls, a missing variable) all run through the
CLI; then stdout, stderr (which carries the logs) and every file written are searched
for each canary: raw, URL-encoded, base64, and as the HTTP Basic Authorization header.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import yaml
from click.testing import CliRunner

from telconf.cli import main
from telconf.emulator import Emulators
from telconf.emulator.faults import FaultConfig

from .scenarios import BEELINE_LOGIN, TELEUM_EMAIL, BeelineScenario, TeleumScenario

TELEUM_PASSWORD = "Tl+CANARY/teleum=pw&1 x"
TELEUM_TOKEN = "7e1e7e1ec0de5ec12e7ca2a27deadbee"
BEELINE_PASSWORD = "Bl:CANARY+beeline/pw=2"
SIP_PASSWORD = "Sip&CANARY+sip/pw=3?"
CANARIES = {"teleum password": TELEUM_PASSWORD, "teleum token": TELEUM_TOKEN,
            "beeline password": BEELINE_PASSWORD, "sip password": SIP_PASSWORD}
FLAKY = FaultConfig(rate=0.15, kinds={"error_5xx", "drop_after_commit", "session_expiry", "rate_limit"},
                    seed=11, retry_after=0)


def forms(value: str) -> dict[str, str]:
    """The spellings a leaked secret could take."""
    found = {"raw": value, "url-encoded": quote(value, safe=""), "form-encoded": quote_plus(value),
             "path-encoded": quote(value), "base64": base64.b64encode(value.encode()).decode(),
             "urlsafe base64": base64.urlsafe_b64encode(value.encode()).decode().rstrip("="),
             "json": json.dumps(value)[1:-1]}
    if value == BEELINE_PASSWORD:
        basic = base64.b64encode(f"{BEELINE_LOGIN}:{value}".encode()).decode()
        found["authorization header"] = f"Basic {basic}"
        found["basic credentials"] = basic
    return found


class Leaks:
    """Everything telconf printed or wrote, searched for every canary form."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    def add(self, where: str, text: str) -> None:
        self.texts.append((where, text))

    def add_files(self, folder: Path) -> None:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                self.add(str(path), path.read_bytes().decode("utf-8", "replace"))

    def found(self) -> list[str]:
        return [f"{name} ({form}) in {where}" for name, value in CANARIES.items()
                for form, spelling in forms(value).items()
                for where, text in self.texts if spelling in text]


@pytest.fixture
def workspace(emulators: Emulators, tmp_path: Path) -> dict[str, Any]:
    """Both scenarios on the emulators, with canary passwords, in one config file."""
    teleum = TeleumScenario.build(emulators, tmp_path, seed=5)
    beeline = BeelineScenario.build(emulators, tmp_path, seed=5)
    snapshot = emulators.snapshot()
    for account in snapshot["teleum"]["accounts"]:
        if account["email"] == TELEUM_EMAIL:
            account["password"] = TELEUM_PASSWORD
    for account in snapshot["beeline"]["accounts"]:
        if account["login"] == BEELINE_LOGIN:
            account["password"] = BEELINE_PASSWORD
    emulators.restore(snapshot)
    emulators.teleum.session_token = TELEUM_TOKEN
    accounts = {**yaml.safe_load(teleum.config_path.read_text())["accounts"],
                **yaml.safe_load(beeline.config_path.read_text())["accounts"]}
    # Every SIP line carries a password, so --rotate-sip-passwords sends them all.
    for line in accounts["office"]["sip_lines"].values():
        line["password"] = "${SIP_PASSWORD}"
    config = tmp_path / "telconf.yaml"
    config.write_text(yaml.safe_dump({"version": 1, "accounts": accounts}, allow_unicode=True, sort_keys=False))
    env = {"TELEUM_EMAIL": TELEUM_EMAIL, "TELEUM_PASSWORD": TELEUM_PASSWORD, "BEELINE_LOGIN": BEELINE_LOGIN,
           "BEELINE_PASSWORD": BEELINE_PASSWORD, "SIP_PASSWORD": SIP_PASSWORD,
           "TELCONF_CACHE_DIR": str(tmp_path / "cache")}
    return {"config": config, "env": env, "tmp": tmp_path}


def run(leaks: Leaks, env: dict[str, str], *args: str) -> int:
    result = CliRunner().invoke(main, list(args), env=env)
    label = " ".join(args[:2])
    leaks.add(f"stdout of {label}", result.stdout)
    leaks.add(f"stderr of {label}", result.stderr)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        leaks.add(f"exception of {label}", repr(result.exception))
    return result.exit_code


def test_no_canary_leaks_through_any_command(emulators: Emulators, workspace: dict[str, Any]) -> None:
    config, env, tmp = str(workspace["config"]), workspace["env"], workspace["tmp"]
    leaks = Leaks()
    emulators.teleum.faults = FLAKY
    emulators.beeline.faults = FLAKY
    assert run(leaks, env, "validate", "-c", config) == 0
    for fmt in ("text", "json", "markdown"):
        assert run(leaks, env, "plan", "-v", "-c", config, "--format", fmt, "--rotate-sip-passwords") in (0, 1)
    saved = str(tmp / "saved-plan.json")
    while run(leaks, env, "plan", "-v", "-c", config, "--rotate-sip-passwords", "--out", saved) != 0:
        pass  # a read failed every try under faults: plan again
    codes = [run(leaks, env, "apply", "-v", "--yes", "--force", "--rotate-sip-passwords", "-c", config)
             for _ in range(3)]
    assert 0 in codes, "apply never succeeded"
    assert run(leaks, env, "apply", "-v", saved, "-c", config) == 1  # stale: the accounts changed since
    assert run(leaks, env, "export", "-v", "-c", config, "-o", str(tmp / "export" / "telconf.yaml")) in (0, 1)

    # Forced errors: every call fails, lost answers, refused logins, a missing variable.
    emulators.teleum.faults = FaultConfig(rate=1.0, kinds={"rate_limit"}, retry_after=0, exclude={"login"})
    emulators.beeline.faults = FaultConfig(rate=1.0, kinds={"rate_limit"}, retry_after=0, methods={"LVFILES"})
    assert run(leaks, env, "plan", "-v", "-c", config) == 1
    emulators.teleum.faults = FaultConfig(rate=1.0, kinds={"drop_after_commit"}, methods={"editSIP"})
    emulators.beeline.faults = FaultConfig()
    run(leaks, env, "apply", "-v", "--yes", "--force", "--rotate-sip-passwords", "-c", config)
    emulators.teleum.faults = FaultConfig()
    snapshot = emulators.snapshot()
    for account in snapshot["teleum"]["accounts"] + snapshot["beeline"]["accounts"]:
        account["password"] = "something-else"
    emulators.restore(snapshot)
    for command in ("plan", "export"):
        assert run(leaks, env, command, "-v", "-c", config) == 1
    assert run(leaks, env, "apply", "-v", "--yes", "-c", config) == 1
    assert run(leaks, {k: v for k, v in env.items() if k != "SIP_PASSWORD"}, "apply", "-v", "--yes",
               "--rotate-sip-passwords", "-c", config) == 1

    leaks.add_files(tmp)
    assert len(leaks.texts) > 30
    assert leaks.found() == []


def test_the_search_would_see_a_leak() -> None:
    """The canary search itself: each spelling of a secret is caught."""
    leaks = Leaks()
    leaks.add("log", f"GET /api/v3/?cmd=getSIPs&token={TELEUM_TOKEN}")
    leaks.add("header", "Authorization: " + forms(BEELINE_PASSWORD)["authorization header"])
    leaks.add("body", f"paswd={quote_plus(SIP_PASSWORD)}")
    found = leaks.found()
    assert any(f.startswith("teleum token (raw)") for f in found)
    assert any(f.startswith("beeline password (authorization header)") for f in found)
    assert any(f.startswith("sip password (form-encoded)") for f in found)


def test_no_canary_leaks_through_the_security_outputs(emulators: Emulators, workspace: dict[str, Any]) -> None:
    """Issue 14's outputs: refusals, redirect and timeout errors, warnings, a secret echoed by a server."""
    config, env, tmp = workspace["config"], workspace["env"], workspace["tmp"]
    leaks = Leaks()
    original = config.read_text()
    # A credential variable placed in a plain field: an error, and the value never printed.
    data = yaml.safe_load(original)
    line = next(iter(data["accounts"]["office"]["sip_lines"].values()))
    line["description"] = "${TELEUM_PASSWORD}"
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    for fmt in ("text", "markdown", "json"):
        assert run(leaks, env, "plan", "-v", "-c", str(config), "--format", fmt) == 1
    assert run(leaks, env, "validate", "-c", str(config)) == 1
    # A url to an untrusted host (refused), and plain http to another host (a warning).
    for url in ("https://attacker.example/api", "http://bill.tech.teleum.com/api/v3/"):
        data = yaml.safe_load(original)
        data["accounts"]["office"]["url"] = url
        config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        assert run(leaks, env, "validate", "--strict", "-c", str(config)) == 1
        assert run(leaks, env, "plan", "-v", "-c", str(config), "--account", "office", "--timeout", "2") == 1
    # The server echoes the password in its refusal, with terminal escapes.
    config.write_text(original)
    snapshot = emulators.snapshot()
    for account in snapshot["teleum"]["accounts"]:
        account["password"] = "something-else"
    emulators.restore(snapshot)
    emulators.teleum.faults = FaultConfig()
    assert run(leaks, env, "plan", "-v", "-c", str(config), "--allow-host", "unused.example") == 1
    leaks.add_files(tmp)
    assert leaks.found() == []
    assert not any("\x1b" in text for _, text in leaks.texts)
