"""``plan --snapshot``: the plan a live read would give, from an export file, with no secret and no socket."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import jsonschema
import pytest

from telconf import __version__
from tests.gitops.conftest import DemoRepo, offline, rendered

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())
COMPARED = ("address", "kind", "key", "action", "before", "after", "size", "source")


def _changes(plan: dict) -> list[list[dict]]:
    return [[{k: c.get(k) for k in COMPARED} for c in a["changes"]] for a in plan["accounts"]]


def test_snapshot_plan_equals_the_live_plan_with_no_credentials(demo_repo: DemoRepo) -> None:
    live = demo_repo.plan_json()
    snap = demo_repo.plan_json("--snapshot", str(demo_repo.snapshot), env=offline(demo_repo.env))
    assert live["planned_against"] == {"kind": "live"}
    assert snap["planned_against"]["kind"] == "snapshot"
    assert snap["planned_against"]["file"] == str(demo_repo.snapshot)
    assert _changes(snap) == _changes(live)
    assert any(a["changes"] for a in live["accounts"])  # a plan with something in it
    assert snap["warnings"][0]["code"] == "snapshot"
    assert snap["planned_against"]["telconf_version"] == __version__  # from the export's header
    jsonschema.validate(snap, SCHEMA)
    jsonschema.validate(live, SCHEMA)


def test_snapshot_plan_opens_no_socket(demo_repo: DemoRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    # the accounts' urls point at a port nothing listens on, and any connect fails the test
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    env = {**offline(demo_repo.env), "TELCONF_VAR_DEMO_TELEUM_URL": f"http://127.0.0.1:{port}/api/v3/",
           "TELCONF_VAR_DEMO_BEELINE_URL": f"http://127.0.0.1:{port}/api"}
    attempts: list[object] = []

    def no_connect(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise AssertionError(f"connection attempted to {address}")

    monkeypatch.setattr(socket.socket, "connect", no_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", no_connect)
    plan = demo_repo.plan_json("--snapshot", str(demo_repo.snapshot), env=env)
    assert attempts == []
    assert plan["summary"]["create"] > 0


def test_snapshot_plan_writes_nothing_outside_a_temporary_directory(demo_repo: DemoRepo, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # the demo's voice files pass through the Beeline provider's file cache
    cwd, cache = tmp_path / "cwd", tmp_path / "user-cache"
    cwd.mkdir()
    cache.mkdir()
    monkeypatch.chdir(cwd)
    env = {**offline(demo_repo.env), "TELCONF_CACHE_DIR": str(cache)}
    plan = demo_repo.plan_json("--snapshot", str(demo_repo.snapshot), env=env)
    assert plan["summary"]["create"] > 0
    assert list(cwd.iterdir()) == [] and list(cache.iterdir()) == []


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_every_format_says_it_was_a_snapshot_and_how_old(demo_repo: DemoRepo, fmt: str) -> None:
    old = 3 * 3600 + 60
    stamp = os.stat(demo_repo.snapshot).st_mtime - old
    os.utime(demo_repo.snapshot, (stamp, stamp))
    code, out, err = demo_repo.run("plan", "-c", str(demo_repo.config), "--format", fmt,
                                   "--snapshot", str(demo_repo.snapshot), env=offline(demo_repo.env))
    assert code == 0, err
    if fmt == "markdown":
        page, out = rendered(out)
        assert "<blockquote>\n<p>[!WARNING]\nPlanned against the snapshot" in page  # a GitHub alert
    assert f"Planned against the snapshot {demo_repo.snapshot}, not the live accounts" in out
    assert "recorded 3 h ago" in out and "from its modification time" in out
    assert "cannot be applied" in out


def test_age_comes_from_the_last_git_commit(demo_repo: DemoRepo) -> None:
    repo = demo_repo.snapshot.parent
    git_env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
               "GIT_COMMITTER_DATE": "2024-01-02T03:04:05Z", "GIT_AUTHOR_DATE": "2024-01-02T03:04:05Z"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "nightly export"]):
        subprocess.run(["git", *args], cwd=repo, env=git_env, check=True)
    plan = demo_repo.plan_json("--snapshot", str(demo_repo.snapshot), env=offline(demo_repo.env))
    assert plan["planned_against"]["recorded_by"] == "git"
    assert plan["planned_against"]["recorded_at"] == "2024-01-02T03:04:05+00:00"
    # edited since the commit: the commit time would lie, the modification time is used
    demo_repo.snapshot.write_text(demo_repo.snapshot.read_text() + "\n")
    plan = demo_repo.plan_json("--snapshot", str(demo_repo.snapshot), env=offline(demo_repo.env))
    assert plan["planned_against"]["recorded_by"] == "mtime"


def test_apply_refuses_a_snapshot_plan(demo_repo: DemoRepo, tmp_path: Path) -> None:
    planfile = tmp_path / "plan.json"
    code, _, err = demo_repo.run("plan", "-c", str(demo_repo.config), "--snapshot", str(demo_repo.snapshot),
                                 "--out", str(planfile), env=offline(demo_repo.env))
    assert code == 0, err
    assert "cannot be applied" in err
    code, out, err = demo_repo.run("apply", str(planfile))
    assert code == 1
    assert f"{planfile} was planned against the snapshot {demo_repo.snapshot}" in err
    assert "cannot be applied" in err


def test_a_snapshot_without_the_account_is_an_error(demo_repo: DemoRepo) -> None:
    text = demo_repo.snapshot.read_text()
    demo_repo.snapshot.write_text(text.replace("  msk-callcenter:", "  other-account:"))
    code, out, err = demo_repo.run("plan", "-c", str(demo_repo.config), "--snapshot", str(demo_repo.snapshot),
                                   env=offline(demo_repo.env))
    assert code == 1
    assert f"the snapshot {demo_repo.snapshot} has no account named 'msk-callcenter'" in err
    assert "Traceback" not in err


def test_a_file_that_is_no_export_is_an_error(demo_repo: DemoRepo, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\naccounts: [1, 2]\n")
    code, _, err = demo_repo.run("plan", "-c", str(demo_repo.config), "--snapshot", str(bad),
                                 env=offline(demo_repo.env))
    assert code == 1
    assert f"{bad} is not a usable snapshot (a `telconf export` file)" in err
    assert f"{bad}:2:" in err  # the position of the problem


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_snapshot_that_is_not_a_regular_file_is_refused_unread(demo_repo: DemoRepo, kind: str) -> None:
    """A pull request may replace the committed snapshot with a FIFO or a link to /dev/zero."""
    hostile = demo_repo.snapshot.with_name("hostile.yaml")
    if kind == "fifo":
        os.mkfifo(hostile)
    else:
        hostile.symlink_to("/dev/zero")
    code, out, err = demo_repo.run("plan", "-c", str(demo_repo.config), "--snapshot", str(hostile),
                                   env=offline(demo_repo.env))
    assert code == 1 and out == ""
    assert f"cannot read snapshot {hostile}: it is not a regular file" in err
    assert "Traceback" not in err and "Internal error" not in err


def test_the_snapshot_notice_is_said_once_on_a_terminal(demo_repo: DemoRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ("plan", "-c", str(demo_repo.config), "--snapshot", str(demo_repo.snapshot))
    code, out, err = demo_repo.run(*args, env=offline(demo_repo.env))
    assert code == 0 and err.count("note: planned against the snapshot") == 1  # a pipe: stderr says it too
    monkeypatch.setattr("telconf.cli.plan.is_terminal", lambda stream: True)
    code, out, err = demo_repo.run(*args, env=offline(demo_repo.env))
    assert code == 0
    assert (out + err).lower().count("planned against the snapshot") == 1
    assert "Planned against the snapshot" in out
