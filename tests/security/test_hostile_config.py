"""A config from a pull request that attacks the machine it runs on: every attempt is a clean error.

Files a config names are read only when they are regular files under a cap (block files
and voice files also only inside the config's directory); credential variables stay in
credential fields. Each test asserts message, position, exit code, zero writes and no
canary in the output, in bounded time (a FIFO must not hang) and memory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from telconf.guard import files as safe_files
from telconf.providers.teleum.emulator.calls import READS

from .conftest import BEELINE_PASSWORD, TELEUM_PASSWORD, beeline_config, cli, cli_limited, files_under, teleum_config

BLOCK = """\
    blacklists:
      active: 0
      lists:
        "0":
          - numbers: ["+7 495 000-00-01"]
            block_file: {path}
    numbers:
      "+7 495 000-00-01": {{}}
"""


def block_config(folder: Path, path: str) -> Path:
    return beeline_config(folder, "http://127.0.0.1:9", BLOCK.format(path=path))


@pytest.mark.parametrize("path", ["/proc/self/environ", "/etc/passwd", "/dev/zero", "../outside.txt"])
def test_a_block_file_outside_the_config_directory_is_refused_unread(tmp_path: Path, path: str) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    (tmp_path / "outside.txt").write_text(f"{BEELINE_PASSWORD}\n")
    config = block_config(folder, path)
    before = files_under(tmp_path)
    for command in ("validate", "plan"):
        outcome = cli_limited(command, "-c", str(config), timeout=60)
        assert outcome.code == 1
        assert f"telconf.yaml:14:25: block_file '{path}' is outside the config file's directory" in outcome.stderr
        assert "root:" not in outcome.stderr and "PATH=" not in outcome.stderr
        assert outcome.leaked() == []
    assert files_under(tmp_path) == before


def test_a_symlink_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text(f"{TELEUM_PASSWORD}\n")
    (folder / "spam.txt").symlink_to(secret)
    (folder / "proc.txt").symlink_to("/proc/self/environ")
    for name in ("spam.txt", "proc.txt"):
        outcome = cli("validate", "-c", str(block_config(folder, name)))
        assert outcome.code == 1
        assert f"block_file '{name}' is outside the config file's directory" in outcome.stderr
        assert outcome.leaked() == []


def test_a_fifo_in_the_tree_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "spam.txt")
    outcome = cli_limited("validate", "-c", str(block_config(tmp_path, "spam.txt")), timeout=30)
    assert outcome.code == 1
    assert "telconf.yaml:11:25: block file spam.txt is not a regular file (a FIFO)" in outcome.stderr \
        or "is not a regular file (a FIFO)" in outcome.stderr


def test_a_symlink_to_a_device_inside_the_tree_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    os.mkfifo(tmp_path / "media" / "pipe.wav")
    config = beeline_config(tmp_path, "http://127.0.0.1:9", """\
    voice_files:
      zero.wav: {path: /dev/zero}
      pipe.wav: {path: media/pipe.wav}
""")
    outcome = cli_limited("validate", "-c", str(config), timeout=30)
    assert outcome.code == 1
    assert "telconf.yaml:10:24: voice file path '/dev/zero' is outside the config file's directory" in outcome.stderr
    assert "is not a regular file (a FIFO)" in outcome.stderr


def test_an_oversized_block_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "spam.txt"
    with big.open("wb") as fh:  # sparse: the size is there, the bytes are not
        fh.truncate(safe_files.BLOCK_FILE_MAX_BYTES + 1)
    outcome = cli("validate", "-c", str(block_config(tmp_path, "spam.txt")))
    assert outcome.code == 1
    assert f"is {safe_files.BLOCK_FILE_MAX_BYTES + 1} bytes, more than the " \
           f"{safe_files.BLOCK_FILE_MAX_BYTES}-byte cap" in outcome.stderr


def test_a_bad_block_file_line_is_shown_short_and_escaped(tmp_path: Path) -> None:
    (tmp_path / "spam.txt").write_text("+7 495 000-00-02\n  \x1b[31mnot-a-number" + "x" * 500 + "\n")
    outcome = cli("validate", "-c", str(block_config(tmp_path, "spam.txt")))
    assert outcome.code == 1
    line = next(l for l in outcome.stderr.splitlines() if "spam.txt:2:3:" in l)
    assert "\\x1b[31mnot-a-number" in line and "\x1b" not in outcome.stderr
    assert "x" * 41 not in line  # a short excerpt, not the whole line


@pytest.mark.parametrize("field", ["description", "email"])
def test_a_credential_variable_in_another_field_is_an_error_at_its_line(tmp_path: Path, field: str) -> None:
    value = "${TELEUM_PASSWORD}" if field == "description" else "${TELEUM_PASSWORD}@example.com"
    config = teleum_config(tmp_path, "http://127.0.0.1:9", f"""\
    sip_lines:
      "101":
        {field}: "{value}"
        password: ${{SIP_PASSWORD}}
