"""Errors, faults and malformed answers: typed errors naming the command, retries where safe."""

from __future__ import annotations

import re

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from telconf.emulator.faults import FaultConfig
from telconf.core.errors import ApiError, AuthError, BadResponse, TransientError
from telconf.core.model import Secret
from telconf.providers.beeline.model import (
    BeelineAccount,
    BeelineCredentials,
    BeelineNumber,
    BlacklistEntry,
    Blacklists,
    Premedia,
    Redirect,
    VoiceFile,
)
from telconf.providers.base import PlanOptions
from telconf.providers.beeline.client import BeelineClient
from telconf.providers.beeline.provider import BeelineProvider
from telconf.providers.http import RetryPolicy
from telconf.core.wav import make_wav

from .conftest import LOGIN, NUMBERS, PASSWORD, BeelineBench

N1, N2, N3, N4 = NUMBERS


def test_wrong_password_is_an_auth_error_without_the_password(bench: BeelineBench) -> None:
    client = BeelineClient(bench.emulators.beeline_url, LOGIN, "wrong-secret-value")
    with pytest.raises(AuthError) as raised:
        client.request("RLIST", idempotent=True)
    assert raised.value.code == "401.1" and raised.value.call == "RLIST"
    assert "wrong-secret-value" not in str(raised.value)


def test_a_foreign_b_number_is_an_api_error_naming_the_command(bench: BeelineBench) -> None:
    client = BeelineClient(bench.emulators.beeline_url, LOGIN, PASSWORD)
    with pytest.raises(ApiError) as raised:
        client.request("REDIRECT", [{"BNumber": "74959999999", "RNumber": "79160000000"}], idempotent=True)
    assert raised.value.code == "404.100"
    assert str(raised.value) == "beeline REDIRECT: Invalid BNumber(s) [404.100]"


def test_server_errors_and_rate_limits_are_retried(bench: BeelineBench) -> None:
    bench.emu.faults = FaultConfig(rate=0.4, kinds={"error_5xx", "rate_limit"}, seed=7)
    bench.emu.set_redirect(LOGIN, N1, "79160000001")
    account = bench.account(numbers={N1: BeelineNumber(N1, redirect=Redirect("79160000002")),
                                     N2: BeelineNumber(N2, redirect=Redirect("79160000003"))})
    bench.converge(account)
    assert bench.emu.injected_faults  # faults happened and were retried
    assert bench.state()["redirects"][N2] == {"RNumber": "79160000003"}


def test_a_delete_whose_answer_is_lost_is_read_back_not_repeated(bench: BeelineBench, tmp_path) -> None:
    bench.emu.add_voice_file(LOGIN, "old.wav", make_wav(tone=3))
    bench.emu.faults = FaultConfig(rate=1.0, kinds={"drop_after_commit"}, methods={"DELFILE"})
    bench.converge(bench.account(voice_files={}))
    assert bench.state()["files"] == {}
    assert [c["method"] for c in bench.emu.call_log].count("DELFILE") == 1


def test_writes_retried_after_a_dropped_answer_are_safe(bench: BeelineBench, tmp_path) -> None:
    bench.emu.faults = FaultConfig(rate=0.5, kinds={"drop_after_commit"}, seed=3,
                                   methods={"REDIRECT", "SETBLIST", "VFILE", "PREMEDIA", "ARECORD"})
    path = tmp_path / "g.wav"
    path.write_bytes(make_wav(tone=4))
    account = bench.account(
        voice_files={"g.wav": VoiceFile("g.wav", path)},
        numbers={N1: BeelineNumber(N1, redirect=Redirect("79160000001"), premedia=Premedia(a="g.wav"), record=True)},
        blacklists=Blacklists(lists={0: frozenset({BlacklistEntry(0, N1, "79000000001")})}),
    )
    bench.converge(account)
    assert bench.emu.injected_faults


# --- a server that answers what a test tells it to -----------------------------------------


