"""A YAML config through the CLI (plan, apply, plan again), and export round trips."""

from __future__ import annotations

import base64
from pathlib import Path

import yaml
from click.testing import CliRunner

from telconf.cli import main
from telconf.config import load
from telconf.engine.conductor import Conductor
from telconf.core.model import Config
from telconf.core.wav import make_wav

from .conftest import LOGIN, NUMBERS, PASSWORD, BeelineBench

N1, N2, N3, N4 = NUMBERS

CONFIG = """\
version: 1
accounts:
  cc:
    provider: beeline
    url: ${TELCONF_VAR_BEELINE_URL}
    credentials:
      username: ${BEELINE_LOGIN}
      password: ${BEELINE_PASSWORD}
    voice_files:
      greeting.wav: {path: media/greeting.wav, comment: Main greeting}
    record_all: false
    numbers:
      "+7 495 000-00-01":
        redirect: {to: "+7 916 000-00-00", caller_id: "+7 495 000-00-01"}
        premedia: {a: greeting.wav}
        record: true
      "+7 495 000-00-02":
        redirect: null
    blacklists:
      active: 1
      lists:
        1:
          - numbers: all
            block: ["+7 900 000-00-00", "+7 900 000-00-01"]
"""


def _env(bench: BeelineBench) -> dict[str, str]:
    return {"TELCONF_VAR_BEELINE_URL": bench.emulators.beeline_url, "BEELINE_LOGIN": LOGIN, "BEELINE_PASSWORD": PASSWORD,
            "TELCONF_CACHE_DIR": str(bench.cache_dir)}


def _write_config(tmp_path: Path) -> Path:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "greeting.wav").write_bytes(make_wav(tone=5))
    path = tmp_path / "telconf.yaml"
    path.write_text(CONFIG)
    return path


def test_plan_apply_and_plan_again_through_the_cli(bench: BeelineBench, tmp_path: Path) -> None:
    bench.emu.set_redirect(LOGIN, N2, "79160000009")
    config = _write_config(tmp_path)
    runner = CliRunner()
    env = _env(bench)
    planned = runner.invoke(main, ["plan", "-c", str(config), "--detailed-exitcode"], env=env)
    assert planned.exit_code == 2, planned.output
    assert "incoming calls to +7 495 000-00-02 will be rejected" in planned.output
    applied = runner.invoke(main, ["apply", "-c", str(config), "--yes"], env=env)
    assert applied.exit_code == 0, applied.output
    again = runner.invoke(main, ["plan", "-c", str(config), "--detailed-exitcode"], env=env)
    assert again.exit_code == 0, again.output
    assert "No changes." in again.output
    state = bench.state()
    assert state["redirects"] == {N1: {"RNumber": "79160000000", "ANumber": N1}}
    assert state["blacklists"]["1"] == {N1: ["79000000000", "79000000001"], N2: ["79000000000", "79000000001"]}
    assert state["active_list"] == 1 and state["record"] == [N1]


def _export(bench: BeelineBench, config: Path, out_dir: Path) -> Path:
    """Export the account with the provider and write it as a config file in ``out_dir``."""
    account = load(config, environ=_env(bench)).accounts["cc"]
    with Conductor(Config(config, {"cc": account}), environ=_env(bench)) as conductor:
        provider = conductor.provider("cc")
        data = provider.export(provider.read(), out_dir)
    body = {"provider": "beeline", "url": "${TELCONF_VAR_BEELINE_URL}",
            "credentials": {"username": "${BEELINE_LOGIN}", "password": "${BEELINE_PASSWORD}"}, **data}
    path = out_dir / "exported.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "accounts": {"cc": body}}, sort_keys=False, allow_unicode=True))
    return path


def test_export_plans_no_changes_and_restores_an_empty_account(bench: BeelineBench, tmp_path: Path) -> None:
    emu = bench.emu
    emu.add_voice_file(LOGIN, "hello.wav", make_wav(tone=2), comment="Hello")
    emu.add_voice_file(LOGIN, "spare.wav", make_wav(tone=3))
    emu.set_premedia(LOGIN, N1, file_a="hello.wav")
    emu.set_redirect(LOGIN, N1, "79160000001", N1)
    emu.set_redirect(LOGIN, N3, "79160000003")
    emu.set_record(LOGIN, [N2])
    emu.set_active_list(LOGIN, 2)
    emu.blacklist_limit = 1000
    for n in range(60):  # more than 50: goes to a block file
        emu.add_blacklist(LOGIN, 0, N1, f"7900{n:07d}")
    emu.add_blacklist(LOGIN, 2, N3, "79000000100")
    emu.add_blacklist(LOGIN, 2, N4, "79000000100")
    config = _write_config(tmp_path)
    out = tmp_path / "export"
    out.mkdir()
    exported = _export(bench, config, out)
    text = exported.read_text()
    assert "+7 495 000-00-01" in text and PASSWORD not in text
    assert (out / "media" / "hello.wav").read_bytes() == make_wav(tone=2)
    assert len((out / f"blacklists/0-{N1}.txt").read_text().splitlines()) == 60
    data = yaml.safe_load(text)["accounts"]["cc"]
    assert data["blacklists"]["lists"][2] == [{"numbers": ["+7 495 000-00-03", "+7 495 000-00-04"],
                                              "block": ["+7 900 000-01-00"]}]
    # planning the export against its own account: no changes
    runner = CliRunner()
    planned = runner.invoke(main, ["plan", "-c", str(exported), "--detailed-exitcode"], env=_env(bench))
    assert planned.exit_code == 0, planned.output
    # exporting twice gives the same file
    again = tmp_path / "again"
    again.mkdir()
    assert _export(bench, config, again).read_text() == text
    # applying it to an empty account with the same numbers reproduces the configuration
    before = bench.state()
    emu.reset()
    emu.add_account(LOGIN, PASSWORD, NUMBERS)
    emu.blacklist_limit = 1000
    emu.pending_seconds = 0
    applied = runner.invoke(main, ["apply", "-c", str(exported), "--yes"], env=_env(bench))
    assert applied.exit_code == 0, applied.output
    after = bench.state()
    for key in ("redirects", "premedia", "record", "record_all", "active_list"):
        assert after[key] == before[key], key
    assert {n: {b: sorted(a) for b, a in lists.items()} for n, lists in after["blacklists"].items()} == \
        {n: {b: sorted(a) for b, a in lists.items()} for n, lists in before["blacklists"].items()}
    assert {name: (f["comment"], base64.b64decode(f["content_b64"])) for name, f in after["files"].items()} == \
        {name: (f["comment"], base64.b64decode(f["content_b64"])) for name, f in before["files"].items()}


def test_refused_credentials_exit_1_with_a_message_and_no_secret(bench: BeelineBench, tmp_path: Path) -> None:
    config = _write_config(tmp_path)
    env = {**_env(bench), "BEELINE_PASSWORD": "not-the-password-42"}
    result = CliRunner().invoke(main, ["plan", "-c", str(config)], env=env)
    assert result.exit_code == 1
    assert "Unknown UserName or Password [401.1]" in result.output
    assert "not-the-password-42" not in result.output and "Traceback" not in result.output


def test_a_number_that_is_not_the_clients_exits_1_naming_it(bench: BeelineBench, tmp_path: Path) -> None:
    config = _write_config(tmp_path)
    config.write_text(CONFIG.replace('"+7 495 000-00-02"', '"+7 495 111-22-33"'))
    result = CliRunner().invoke(main, ["plan", "-c", str(config)], env=_env(bench))
    assert result.exit_code == 1
    assert "number +7 495 111-22-33 is not a number of this Beeline account" in result.output
