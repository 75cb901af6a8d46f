"""Saved plans: written with the inputs' hash and live fingerprints, refused when stale or reused."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from workflow_fakes import FakeWorld, fake_config, fake_plan, teleum_changes

from telconf.core.errors import PlanError, StalePlanError
from telconf.plan import saved
from telconf.plan.data import PlanOptions


@pytest.fixture
def setup(tmp_path: Path, world: FakeWorld, factory: Any) -> tuple[Path, Any, Path]:
    config_path = tmp_path / "telconf.yaml"
    config_path.write_text("version: 1\n")
    config = fake_config("spb", path=config_path)
    world.state["spb"] = {"sips": ["101"]}
    world.changes["spb"] = teleum_changes()
    plan = fake_plan(config, factory)
    out = tmp_path / "plan.json"
    saved.write(out, saved.make_saved(plan, config, accounts=None, options=PlanOptions()))
    return out, config, config_path


def replan(config: Any, factory: Any) -> Any:
    return fake_plan(config, factory)


def test_round_trip_of_an_unchanged_world_is_fresh(setup: Any, factory: Any) -> None:
    out, config, _ = setup
    loaded = saved.read(out)
    assert loaded.fingerprints["spb"].startswith("sha256:") and not loaded.applied
    assert loaded.plan_options == PlanOptions()
    saved.check_not_applied(out, loaded)
    saved.check_fresh(out, loaded, config, replan(config, factory))


def test_a_changed_live_state_makes_it_stale(setup: Any, world: FakeWorld, factory: Any) -> None:
    out, config, _ = setup
    world.state["spb"] = {"sips": ["101", "102"]}
    with pytest.raises(StalePlanError, match="stale and nothing was applied: the live state of account spb changed"):
        saved.check_fresh(out, saved.read(out), config, replan(config, factory))


def test_a_changed_config_file_makes_it_stale(setup: Any, factory: Any) -> None:
    out, config, config_path = setup
    config_path.write_text("version: 1\n# edited\n")
    with pytest.raises(StalePlanError, match=r"the config file .*telconf.yaml \(or a file it names\) changed"):
        saved.check_fresh(out, saved.read(out), config, replan(config, factory))


def test_a_different_plan_from_the_same_state_is_stale(setup: Any, world: FakeWorld, factory: Any) -> None:
    out, config, _ = setup
    world.changes["spb"] = teleum_changes()[:2]
    with pytest.raises(StalePlanError, match="the plan computed now differs from the saved one"):
        saved.check_fresh(out, saved.read(out), config, replan(config, factory))


def test_an_applied_plan_is_refused(setup: Any) -> None:
    out, _, _ = setup
    saved.mark_applied(out, saved.read(out))
    again = saved.read(out)
    assert again.applied and again.applied_at
    with pytest.raises(StalePlanError, match="was already applied .* a plan is applied only once"):
        saved.check_not_applied(out, again)


def test_the_file_holds_placeholders_not_secrets(setup: Any) -> None:
    out, _, _ = setup
    data = json.loads(out.read_text())
    assert data["format"] == "telconf-saved-plan" and data["version"] == 1
    assert {"$secret": "sip_line.103.password"} in [c["params"].get("paswd") for c in
                                                    data["plan"]["accounts"][0]["calls"]
                                                    if isinstance(c["params"], dict)]


@pytest.mark.parametrize("content, message", [
    ("not json", "is not a telconf plan file (not JSON"),
    ('{"format_version": 1}', "is not a telconf plan file (write one with `telconf plan --out"),
    ('{"format": "telconf-saved-plan", "version": 9}', "is a plan file of version 9"),
    ('{"format": "telconf-saved-plan", "version": 1, "plan": {}}', "is a damaged telconf plan file"),
])
def test_a_file_that_is_not_a_saved_plan_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "p.json"
    path.write_text(content)
    with pytest.raises(PlanError, match=message.replace("(", r"\(").replace("`", ".")):
        saved.read(path)
    with pytest.raises(PlanError, match="cannot read plan file"):
        saved.read(tmp_path / "missing.json")


def test_the_same_config_in_another_directory_is_not_stale(setup: Any, tmp_path: Path, factory: Any) -> None:
    out, _, config_path = setup
    other = tmp_path / "checkout-2"
    other.mkdir()
    (other / "telconf.yaml").write_bytes(config_path.read_bytes())
    config = fake_config("spb", path=other / "telconf.yaml")
    saved.check_fresh(out, saved.read(out), config, replan(config, factory))


GOOD_FILE = {"format": "telconf-saved-plan", "version": 1, "telconf": "0", "plan": {"accounts": []},
             "inputs_hash": "sha256:0", "fingerprints": {}, "accounts": None, "options": {}, "config": "t.yaml",
             "items": None, "created": "", "applied": False, "applied_at": None, "snapshot": None}


@pytest.mark.parametrize("field, value", [
    ("version", True), ("accounts", 7), ("accounts", True), ("accounts", [1, None]), ("config", 7),
    ("snapshot", "x"), ("snapshot", 7), ("plan", None), ("plan", []), ("plan", {"accounts": "x"}),
    ("plan", {"accounts": [{"changes": [1, 2]}]}), ("fingerprints", []), ("items", {"a": [1]}),
    ("options", "x"), ("applied_at", 5),
])
def test_an_edited_plan_file_is_refused_with_a_message(tmp_path: Path, field: str, value: object) -> None:
    """Regression: these ended in `Internal error: TypeError / AttributeError`."""
    path = tmp_path / "p.json"
    path.write_text(json.dumps({**GOOD_FILE, field: value}))
    with pytest.raises(PlanError, match="is a damaged telconf plan file|is a plan file of version"):
        saved.read(path)


def test_the_good_file_of_the_edited_plan_test_is_read(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(saved.seal(GOOD_FILE)))
    assert saved.read(path).config == "t.yaml"


def test_a_plan_file_that_is_a_fifo_is_refused_unread(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.json")
    with pytest.raises(PlanError, match="it is not a regular file"):
        saved.read(tmp_path / "p.json")


def test_a_plan_saved_with_the_old_option_name_still_reads(setup: Any) -> None:
    out, _, _ = setup
    data = json.loads(out.read_text())
    data["options"] = {"rotate_sip_passwords": True}
    out.write_text(json.dumps(saved.seal(data)))
    assert saved.read(out).plan_options == PlanOptions(rotate_secrets=True)


def test_options_keep_their_names_in_the_file(tmp_path: Path, world: FakeWorld, factory: Any) -> None:
    """The saved-plan format (version 1) is a contract: an option renamed in the code keeps its name on disk."""
    config = fake_config("spb", path=tmp_path / "telconf.yaml")
    (tmp_path / "telconf.yaml").write_text("version: 1\n")
    out = tmp_path / "plan.json"
    saved.write(out, saved.make_saved(fake_plan(config, factory), config, accounts=None,
                                      options=PlanOptions(rotate_secrets=True)))
    assert json.loads(out.read_text())["options"] == {"rotate_sip_passwords": True}
    assert saved.read(out).plan_options == PlanOptions(rotate_secrets=True)
