"""A config from a pull request that attacks the machine it runs on: every attempt is a clean error.

Files a config names are read only when they are regular files under a cap (block files
and voice files also only inside the config's directory); credential variables stay in
credential fields. Each test asserts message, position, exit code, zero writes and no
canary in the output, in bounded time (a FIFO must not hang) and memory.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from telconf.guard import files as safe_files

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
