"""Issue 22 rows 10 and 11: the CI kit fails closed.

``examples/policy/gate.sh`` and every policy exit non-zero on a missing, empty, non-JSON
or wrong-format input (a saved plan from ``plan --out`` is not the JSON plan); the GitLab
note script edits only notes its own user wrote and says what went wrong in one line.
The fake GitLab behaves as GitLab does: ``GET /user`` names the token's user, a ``PUT``
on another user's note is 403, an unknown token is 401.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]
POLICIES = ROOT / "examples" / "policy"
NOTE_SCRIPT = ROOT / "examples" / "ci" / "gitlab-mr-note.py"
MARKER = "<!-- telconf-plan -->"
GOOD_PLAN = {"format_version": 2, "accounts": [{"account": "a", "changes": []}]}
needs_jq = pytest.mark.skipif(shutil.which("jq") is None, reason="the jq command is not installed")

BAD_INPUTS = {
    "missing": None,
    "empty": "",
    "not JSON": "<html>502 Bad Gateway</html>",
    "a saved plan": json.dumps({"format": "telconf-saved-plan", "version": 1, "plan": {"accounts": []}}),
    "JSON of another shape": json.dumps([1, 2]),
    "another format version": json.dumps({"format_version": 1, "accounts": []}),
}


def plan_file(tmp_path: Path, content: str | None) -> Path:
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content)
    return path


@needs_jq
@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_gate_fails_closed_on_bad_input(tmp_path: Path, kind: str) -> None:
    path = plan_file(tmp_path, BAD_INPUTS[kind])
    result = subprocess.run(["sh", str(POLICIES / "gate.sh"), str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"gate.sh: {path}") and result.stderr.count("\n") == 1, result.stderr
    assert {"missing": "no such file", "empty": "empty file"}.get(
        kind, "is not a telconf JSON plan of format 2") in result.stderr


@needs_jq
def test_gate_names_a_saved_plan_for_what_it_is(tmp_path: Path) -> None:
    path = plan_file(tmp_path, BAD_INPUTS["a saved plan"])
    result = subprocess.run(["sh", str(POLICIES / "gate.sh"), str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "a file from `plan --out` is a saved plan: `telconf show FILE -f json` renders it as one" in result.stderr


@needs_jq
def test_gate_fails_closed_on_a_bad_limit_and_passes_a_good_plan(tmp_path: Path) -> None:
    path = plan_file(tmp_path, json.dumps(GOOD_PLAN))
    gate = ["sh", str(POLICIES / "gate.sh"), str(path)]
    result = subprocess.run(gate, capture_output=True, text=True, timeout=60, env={"MAX_CHANGES": "fifty",
                                                                                    "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2 and "the policy did not run" in result.stderr, result.stderr
    result = subprocess.run(gate, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")


@needs_jq
@pytest.mark.parametrize("policy", sorted(p.name for p in POLICIES.glob("*.jq")))
@pytest.mark.parametrize("kind", [k for k in BAD_INPUTS if k != "missing"])
def test_every_policy_fails_closed_with_jq_n(tmp_path: Path, policy: str, kind: str) -> None:
    # As documented: `jq -n`, so that an empty file (no input at all) fails too.
    path = plan_file(tmp_path, BAD_INPUTS[kind])
    result = subprocess.run(["jq", "-n", "--argjson", "max_changes", "50", "-f", str(POLICIES / policy), str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0, result.stdout
    if kind in ("a saved plan", "JSON of another shape", "another format version"):
        assert "not a telconf JSON plan of format 2" in result.stderr
    good = subprocess.run(["jq", "-n", "--argjson", "max_changes", "50", "-f", str(POLICIES / policy),
                           str(plan_file(tmp_path, json.dumps(GOOD_PLAN)))], capture_output=True, text=True)
    assert (good.returncode, json.loads(good.stdout)) == (0, [])


# --- the GitLab note script --------------------------------------------------------------------------------------

class FakeGitLab(BaseHTTPRequestHandler):
    users = {"glpat-bot": 42, "glpat-mallory": 66}
    notes: list[dict[str, Any]] = []
    requests: list[str] = []

    def _reply(self, body: Any, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _user(self) -> int | None:
        self.requests.append(f"{self.command} {self.path.split('?')[0]}")
        user = self.users.get(self.headers.get("PRIVATE-TOKEN", ""))
        if user is None:
            self._reply({"message": "401 Unauthorized"}, 401)
        return user

    def do_GET(self) -> None:  # noqa: N802
        user = self._user()
        if user is None:
            return
        if self.path.endswith("/user"):
            self._reply({"id": user, "username": f"user{user}"})
        else:
            self._reply(self.notes if "page=1" in self.path else [])

    def do_POST(self) -> None:  # noqa: N802
        user = self._user()
        if user is None:
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        note = {"id": 100 + len(self.notes), "body": body["body"], "author": {"id": user}, "system": False}
        self.notes.append(note)
        self._reply(note, 201)

    def do_PUT(self) -> None:  # noqa: N802
        user = self._user()
        if user is None:
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        note = next(n for n in self.notes if n["id"] == int(self.path.rsplit("/", 1)[1]))
        if note["author"]["id"] != user:
            self._reply({"message": "403 Forbidden"}, 403)
            return
        note["body"] = body["body"]
        self._reply(note)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gitlab() -> Iterator[str]:
    FakeGitLab.notes, FakeGitLab.requests = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitLab)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/api/v4"
    finally:
        server.shutdown()
        server.server_close()


def post_note(url: str, tmp_path: Path, text: str, token: str = "glpat-bot") -> subprocess.CompletedProcess[str]:
    plan = tmp_path / "plan.md"
    plan.write_text(text)
    env = {"CI_API_V4_URL": url, "CI_PROJECT_ID": "7", "CI_MERGE_REQUEST_IID": "3", "TELCONF_GITLAB_TOKEN": token,
           "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, str(NOTE_SCRIPT), str(plan)], env=env, capture_output=True, text=True,
                          timeout=60)


def test_a_spoofed_marker_note_is_left_alone_and_the_plan_is_posted(gitlab: str, tmp_path: Path) -> None:
    FakeGitLab.notes = [
        {"id": 1, "body": f"{MARKER}\nNo changes. (spoofed by another user)", "author": {"id": 66}, "system": False},
        {"id": 2, "body": f"{MARKER}\nsystem note", "author": {"id": 42}, "system": True},
    ]
    first = post_note(gitlab, tmp_path, "the real plan")
    assert first.returncode == 0, first.stderr
    assert first.stdout == "created note 102\n"
    second = post_note(gitlab, tmp_path, "the plan after a push")
    assert (second.returncode, second.stdout) == (0, "updated note 102\n")
    assert [n["body"] for n in FakeGitLab.notes] == [
        f"{MARKER}\nNo changes. (spoofed by another user)", f"{MARKER}\nsystem note",
        f"{MARKER}\nthe plan after a push"]
    assert "PUT /api/v4/projects/7/merge_requests/3/notes/1" not in FakeGitLab.requests
    assert FakeGitLab.requests[0] == "GET /api/v4/user"


def test_a_bad_token_is_one_line_and_no_traceback(gitlab: str, tmp_path: Path) -> None:
    result = post_note(gitlab, tmp_path, "plan", token="glpat-expired")
    assert result.returncode == 1
    assert result.stderr == ("gitlab-mr-note: GET /user: HTTP 401 Unauthorized "
                             "(is TELCONF_GITLAB_TOKEN valid and not expired?)\n")


def test_a_refused_edit_is_one_line_and_no_traceback(gitlab: str, tmp_path: Path) -> None:
    # GitLab answers 403 to a PUT on another's note: should the script ever try, it says so in one line.
    FakeGitLab.notes = [{"id": 1, "body": f"{MARKER}\nold", "author": {"id": 42}, "system": False}]
    FakeGitLab.users = {**FakeGitLab.users, "glpat-bot": 42}
    original = FakeGitLab.do_PUT

    def forbidden(self: FakeGitLab) -> None:
        if self._user() is not None:
            self._reply({"message": "403 Forbidden"}, 403)

    FakeGitLab.do_PUT = forbidden  # type: ignore[method-assign]
    try:
        result = post_note(gitlab, tmp_path, "plan")
    finally:
        FakeGitLab.do_PUT = original  # type: ignore[method-assign]
    assert result.returncode == 1
    assert result.stderr.startswith("gitlab-mr-note: PUT /merge_requests/3/notes/1: HTTP 403 Forbidden (")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_unreachable_gitlab_and_missing_variables_are_one_line(tmp_path: Path) -> None:
    result = post_note("http://127.0.0.1:9/api/v4", tmp_path, "plan")
    assert result.returncode == 1 and result.stderr.startswith("gitlab-mr-note: GET /user: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    plan = tmp_path / "plan.md"
    missing = subprocess.run([sys.executable, str(NOTE_SCRIPT), str(plan)], env={"PATH": "/usr/bin:/bin"},
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1
    assert missing.stderr == ("gitlab-mr-note: the variable 'CI_API_V4_URL' is not set "
                              "(run it in a merge-request pipeline)\n")
