"""Malformed server answers: a clear ProviderError naming the call, no plan, zero writes.

A WSGI wrapper (``corrupt.py``) serves the emulator and corrupts the answer of one
chosen call: an HTML error page, a truncated or non-JSON body, a missing key, a wrong
type, or an empty list where the account clearly has data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from telconf.cli import main
from telconf.config import load
from telconf.emulator import Emulators
from telconf.emulator.faults import FaultConfig
from telconf.core.errors import ProviderError, TransientError
from telconf.engine.conductor import Conductor

from . import corrupt
from .corrupt import Mutation
from .scenarios import ENV, BeelineScenario, TeleumScenario, fast_provider

TELEUM_READS = {"login", "getConnectedNumbers", "getForwardsTypes", "getForwardsRCIDs", "getRCIDs",
                "getForwards", "getSIPs", "getNextSIP", "balance"}
BEELINE_READS = {"RLIST", "MLIST", "LRECORD", "LBLIST", "LVFILES", "download"}

TELEUM_CASES: dict[str, tuple[str, Mutation]] = {
    "html page": ("getConnectedNumbers", corrupt.html_page),
    "truncated body": ("getForwards", corrupt.truncated),
    "not JSON": ("getSIPs", corrupt.plain_text),
    "a JSON list, not an object": ("getRCIDs", corrupt.json_edit(lambda doc: [doc])),
    "missing list key": ("getForwardsTypes", corrupt.without("forwardTypes")),
    "missing item key": ("getForwards", corrupt.each_item("forwards", lambda f: {k: v for k, v in f.items()
                                                                               if k != "rnum"})),
    "list is a string": ("getForwards", corrupt.replaced("forwards", "none")),
    "number is text": ("getForwards", corrupt.each_item("forwards", lambda f: {**f, "rtime": "twenty"})),
    "id is an object": ("getSIPs", corrupt.each_item("sips", lambda s: {**s, "id": {"x": 1}})),
    "schedule not JSON": ("getForwards", corrupt.each_item("forwards", lambda f: {**f, "dowjs2": "[{"})),
    "no next line number": ("getNextSIP", corrupt.without("num")),
    "login without token": ("login", corrupt.without("token")),
    "empty forward types": ("getForwardsTypes", corrupt.replaced("forwardTypes", [])),
    "empty caller-id kinds": ("getForwardsRCIDs", corrupt.replaced("forwardRCIDs", [])),
    "empty connected numbers": ("getConnectedNumbers", corrupt.replaced("numbers", [])),
}

BEELINE_CASES: dict[str, tuple[str, Mutation]] = {
    "html page": ("RLIST", corrupt.html_page),
    "truncated body": ("MLIST", corrupt.truncated),
    "not JSON": ("LBLIST", corrupt.plain_text),
    "ConfData is an object": ("LRECORD", corrupt.replaced("ConfData", {"numbers": []})),
    "entry without BNumber": ("RLIST", corrupt.json_edit(
        lambda doc: {"ConfData": [{k: v for k, v in e.items() if k != "BNumber"} for e in doc["ConfData"]]})),
    "number is an object": ("LBLIST", corrupt.json_edit(
        lambda doc: {"ConfData": [{**e, "ANumber": [{"n": 1}]} for e in doc["ConfData"]]})),
    "file entry without name": ("LVFILES", corrupt.json_edit(
        lambda doc: {"ConfData": [{k: v for k, v in e.items() if k != "filename"} for e in doc["ConfData"]]})),
    "active list is text": ("ABLIST", corrupt.replaced("ConfData", "first")),
    "missing ConfData": ("RLIST", corrupt.without("ConfData")),
    "empty number list": ("RLIST", corrupt.replaced("ConfData", [])),
}


@pytest.fixture
def served(emulators: Emulators) -> Iterator[dict[str, Any]]:
    """Start corrupting servers on demand; stop them after the test."""
    servers: dict[str, Any] = {}
    yield servers
    for server in servers.values():
        server.stop()


def plan_through(served: dict[str, Any], emulators: Emulators, tmp_path: Path, provider: str,
                 call: str, mutation: Mutation) -> tuple[Any, Path]:
    """Build the scenario on the emulator, but point its config at a corrupting server."""
    scenario_cls = TeleumScenario if provider == "teleum" else BeelineScenario
    scenario = scenario_cls.build(emulators, tmp_path, seed=3)
    app, path = (emulators.teleum, "/api/v3/") if provider == "teleum" else (emulators.beeline, "/api")
    server = served[provider] = corrupt.serve(app, path, {call: mutation})
    text = scenario.config_path.read_text(encoding="utf-8")
    real_url = emulators.teleum_url if provider == "teleum" else emulators.beeline_url
    scenario.config_path.write_text(text.replace(real_url, server.url), encoding="utf-8")
    return scenario, scenario.config_path


def writes(emulators: Emulators, provider: str) -> list[str]:
    reads = TELEUM_READS if provider == "teleum" else BEELINE_READS | {"ABLIST"}
    log = getattr(emulators, provider).call_log
    return [e["method"] for e in log if e["method"] not in reads
            or (e["method"] == "ABLIST" and "ConfData" in e.get("params", {}))]


CASES = [pytest.param("teleum", call, mutation, id=f"teleum-{name}")
         for name, (call, mutation) in TELEUM_CASES.items()]
CASES += [pytest.param("beeline", call, mutation, id=f"beeline-{name}")
          for name, (call, mutation) in BEELINE_CASES.items()]


@pytest.mark.parametrize(("provider", "call", "mutation"), CASES)
def test_a_malformed_answer_aborts_the_plan_naming_the_call(served: dict[str, Any], emulators: Emulators,
                                                            tmp_path: Path, provider: str, call: str,
                                                            mutation: Mutation) -> None:
    _, config_path = plan_through(served, emulators, tmp_path, provider, call, mutation)
    env = {**ENV, "TELCONF_CACHE_DIR": str(tmp_path / "cache")}
    with pytest.raises(ProviderError) as caught, \
            Conductor(load(config_path, environ=env), environ=env, provider_factory=fast_provider) as conductor:
        conductor.plan()
    assert caught.value.provider == provider
    assert caught.value.call == call
    assert f"{provider} {call}: " in str(caught.value)
    assert writes(emulators, provider) == []


@pytest.mark.parametrize("provider", ["teleum", "beeline"])
def test_cli_plan_and_apply_stop_with_the_call_named_and_exit_1(served: dict[str, Any], emulators: Emulators,
                                                                tmp_path: Path, provider: str) -> None:
    call = "getForwards" if provider == "teleum" else "LBLIST"
    _, config_path = plan_through(served, emulators, tmp_path, provider, call, corrupt.html_page)
    env = {**ENV, "TELCONF_CACHE_DIR": str(tmp_path / "cache")}
    for args in (["plan"], ["apply", "--yes"]):
        result = CliRunner().invoke(main, [*args, "-c", str(config_path)], env=env)
        assert result.exit_code == 1, result.output
        assert f"Error: {provider} {call}: " in result.stderr
        assert "not JSON" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout
    assert writes(emulators, provider) == []


@pytest.mark.parametrize(("provider", "call"), [("teleum", "getSIPs"), ("teleum", "getForwards"),
                                                ("beeline", "LBLIST"), ("beeline", "LVFILES")])
def test_a_read_failing_every_try_aborts_the_plan(emulators: Emulators, tmp_path: Path, provider: str,
                                                  call: str) -> None:
    scenario = (TeleumScenario if provider == "teleum" else BeelineScenario).build(emulators, tmp_path, seed=4)
    getattr(emulators, provider).faults = FaultConfig(rate=1.0, kinds={"error_5xx"}, methods={call})
    env = {**ENV, "TELCONF_CACHE_DIR": str(tmp_path / "cache")}
    with pytest.raises(TransientError) as caught, \
            Conductor(load(scenario.config_path, environ=env), environ=env, provider_factory=fast_provider) as conductor:
        conductor.plan()
    assert (caught.value.provider, caught.value.call) == (provider, call)
    assert writes(emulators, provider) == []
