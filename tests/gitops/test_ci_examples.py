"""The CI examples: pinned installs and actions, least privilege, one apply at a time, one MR note."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

CI = Path(__file__).parents[2] / "examples" / "ci"
GITHUB = sorted(CI.glob("github-actions*.yml"))


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


@pytest.mark.parametrize("path", GITHUB, ids=lambda p: p.name)
def test_github_workflow_is_pinned_and_least_privilege(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {}  # nothing by default; each job asks for its own
    assert re.fullmatch(r"telconf @ git\+https://\S+@[0-9a-f]{40}", workflow["env"]["TELCONF_SPEC"])
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, name
        assert set(job["permissions"].values()) <= {"read", "write"}
        writes = {k for k, v in job["permissions"].items() if v == "write"}
        assert writes <= {"pull-requests", "contents"}, name
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
            assert "pip install telconf" not in step.get("run", "")
        uses_secrets = "secrets." in json.dumps(job)
        if uses_secrets:
            assert job["env"]["TELCONF_ALLOWED_HOSTS"] == "${{ vars.TELCONF_ALLOWED_HOSTS }}", name
        if name.startswith("apply"):
            assert job["concurrency"]["cancel-in-progress"] is False
            assert "--report" in json.dumps(job["steps"])


def test_github_fork_pull_requests_plan_offline_without_secrets() -> None:
    jobs = load(CI / "github-actions.yml")["jobs"]
    fork = jobs["plan-fork"]
    assert "!= github.repository" in fork["if"] and "== github.repository" in jobs["plan"]["if"]
    assert "secrets." not in json.dumps(fork)
    assert "--snapshot" in json.dumps(fork["steps"])


def test_matrix_example_fans_out_per_account_with_one_apply_per_account() -> None:
    jobs = load(CI / "github-actions-matrix.yml")["jobs"]
    assert "telconf accounts --json" in json.dumps(jobs["accounts"]["steps"])
    for name in ("plan", "apply"):
        assert jobs[name]["strategy"]["matrix"]["account"] == "${{ fromJSON(needs.accounts.outputs.accounts) }}"
    assert jobs["apply"]["concurrency"]["group"] == "telconf-apply-${{ matrix.account.name }}"


def test_gitlab_pipeline_is_pinned_with_one_apply_at_a_time() -> None:
    pipeline = yaml.safe_load((CI / "gitlab-ci.yml").read_text())
    assert pipeline["variables"]["TELCONF_SPEC"].endswith(".whl")
    assert pipeline["apply"]["resource_group"] == "telconf-apply"
    assert "--report" in " ".join(pipeline["apply"]["script"])
    assert "always" == pipeline["apply"]["artifacts"]["when"]
    fork_rule = pipeline["plan-fork"]["rules"][0]["if"]
    assert "SOURCE_PROJECT_ID != $CI_MERGE_REQUEST_PROJECT_ID" in fork_rule
    assert any("--snapshot" in line for line in pipeline["plan-fork"]["script"])
    assert any("gitlab-mr-note.py" in line for line in pipeline["plan"]["script"])


class FakeGitLab(BaseHTTPRequestHandler):
    notes: list[dict[str, Any]] = []
    tokens: list[str] = []

    def _reply(self, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        self.tokens.append(self.headers["PRIVATE-TOKEN"])
        if self.path.endswith("/user"):
            self._reply({"id": 42, "username": "project_7_bot"})
            return
        self._reply(self.notes if "page=1" in self.path else [])

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        note = {"id": len(self.notes) + 1, "body": body["body"], "author": {"id": 42}, "system": False}
        self.notes.append(note)
        self._reply(note)

    def do_PUT(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        note_id = int(self.path.rsplit("/", 1)[1])
        next(n for n in self.notes if n["id"] == note_id)["body"] = body["body"]
        self._reply({"id": note_id})

    def log_message(self, *args: Any) -> None:
        pass


def test_gitlab_note_script_edits_one_note_per_merge_request(tmp_path: Path) -> None:
    FakeGitLab.notes = [{"id": 1, "body": "LGTM", "author": {"id": 5}, "system": False}]
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitLab)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = {"CI_API_V4_URL": f"http://127.0.0.1:{server.server_port}/api/v4", "CI_PROJECT_ID": "7",
           "CI_MERGE_REQUEST_IID": "3", "TELCONF_GITLAB_TOKEN": "glpat-test", "PATH": "/usr/bin:/bin"}
    try:
        for text in ("first plan", "second plan"):
            plan = tmp_path / "plan.md"
            plan.write_text(text)
            subprocess.run([sys.executable, str(CI / "gitlab-mr-note.py"), str(plan)], env=env, check=True,
                           capture_output=True, timeout=60)
    finally:
        server.shutdown()
        server.server_close()
    assert [n["body"] for n in FakeGitLab.notes] == ["LGTM", "<!-- telconf-plan -->\nsecond plan"]
    assert set(FakeGitLab.tokens) == {"glpat-test"}


@pytest.mark.parametrize("path", GITHUB, ids=lambda p: p.name)
def test_github_workflow_passes_the_zizmor_security_linter(path: Path) -> None:
    """zizmor (from the test extras) audits the workflow offline: no finding at its default persona."""
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run([str(zizmor), "--offline", "--no-progress", "--format", "json", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def _scripts(job: dict[str, Any]) -> str:
    """Every shell line a job runs (GitHub steps or a GitLab script)."""
    if "steps" in job:
        return "\n".join(step.get("run", "") for step in job["steps"])
    return "\n".join(job.get("script", []))


def _plan_jobs() -> list[tuple[str, dict[str, Any]]]:
    jobs = [(f"{p.name}:{n}", j) for p in GITHUB for n, j in load(p)["jobs"].items() if n.startswith("plan")]
    gitlab = yaml.safe_load((CI / "gitlab-ci.yml").read_text())
    return jobs + [(f"gitlab-ci.yml:{n}", gitlab[n]) for n in ("plan", "plan-fork")]


@pytest.mark.parametrize(("name", "job"), _plan_jobs(), ids=lambda v: v if isinstance(v, str) else "")
def test_ci_plans_once_and_shows_the_saved_plan_twice(name: str, job: dict[str, Any]) -> None:
    script = _scripts(job)
    plans = re.findall(r"^\s*telconf plan .*$", script, re.M)
    assert len(plans) == 1 and "--out" in plans[0], name
    shows = re.findall(r"^\s*telconf show \S+ -f (\w+)", script, re.M)
    assert sorted(shows) == ["json", "markdown"], name


def test_ci_validation_annotates_the_lines_in_review() -> None:
    for path in GITHUB:
        jobs = load(path)["jobs"]
        assert any("telconf validate --strict -f github" in _scripts(j) for j in jobs.values()), path.name
    validate = yaml.safe_load((CI / "gitlab-ci.yml").read_text())["validate"]
    assert "telconf validate --strict -f gitlab > gl-code-quality-report.json" in _scripts(validate)
    assert validate["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"


def test_ci_snapshot_jobs_empty_the_backup_directory_before_exporting() -> None:
    jobs = {"github": load(CI / "github-actions.yml")["jobs"]["snapshot"],
            "gitlab": yaml.safe_load((CI / "gitlab-ci.yml").read_text())["snapshot"]}
    for name, job in jobs.items():
        script = _scripts(job)
        assert 'rm -rf -- "$dir"' in script and 'case "$dir" in .|/)' in script, name
        assert script.index("rm -rf") < script.index("telconf export"), name
