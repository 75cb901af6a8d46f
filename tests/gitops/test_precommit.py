"""The pre-commit hooks: their definition, and their entry run the way pre-commit runs it.

pre-commit runs ``entry`` split like a shell command, plus the hook's ``args``, plus
the staged files that match ``files`` and ``types`` (several per run).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
GOOD = (ROOT / "examples" / "teleum-office.yaml").read_text()


def run_hook(hook_id: str, repo: Path) -> subprocess.CompletedProcess[str]:
    hook = next(h for h in HOOKS if h["id"] == hook_id)
    staged = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True).stdout.split()
    files = [f for f in staged if re.search(hook.get("files", ""), f) and f.endswith((".yaml", ".yml"))]
    entry = shlex.split(hook["entry"])
    telconf = Path(sys.executable).with_name("telconf")  # the console script pip installed with telconf
    assert entry[0] == "telconf" and telconf.exists()
    passed = files if hook.get("pass_filenames", True) else []
    return subprocess.run([str(telconf), *entry[1:], *hook.get("args", []), *passed], cwd=repo,
                          capture_output=True, text=True)


def make_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    assert shutil.which("git")
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    (repo / "media").mkdir(exist_ok=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    return repo


def test_hook_definitions_are_what_pre_commit_needs() -> None:
    ids = [h["id"] for h in HOOKS]
    assert "telconf-validate" in ids and len(ids) == len(set(ids))
    for hook in HOOKS:
        assert {"id", "name", "entry", "language"} <= hook.keys()
        assert hook["language"] == "python"  # pre-commit pip-installs this repository for it
        assert "files" not in hook  # every YAML; telconf tells its own
        if hook["id"].startswith("telconf-validate"):
            assert "--hook" in hook["entry"]
        else:  # the route tests: the files beside ./telconf.yaml, whatever YAML changed
            assert hook["entry"] == "telconf test" and hook["pass_filenames"] is False


def test_validate_hook_passes_good_files_and_fails_a_bad_one_with_its_position(tmp_path: Path) -> None:
    bad = GOOD.replace("timeout: 15", "timeout: soon", 1)
    assert bad != GOOD
    repo = make_repo(tmp_path, {"telconf.yaml": GOOD, "sites/telconf-msk.yaml": GOOD, "other.yaml": "x: [",
                                "telconf-bad.yaml": bad})
    result = run_hook("telconf-validate", repo)
    assert result.returncode == 1
    assert "telconf.yaml: valid" in result.stdout and "sites/telconf-msk.yaml: valid" in result.stdout
    assert re.search(r"^telconf-bad\.yaml:\d+:\d+: .*timeout", result.stderr, re.M), result.stderr
    assert "1 of 3 files failed" in result.stderr
    assert "other.yaml" not in result.stdout + result.stderr  # not a telconf file: not passed

    (repo / "telconf-bad.yaml").write_text(GOOD)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    result = run_hook("telconf-validate", repo)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow  # pre-commit pip-installs telconf and its dependencies from the package index
def test_pre_commit_itself_runs_the_hook_from_this_repository(tmp_path: Path) -> None:
    """pre-commit installs telconf from this checkout in its own environment and runs the hook.

    The first run installs that environment (about a minute: pip fetches telconf's
    dependencies); the second reuses it.
    """
    if not (ROOT / ".git").exists():
        pytest.skip("pre-commit try-repo needs telconf as a git checkout (this is an unpacked sdist)")
    bad = GOOD.replace("timeout: 15", "timeout: soon", 1)
    repo = make_repo(tmp_path, {"telconf.yaml": GOOD, "telconf-bad.yaml": bad})
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "telconf-validate", "--all-files"]
    result = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"telconf validate\.+Failed", result.stdout), result.stdout
    assert re.search(r"^telconf-bad\.yaml:\d+:\d+: .*timeout", result.stdout, re.M), result.stdout
    assert "telconf.yaml: valid (1 account)" in result.stdout

    (repo / "telconf-bad.yaml").unlink()
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    result = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"telconf validate\.+Passed", result.stdout), result.stdout


def test_route_test_hook_runs_the_tests_beside_the_config_and_validate_hooks_leave_them_alone(tmp_path: Path) -> None:
    cases = ('tests:\n  - {name: office hours, number: "+7 812 323-23-23", at: "mon 10:00", '
             'expect: {first: "sip:101"}}\n')
    repo = make_repo(tmp_path, {"telconf.yaml": GOOD, "telconf.tests.yaml": cases})
    result = run_hook("telconf-test", repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "PASS  office hours\n1 passed, 0 failed\n"
    assert "telconf.tests.yaml" not in run_hook("telconf-validate", repo).stdout  # not a config file

    (repo / "telconf.tests.yaml").write_text(cases.replace("sip:101", "sip:102"))
    result = run_hook("telconf-test", repo)
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL  office hours") and result.stdout.endswith("0 passed, 1 failed\n")
CALLCENTER = ROOT / "examples" / "callcenter"


def callcenter_files() -> dict[str, str]:
    """The split layout of examples/callcenter (config, templates, one file per account), as text."""
    return {str(p.relative_to(CALLCENTER)): p.read_text() for p in CALLCENTER.rglob("*.yaml")}


def callcenter_repo(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    repo = make_repo(tmp_path, {**callcenter_files(), **(extra or {})})
    shutil.copytree(CALLCENTER / "media", repo / "media", dirs_exist_ok=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    return repo


def commit(repo: Path) -> None:
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "x"],
                   cwd=repo, check=True)


def test_the_hook_passes_a_valid_split_config_and_checks_each_part_through_it(tmp_path: Path) -> None:
    repo = callcenter_repo(tmp_path, {".github/workflows/ci.yml": "on: push\njobs: {}\n",
                                      "compose.yaml": "version: '3'\nservices: {}\n"})
    result = run_hook("telconf-validate", repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["telconf.yaml: valid (2 accounts)"]  # once, though 4 files are its
    assert "templates.yaml: included by telconf.yaml: checked as part of it" in result.stderr
    assert "compose.yaml" not in result.stdout + result.stderr and "ci.yml" not in result.stdout + result.stderr


def test_a_commit_breaking_only_a_template_fails_at_the_template_s_line(tmp_path: Path) -> None:
    repo = callcenter_repo(tmp_path)
    templates = (repo / "templates.yaml").read_text()
    broken = templates.replace("timeout: 25", "timeout: 99", 1)
    assert broken != templates
    (repo / "templates.yaml").write_text(broken)
    line = broken.splitlines().index("        timeout: 99") + 1
    result = subprocess.run([str(Path(sys.executable).with_name("telconf")), "validate", "--hook", "templates.yaml"],
                            cwd=repo, capture_output=True, text=True)
    assert result.returncode == 1
    assert re.search(rf"^templates\.yaml:{line}:18: .*99", result.stderr, re.M), result.stderr
    assert "templates.yaml: included by telconf.yaml: checked as part of it" in result.stderr


@pytest.mark.slow  # pre-commit pip-installs telconf and its dependencies from the package index
def test_pre_commit_checks_a_template_only_commit_through_its_config(tmp_path: Path) -> None:
    """The hook as shipped, run by pre-commit itself on commits of the split layout."""
    if not (ROOT / ".git").exists():
        pytest.skip("pre-commit try-repo needs telconf as a git checkout (this is an unpacked sdist)")
    repo = callcenter_repo(tmp_path, {"compose.yaml": "version: '3'\nservices: {}\n"})
    commit(repo)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "telconf-validate"]
    templates = (repo / "templates.yaml").read_text()
    (repo / "templates.yaml").write_text(templates.replace("timeout: 25", "timeout: 99", 1))
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)  # only templates.yaml is staged
    result = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"telconf validate\.+Failed", result.stdout), result.stdout
    assert re.search(r"^templates\.yaml:\d+:\d+: .*99", result.stdout, re.M), result.stdout

    (repo / "templates.yaml").write_text(templates)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    result = subprocess.run([*command, "--all-files", "--verbose"], cwd=repo, env=env, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"telconf validate\.+Passed", result.stdout), result.stdout
    assert "telconf.yaml: valid (2 accounts)" in result.stdout


def test_a_files_pattern_kept_from_the_old_docs_still_passes_a_valid_split_config(tmp_path: Path) -> None:
    """`files: ^(telconf|accounts/[^/]+)\\.ya?ml$` (what the docs used to show): each account file
    was checked alone and failed ("missing required key 'version'"); now through telconf.yaml."""
    repo = callcenter_repo(tmp_path)
    staged = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True).stdout.split()
    files = [f for f in staged if re.search(r"^(telconf|accounts/[^/]+)\.ya?ml$", f)]
    assert "accounts/spb-callcenter.yaml" in files and "templates.yaml" not in files
    result = subprocess.run([str(Path(sys.executable).with_name("telconf")), "validate", "--hook", *files],
                            cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "telconf.yaml: valid (2 accounts)\n"
    assert "version" not in result.stderr