""")
    for command in ("validate", "plan"):
        outcome = cli(command, "-c", str(config), "--format", "markdown") if command == "plan" \
            else cli(command, "-c", str(config))
        assert outcome.code == 1
        assert "telconf.yaml:11:" in outcome.stderr
        assert "${TELEUM_PASSWORD} holds a credential and may appear only in credential" in outcome.stderr
        assert outcome.leaked() == []
        assert TELEUM_PASSWORD not in outcome.stdout


def test_a_sip_password_variable_elsewhere_is_an_error_too(tmp_path: Path) -> None:
    config = teleum_config(tmp_path, "http://127.0.0.1:9", """\
    sip_lines:
      "101":
        password: ${SIP_PASSWORD}
      "102":
        description: "line ${SIP_PASSWORD}"
""")
    outcome = cli("validate", "-c", str(config))
    assert outcome.code == 1
    assert "telconf.yaml:13:22: ${SIP_PASSWORD} holds a credential" in outcome.stderr


@pytest.mark.parametrize("variable", ["TELEUM_PASSWORD", "SIP_PASSWORD", "OPERATOR_CHOICE"])
def test_a_secret_variable_the_config_does_not_use_as_a_credential_is_refused_too(tmp_path: Path,
                                                                                  variable: str) -> None:
    """A pull request that stops using a variable as a credential still may not print it."""
    config = beeline_config(tmp_path, "http://127.0.0.1:9", f"""\
    numbers:
      "+7 495 000-00-01": {{redirect: {{to: "+7 916 000-00-01", comment: "x ${{{variable}}} y"}}}}
