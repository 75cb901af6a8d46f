"""No call that is not needed, and reads/writes in parallel within --parallelism (issue 8).

Every assertion counts calls in the emulators' call logs (or requests in flight);
none measures time. The accounts are the benchmark's, generated small: ``generated``
(conftest) has the seeded emulators, both configs and their sizes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from click.testing import CliRunner

import bigaccount

from telconf.cli import main
from telconf.config import load
from telconf.plan.data import Plan
from telconf.engine.conductor import Conductor

TELEUM_READS = {"login", "getConnectedNumbers", "getForwardsTypes", "getForwardsRCIDs", "getRCIDs",
                "getForwards", "getSIPs", "getNextSIP"}
BEELINE_READS = {"RLIST", "MLIST", "LRECORD", "LBLIST", "LVFILES", "download"}


def is_read(entry: dict[str, Any]) -> bool:
    method = entry["method"]
    query = method == "ABLIST" and "ConfData" not in (entry.get("params") or {})
    return method in TELEUM_READS or method in BEELINE_READS or query


def writes(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [entry for entry in log if not is_read(entry)]


def clear_logs(generated: Any) -> None:
    generated.emulators.teleum.clear_log()
    generated.emulators.beeline.clear_log()


def conductor_of(generated: Any, which: str, parallelism: int = 8, accounts: list[str] | None = None) -> Conductor:
    config = load(generated.noop if which == "noop" else generated.change, accounts, environ=generated.environ)
    return Conductor(config, parallelism=parallelism, environ=generated.environ)


def plan_of(generated: Any, which: str, parallelism: int = 8) -> Plan:
    with conductor_of(generated, which, parallelism) as conductor:
        return conductor.plan()


def test_noop_plan_makes_only_the_list_calls(generated: Any) -> None:
    clear_logs(generated)
    plan = plan_of(generated, "noop")

    assert not plan.has_changes
    teleum, beeline = generated.emulators.teleum.call_log, generated.emulators.beeline.call_log
    assert writes(teleum) == [] and writes(beeline) == []
    # Teleum: log in, the six catalog calls, one getForwards per managed number.
    assert Counter(e["method"] for e in teleum) == {
        "login": 1, "getConnectedNumbers": 1, "getForwardsTypes": 1, "getForwardsRCIDs": 1, "getRCIDs": 1,
        "getSIPs": 1, "getNextSIP": 1, "getForwards": generated.sizes.teleum_numbers}
    # Beeline: each list command once; each voice file downloaded once (to compare content).
    assert Counter(e["method"] for e in beeline) == {
        "RLIST": 1, "MLIST": 1, "LRECORD": 1, "LBLIST": 1, "ABLIST": 1, "LVFILES": 1,
        "download": generated.sizes.voice_files}
    reads = {a.account: a.reads for a in plan.accounts}
    assert reads == {"big-teleum": len(teleum) - 1, "big-beeline": len(beeline)}  # login is not a list call


def test_apply_makes_exactly_the_calls_the_plan_listed(generated: Any) -> None:
    with conductor_of(generated, "change") as conductor:
        plan = conductor.plan()
        planned = {a.account: [c.method for c in a.calls] for a in plan.accounts}
        assert {name: len(calls) for name, calls in planned.items()} == bigaccount.minimal_calls(generated.sizes)

        clear_logs(generated)
        report = conductor.apply(plan)

    assert report.ok
    made = {"big-teleum": writes(generated.emulators.teleum.call_log),
            "big-beeline": writes(generated.emulators.beeline.call_log)}
    for account, calls in planned.items():
        assert Counter(e["method"] for e in made[account]) == Counter(calls), account
        assert all(e["err"] is None for e in made[account]), account
    clear_logs(generated)
    again = plan_of(generated, "change")
    assert not again.has_changes
    assert writes(generated.emulators.teleum.call_log) == writes(generated.emulators.beeline.call_log) == []


def test_beeline_batches_each_command_into_one_request(generated: Any) -> None:
    plan = plan_of(generated, "change")
    beeline = next(a for a in plan.accounts if a.account == "big-beeline")

    # Dozens of changes (redirects, greetings, recording, hundreds of black-list
    # entries) and only one request per command; uploads carry one file each.
    assert len(beeline.changes) > 50
    assert Counter(c.method for c in beeline.calls) == {
        "REDIRECT": 1, "PREMEDIA": 1, "ARECORD": 1, "CRECORD": 1, "SETBLIST": 1, "DELBLIST": 1,
        "VFILE": generated.sizes.tenth(generated.sizes.voice_files)}


def test_reads_run_in_parallel_within_the_bound(generated: Any, in_flight: Any) -> None:
    teleum = in_flight(generated.emulators.teleum)
    plan = plan_of(generated, "noop", parallelism=4)

    assert not plan.has_changes
    assert 1 < teleum.most <= 4


def test_parallelism_one_reads_one_at_a_time(generated: Any, in_flight: Any) -> None:
    teleum = in_flight(generated.emulators.teleum, hold=0.005)
    with conductor_of(generated, "noop", 1, ["big-teleum"]) as conductor:
        plan = conductor.plan()

    assert not plan.has_changes
    assert teleum.most == 1


def test_writes_to_different_numbers_run_in_parallel_each_in_order(generated: Any, in_flight: Any) -> None:
    with conductor_of(generated, "change", 3, ["big-teleum"]) as conductor:
        plan = conductor.plan()
        teleum = in_flight(generated.emulators.teleum)
        clear_logs(generated)
        conductor.apply(plan)

    assert 1 < teleum.most <= 3
    # Each number's calls reached the server in the plan's order.
    account = plan.accounts[0]
    wanted: dict[str, list[str]] = defaultdict(list)
    for call in account.calls:
        if call.method in ("editForward", "deleteForward", "moveForward"):
            wanted[call.lane].append(f"{call.method}:{call.params.get('id')}")
    number_of = {str(n["id"]): n["number"] for n in generated.emulators.teleum.snapshot()["accounts"][0]["numbers"]}
    forward_number = {f["id"]: f["number"] for f in generated.emulators.teleum.snapshot()["accounts"][0]["forwards"]}
    seen: dict[str, list[str]] = defaultdict(list)
    for entry in writes(generated.emulators.teleum.call_log):
        params = entry["params"]
        if entry["method"] in ("editForward", "deleteForward", "moveForward"):
            number = number_of.get(str(params.get("nid"))) or forward_number[str(params["id"])]
            seen[number].append(f"{entry['method']}:{params.get('id')}")
    assert seen == wanted


def test_cli_noop_plan_exits_zero_with_no_write(generated: Any, monkeypatch: Any) -> None:
    for name, value in generated.environ.items():
        monkeypatch.setenv(name, value)
    clear_logs(generated)
    result = CliRunner().invoke(main, ["plan", "-c", str(generated.noop), "--detailed-exitcode",
                                       "--parallelism", "2"])

    assert result.exit_code == 0, result.output
    assert "No changes" in result.output or "no changes" in result.output.lower()
    assert writes(generated.emulators.teleum.call_log) == writes(generated.emulators.beeline.call_log) == []
