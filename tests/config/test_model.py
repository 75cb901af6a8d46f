"""``load()`` builds the desired state in the model's types, as planners expect it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from telconf.config import load, validate
from telconf.core.errors import ConfigError
from telconf.core.model import UNMANAGED, Safety, Secret
from telconf.providers.teleum.model import ALWAYS, Forward, Interval, Target, TargetKind, TeleumAccount
from telconf.providers.beeline.model import NO_PREMEDIA, BeelineAccount, BlacklistEntry, Premedia, Redirect
from telconf.core.wav import make_wav

ENV = {"E": "ops@example.com", "P": "hunter2-secret", "U": "login", "TELCONF_VAR_URL": "https://127.0.0.2/api/v3/"}


def write(tmp_path: Path, text: str, name: str = "telconf.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


TELEUM = """\
    version: 1
    accounts:
      office:
        provider: teleum
        credentials: {email: "${E}", password: "${P}"}
        sip_lines:
          "101": {description: Reception, caller_id: "8 812 323-23-23", password: "${SIP}"}
          "102": {}
        numbers:
          "+7 (812) 323-23-23":
            forwards:
              - to: sip:101
                schedule: [{days: mon-fri, from: "09:00", to: "18:00"}]
              - to: tel:8 921 000-00-00
                timeout: 30
                caller_id: "+7 812 323-23-23"
                record: true
                music_on_hold: true
                vpbx: true
              - to: voicemail:office@example.com
                schedule: [{days: mon-sun, from: "00:00", to: "23:59"}]
              - to: sip:102
                isolated: true
                schedule: [{days: sat}, {days: sun, from: "10:00"}]
          "+7 812 323-23-24":
            forwards: []
          "+7 812 323-23-25": {}
          "+7 812 323-23-26":
"""


def teleum(tmp_path: Path) -> TeleumAccount:
    account = load(write(tmp_path, TELEUM), environ=ENV).accounts["office"]
    assert isinstance(account, TeleumAccount)
    return account


def test_teleum_forwards(tmp_path: Path) -> None:
    account = teleum(tmp_path)
    assert account.url == "https://bill.tech.teleum.com/api/v3/"  # the default
    forwards = account.numbers["78123232323"].forwards
    assert forwards == (
        Forward(Target(TargetKind.SIP, "101"), schedule=(Interval(1, 5, 540, 1080),)),
        Forward(Target(TargetKind.TEL, "79210000000"), timeout=30, caller_id="78123232323",
                record=True, music_on_hold=True, vpbx=True),
        Forward(Target(TargetKind.VOICEMAIL, "office@example.com"), schedule=ALWAYS),
        Forward(Target(TargetKind.SIP, "102"), isolated=True,
                schedule=(Interval(6, 6, 0, 1439), Interval(7, 7, 600, 1439))),
    )


def test_teleum_scope(tmp_path: Path) -> None:
    numbers = teleum(tmp_path).numbers
    assert list(numbers) == ["78123232323", "78123232324", "78123232325", "78123232326"]
    assert numbers["78123232324"].forwards == ()
    assert numbers["78123232325"].forwards is UNMANAGED
    assert numbers["78123232326"].forwards is UNMANAGED


def test_sip_lines(tmp_path: Path) -> None:
    lines = teleum(tmp_path).sip_lines
    assert isinstance(lines, dict) and list(lines) == ["101", "102"]
    assert lines["101"].description == "Reception"
    assert lines["101"].caller_id == "78123232323"
    assert lines["101"].password == Secret("${SIP}")
    assert lines["101"].password.where.endswith("telconf.yaml:7:79")
    assert lines["102"].caller_id is None and lines["102"].password is None
    # The line's password variable is not set, yet nothing asked for it.
    with pytest.raises(ConfigError, match="SIP is not set"):
        lines["101"].password.reveal(ENV)


def test_sip_lines_absent_are_unmanaged(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        version: 1
        accounts:
          office:
            provider: teleum
            credentials: {email: a@example.com, password: "${P}"}
            numbers:
              "+7 812 323-23-23": {forwards: [{to: sip:555}]}
        """)
    account = load(path, environ={}).accounts["office"]
    assert account.sip_lines is UNMANAGED
    assert account.numbers["78123232323"].forwards[0].target == Target(TargetKind.SIP, "555")


