"""What the exported file looks like: header, quoting, files beside it, secrets, connection details."""

from __future__ import annotations

import re

from pathlib import Path

import yaml

from telconf.config import load
from telconf.engine.conductor import Conductor
from telconf.core.wav import make_wav

from .helpers import BEELINE_NUMBERS, EMAIL, LOGIN, TELEUM_PASSWORD, TELEUM_NUMBERS, Site

T1, T2, T3 = TELEUM_NUMBERS
B1, B2, B3 = BEELINE_NUMBERS


def test_readable_git_friendly_yaml(site: Site, tmp_path: Path) -> None:
    site.teleum.add_sip(EMAIL, descr="Reception", rcid=site.teleum.snapshot()["accounts"][0]["numbers"][0]["id"])
    site.teleum.add_forward(EMAIL, T1, rnum="101", dowjs2='[{"ttsh":"9","ttsm":"0","ttfh":"18","ttfm":"0",'
                                                          '"dts":"1","dtf":"5"}]')
    site.beeline.set_redirect(LOGIN, B1, "79160000000")
    for i in range(3):
        site.beeline.add_blacklist(LOGIN, 0, B1, f"7900000000{i}")
    out = tmp_path / "telconf.yaml"
    site.export(out)
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=./telconf.schema.json"
    assert '      "101":' in lines  # line numbers quoted: YAML would read 101 as an integer
    assert '        caller_id: "+7 812 323-23-23"' in lines
    assert '      "+7 812 323-23-23":' in lines
    assert '                from: "09:00"' in lines
    assert '          to: "+7 916 000-00-00"' in lines
    # one entry per line: A-numbers are a block list, not a flow list
    assert '              - "+7 900 000-00-01"' in lines
    assert "[" not in text.replace("[]", "")
    assert text.endswith("\n") and "\r" not in text
    # it is a valid config, even without any variable set
    assert site.cli("validate", "-c", str(out)).exit_code == 0


def test_stdout_with_files_beside_the_current_directory(site: Site, tmp_path: Path) -> None:
    site.beeline.add_voice_file(LOGIN, "greeting.wav", make_wav(tone=4), comment="Hello")
    site.beeline.set_premedia(LOGIN, B1, "greeting.wav")
    cwd = tmp_path / "work"
    cwd.mkdir()
    result = site.cli("export", "-c", str(site.source), "--account", "msk-callcenter", cwd=cwd)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    account = data["accounts"]["msk-callcenter"]
    assert account["voice_files"] == {"greeting.wav": {"path": "media/greeting.wav", "comment": "Hello"}}
    assert (cwd / "media" / "greeting.wav").read_bytes() == make_wav(tone=4)
    assert re.search(r"Exported 1 account to stdout; wrote 2 files under \S+: telconf.schema.json, "
                     r"media/greeting.wav\.", result.stderr), result.stderr
    assert "Set these before applying: TELCONF_VAR_BEELINE_URL, BEELINE_LOGIN, BEELINE_PASSWORD" in result.stderr
    assert "Exported" not in result.stdout


def test_the_summary_counts_every_file_written(site: Site, tmp_path: Path) -> None:
    site.beeline.add_voice_file(LOGIN, "greeting.wav", make_wav(tone=4), comment="Hello")
    result = site.cli("export", "-c", str(site.source), "--account", "msk-callcenter", "-o", f"{tmp_path}/backup/")
    assert result.exit_code == 0, result.output
    written = sorted(str(p.relative_to(tmp_path / "backup")) for p in (tmp_path / "backup").rglob("*") if p.is_file())
    assert written == ["media/greeting.wav", "telconf.schema.json", "telconf.yaml"]
    assert (f"wrote 3 files under {tmp_path}/backup: telconf.yaml, telconf.schema.json, media/greeting.wav."
            in result.stderr), result.stderr


def test_out_as_a_directory(site: Site, tmp_path: Path) -> None:
    result = site.cli("export", "-c", str(site.source), "--account", "spb-office", "-o", f"{tmp_path}/backup/")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "backup" / "telconf.yaml").is_file()
    assert result.stdout == ""