""")
    # OPERATOR_CHOICE looks harmless: the operator names it secret in the (trusted) environment
    outcome = cli("validate", "-c", str(config), env={"OPERATOR_CHOICE": "operator-secret-value",
                                                      "TELCONF_SECRET_VARS": "OTHER, OPERATOR_CHOICE"})
    assert outcome.code == 1
    assert f"telconf.yaml:10:" in outcome.stderr
    assert f"${{{variable}}} holds a credential and may appear only in credential" in outcome.stderr
    assert outcome.leaked() == [] and "operator-secret-value" not in outcome.stdout + outcome.stderr


def test_a_credential_variable_in_an_included_file_is_reported_in_that_file(tmp_path: Path) -> None:
    config = teleum_config(tmp_path, "http://127.0.0.1:9", "")
    config.write_text(config.read_text().replace("accounts:", "include: [more.yaml]\naccounts:", 1))
    (tmp_path / "more.yaml").write_text(
        'templates:\n  office:\n    forwards: [{to: "voicemail:${TELEUM_PASSWORD}@example.com"}]\n')
    outcome = cli("validate", "-c", str(config))
    assert outcome.code == 1
    assert "more.yaml:3:" in outcome.stderr and "holds a credential" in outcome.stderr, outcome.stderr


def test_tls_files_must_be_regular_and_their_content_is_never_printed(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_text(f"-----BEGIN PRIVATE KEY-----\n{TELEUM_PASSWORD}\n")
    config = teleum_config(tmp_path, "https://127.0.0.1:9").read_text() \
        .replace("password: ${TELEUM_PASSWORD}\n", f"password: ${{TELEUM_PASSWORD}}\n      client_cert: /dev/zero\n"
                                                   f"      client_key: {key}\n      ca_bundle: /proc/self/environ\n")
    (tmp_path / "telconf.yaml").write_text(config)
    outcome = cli_limited("plan", "-c", str(tmp_path / "telconf.yaml"), timeout=60)
    assert outcome.code == 1
    assert "file /dev/zero is not a regular file (a device)" in outcome.stderr
    assert "ca_bundle" not in outcome.stderr or "environ" in outcome.stderr
    assert "PATH=" not in outcome.stderr
    assert outcome.leaked() == []


def test_a_saved_plan_with_an_unknown_option_is_a_clean_error(tmp_path: Path) -> None:
    import json

    plan = tmp_path / "plan.json"
    config = teleum_config(tmp_path, "http://127.0.0.1:9")
    plan.write_text(json.dumps({"format": "telconf-plan", "version": 1, "plan": {"accounts": []}, "inputs_hash": "x",
                                "fingerprints": {}, "options": {"bogus": True}}))
    from telconf.plan import saved

    data = json.loads(plan.read_text())
    data["format"], data["version"] = saved.SAVED_FORMAT, saved.SAVED_VERSION
    plan.write_text(json.dumps(saved.seal(data)))  # sealed: the option is what is tested
    outcome = cli("apply", str(plan), "-c", str(config))
    assert outcome.code == 1
    assert "the saved plan has an unknown option 'bogus'" in outcome.stderr
    assert "Internal error" not in outcome.stderr
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    outcome = cli("apply", str(deep), "-c", str(config))
    assert outcome.code == 1 and "is not a telconf plan file" in outcome.stderr


@pytest.mark.parametrize("name", ["a\x00b.wav", "x" * 300 + ".wav"])
def test_a_hostile_voice_file_name_in_the_config_is_an_error(tmp_path: Path, name: str) -> None:
    import yaml

    (tmp_path / "ok.wav").write_bytes(b"")
    config = beeline_config(tmp_path, "http://127.0.0.1:9", yaml.safe_dump(
        {"voice_files": {name: {"path": "ok.wav"}}}, default_flow_style=False).replace("\n", "\n    ")
        .join(["    ", ""]).rstrip() + "\n")
    outcome = cli("validate", "-c", str(config))
    assert outcome.code == 1
    assert "must be at most 100 printable characters" in outcome.stderr or "NUL" in outcome.stderr \
        or "not allowed" in outcome.stderr
    assert "Internal error" not in outcome.stderr


@pytest.mark.parametrize("url", ["http://[::1", "http://[zz]/"])
def test_a_url_urlsplit_cannot_read_is_a_message_not_a_crash(tmp_path: Path, url: str) -> None:
    config = teleum_config(tmp_path, url)
    for command in ("validate", "plan"):
        outcome = cli(command, "-c", str(config))
        assert "Internal error" not in outcome.stderr and "Traceback" not in outcome.stderr
        assert f"the url '{url}/api/v3/' is not an http(s):// URL with a host" in outcome.stderr, outcome.stderr
    assert cli("plan", "-c", str(config)).code == 1


def test_a_config_file_linked_out_of_its_folder_is_not_read(tmp_path: Path) -> None:
    """A pull request may turn telconf.yaml into a link to /etc/passwd: no line of it is printed."""
    folder = tmp_path / "repo"
    folder.mkdir()
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("root:x:0:0:operator-only-line\n")
    (folder / "telconf.yaml").symlink_to(secret)
    outcome = cli("validate", "-c", str(folder / "telconf.yaml"))
    assert outcome.code == 1
    assert f"{folder / 'telconf.yaml'}:1:1: the config file is a symbolic link leading outside its folder" \
        in outcome.stderr
    assert "operator-only-line" not in outcome.stdout + outcome.stderr


# --- bounded expansion (issue 22, row 3, 4, 8) ------------------------------------------

EXPANSION_MEMORY = 200 * 1024 * 1024  # address space: the bound, far below what the bombs took (2 GB)
FORWARDS, USES = 1500, 2500


def _bomb(folder: Path, forwards: str) -> tuple[Path, list[str]]:
    """A 170-190 KB file: ``forwards`` as a template used by 2,500 numbers with ``with:``."""
    numbers = [f'      "+7 812 {i // 10000:03d}-{i // 100 % 100:02d}-{i % 100:02d}": '
               f'{{use: big, with: {{line: "101"}}}}\n' for i in range(USES)]
    text = ("version: 1\ntemplates:\n  big:\n    forwards:\n" + forwards + "accounts:\n  office:\n"
            "    provider: teleum\n    credentials: {email: \"${TELEUM_EMAIL}\", password: \"${TELEUM_PASSWORD}\"}\n"
            "    sip_lines: {\"101\": {}}\n    numbers:\n" + "".join(numbers))
    path = folder / "telconf.yaml"
    path.write_text(text)
    return path, text.splitlines()


@pytest.mark.parametrize("kind, per_use", [
    ("written", 2 * FORWARDS + 1),  # each forward a mapping and its text, and the list
    ("aliases", 3 * FORWARDS + 1),  # one anchored forward repeated: mapping, two values
])
def test_a_template_bomb_is_an_error_at_the_use_that_passes_the_budget(tmp_path: Path, kind: str,
                                                                       per_use: int) -> None:
    from telconf.config.budget import MAX_TEMPLATE_VALUES

    if kind == "written":
        forwards = "      - to: sip:{line}\n" * FORWARDS
    else:
        forwards = '      - &f {to: "sip:{line}", timeout: 20}\n' + "      - *f\n" * (FORWARDS - 1)
    path, lines = _bomb(tmp_path, forwards)
    assert 160_000 < path.stat().st_size < 200_000
    outcome = cli_limited("validate", "-c", str(path), timeout=120, memory=EXPANSION_MEMORY)
    crossing = MAX_TEMPLATE_VALUES // per_use  # the first use after which the total passes the budget
    line = lines.index(next(l for l in lines if "use: big" in l)) + crossing + 1
    column = lines[line - 1].index("big") + 1
    assert outcome.code == 1, outcome.stderr[-2000:]
    first, *rest = outcome.stderr.splitlines()
    assert re.fullmatch(
        re.escape(f"{path}:{line}:{column}: template 'big' (line 3) adds {per_use:,} values and ") + r"[0-9,]+"
        + re.escape(f" bytes at each use; with this use the templates of the file expand to more than "
                    f"{MAX_TEMPLATE_VALUES:,} values, the limit; write smaller templates or split the config"), first)
    assert rest == ["1 error"]


def test_a_template_bomb_is_refused_by_plan_with_a_snapshot_too(tmp_path: Path) -> None:
    path, _ = _bomb(tmp_path, "      - to: sip:{line}\n" * FORWARDS)
    outcome = cli_limited("plan", "-c", str(path), "--snapshot", str(path), timeout=120,
                          memory=EXPANSION_MEMORY * 2)
    assert outcome.code == 1
    assert "expand to more than" in outcome.stderr and "Internal error" not in outcome.stderr


def test_include_double_star_does_not_follow_links_to_folders(tmp_path: Path) -> None:
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "spb.yaml").write_text(
        "accounts:\n  spb:\n    provider: teleum\n"
        "    credentials: {email: \"${TELEUM_EMAIL}\", password: \"${TELEUM_PASSWORD}\"}\n")
    for name, target in (("a", "."), ("b", "."), ("up", "..")):
        (tmp_path / "accounts" / name).symlink_to(target)
    path = tmp_path / "telconf.yaml"
    path.write_text('version: 1\ninclude: ["accounts/**/*.yaml"]\naccounts: {}\n')
    # Finished at all (the walk was exponential before): the subprocess's timeout bounds it, no timing.
    outcome = cli_limited("validate", "-c", str(path), timeout=60, memory=EXPANSION_MEMORY)
    assert (outcome.code, outcome.stdout.strip()) == (0, f"{path}: valid (1 account)"), outcome.stderr
    path.write_text('version: 1\ninclude: ["**/*.yaml"]\naccounts: {}\n')  # the issue's: itself matches too
    outcome = cli_limited("validate", "-c", str(path), timeout=60, memory=EXPANSION_MEMORY)
    assert outcome.code == 1
    assert outcome.stderr.splitlines() == [f"{path}:2:11: include cycle: telconf.yaml -> telconf.yaml", "1 error"]


def test_a_chain_of_700_includes_is_an_error_at_the_include_line(tmp_path: Path) -> None:
    from telconf.config.budget import MAX_INCLUDE_DEPTH

    (tmp_path / "telconf.yaml").write_text("version: 1\ninclude: [f1.yaml]\naccounts: {}\n")
    for index in range(1, 700):
        (tmp_path / f"f{index}.yaml").write_text(f"include: [f{index + 1}.yaml]\n")
    (tmp_path / "f700.yaml").write_text("accounts: {}\n")
    outcome = cli_limited("validate", "-c", str(tmp_path / "telconf.yaml"), timeout=60, memory=EXPANSION_MEMORY)
    last = f"f{MAX_INCLUDE_DEPTH}.yaml"
    assert outcome.code == 1
    assert outcome.stderr.splitlines() == [
        f"{tmp_path / last}:1:11: include: files include each other more than {MAX_INCLUDE_DEPTH} levels deep "
        f"(telconf.yaml -> ... -> {last}); include them from fewer levels",
        "1 error"]


def test_one_long_value_repeated_by_aliases_is_an_error_at_the_alias(tmp_path: Path) -> None:
    """Few values, much text: 200 aliases of a 100 KB description would fill `render`'s output."""
    from telconf.config.budget import MAX_ALIAS_BYTES

    long = "x" * (100 * 1024)
    lines = ["version: 1", f"note: &long {long}", "accounts:", "  office:", "    provider: teleum",
             '    credentials: {email: "${TELEUM_EMAIL}", password: "${TELEUM_PASSWORD}"}', "    sip_lines:"]
    lines += [f'      "{100 + i}": {{description: *long}}' for i in range(200)]
    path = tmp_path / "telconf.yaml"
    path.write_text("\n".join(lines) + "\n")
    outcome = cli_limited("render", "-c", str(path), timeout=60, memory=EXPANSION_MEMORY)
    crossing = MAX_ALIAS_BYTES // len(long)  # the alias that passes the budget (0-based)
    assert outcome.code == 1
    assert outcome.stdout == ""
    assert outcome.stderr.splitlines() == [
        f"{path}:{8 + crossing}:{lines[7].index('*long') + 1}: YAML aliases expand this file by more than "
        f"{MAX_ALIAS_BYTES // (1024 * 1024)} MB of text; write the values out instead", "1 error"]


