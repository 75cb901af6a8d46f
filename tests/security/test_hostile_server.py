"""A server that attacks telconf: every answer in issue 14's table ends in a clean error.

Each test asserts the message, exit code 1, that nothing was written, that no canary
password appears in any output, and that the run was bounded (time; memory where the
attack was about memory: the CLI runs in a subprocess with its address space capped).
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from typing import Any

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
        outcome = cli("plan", "-c", str(teleum_config(tmp_path, url)), "--timeout", "1")
    assert outcome.code == 1
    assert "teleum login: no complete answer within the 1 s timeout (--timeout)" in outcome.stderr
    # Five tries of at most 1 s each plus backoff (~8 s), where the server would take 500 s per
    # try: a byte every 0.5 s never lets a single read time out, only the whole answer's deadline.
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


# --- issue 22: one parser decides the host; every host checked before any request ------------------

OWN_HOST = {"teleum": "bill.tech.teleum.com", "beeline": "cloudcc.beeline.ru"}
CONFIG = {"teleum": teleum_config, "beeline": beeline_config}
PATH = {"teleum": "/api/v3/", "beeline": "/api"}


def loopback_names(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """Make ``names`` resolve to 127.0.0.1 in this process: an untrusted host a test can listen on."""
    real = socket.getaddrinfo

    def resolve(host: Any, *args: Any, **kwargs: Any) -> Any:
        return real("127.0.0.1" if host in names else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.mark.parametrize("provider", ["teleum", "beeline"])
@pytest.mark.parametrize("trick", ["backslash-own-host", "backslash-loopback", "userinfo"])
def test_row1_the_host_checked_is_the_host_connected_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        provider: str, trick: str) -> None:
    """``http://evil.example\\@bill.tech.teleum.com/``: urlsplit reads the provider's host, requests
    connects to evil.example. Refused at the ``url:`` line by validate and by every command."""
    loopback_names(monkeypatch, "evil.example")
    with hostile.trap() as (port, accepts), hostile.serve(hostile.json_answer({})) as (good, received):
        good_host = good.removeprefix("http://")
        url, reason = {
            "backslash-own-host": (f"http://evil.example:{port}\\@{OWN_HOST[provider]}", "holds a backslash"),
            "backslash-loopback": (f"http://127.0.0.1:{port}\\@{good_host}", "holds a backslash"),
            "userinfo": (f"http://ops:{TELEUM_PASSWORD}@127.0.0.1:{port}", "holds a user name or password"),
        }[trick]
        config = CONFIG[provider](tmp_path, url)
        before = files_under(tmp_path)
        outcomes = [cli("validate", "-c", str(config)), cli("plan", "-c", str(config)),
                    cli("apply", "--yes", "-c", str(config)), cli("export", "-c", str(config))]
    for outcome in outcomes:
        assert outcome.code == 1, outcome.stderr
        assert f"telconf.yaml:5:10: the url '" in outcome.stderr and reason in outcome.stderr, outcome.stderr
        assert "Traceback" not in outcome.stderr and "Internal error" not in outcome.stderr
        assert outcome.leaked() == []
    assert accepts.count == 0          # the host requests would have connected to
    assert received.requests == []    # and the one urlsplit read
    assert files_under(tmp_path) == before


def test_row1_the_prepared_request_is_checked_with_the_http_clients_own_parser(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Under Transport.send's check, the adapter reads the prepared URL as urllib3 does, and refuses.

    requests prepares the backslash URL as ``http://evil.example:PORT/%5C@bill...``: what it would
    connect to is plain in the prepared request, and not trusted."""
    from telconf.providers.http import HostRefused, Transport

    loopback_names(monkeypatch, "evil.example")
    with hostile.trap() as (port, accepts):
        transport = Transport("teleum")
        try:
            with pytest.raises(HostRefused, match=f"refusing to send credentials to evil.example:{port}"):
                transport.session.get(f"http://evil.example:{port}\\@bill.tech.teleum.com/api/v3/")
            with pytest.raises(HostRefused, match=f"refusing to send credentials to evil.example:{port}"):
                transport.session.get(f"http://evil.example:{port}/api/v3/")
        finally:
            transport.close()
    assert accepts.count == 0


@pytest.mark.parametrize("provider", ["teleum", "beeline"])
def test_row1_a_subdomain_of_localhost_is_not_loopback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       provider: str) -> None:
    """``evil.localhost`` is not in the hosts file: the resolver asks DNS (and the search domains)
    for it, so it may be anywhere. Refused at the ``url:`` line like any other host not allowed."""
    loopback_names(monkeypatch, "evil.localhost")
    with hostile.trap() as (port, accepts):
        config = CONFIG[provider](tmp_path, f"http://evil.localhost:{port}")
        before = files_under(tmp_path)
        outcomes = [cli("plan", "-c", str(config)), cli("apply", "--yes", "-c", str(config)),
                    cli("validate", "--strict", "-c", str(config))]
    for outcome in outcomes:
        assert outcome.code == 1, outcome.stderr
        assert re.search(f"telconf.yaml:5:10: (warning: )?refusing to send credentials to evil.localhost:{port}:",
                         outcome.stderr), outcome.stderr
        assert outcome.leaked() == []
    assert accepts.count == 0
    assert files_under(tmp_path) == before


