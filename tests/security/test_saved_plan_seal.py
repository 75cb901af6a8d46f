"""Issue 22 row 9: a saved plan cannot be re-labelled.

A plan made against a snapshot (a fork's pull request: no credentials) must never be
applied. Deleting its ``"snapshot"`` key, flipping ``"applied"`` back, or editing any
other field breaks its integrity seal; re-sealing it by hand (SHA-256 is no secret)
still leaves fingerprints no live account has; with ``TELCONF_PLAN_KEY`` the seal is an
HMAC nobody without the key can make. Every refusal changes nothing on the accounts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from telconf.emulator import Emulators
from telconf.plan import saved
from tests.gitops.conftest import DemoRepo, demo_repo, offline  # noqa: F401 - demo_repo is a fixture

KEY = "plan-key-for-tests-0123456789"


def snapshot_plan(repo: DemoRepo, path: Path, env: dict[str, Any] | None = None) -> dict[str, Any]:
    code, _, err = repo.run("plan", "-c", str(repo.config), "--snapshot", str(repo.snapshot), "--out", str(path),
                            env={**offline(repo.env), **(env or {})})
    assert code == 0, err
    data: dict[str, Any] = json.loads(path.read_text())
    assert data["snapshot"] and data["integrity"].startswith("hmac-sha256:" if env else "sha256:")
    return data


def apply_refused(repo: DemoRepo, emulators: Emulators, path: Path, message: str,
                  env: dict[str, Any] | None = None) -> None:
    before = emulators.snapshot()
    code, out, err = repo.run("apply", str(path), "-c", str(repo.config), "--yes", env={**repo.env, **(env or {})})
    assert code == 1, out + err
    assert message in err, err
    assert "Traceback" not in err and "Internal error" not in err
    assert emulators.snapshot() == before, "a refused plan changed an account"


def test_a_snapshot_plan_without_its_marker_is_refused(demo_repo: DemoRepo, emulators: Emulators,  # noqa: F811
                                                       tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    data = snapshot_plan(demo_repo, path)
    del data["snapshot"]
    path.write_text(json.dumps(data))
    apply_refused(demo_repo, emulators, path, "its content does not match its integrity seal: it was edited after "
                                              "telconf wrote it. Make the plan again with `telconf plan --out`")


def test_a_snapshot_plan_relabelled_and_sealed_again_is_stale(demo_repo: DemoRepo, emulators: Emulators,  # noqa: F811
                                                              tmp_path: Path) -> None:
    # Anyone can recompute a SHA-256: the fingerprints still say "snapshot", never a live state.
    path = tmp_path / "plan.json"
    data = snapshot_plan(demo_repo, path)
    data["snapshot"] = None
    path.write_text(json.dumps(saved.seal(data)))
    apply_refused(demo_repo, emulators, path, "is stale and nothing was applied: the live state of account")


def test_an_applied_plan_flipped_back_is_refused(demo_repo: DemoRepo, emulators: Emulators,  # noqa: F811
                                                 tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    code, _, err = demo_repo.run("plan", "-c", str(demo_repo.config), "--out", str(path))
    assert code == 0, err
    code, _, err = demo_repo.run("apply", str(path), "-c", str(demo_repo.config), "--yes")
    assert code == 0, err
    data = json.loads(path.read_text())
    assert data["applied"] is True
    data["applied"], data["applied_at"] = False, None
    path.write_text(json.dumps(data))
    apply_refused(demo_repo, emulators, path, "does not match its integrity seal")


def test_with_a_plan_key_only_the_key_seals(demo_repo: DemoRepo, emulators: Emulators,  # noqa: F811
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.json"
    data = snapshot_plan(demo_repo, path, env={saved.ENV_PLAN_KEY: KEY})
    assert KEY not in path.read_text()
    data["snapshot"] = None
    path.write_text(json.dumps(saved.seal(data)))  # sealed without the key (the attacker has none)
    apply_refused(demo_repo, emulators, path, "it is not sealed with TELCONF_PLAN_KEY, which is set here",
                  env={saved.ENV_PLAN_KEY: KEY})
    monkeypatch.setenv(saved.ENV_PLAN_KEY, "another key")
    path.write_text(json.dumps(saved.seal(data)))
    apply_refused(demo_repo, emulators, path, "it was edited after telconf wrote it, or TELCONF_PLAN_KEY differs",
                  env={saved.ENV_PLAN_KEY: KEY})
    apply_refused(demo_repo, emulators, path, "it is sealed with a key (TELCONF_PLAN_KEY) that is not set here",
                  env={saved.ENV_PLAN_KEY: None})


def test_a_plan_sealed_with_the_key_applies_with_it(demo_repo: DemoRepo, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "plan.json"
    env = {**demo_repo.env, saved.ENV_PLAN_KEY: KEY}
    code, _, err = demo_repo.run("plan", "-c", str(demo_repo.config), "--out", str(path), env=env)
    assert code == 0, err
    code, _, err = demo_repo.run("apply", str(path), "-c", str(demo_repo.config), "--yes", env=env)
    assert code == 0, err
    assert json.loads(path.read_text())["integrity"].startswith("hmac-sha256:")