# --- issue 22: public variables, masked URLs, secrets resolved before writes, hidden files ---------

JOB_TOKEN = "glcbt-CANARY-64e1f0c2a9d7b3"


def teleum_forward(folder: Path, url: str, target: str, extra: str = "") -> Path:
    return teleum_config(folder, url, f"""\
    numbers:
      "+7 812 323-23-23": {{forwards: [{{to: "{target}"}}]}}
{extra}""")


def test_row6_a_variable_the_operator_did_not_make_public_is_an_error_at_its_line(tmp_path: Path) -> None:
    """GitLab's CI_REPOSITORY_URL holds the job token: a pull request's ``fax:${CI_REPOSITORY_URL}`` would
    print it in the plan CI posts. Only variables the operator makes public are substituted there."""
    config = teleum_forward(tmp_path, "http://127.0.0.1:9", "fax:${CI_REPOSITORY_URL}")
    env = {"CI_REPOSITORY_URL": f"https://gitlab-ci-token:{JOB_TOKEN}@gitlab.example.com/g/r.git"}
    before = files_under(tmp_path)
    for args in (["validate"], ["plan", "--format", "markdown"], ["apply", "--yes"]):
        outcome = cli(*args, "-c", str(config), env=env)
        assert outcome.code == 1
        assert "telconf.yaml:10:44: ${CI_REPOSITORY_URL} is not a public variable" in outcome.stderr, outcome.stderr
        assert "name it TELCONF_VAR_CI_REPOSITORY_URL, or set TELCONF_PUBLIC_VARS=CI_REPOSITORY_URL" \
            in outcome.stderr
        assert JOB_TOKEN not in outcome.stdout + outcome.stderr and outcome.leaked() == []
    assert files_under(tmp_path) == before


