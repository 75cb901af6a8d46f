"""A server that attacks telconf: every answer in issue 14's table ends in a clean error.

Each test asserts the message, exit code 1, that nothing was written, that no canary
password appears in any output, and that the run was bounded (time; memory where the
attack was about memory: the CLI runs in a subprocess with its address space capped).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import hostile
from .conftest import (
    BEELINE_PASSWORD,
    TELEUM_PASSWORD,
    beeline_config,
    cli,
    cli_limited,
    files_under,
    teleum_config,
)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("target", ["elsewhere", "evil.example", "https-to-http"])
def test_a_redirect_is_an_error_and_nothing_is_sent_again(tmp_path: Path, status: int, target: str) -> None:
    with hostile.serve(hostile.json_answer({"token": "x"})) as (recorder_url, recorder):
        location = {"elsewhere": recorder_url + "/api/v3/", "evil.example": "https://evil.example/steal",
                    "https-to-http": recorder_url.replace("127.0.0.1", "localhost") + "/plain"}[target]
        with hostile.serve(hostile.redirect(status, location)) as (url, first):
            config = teleum_config(tmp_path, url)
            before = files_under(tmp_path)
            outcome = cli("plan", "-c", str(config))
    assert outcome.code == 1
    shown = "evil.example" if target == "evil.example" else ("localhost" if target == "https-to-http"
                                                              else "127.0.0.1")
    assert f"answered HTTP {status}, redirecting to {shown}" in outcome.stderr
    assert "never follows redirects" in outcome.stderr
    assert len(first.requests) == 1  # not retried either
    assert recorder.requests == []   # the login never reached the redirect's target
    assert outcome.leaked() == []
    assert files_under(tmp_path) == before


def test_beeline_redirect_sends_no_authorization_elsewhere(tmp_path: Path) -> None:
    with hostile.serve(hostile.json_answer({"ConfData": []})) as (recorder_url, recorder):
        with hostile.serve(hostile.redirect(307, recorder_url + "/api/request")) as (url, first):
            outcome = cli("plan", "-c", str(beeline_config(tmp_path, url)))
    assert outcome.code == 1
    assert "redirecting to 127.0.0.1:" in outcome.stderr
    assert recorder.requests == []
    assert all(b"Authorization" in r for r in first.requests)  # it went only where it was sent
    assert outcome.leaked() == []


def test_an_echoed_password_is_masked_and_escapes_are_escaped(tmp_path: Path) -> None:
    text = f"wrong password {TELEUM_PASSWORD} \x1b[2J\x1b]0;owned\x07 try again"
    with hostile.serve(hostile.json_answer({"err": 1, "errmsg": text})) as (url, server):
        outcome = cli("plan", "-v", "-c", str(teleum_config(tmp_path, url)))
    assert outcome.code == 1
    assert "login refused: wrong password (sensitive) \\x1b[2J\\x1b]0;owned\\x07 try again" in outcome.stderr
    assert "\x1b" not in outcome.stderr + outcome.stdout
    assert outcome.leaked() == []
    assert len(server.requests) == 1  # a refused login is never tried again


def test_a_beeline_error_echoing_the_password_is_masked(tmp_path: Path) -> None:
    body = {"STATUS": "ERROR", "ERR_CODE": "400.1", "COMMAND": "RLIST",
            "ERR_DESCRIPTION": f"bad request from ops:{BEELINE_PASSWORD}\x1b[31m"}
    with hostile.serve(hostile.json_answer(body, status=400)) as (url, _):
        outcome = cli("plan", "-v", "-c", str(beeline_config(tmp_path, url)))
    assert outcome.code == 1
    assert "bad request from ops:(sensitive)\\x1b[31m" in outcome.stderr
    assert outcome.leaked() == []


def test_an_endless_body_is_cut_at_the_cap_in_bounded_memory(tmp_path: Path) -> None:
    with hostile.serve(hostile.endless()) as (url, _):
        outcome = cli_limited("plan", "-c", str(teleum_config(tmp_path, url)), "--timeout", "60")
    assert outcome.code == 1, outcome.stderr
    assert "teleum login: the answer is more than the 33554432-byte cap" in outcome.stderr
    assert "Internal error" not in outcome.stderr and "MemoryError" not in outcome.stderr
    assert outcome.leaked() == []


def test_a_trickling_body_is_bounded_by_the_timeout(tmp_path: Path) -> None:
    with hostile.serve(hostile.trickle(0.5)) as (url, server):
        outcome = cli("plan", "-c", str(teleum_config(tmp_path, url)), "--timeout", "1.5")
    assert outcome.code == 1
    assert "teleum login: no complete answer within the 1.5 s timeout (--timeout)" in outcome.stderr
    # Five tries of at most 1.5 s each plus backoff (~11 s), where the server would take 500 s per try.
    assert len(server.requests) == 5
    assert outcome.seconds < 60
    assert outcome.leaked() == []


def test_the_timeout_comes_from_the_environment_too(tmp_path: Path) -> None:
    with hostile.serve(hostile.trickle(0.5)) as (url, server):
        outcome = cli("plan", "-c", str(teleum_config(tmp_path, url)), env={"TELCONF_TIMEOUT": "1"})
    assert outcome.code == 1
    assert "no complete answer within the 1 s timeout" in outcome.stderr
    assert outcome.seconds < 60


@pytest.mark.parametrize("body, reason", [
    (b"[" * 100_000, "the answer is not JSON"),
    (json.dumps(json.loads("[" * 80 + "]" * 80)).encode(), "the answer is not JSON"),
    (b'{"err": 0, "token": "a", "token": "b", "vivaid": 1}', "the answer is not JSON"),
])
def test_deep_or_duplicated_json_is_a_bad_response(tmp_path: Path, body: bytes, reason: str) -> None:
    with hostile.serve(hostile.answer(200, body)) as (url, _):
        outcome = cli("plan", "-c", str(teleum_config(tmp_path, url)))
    assert outcome.code == 1
    assert reason in outcome.stderr
    assert "Internal error" not in outcome.stderr


def test_beeline_empty_answers_abort_export_and_keep_the_backup(tmp_path: Path) -> None:
    backup = tmp_path / "backup" / "telconf.yaml"
    backup.parent.mkdir()
    backup.write_text("# a good backup\n")
    with hostile.serve(hostile.json_answer({})) as (url, _):
        config = beeline_config(tmp_path, url)
        before = files_under(tmp_path)
        outcome = cli("export", "-c", str(config), "-o", str(backup))
    assert outcome.code == 1
    assert "the answer has no ConfData" in outcome.stderr
    assert files_under(tmp_path) == before
    assert outcome.leaked() == []


def test_a_url_to_an_untrusted_host_is_refused_before_any_connection(tmp_path: Path) -> None:
    config = teleum_config(tmp_path, "https://attacker.example")
    outcome = cli("plan", "-c", str(config))
    assert outcome.code == 1
    assert "refusing to send credentials to attacker.example" in outcome.stderr
    assert "TELCONF_ALLOWED_HOSTS=attacker.example" in outcome.stderr
    assert "--allow-host attacker.example" in outcome.stderr
    validate = cli("validate", "--strict", "-c", str(config))
    assert validate.code == 1 and "refusing to send credentials to attacker.example" in validate.stderr


def test_another_providers_host_is_not_trusted_with_these_credentials(tmp_path: Path) -> None:
    """Each provider trusts its own host only: a Teleum login never goes to Beeline's (or a plugin's) API."""
    config = teleum_config(tmp_path, "https://cloudcc.beeline.ru")
    outcome = cli("plan", "-c", str(config))
    assert outcome.code == 1
    assert "refusing to send credentials to cloudcc.beeline.ru" in outcome.stderr
    validate = cli("validate", "--strict", "-c", str(config))
    assert validate.code == 1 and "refusing to send credentials to cloudcc.beeline.ru" in validate.stderr
    assert cli("validate", "--strict", "-c", str(beeline_config(tmp_path, "https://cloudcc.beeline.ru"))).code == 0


def test_the_operator_may_allow_a_host_but_the_config_may_not(tmp_path: Path) -> None:
    with hostile.serve(hostile.json_answer({"err": 1, "errmsg": "no"})) as (url, server):
        port = url.rsplit(":", 1)[1]
        other = url.replace("127.0.0.1", "127.0.0.1.nip.invalid")
        config = teleum_config(tmp_path, other)
        refused = cli("plan", "-c", str(config))
        assert refused.code == 1 and "refusing to send credentials" in refused.stderr
        for how in (["--allow-host", f"127.0.0.1.nip.invalid:{port}"],
                    ["--allow-host", "127.0.0.1.nip.invalid"]):
            allowed = cli("plan", "-c", str(config), *how)
            assert "refusing" not in allowed.stderr  # it got as far as resolving the name
        allowed_env = cli("plan", "-c", str(config), env={"TELCONF_ALLOWED_HOSTS": f"x.example, 127.0.0.1.nip.invalid:{port}"})
        assert "refusing" not in allowed_env.stderr
    assert server.requests == []  # the name does not resolve: nothing reached any server


def test_plain_http_to_another_host_is_a_warning_and_strict_fails(tmp_path: Path) -> None:
    config = teleum_config(tmp_path, "http://bill.tech.teleum.com")
    outcome = cli("validate", "-c", str(config))
    assert outcome.code == 0 and "plain http://" in outcome.stderr
    assert cli("validate", "--strict", "-c", str(config)).code == 1
