"""examples/policy/*.jq run against real JSON plans (jq's own language, through the PyPI binding and the CLI)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jq
import pytest

from telconf import demo
from telconf.emulator import Emulators
from telconf.providers.beeline.emulator import demo as beeline_demo
from telconf.providers.teleum.emulator import demo as teleum_demo
from tests.gitops.conftest import DemoRepo

POLICIES = Path(__file__).parents[2] / "examples" / "policy"


def denials(policy: str, plan: dict, max_changes: int = 50) -> list[str]:
    program = jq.compile((POLICIES / f"{policy}.jq").read_text(), args={"max_changes": max_changes})
    return program.input_value(plan).first()


def make_risky(demo_repo: DemoRepo, emulators: Emulators) -> dict:
    """The demo plan, plus a live SIP line and a black list that the config does not keep."""
    emulators.teleum.add_sip(teleum_demo.LOGIN[0], num=102, descr="Sales")
    emulators.teleum.add_sip(teleum_demo.LOGIN[0], num=103, descr="Old fax line")
    emulators.beeline.add_blacklist(beeline_demo.LOGIN[0], 0, beeline_demo.NUMBERS[2], "79000000042")
    return demo_repo.plan_json()


@pytest.fixture
def risky_plan(demo_repo: DemoRepo, emulators: Emulators) -> dict:
    return make_risky(demo_repo, emulators)


def test_policies_pass_the_demo_plan(demo_repo: DemoRepo) -> None:
    plan = demo_repo.plan_json()
    assert plan["summary"]["delete"] > 0  # deletes of other kinds do not trip the policies
    for policy in ("no-sip-line-deleted", "max-changes-per-account", "no-blacklist-emptied"):
        assert denials(policy, plan) == [], policy


def test_no_sip_line_deleted_names_the_line(risky_plan: dict) -> None:
    found = denials("no-sip-line-deleted", risky_plan)
    assert len(found) == 1
    assert found[0].startswith("spb-office/sip_line/103: deletes SIP line 103 (config ")
    config, line = found[0].rsplit("(config ", 1)[1].rstrip(")").rsplit(":", 1)
    lines = Path(config).read_text().splitlines()
    assert config.endswith("demo.yaml") and lines[int(line) - 1].strip() == "sip_lines:"  # the mapping that no
    # longer holds it (of the spb-office account: the first sip_lines of the file)
    assert int(line) - 1 == next(i for i, text in enumerate(lines) if text.strip() == "sip_lines:")


def test_no_blacklist_emptied(risky_plan: dict) -> None:
    assert denials("no-blacklist-emptied", risky_plan) == [
        "msk-callcenter/blacklist/0/+74957654323: empties the black list (1 A-numbers removed)"]


def test_max_changes_per_account(risky_plan: dict) -> None:
    counts = {a["account"]: len(a["changes"]) for a in risky_plan["accounts"]}
    limit = min(counts.values())
    found = denials("max-changes-per-account", risky_plan, max_changes=limit)
    over = [name for name, count in counts.items() if count > limit]
    assert over and len(found) == len(over)
    assert found[0] == f"{over[0]}: {counts[over[0]]} changes, more than the {limit} allowed in one plan"
    assert denials("max-changes-per-account", risky_plan, max_changes=max(counts.values())) == []


# The policies themselves run above through the jq wheel; this runs the CI gate script,
# which calls the jq command: .ci/run installs it, a machine with only Python skips this.
@pytest.mark.skipif(shutil.which("jq") is None, reason="the jq command is not installed (apt-get install jq)")
def test_gate_script_fails_a_risky_plan_with_the_jq_cli(demo_repo: DemoRepo, emulators: Emulators,
                                                        tmp_path: Path) -> None:
    safe = tmp_path / "safe.json"
    safe.write_text(json.dumps(demo_repo.plan_json()))
    risky_plan = make_risky(demo_repo, emulators)
    risky = tmp_path / "risky.json"
    risky.write_text(json.dumps(risky_plan))
    result = subprocess.run(["sh", str(POLICIES / "gate.sh"), str(risky)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "no-sip-line-deleted: spb-office/sip_line/103: deletes SIP line 103" in result.stderr
    assert "no-blacklist-emptied: msk-callcenter/blacklist/0/+74957654323" in result.stderr
    result = subprocess.run(["sh", str(POLICIES / "gate.sh"), str(safe)], capture_output=True, text=True)
    assert (result.returncode, result.stderr) == (0, "")