def test_row6_target_formats_are_checked_after_substitution(tmp_path: Path) -> None:
    config = teleum_forward(tmp_path, "http://127.0.0.1:9", "fax:${TELCONF_VAR_FAX}")
    env = {"TELCONF_VAR_FAX": "not-an-email"}
    assert cli("validate", "-c", str(config), env=env).code == 0  # validate reads no value
    outcome = cli("plan", "-c", str(config), env=env)
    assert outcome.code == 1
    assert "telconf.yaml:10:44: 'not-an-email' is not an e-mail address" in outcome.stderr
    listed = teleum_forward(tmp_path, "http://127.0.0.1:9", "tel:${FALLBACK}")
    outcome = cli("plan", "-c", str(listed), env={"FALLBACK": "12", "TELCONF_PUBLIC_VARS": "X, FALL*"})
    assert outcome.code == 1 and "telconf.yaml:10:44: '12' is not a valid phone number after tel:" in outcome.stderr


def test_row6_the_userinfo_of_a_public_url_is_masked_in_the_plan(tmp_path: Path, emulators: Any) -> None:
    """The operator made OPS_URL public; its value carries user:password@: the plan shows (sensitive)."""
    emulators.teleum.add_account("ops@example.com", TELEUM_PASSWORD, ["78123232323"])
    emulators.teleum.add_sip("ops@example.com", descr="old")
    line = emulators.teleum.sips("ops@example.com")[0]
    config = teleum_config(tmp_path, emulators.teleum_url.rstrip("/").removesuffix("/api/v3"), f"""\
    sip_lines:
      "{line['num']}": {{description: "runbook ${{OPS_URL}}"}}
""")
    env = {"OPS_URL": f"https://ops:{JOB_TOKEN}@wiki.example.com/telephony", "TELCONF_PUBLIC_VARS": "OPS_URL"}
    for fmt in ("markdown", "text", "json"):
        outcome = cli("plan", "-c", str(config), "--format", fmt, env=env)
        assert outcome.code == 0, outcome.stderr
        assert "https://(sensitive)@wiki.example.com/telephony" in outcome.stdout
        assert JOB_TOKEN not in outcome.stdout + outcome.stderr and outcome.leaked() == []