class Scripted:
    """A tiny HTTP server answering each Beeline command with a scripted (status, body)."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, Any, str]] = {}
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, command: str, body: Any, status: int = 200, content_type: str = "application/json") -> None:
        self.answers[command] = (status, body, content_type)

    @Request.application
    def app(self, request: Request) -> Response:
        command = json.loads(request.form["api_form"])["Command"]
        status, body, content_type = self.answers.get(command, (200, {"ConfData": []}, "application/json"))
        text = body if isinstance(body, str) else json.dumps(body)
        return Response(text, status=status, content_type=content_type)


@pytest.fixture(scope="module")
def scripted_server() -> Iterator[Scripted]:
    server = Scripted()
    yield server
    server.server.shutdown()


@pytest.fixture
def scripted(scripted_server: Scripted) -> Scripted:
    """A client account with N1 redirected and N2 not; every other list empty."""
    server = scripted_server
    server.answers.clear()
    server.answer("RLIST", {"ConfData": [{"BNumber": int(N1), "RNumber": 79160000001}, {"BNumber": N2}]})
    server.answer("ABLIST", {"ConfData": "1"})
    return server


def _provider(url: str) -> BeelineProvider:
    account = BeelineAccount(name="x", url=url, credentials=BeelineCredentials(Secret("u"), Secret("p")),
                             numbers={N1: BeelineNumber(N1, redirect=Redirect("79160000001"))})
    return BeelineProvider(account, environ={"TELCONF_CACHE_DIR": "/nonexistent/telconf-cache"})


def test_numbers_as_ints_and_absent_optional_keys_are_tolerated(scripted: Scripted) -> None:
    provider = _provider(scripted.url)
    live = provider.read()
    assert live.data.redirects == {N1: Redirect("79160000001"), N2: None}
    assert live.data.active_list == 1
    assert provider.diff(live, PlanOptions()) == []


@pytest.mark.parametrize(("command", "status", "body", "content_type", "message"), [
    ("LBLIST", 200, "<html><body>Gateway</body></html>", "text/html", "answer is not JSON (text/html"),
    ("RLIST", 502, "<html>Bad gateway</html>", "text/html", "HTTP 502"),
    ("MLIST", 200, {"ConfData": {"BNumber": N1}}, "application/json", "ConfData is a dict, expected a list"),
    ("LVFILES", 200, {"ConfData": [{"Comment": "no name"}]}, "application/json", "an entry has no filename"),
    ("LRECORD", 200, [1, 2], "application/json", "expected a JSON object"),
    ("LBLIST", 200, {"ConfData": [{"ListID": "x", "BNumber": [N1], "ANumber": []}]}, "application/json",
     "ListID is 'x', expected an integer"),
    ("RLIST", 200, {"ConfData": [{"BNumber": "not a number"}]}, "application/json", "expected a phone number"),
])
def test_malformed_answers_abort_the_read_naming_the_command(
    scripted: Scripted, command: str, status: int, body: Any, content_type: str, message: str,
) -> None:
    scripted.answer(command, body, status, content_type)
    provider = _provider(scripted.url)
    provider.retry = RetryPolicy(attempts=2, base_delay=0.01)
    with pytest.raises(TransientError if status >= 500 else BadResponse) as raised:
        provider.read()
    assert raised.value.call == command
    assert message in str(raised.value)


def test_a_server_error_that_persists_carries_its_err_code(bench: BeelineBench) -> None:
    bench.emu.faults = FaultConfig(rate=1.0, kinds={"error_5xx"}, methods={"MLIST"})
    provider = bench.provider(bench.account())
    with pytest.raises(TransientError) as raised:
        provider.read()
    assert raised.value.call == "MLIST" and raised.value.code == "500.1"
    assert re.fullmatch(r"beeline MLIST: Execution Error \(HTTP 500\) \[500\.1\] \(server 127\.0\.0\.1:\d+\)",
                        str(raised.value))
    assert [c["method"] for c in bench.emu.call_log].count("MLIST") == provider.retry.attempts