def test_more_than_fifty_a_numbers_go_to_a_block_file(site: Site, tmp_path: Path) -> None:
    for i in range(50):
        site.beeline.add_blacklist(LOGIN, 1, B1, f"790000000{i:02d}")
    for i in range(51):
        site.beeline.add_blacklist(LOGIN, 2, B2, f"790000000{i:02d}")
    out = tmp_path / "telconf.yaml"
    site.export(out, ["msk-callcenter"])
    lists = yaml.safe_load(out.read_text())["accounts"]["msk-callcenter"]["blacklists"]["lists"]
    assert re.search(r"^ +\"0\": \[\]$", out.read_text(), re.M)  # text keys: YAML 1.1 and 1.2 read them alike
    assert len(lists["1"][0]["block"]) == 50 and "block_file" not in lists["1"][0]
    assert lists["2"] == [{"numbers": ["+7 495 000-00-02"], "block_file": "blacklists/2-74950000002.txt"}]
    block = (tmp_path / "blacklists" / "2-74950000002.txt").read_text().splitlines()
    assert len(block) == 51 and block[0] == "+7 900 000-00-00"
    assert lists["0"] == []  # an empty list is named: the restore empties it too


def test_literal_credentials_never_reach_the_output(site: Site, tmp_path: Path) -> None:
    source = tmp_path / "literal.yaml"
    source.write_text(f"""\
version: 1
accounts:
  spb-office:
    provider: teleum
    url: {site.emulators.teleum_url}
    safety: {{max_delete_percent: 40}}
    credentials: {{email: {EMAIL}, password: {TELEUM_PASSWORD}}}
""")
    site.teleum.add_sip(EMAIL)
    out = tmp_path / "out" / "telconf.yaml"
    result = site.cli("export", "-c", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert TELEUM_PASSWORD not in text and TELEUM_PASSWORD not in result.output
    account = yaml.safe_load(text)["accounts"]["spb-office"]
    assert account["credentials"] == {"email": "${SPB_OFFICE_EMAIL}", "password": "${SPB_OFFICE_PASSWORD}"}
    assert account["url"] == site.emulators.teleum_url  # not a secret: kept as written
    assert account["safety"] == {"max_delete_percent": 40}
    assert "Set these before applying: SPB_OFFICE_EMAIL, SPB_OFFICE_PASSWORD, SIP_101_PASSWORD" in result.stderr


def test_the_source_files_desired_state_is_ignored_and_its_placeholders_kept(site: Site, tmp_path: Path) -> None:
    site.teleum.add_sip(EMAIL, descr="live")
    site.teleum.add_sip(EMAIL, descr="live too")
    site.teleum.add_forward(EMAIL, T2, rtype="Телефон", rnum="79210000000")
    source = tmp_path / "desired.yaml"
    source.write_text("""\
version: 1
accounts:
  spb-office:
    provider: teleum
    url: ${TELCONF_VAR_TELEUM_URL}
    credentials: {email: "${TELEUM_EMAIL}", password: "${TELEUM_PASSWORD}"}
    sip_lines:
      "101": {description: desired, password: "${RECEPTION_SIP_PASSWORD}"}
    numbers:
      "+7 812 323-23-23":
        forwards: [{to: "sip:101"}]
""", encoding="utf-8")
    config = load(source, ["spb-office"], environ=site.env)
    with Conductor(config, environ=site.env) as conductor:
        exported = conductor.export(out=tmp_path / "out.yaml")
    account = yaml.safe_load(exported.text)["accounts"]["spb-office"]
    assert account["sip_lines"] == {
        "101": {"description": "live", "password": "${RECEPTION_SIP_PASSWORD}"},
        "102": {"description": "live too", "password": "${SIP_102_PASSWORD}"},
    }
    assert account["numbers"] == {"+7 812 323-23-23": {"forwards": []},
                                  "+7 812 323-23-24": {"forwards": [{"to": "tel:+7 921 000-00-00"}]},
                                  "+7 812 323-23-25": {"forwards": []}}
    assert exported.variables == ("TELCONF_VAR_TELEUM_URL", "TELEUM_EMAIL", "TELEUM_PASSWORD", "RECEPTION_SIP_PASSWORD",
                                  "SIP_102_PASSWORD")


def test_several_accounts_keep_their_files_and_secrets_apart(site: Site, tmp_path: Path) -> None:
    site.teleum.add_account("kzn@example.com", "kzn-password", ["78435000001"])
    site.teleum.add_sip(EMAIL)
    site.teleum.add_sip("kzn@example.com")
    site.beeline.add_voice_file(LOGIN, "greeting.wav", make_wav())
    site.source.write_text(site.source.read_text() + """\
  kzn-office:
    provider: teleum
    url: ${TELCONF_VAR_TELEUM_URL}
    credentials: {email: "${KZN_EMAIL}", password: "${KZN_PASSWORD}"}
""")
    site.env.update(KZN_EMAIL="kzn@example.com", KZN_PASSWORD="kzn-password")
    out = tmp_path / "backup" / "telconf.yaml"
    result = site.export(out)
    data = yaml.safe_load(out.read_text())
    assert list(data["accounts"]) == ["spb-office", "msk-callcenter", "kzn-office"]  # the config's order
    assert data["accounts"]["spb-office"]["sip_lines"]["101"]["password"] == "${SPB_OFFICE_SIP_101_PASSWORD}"
    assert data["accounts"]["kzn-office"]["sip_lines"]["101"]["password"] == "${KZN_OFFICE_SIP_101_PASSWORD}"
    assert data["accounts"]["msk-callcenter"]["voice_files"]["greeting.wav"]["path"] == \
        "msk-callcenter/media/greeting.wav"
    assert result.files == ("msk-callcenter/media/greeting.wav",)
    assert (tmp_path / "backup" / "msk-callcenter" / "media" / "greeting.wav").is_file()


def test_a_voice_file_still_processed_is_waited_for(site: Site, tmp_path: Path) -> None:
    site.beeline.pending_seconds = 0.2
    site.beeline.add_voice_file(LOGIN, "new.wav", make_wav(tone=6), pending=True)
    out = tmp_path / "telconf.yaml"
    result = site.export(out, ["msk-callcenter"])
    assert result.files == ("media/new.wav",)
    assert (tmp_path / "media" / "new.wav").read_bytes() == make_wav(tone=6)


def test_tls_files_stay_reachable_from_the_output(site: Site, tmp_path: Path) -> None:
    certs = site.source.parent / "certs"
    certs.mkdir()
    (certs / "client.pem").write_text("not used over http\n")
    (certs / "client.key").write_text("not used over http\n")
    site.source.write_text(site.source.read_text() + """\
      client_cert: certs/client.pem
      client_key: ${TELCONF_VAR_KEY_FILE}
""")
    site.env["TELCONF_VAR_KEY_FILE"] = str(certs / "client.key")
    out = tmp_path / "backup" / "telconf.yaml"
    site.export(out, ["msk-callcenter"])
    credentials = yaml.safe_load(out.read_text())["accounts"]["msk-callcenter"]["credentials"]
    assert credentials["client_cert"] == "../source/certs/client.pem"  # relative to the output now
    assert credentials["client_key"] == "${TELCONF_VAR_KEY_FILE}"


def test_the_header_names_the_secrets_a_provider_cannot_read_back_in_its_words(site: Site, tmp_path: Path) -> None:
    """The core names no provider's things: Teleum says its SIP line passwords cannot be read
    back; an export of a Beeline account alone has nothing of the kind to say."""
    both, beeline = tmp_path / "both.yaml", tmp_path / "beeline.yaml"
    site.export(both)
    site.export(beeline, ["msk-callcenter"])
    assert both.read_text(encoding="utf-8").splitlines()[2] == \
        "# Secrets are ${...} placeholders; SIP line passwords cannot be read back: set them before applying."
    assert beeline.read_text(encoding="utf-8").splitlines()[2] == \
        "# Secrets are ${...} placeholders: set them before applying."