def test_credentials_are_secrets_never_shown(tmp_path: Path) -> None:
    account = teleum(tmp_path)
    assert account.credentials.password.reveal(ENV) == "hunter2-secret"
    assert "hunter2" not in repr(account) and "hunter2" not in str(account.credentials.password)
    assert account.credentials.email.reveal(ENV) == "ops@example.com"



def test_a_password_written_in_the_file_is_warned_about_as_a_password_and_the_login_not_at_all(
        tmp_path: Path) -> None:
    """The provider declares its fields: Teleum's ``email`` is no secret, its ``password`` is one."""
    path = write(tmp_path, """\
        version: 1
        accounts:
          office:
            provider: teleum
            credentials: {email: ops@example.com, password: hunter2-secret}
        """)
    warnings = load(path, environ={}).warnings
    assert [(w.line, w.column, w.code, w.message) for w in warnings] == [
        (5, 53, "password-in-file", "a password written in the file; take it from the environment: ${NAME}")]
    account = load(path, environ={}).accounts["office"]
    assert [s.reveal({}) for s in account.secret_values()] == ["hunter2-secret"]


BEELINE = """\
    version: 1
    accounts:
      cc:
        provider: beeline
        url: "${TELCONF_VAR_URL}"
        credentials: {username: "${U}", password: "${P}", client_cert: tls/c.pem, ca_bundle: tls/ca.pem}
        safety: {max_delete_percent: 60}
        voice_files:
          hello.wav: {path: media/hello.wav, comment: Hello}
        record_all: false
        numbers:
          "+7 495 000-00-01":
            redirect: {to: "8 916 000-00-00", caller_id: "+7 495 000-00-01"}
            premedia: {a: hello.wav}
            record: true
          "+7 495 000-00-02":
            redirect: null
            premedia: null
          "+7 495 000-00-03":
            redirect: {to: "+7 916 000-00-01"}
        blacklists:
          active: 1
          lists:
            0:
              - numbers: ["+7 495 000-00-01"]
                block: ["+7 900 000-00-00", "89000000001"]
              - numbers: all
                block_file: spam.txt
            2: []
"""


@pytest.fixture
def beeline_dir(tmp_path: Path) -> Path:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "hello.wav").write_bytes(make_wav())
    (tmp_path / "tls").mkdir()
    (tmp_path / "tls" / "c.pem").write_text("cert")
    (tmp_path / "tls" / "ca.pem").write_text("ca")
    (tmp_path / "spam.txt").write_text("# spam\n+7 900 000-00-05  # robot\n\n8 900 000-00-06\n")
    write(tmp_path, BEELINE)
    return tmp_path


def test_beeline_account(beeline_dir: Path) -> None:
    account = load(beeline_dir / "telconf.yaml", environ=ENV).accounts["cc"]
    assert isinstance(account, BeelineAccount)
    assert account.url == "https://127.0.0.2/api/v3/"
    assert account.safety == Safety(60)
    assert account.credentials.client_cert == beeline_dir.resolve() / "tls" / "c.pem"
    assert account.credentials.client_key is None
    assert account.credentials.ca_bundle == beeline_dir.resolve() / "tls" / "ca.pem"
    assert account.record_all is False
    files = account.voice_files
    assert isinstance(files, dict) and files["hello.wav"].path == beeline_dir.resolve() / "media" / "hello.wav"
    assert files["hello.wav"].comment == "Hello"
    one, two, three = (account.numbers[f"7495000000{i}"] for i in (1, 2, 3))
    assert one.redirect == Redirect("79160000000", "74950000001")
    assert one.premedia == Premedia(a="hello.wav", b=None) and one.record is True
    assert two.redirect is None and two.premedia == NO_PREMEDIA and two.record is UNMANAGED
    assert three.redirect == Redirect("79160000001") and three.premedia is UNMANAGED


def test_blacklists(beeline_dir: Path) -> None:
    blacklists = load(beeline_dir / "telconf.yaml", environ=ENV).accounts["cc"].blacklists
    assert blacklists.active == 1
    assert set(blacklists.lists) == {0, 2}
    assert blacklists.lists[2] == frozenset()
    own = ["74950000001", "74950000002", "74950000003"]
    expected = {BlacklistEntry(0, "74950000001", a) for a in ("79000000000", "79000000001")}
    expected |= {BlacklistEntry(0, b, a) for b in own for a in ("79000000005", "79000000006")}
    assert blacklists.lists[0] == frozenset(expected)