SIP_CANARY = "Sip-CANARY-pw-77d0e4"
SIP_LINE = """\
    sip_lines:
      "{num}":
        description: Reception
        password: ${{SIP_101_PASSWORD}}
"""


def test_row12_a_secret_the_plan_needs_is_resolved_before_the_first_write(tmp_path: Path, emulators: Any) -> None:
    """A new SIP line's password variable unset: ``plan`` fails at its line; a plan saved while it was set
    is refused by ``apply`` before its first call, with zero writes (not 6 calls, then a failure)."""
    emulators.teleum.add_account("ops@example.com", TELEUM_PASSWORD, ["78123232323"])
    num = "101"
    config = teleum_config(tmp_path, emulators.teleum_url.rstrip("/").removesuffix("/api/v3"),
                           SIP_LINE.format(num=num))
    plan_file = tmp_path / "plan.json"
    unset = cli("plan", "-c", str(config), "--out", str(plan_file))
    assert unset.code == 1, unset.stdout + unset.stderr
    assert "telconf.yaml:12:19: environment variable SIP_101_PASSWORD is not set (needed here)" in unset.stderr
    assert not plan_file.exists()
    made = cli("plan", "-c", str(config), "--out", str(plan_file), env={"SIP_101_PASSWORD": SIP_CANARY})
    assert made.code == 0, made.stderr
    assert SIP_CANARY not in made.stdout + made.stderr + plan_file.read_text()
    state = emulators.snapshot()
    emulators.teleum.call_log.clear()
    report = tmp_path / "report.json"
    applied = cli("apply", str(plan_file), "-c", str(config), "--report", str(report))
    assert applied.code == 1, applied.stdout + applied.stderr
    assert "telconf.yaml:12:19: environment variable SIP_101_PASSWORD is not set (needed here)" in applied.stderr
    assert emulators.snapshot() == state
    assert [c["method"] for c in emulators.teleum.call_log if c["method"] not in READS | {"login"}] == []
    assert applied.leaked() == [] and SIP_CANARY not in applied.stdout + applied.stderr


GIT_CONFIG = f"""\
[remote "origin"]
\turl = https://gitlab-ci-token:{JOB_TOKEN}@gitlab.example.com/g/r.git
"""


@pytest.mark.parametrize("named", [".git/config", "spam.txt", ".env", "lists/.hidden/spam.txt",
                                   "lists/../.git/config"])
