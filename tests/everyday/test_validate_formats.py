"""``validate -f json|github|gitlab``, ``--modeline`` on invalid files, the deprecated ``--timeout``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from telconf.cli import main

ROOT = Path(__file__).parents[2]
BAD = ROOT / "tests" / "config" / "bad" / "many-errors.yaml"
GOOD = ROOT / "examples" / "teleum-office.yaml"


@pytest.fixture
def bad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """many-errors.yaml (4 errors, the first at 11:22) copied to a working directory, named relatively."""
    shutil.copy(BAD, tmp_path / "telconf.yaml")
    monkeypatch.chdir(tmp_path)
    return Path("telconf.yaml")


def test_github_format_is_one_workflow_command_per_problem_at_its_line(bad: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "-f", "github", str(bad)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and all(line.startswith("::error file=telconf.yaml,line=") for line in lines)
    assert lines[0] == "::error file=telconf.yaml,line=11,col=22,title=telconf::timeout: 3 is out of range; expected 5..30"
    assert "telconf.yaml: failed" in result.stderr


def test_github_format_escapes_what_the_runner_would_read_as_syntax() -> None:
    from telconf.cli.annotations import github
    from telconf.core.errors import Diagnostic

    text = github([Diagnostic("a,b:c.yaml", 3, 4, "50% done\nsecond line", severity="warning", code="forward-loop")])
    assert text == "::warning file=a%2Cb%3Ac.yaml,line=3,col=4,title=telconf forward-loop::50%25 done%0Asecond line\n"


def test_gitlab_format_is_a_code_quality_report(bad: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--format", "gitlab", str(bad)])
    assert result.exit_code == 1
    issues = json.loads(result.stdout)
    assert len(issues) == 4
    first = issues[0]
    assert first == {"description": "timeout: 3 is out of range; expected 5..30", "check_name": "telconf/config-error",
                     "fingerprint": first["fingerprint"], "severity": "major",
                     "location": {"path": "telconf.yaml", "lines": {"begin": 11}}}
    assert len({i["fingerprint"] for i in issues}) == 4 and len(first["fingerprint"]) == 64
    again = json.loads(CliRunner().invoke(main, ["validate", "-f", "gitlab", str(bad)]).stdout)
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in issues]  # stable across runs


def test_json_format_lists_files_and_diagnostics(bad: Path, tmp_path: Path) -> None:
    shutil.copy(GOOD, tmp_path / "good.yaml")
    result = CliRunner().invoke(main, ["validate", "-f", "json", "good.yaml", str(bad)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert data["files"] == [{"file": "good.yaml", "valid": True, "accounts": ["spb-office"]},
                             {"file": "telconf.yaml", "valid": False, "accounts": []}]
    assert data["diagnostics"][0] == {"file": "telconf.yaml", "line": 11, "column": 22, "severity": "error",
                                      "code": None, "message": "timeout: 3 is out of range; expected 5..30"}
    assert result.stderr == ""
    ok = CliRunner().invoke(main, ["validate", "-f", "json", "good.yaml"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["valid"] is True


def test_an_empty_report_is_an_empty_list_for_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(GOOD, tmp_path / "telconf.yaml")
    monkeypatch.chdir(tmp_path)
    gitlab = CliRunner().invoke(main, ["validate", "-f", "gitlab"])
    assert gitlab.exit_code == 0 and json.loads(gitlab.stdout) == []
    github = CliRunner().invoke(main, ["validate", "-f", "github"])
    assert github.exit_code == 0 and github.stdout == ""


def test_modeline_is_written_to_an_invalid_file_and_positions_match_the_file_as_written(bad: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--modeline", str(bad)])
    assert result.exit_code == 1
    text = bad.read_text()
    assert text.startswith("# yaml-language-server: $schema=./telconf.schema.json\n")
    assert Path("telconf.schema.json").is_file()
    assert "telconf.yaml:12:22: timeout: 3 is out of range" in result.stderr  # one line down: the modeline
    assert text.splitlines()[11][21:].startswith("3")


def test_validate_timeout_is_deprecated_and_harmless(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(GOOD, tmp_path / "telconf.yaml")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--timeout", "5"])
    assert result.exit_code == 0
    assert "warning: validate --timeout is deprecated and does nothing: validate uses no network" in result.stderr
    assert "--timeout" not in CliRunner().invoke(main, ["validate", "--help"]).stdout