def test_blacklists_absent(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        version: 1
        accounts:
          cc: {provider: beeline, credentials: {username: u, password: p4ssw0rd}}
        """)
    account = load(path, environ={}).accounts["cc"]
    assert account.blacklists.active is UNMANAGED and account.blacklists.lists == {}
    assert account.voice_files is UNMANAGED and account.record_all is UNMANAGED
    assert account.url == "https://cloudcc.beeline.ru/api"


def test_unset_variable_in_url_is_an_error_at_load_only(beeline_dir: Path) -> None:
    path = beeline_dir / "telconf.yaml"
    assert validate(path) == []  # validate needs no variable
    with pytest.raises(ConfigError) as caught:
        load(path, environ={"U": "x", "P": "y"})
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.line == 5 and diagnostic.column == 10
    assert "URL is not set" in diagnostic.message


def test_accounts_selects_what_is_built(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        version: 1
        accounts:
          a: {provider: teleum, url: "${TELCONF_VAR_A_URL}", credentials: {email: x@example.com, password: "${A}"}}
          b: {provider: teleum, url: "${TELCONF_VAR_B_URL}", credentials: {email: x@example.com, password: "${B}"}}
        """)
    config = load(path, accounts=["b"], environ={"TELCONF_VAR_B_URL": "https://127.0.0.2/"})
    assert list(config.accounts) == ["b"] and config.accounts["b"].url == "https://127.0.0.2/"
    with pytest.raises(ConfigError, match="no account 'c' in this file"):
        load(path, accounts=["c"], environ={})
    with pytest.raises(ConfigError, match="A_URL is not set"):
        load(path, environ={"TELCONF_VAR_B_URL": "https://127.0.0.2/"})


def test_variables_in_values_are_checked_once_known(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        version: 1
        accounts:
          cc:
            provider: beeline
            credentials: {username: u, password: "${P}"}
            numbers:
              "+7 495 000-00-01": {redirect: {to: "${TELCONF_VAR_BOSS}"}}
        """)
    assert validate(path) == []
    assert load(path, environ={"TELCONF_VAR_BOSS": "8 916 000-00-00"}).accounts["cc"].numbers["74950000001"].redirect \
        == Redirect("79160000000")
    with pytest.raises(ConfigError, match="'oops' is not a valid phone number"):
        load(path, environ={"TELCONF_VAR_BOSS": "oops"})


def test_missing_tls_file_warns_in_validate_and_fails_load(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        version: 1
        accounts:
          cc: {provider: beeline, credentials: {username: u, password: "${P}", client_cert: c.pem}}
        """)
    (warning,) = validate(path)
    assert warning.severity == "warning" and "c.pem not found" in warning.message
    with pytest.raises(ConfigError, match="c.pem not found"):
        load(path, environ={})


def test_merge_keys_and_anchors(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        version: 1
        accounts:
          office:
            provider: teleum
            credentials: {email: a@example.com, password: "${P}"}
            numbers:
              "+7 812 323-23-23":
                forwards: &usual
                  - {to: tel:+7 921 000-00-00, timeout: 25}
              "+7 812 323-23-24":
                forwards: *usual
        """)
    numbers = load(path, environ={}).accounts["office"].numbers
    assert numbers["78123232323"].forwards == numbers["78123232324"].forwards
    assert numbers["78123232324"].forwards[0].timeout == 25


def test_unquoted_decimal_numbers_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        version: 1
        accounts:
          cc:
            provider: beeline
            credentials: {username: u, password: "${P}"}
            numbers:
              74950000001: {redirect: {to: 89160000000}}
        """)
    assert load(path, environ={}).accounts["cc"].numbers["74950000001"].redirect == Redirect("79160000000")


def test_warnings_are_kept_on_the_config(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        version: 1
        accounts:
          office:
            provider: teleum
            credentials: {email: a@example.com, password: "${P}"}
            numbers:
              "+7 812 323-23-23": {forwards: [{to: tel:+7 812 323-23-24}]}
              "+7 812 323-23-24": {forwards: [{to: "tel:+7 812 323-23-23"}]}
        """)
    config = load(path, environ={})
    (warning,) = config.warnings
    assert warning.line == 7 and "forward loop" in warning.message
    assert "tel:78123232323 -> tel:78123232324 -> tel:78123232323" in warning.message