def test_row15_a_block_file_in_a_hidden_directory_is_refused_unread(tmp_path: Path, named: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(GIT_CONFIG)
    (tmp_path / ".env").write_text(f"TOKEN={JOB_TOKEN}\n")
    (tmp_path / "lists" / ".hidden").mkdir(parents=True)
    (tmp_path / "lists" / ".hidden" / "spam.txt").write_text("+7 495 000-00-02\n")
    (tmp_path / "spam.txt").symlink_to(tmp_path / ".git" / "config")  # a link committed in the pull request
    config = block_config(tmp_path, named)
    for command in ("validate", "plan"):
        outcome = cli(command, "-c", str(config))
        assert outcome.code == 1
        assert f"telconf.yaml:14:25: block_file '{named}' is in a hidden directory or is a hidden file" \
            in outcome.stderr, outcome.stderr
        assert JOB_TOKEN not in outcome.stdout + outcome.stderr


@pytest.mark.parametrize("named", [".git/config", "linked.yaml", ".env", "sub/.hidden/accounts.yaml"])
def test_row15_an_include_of_a_hidden_file_is_refused_unread(tmp_path: Path, named: str) -> None:
    """``include:`` follows the rule of ``block_file``: a hidden file or folder is never config."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(GIT_CONFIG)
    (tmp_path / ".env").write_text(f"TOKEN={JOB_TOKEN}\n")
    (tmp_path / "sub" / ".hidden").mkdir(parents=True)
    (tmp_path / "sub" / ".hidden" / "accounts.yaml").write_text("accounts: {}\n")
    (tmp_path / "linked.yaml").symlink_to(tmp_path / ".git" / "config")  # a link committed in the pull request
    config = tmp_path / "telconf.yaml"
    config.write_text(f"version: 1\ninclude: [{named!r}]\naccounts: {{}}\n")
    outcome = cli("validate", "-c", str(config))
    assert outcome.code == 1
    assert f"telconf.yaml:2:11: include: {named!r} is a hidden file or in a hidden directory" in outcome.stderr, \
        outcome.stderr
    assert JOB_TOKEN not in outcome.stdout + outcome.stderr


def test_row15_a_voice_file_in_a_hidden_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "hello.wav").write_bytes(b"RIFF")
    config = beeline_config(tmp_path, "http://127.0.0.1:9",
                            "    voice_files:\n      hello.wav: {path: .cache/hello.wav}\n")
    outcome = cli("validate", "-c", str(config))
    assert outcome.code == 1
    assert "telconf.yaml:10:25: voice file path '.cache/hello.wav' is in a hidden directory" in outcome.stderr


def test_row15_a_bad_block_file_line_shows_only_the_bad_word(tmp_path: Path) -> None:
    (tmp_path / "spam.txt").write_text(GIT_CONFIG + f"+7 495 000-00-02\ntoken {JOB_TOKEN}\n+7 495 000-00-0x\n")
    outcome = cli("validate", "-c", str(block_config(tmp_path, "spam.txt")))
    assert outcome.code == 1
    lines = outcome.stderr.splitlines()
    assert any("spam.txt:1:1: '[remote' is not a valid phone number" in l for l in lines), lines
    assert any("spam.txt:2:2: 'url' is not a valid phone number" in l for l in lines), lines
    assert any("spam.txt:4:1: 'token' is not a valid phone number" in l for l in lines), lines
    assert any("spam.txt:5:8: '000-00-0x' is not a valid phone number" in l for l in lines), lines
    assert JOB_TOKEN[:8] not in outcome.stderr and "gitlab" not in outcome.stderr


def test_row13_a_refused_host_is_an_error_only_where_credentials_would_be_sent(tmp_path: Path) -> None:
    """Loading for plan/apply/export refuses the file; an offline snapshot plan (nothing is sent) and
    validate only warn, as validate always did."""
    from telconf.config import load
    from telconf.core.errors import ConfigError

    config = teleum_config(tmp_path, "https://elsewhere.example")
    with pytest.raises(ConfigError, match="telconf.yaml:5:10: refusing to send credentials to elsewhere.example"):
        load(config, environ={"TELEUM_EMAIL": "a@example.com", "TELEUM_PASSWORD": "x"})
    offline = load(config, environ={"TELEUM_EMAIL": "a@example.com", "TELEUM_PASSWORD": "x"}, connecting=False)
    assert [w.message for w in offline.warnings if "refusing to send credentials" in w.message]
