"""Includes: accounts and templates from other files, positions and paths relative to their file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from telconf.config import load
from tests.scale.helpers import errors, validate, write

ROOT = Path(__file__).resolve().parents[2]
ENV = {"TELEUM_EMAIL": "a@example.com", "TELEUM_PASSWORD": "secret-password", "U": "u", "P": "p"}


def main_file(here: Path, include: str = "[accounts/*.yaml, templates.yaml]") -> Path:
    return write(here / "telconf.yaml", f"version: 1\ninclude: {include}\naccounts: {{}}\n")


def spb(here: Path, name: str = "spb.yaml", account: str = "spb") -> Path:
    return write(here / "accounts" / name, f"""\
        accounts:
          {account}:
            provider: teleum
            credentials: {{email: "${{TELEUM_EMAIL}}", password: "${{TELEUM_PASSWORD}}"}}
            sip_lines: {{"101": {{}}}}
            numbers:
              "+7 812 323-23-23": {{use: office, with: {{line: "101"}}}}
        """)


def templates(here: Path) -> Path:
    return write(here / "templates.yaml", """\
        templates:
          office:
            forwards:
              - to: sip:{line}
        """)


def test_accounts_and_templates_from_included_files(here: Path) -> None:
    path = main_file(here)
    spb(here)
    templates(here)
    config = load("telconf.yaml", environ=ENV)
    number = config.accounts["spb"].numbers["78123232323"]
    assert str(number.forwards[0].target) == "sip:101"
    assert number.template == "office"
    assert number.where == "accounts/spb.yaml:7:7"
    assert config.accounts["spb"].credentials.password.where == "accounts/spb.yaml:4:55"


def test_errors_name_the_file_that_wrote_the_value(here: Path) -> None:
    path = main_file(here)
    spb(here).write_text(spb(here).read_text().replace('line: "101"', 'line: "102"'))
    templates(here)
    assert errors(validate(path)) == [
        "templates.yaml:4:13: sip:102 is not a line under sip_lines of this account (lines: 101) "
        "(in template 'office', used by '+7 812 323-23-23' at accounts/spb.yaml:7:28)"]


def test_an_account_defined_twice_names_both_places(here: Path) -> None:
    path = main_file(here)
    spb(here)
    spb(here, "spb-copy.yaml")
    templates(here)
    assert errors(validate(path)) == [
        "accounts/spb.yaml:2:3: account 'spb' is defined twice: here and at accounts/spb-copy.yaml:2:3; "
        "define each account once"]


def test_a_template_defined_twice_names_both_places(here: Path) -> None:
    path = main_file(here, "[templates.yaml, more/templates.yaml]")
    templates(here)
    shutil.copy(here / "templates.yaml", write(here / "more" / "templates.yaml", ""))
    assert errors(validate(path)) == [
        "more/templates.yaml:2:3: template 'office' is defined twice: here and at templates.yaml:2:3; "
        "define each template once"]


def test_an_include_cycle_is_an_error(here: Path) -> None:
    path = main_file(here, "[a.yaml]")
    write(here / "a.yaml", "include: [b.yaml]\n")
    write(here / "b.yaml", "include: [a.yaml]\n")
    assert errors(validate(path)) == ["b.yaml:1:11: include cycle: a.yaml -> b.yaml -> a.yaml"]


@pytest.mark.parametrize("include, message", [
    ("[../outside.yaml]", "telconf.yaml:2:11: include: '../outside.yaml' leads outside the config's directory"),
    ("[nothing/*.yaml]", "telconf.yaml:2:11: include: 'nothing/*.yaml' matches no file"),
    ("[missing.yaml]", "telconf.yaml:2:11: include: file 'missing.yaml' not found"),
])
def test_includes_that_cannot_be_followed(here: Path, include: str, message: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    write(here / "outside.yaml", "accounts: {}\n")
    (here / "config").mkdir()
    monkeypatch.chdir(here / "config")
    path = main_file(here / "config", include)
    result = validate(path)
    assert result.exit_code == 1
    assert any(line.startswith(message) for line in errors(result)), result.stderr


def test_an_included_file_has_the_top_level_shape(here: Path) -> None:
    path = main_file(here, "[extra.yaml]")
    write(here / "extra.yaml", "accounts: {}\nsettings: 1\n")
    assert errors(validate(path)) == [
        "extra.yaml:2:1: unknown key 'settings' in an included file; expected one of: accounts, include, "
        "templates, version"]


def test_relative_paths_stay_relative_to_the_file_that_wrote_them(here: Path) -> None:
    path = main_file(here, "[teams/msk/account.yaml]")
    shutil.copy(ROOT / "examples" / "media" / "greeting.wav", write(here / "teams/msk/media/hello.wav", ""))
    write(here / "teams/msk/spam.txt", "+7 900 000-00-00\nnot a number\n")
    write(here / "teams/msk/account.yaml", """\
        accounts:
          msk:
            provider: beeline
            credentials: {username: "${U}", password: "${P}"}
            numbers: {"+7 495 000-00-01": {}}
            voice_files:
              hello.wav: {path: media/hello.wav}
            blacklists:
              lists:
                "0": [{numbers: all, block_file: spam.txt}]
        """)
    assert errors(validate(path)) == [
        "teams/msk/spam.txt:2:1: 'not' is not a valid phone number (listed in "
        "teams/msk/account.yaml as block_file); expected one number per line"]


# --- the budget of includes (issue 22, row 4 and 8) ---------------------------------------

def account_file(here: Path, relative: str, name: str) -> Path:
    return write(here / relative, f"""\
        accounts:
          {name}:
            provider: teleum
            credentials: {{email: "${{TELEUM_EMAIL}}", password: "${{TELEUM_PASSWORD}}"}}
        """)


def test_double_star_matches_zero_or_more_folders_and_skips_hidden_ones(here: Path) -> None:
    path = main_file(here, '["accounts/**/*.yaml"]')
    account_file(here, "accounts/top.yaml", "top")
    account_file(here, "accounts/north/deep/down.yaml", "down")
    account_file(here, "accounts/.drafts/hidden.yaml", "hidden")
    account_file(here, "accounts/.dot.yaml", "dot")
    result = validate(path)
    assert result.exit_code == 0, result.stderr
    assert set(load(path, environ=ENV).accounts) == {"top", "down"}


@pytest.mark.parametrize("budget, value, message", [
    ("MAX_GLOB_MATCHES", 3, "include: 'accounts/*.yaml' matches more than 3 files; name fewer files or folders"),
    ("MAX_GLOB_ENTRIES", 3, "include: 'accounts/*.yaml' looks at more than 3 names of files and folders; "
                            "name fewer files or folders"),
    ("MAX_INCLUDED_FILES", 2, "include: the config includes more than 2 files; merge some of them"),
    ("MAX_INCLUDED_BYTES", 300, "include: the included files hold more than 0 MB together"),
])
def test_includes_past_their_budget_are_an_error_at_the_include_line(here: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      budget: str, value: int, message: str) -> None:
    from telconf.config import includes

    monkeypatch.setattr(includes, budget, value)
    path = main_file(here, '["accounts/*.yaml"]')
    for index in range(4):
        account_file(here, f"accounts/a{index}.yaml", f"a{index}")
    result = validate(path)
    assert result.exit_code == 1
    assert errors(result) == [f"telconf.yaml:2:11: {message}"]


def test_a_large_split_config_is_far_inside_the_budget(here: Path) -> None:
    from telconf.config.budget import MAX_INCLUDED_FILES

    path = main_file(here, '["teams/**/*.yaml"]')
    for index in range(MAX_INCLUDED_FILES // 10):  # a hundred teams of one account each
        account_file(here, f"teams/t{index // 10}/a{index}.yaml", f"a{index}")
    result = validate(path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "telconf.yaml: valid (100 accounts)"