TRICKY_URLS = [
    "http://evil.example\\@bill.tech.teleum.com/", "http:\\\\evil.example/", "http://a.example:80@b.example/",
    "http://a.example%40b.example/", "http://127.0.0.1:8080#@evil.example/", "http://127.0.0.1:8080?@evil.example/",
    "http://127.0.0.1/\t@evil.example", "http://bill.tech.teleum.com.evil.example/", "http://x.example:1:2/",
    "https://BILL.Tech.Teleum.com/api/v3/", "http://0x7f.1/", "http://127.1/", "http://\u2460.example/",
    "http://ex%61mple.com/", "http:evil.example/", "//evil.example/", "http://evil.example#.teleum.com/",
    "http://127.0.0.1:0/", "http://127.0.0.1:65536/", "http://127.0.0.1:00080/", "http://[::1]:8080/x",
    "http://[::1%25eth0]/", "http://evil.example\u3002teleum.com/", "http://a\u200b.example/", "http://a .example/",
    "http://127.0.0.1:8080\\x@127.0.0.1:9/", "https://cloudcc.beeline.ru/api", "http://user@127.0.0.1/",
]


@pytest.mark.parametrize("url", TRICKY_URLS)
def test_row1_a_url_telconf_accepts_is_read_alike_by_requests_and_urllib3(url: str) -> None:
    """Differential: whenever ``hosts.endpoint`` accepts a URL, the request requests prepares from it
    is read by urllib3 (which picks the connection) as the same host and port."""
    import requests
    from urllib3.util import parse_url

    from telconf.guard import hosts

    try:
        where = hosts.endpoint(url)
    except hosts.BadUrl as exc:
        assert TELEUM_PASSWORD not in str(exc)
        return
    authority = re.split(r"[/?#]", url.split("://", 1)[1])[0]
    assert "@" not in authority and "\\" not in url and not any(c.isspace() for c in url)
    prepared = requests.Request("GET", url).prepare().url or ""
    parsed = parse_url(prepared)
    assert ((parsed.host or "").strip("[]").lower(), parsed.port) == (where.host, where.port)


def test_row13_one_refused_host_in_the_file_sends_nothing_anywhere(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulators: Any) -> None:
    """Teleum on loopback and Beeline on a host not allowed: plan, apply, export and the apply of a saved
    plan stop at the Beeline ``url:`` line before Teleum's login goes out."""
    emulators.teleum.add_account("ops@example.com", TELEUM_PASSWORD, ["78123232323"])
    loopback_names(monkeypatch, "cc.evil.example")
    teleum_only = teleum_config(tmp_path, emulators.teleum_url.rstrip("/").removesuffix("/api/v3"))
    plan_file = tmp_path / "plan.json"
    made = cli("plan", "-c", str(teleum_only), "--out", str(plan_file))
    assert made.code == 0, made.stderr
    with hostile.trap() as (port, accepts):
        config = tmp_path / "telconf.yaml"
        config.write_text(teleum_only.read_text() + f"""\
  callcenter:
    provider: beeline
    url: http://cc.evil.example:{port}/api
    credentials:
      username: ${{BEELINE_LOGIN}}
      password: ${{BEELINE_PASSWORD}}
""")
        emulators.teleum.call_log.clear()
        state = emulators.snapshot()
        before = files_under(tmp_path)
        outcomes = {
            "plan": cli("plan", "-c", str(config)),
            "plan --account office": cli("plan", "-c", str(config), "--account", "office"),
            "apply": cli("apply", "--yes", "-c", str(config)),
            "export": cli("export", "-c", str(config), "-o", str(tmp_path / "backup")),
            "apply saved": cli("apply", str(plan_file), "-c", str(config)),
        }
        validate = cli("validate", "-c", str(config))
    for command, outcome in outcomes.items():
        assert outcome.code == 1, (command, outcome.stderr)
        assert f"telconf.yaml:11:10: refusing to send credentials to cc.evil.example:{port}" in outcome.stderr, \
            (command, outcome.stderr)
        assert outcome.leaked() == []
    assert emulators.teleum.call_log == []   # not even Teleum's login
    assert emulators.snapshot() == state
    assert accepts.count == 0
    assert files_under(tmp_path) == before
    # validate warns (it may run where the operator's list is not set); --strict fails
    assert validate.code == 0 and "refusing to send credentials to cc.evil.example" in validate.stderr


def test_row14_a_credential_of_one_provider_is_not_another_providers(tmp_path: Path, emulators: Any) -> None:
    """``${TELEUM_PASSWORD}`` as a Beeline password would send the Teleum password to Beeline's host."""
    emulators.teleum.add_account("ops@example.com", TELEUM_PASSWORD, ["78123232323"])
    config = teleum_config(tmp_path, emulators.teleum_url.rstrip("/").removesuffix("/api/v3"), f"""\
  callcenter:
    provider: beeline
    url: {emulators.beeline_url}
    credentials:
      username: ${{BEELINE_LOGIN}}
      password: ${{TELEUM_PASSWORD}}
""")
    for command in ("validate", "plan"):
        outcome = cli(command, "-c", str(config))
        assert outcome.code == 1
        assert f"telconf.yaml:14:17: ${{TELEUM_PASSWORD}} is already a teleum credential ({config}:8) and may " \
               "not be a beeline credential too" in outcome.stderr, outcome.stderr
        assert "TELCONF_SHARED_CREDENTIAL_VARS=TELEUM_PASSWORD" in outcome.stderr
        assert outcome.leaked() == []
    assert emulators.teleum.call_log == [] and emulators.beeline.call_log == []
    # the operator (not the file) may say both accounts really share it
    allowed = cli("validate", "-c", str(config), env={"TELCONF_SHARED_CREDENTIAL_VARS": "OTHER, TELEUM_PASSWORD"})
    assert allowed.code == 0, allowed.stderr
