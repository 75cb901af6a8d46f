"""``telconf routes --live``: the live state read through the provider, the config on top."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from telconf.cli import main
from telconf.emulator import Emulators

LOGIN, PASSWORD = "cc-login", "s3cret-Pa55word"
B1, B2 = "74950000001", "74950000002"
CONFIG = """\
version: 1
accounts:
  hotline:
    provider: beeline
    url: ${TELCONF_VAR_BEELINE_URL}
    credentials: {username: "${BEELINE_LOGIN}", password: "${BEELINE_PASSWORD}"}
    numbers:
      "+7 495 000-00-01": {redirect: {to: "+7 916 000-00-09"}}
"""


def test_live_state_with_the_config_on_top(emulators: Emulators, tmp_path: Path) -> None:
    emulators.beeline.add_account(LOGIN, PASSWORD, numbers=[B1, B2])
    emulators.beeline.add_voice_file(LOGIN, "hi.wav", b"RIFF-not-checked-here")
    emulators.beeline.set_premedia(LOGIN, B1, file_a="hi.wav")  # live, not in the config: kept
    emulators.beeline.set_redirect(LOGIN, B1, "79160000001")    # live, the config replaces it
    emulators.beeline.set_redirect(LOGIN, B2, "79160000002")    # a number the config does not list
    emulators.beeline.add_blacklist(LOGIN, 0, B1, "79000000001")
    emulators.beeline.set_active_list(LOGIN, 0)
    config = tmp_path / "telconf.yaml"
    config.write_text(CONFIG)
    env = {"TELCONF_VAR_BEELINE_URL": emulators.beeline_url, "BEELINE_LOGIN": LOGIN, "BEELINE_PASSWORD": PASSWORD}
    result = CliRunner().invoke(main, ["routes", "-c", str(config), "--live", B1, B2], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "hotline  +7 495 000-00-01\n"
        "  mon-sun  blocks 1 caller (black list 0) → plays hi.wav to caller → tel:+7 916 000-00-09\n\n"
        "hotline  +7 495 000-00-02\n"
        "  mon-sun  tel:+7 916 000-00-02\n")
    writes = [e for e in emulators.beeline.call_log if e["method"] not in
              ("RLIST", "MLIST", "LRECORD", "LBLIST", "ABLIST", "LVFILES")]
    assert writes == []  # routes only reads
    offline = CliRunner().invoke(main, ["routes", "-c", str(config), B2], env={"TELCONF_VAR_BEELINE_URL": None})
    assert offline.exit_code == 0 and "unknown (not managed)" in offline.stdout
