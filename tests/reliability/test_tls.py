"""TLS: certificates are verified by default; ``ca_bundle`` and client certificates work.

Both emulators are served over HTTPS with a certificate from a private CA made by
``trustme``; one pair of servers also asks for a client certificate signed by that CA,
as a Beeline or Teleum deployment may. Every behaviour is checked for both providers.
"""

from __future__ import annotations

import shutil
import ssl
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml
from click.testing import CliRunner

from telconf.cli import main
from telconf.config import load, validate
from telconf.emulator import Emulators
from telconf.core.errors import ConfigError, ProviderError, TransientError
from telconf.engine.conductor import Conductor
from telconf.plan.data import Plan
from telconf.providers.http import Transport, tls_options

from .scenarios import write_config

LOGIN, PASSWORD = "tls-client", "tls-password-1"
NUMBER = "74950000001"
EMAIL, TELEUM_PASSWORD = "tls@example.com", "tls-teleum-pw"
TELEUM_NUMBER = "78123232323"
PROVIDERS = ["beeline", "teleum"]
ENV = {"BEELINE_PASSWORD": PASSWORD, "TELEUM_PASSWORD": TELEUM_PASSWORD}


@dataclass
class Pki:
    """A private CA and the files a client needs: the CA bundle, a client cert and key."""

    ca: trustme.CA
    ca_bundle: Path
    client_cert: Path
    client_key: Path


@pytest.fixture(autouse=True)
def trusted_example_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """The example host of these configs is one the operator trusts (issue 14: allow-list)."""
    monkeypatch.setenv("TELCONF_ALLOWED_HOSTS", "bill.example.com")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    ca = trustme.CA()
    folder = tmp_path_factory.mktemp("pki")
    client = ca.issue_cert("telconf-client@example.com")
    pki = Pki(ca, folder / "ca.pem", folder / "client.pem", folder / "client.key")
    ca.cert_pem.write_to_path(str(pki.ca_bundle))
    client.cert_chain_pems[0].write_to_path(str(pki.client_cert))
    client.private_key_pem.write_to_path(str(pki.client_key))
    return pki


def serve(pki: Pki, *, client_certificate: bool) -> Emulators:
    """Both emulators over HTTPS with a certificate of ``pki``; optionally requiring a client one."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    pki.ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    if client_certificate:
        pki.ca.configure_trust(context)
        context.verify_mode = ssl.CERT_REQUIRED
    return Emulators.start(ssl_context=context)


@pytest.fixture(scope="module")
def https_servers(pki: Pki) -> Iterator[Emulators]:
    with serve(pki, client_certificate=True) as servers:
        yield servers


@pytest.fixture(scope="module")
def https_open_servers(pki: Pki) -> Iterator[Emulators]:
    with serve(pki, client_certificate=False) as servers:
        yield servers


def seed(servers: Emulators) -> Emulators:
    servers.reset()
    servers.beeline.add_account(LOGIN, PASSWORD, [NUMBER])
    servers.beeline.set_redirect(LOGIN, NUMBER, "79160000000")
    servers.teleum.add_account(EMAIL, TELEUM_PASSWORD, [TELEUM_NUMBER])
    return servers


@pytest.fixture
def https(https_servers: Emulators) -> Emulators:
    """Servers that require a client certificate."""
    return seed(https_servers)


@pytest.fixture
def https_open(https_open_servers: Emulators) -> Emulators:
    """Servers that ask for no client certificate."""
    return seed(https_open_servers)


def account_data(provider: str, url: str, **tls: Any) -> dict[str, Any]:
    """An account of ``provider`` at ``url`` with one change to make, and TLS files ``tls``."""
    files = {key: str(value) for key, value in tls.items()}
    if provider == "beeline":
        return {"provider": "beeline", "url": url,
                "credentials": {"username": LOGIN, "password": "${BEELINE_PASSWORD}", **files},
                "numbers": {f"+{NUMBER}": {"redirect": {"to": "+7 916 000-00-01"}}}}
    return {"provider": "teleum", "url": url,
            "credentials": {"email": EMAIL, "password": "${TELEUM_PASSWORD}", **files},
            "numbers": {f"+{TELEUM_NUMBER}": {"forwards": [{"to": "tel:+7 921 000-00-01"}]}}}


def tls_config(tmp_path: Path, provider: str, url: str, **tls: Any) -> Path:
    """A config with one account, named like its provider."""
    return write_config(tmp_path / f"{provider}.yaml",
                        {"version": 1, "accounts": {provider: account_data(provider, url, **tls)}})


def url_of(servers: Emulators, provider: str) -> str:
    return servers.beeline_url if provider == "beeline" else servers.teleum_url


def calls_of(servers: Emulators, provider: str) -> list[Any]:
    return servers.beeline.call_log if provider == "beeline" else servers.teleum.call_log


def assert_applied(servers: Emulators, provider: str) -> None:
    if provider == "beeline":
        assert servers.beeline.account_state(LOGIN)["redirects"][NUMBER]["RNumber"] == "79160000001"
    else:
        assert [f["rnum"] for f in servers.teleum.forwards(EMAIL, TELEUM_NUMBER)] == ["79210000001"]


def test_verification_is_on_by_default() -> None:
    transport = Transport("beeline")
    assert transport.session.verify is True
    assert transport.session.trust_env is False  # no REQUESTS_CA_BUNDLE / proxy from the environment
    assert tls_options() == {"verify": True, "cert": None}
    assert tls_options("c.pem") == {"verify": True, "cert": "c.pem"}  # key inside the certificate file



def plan_of(path: Path, environ: dict[str, str]) -> Plan:
    with Conductor(load(path, environ=environ), environ=environ) as conductor:
        return conductor.plan()

@pytest.mark.parametrize("provider", PROVIDERS)
def test_ca_bundle_and_client_certificate_reach_the_transport(tmp_path: Path, pki: Pki, provider: str) -> None:
    path = tls_config(tmp_path, provider, "https://127.0.0.2/api", ca_bundle=pki.ca_bundle,
                      client_cert=pki.client_cert, client_key=pki.client_key)
    with Conductor(load(path, environ=ENV), environ=ENV) as conductor:
        session = conductor.provider(provider).client.transport.session  # type: ignore[attr-defined]
        assert session.verify == str(pki.ca_bundle)
        assert session.cert == (str(pki.client_cert), str(pki.client_key))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_plan_and_apply_over_https_with_a_private_ca_and_a_client_certificate(
        tmp_path: Path, pki: Pki, https: Emulators, provider: str) -> None:
    path = tls_config(tmp_path, provider, url_of(https, provider), ca_bundle=pki.ca_bundle,
                      client_cert=pki.client_cert, client_key=pki.client_key)
    result = CliRunner().invoke(main, ["apply", "--yes", "-c", str(path)], env=ENV)
    assert result.exit_code == 0, result.output + result.stderr
    assert_applied(https, provider)
    assert not plan_of(path, ENV).has_changes


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_ca_bundle_alone_works_when_no_client_certificate_is_asked(
        tmp_path: Path, pki: Pki, https_open: Emulators, provider: str) -> None:
    path = tls_config(tmp_path, provider, url_of(https_open, provider), ca_bundle=pki.ca_bundle)
    result = CliRunner().invoke(main, ["apply", "--yes", "-c", str(path)], env=ENV)
    assert result.exit_code == 0, result.output + result.stderr
    assert_applied(https_open, provider)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("credentials", [
    pytest.param({}, id="no ca_bundle"),
    pytest.param({"client_cert": "client_cert", "client_key": "client_key"}, id="client cert, no ca_bundle"),
])
def test_an_unknown_ca_is_refused_with_a_clear_error_and_no_retries(
        tmp_path: Path, pki: Pki, https: Emulators, credentials: dict[str, str], provider: str) -> None:
    path = tls_config(tmp_path, provider, url_of(https, provider),
                      **{k: getattr(pki, v) for k, v in credentials.items()})
    with pytest.raises(ProviderError) as caught:
        plan_of(path, ENV)
    assert not isinstance(caught.value, TransientError)  # a certificate does not get better by retrying
    message = str(caught.value)
    assert "certificate verify failed" in message and "ca_bundle" in message
    assert calls_of(https, provider) == []  # nothing reached the server


@pytest.mark.parametrize("provider", PROVIDERS)
def test_cli_reports_a_certificate_failure_and_exits_1(tmp_path: Path, https: Emulators, provider: str) -> None:
    path = tls_config(tmp_path, provider, url_of(https, provider))
    result = CliRunner().invoke(main, ["plan", "-c", str(path)], env=ENV)
    assert result.exit_code == 1
    assert f"Error: {provider} " in result.stderr and "certificate verify failed" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_missing_client_certificate_is_a_clear_error(
        tmp_path: Path, pki: Pki, https: Emulators, provider: str) -> None:
    path = tls_config(tmp_path, provider, url_of(https, provider), ca_bundle=pki.ca_bundle)
    with pytest.raises(ProviderError) as caught:
        plan_of(path, ENV)
    assert not isinstance(caught.value, TransientError)
    assert "TLS" in str(caught.value) and "client certificate" in str(caught.value)
    assert calls_of(https, provider) == []


# --- Teleum configuration and export -------------------------------------------------------


def teleum_yaml(folder: Path, credentials: str, url: str = "https://bill.example.com/api/v3/") -> Path:
    """A Teleum account ``office`` whose credentials end with ``credentials`` (from line 9)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "telconf.yaml"
    path.write_text(textwrap.dedent(f"""\
        version: 1
        accounts:
          office:
            provider: teleum
            url: {url}
            credentials:
              email: {EMAIL}
              password: "${{TELEUM_PASSWORD}}"
        """) + textwrap.indent(textwrap.dedent(credentials), " " * 6), encoding="utf-8")
    return path


def copy_pki(pki: Pki, folder: Path) -> None:
    folder.mkdir(parents=True)
    for file in (pki.ca_bundle, pki.client_cert, pki.client_key):
        shutil.copy(file, folder / file.name)


def test_teleum_tls_files_are_relative_to_the_config_file(tmp_path: Path, pki: Pki) -> None:
    copy_pki(pki, tmp_path / "site" / "certs")
    path = teleum_yaml(tmp_path / "site", """\
        client_cert: certs/client.pem
        client_key: certs/client.key
        ca_bundle: certs/ca.pem
        """)
    assert validate(path) == []
    credentials = load(path, environ=ENV).accounts["office"].credentials
    certs = (tmp_path / "site" / "certs").resolve()
    assert (credentials.client_cert, credentials.client_key, credentials.ca_bundle) \
        == (certs / "client.pem", certs / "client.key", certs / "ca.pem")


def test_a_missing_teleum_tls_file_warns_in_validate_and_fails_load_with_its_line(tmp_path: Path) -> None:
    path = teleum_yaml(tmp_path, """\
        ca_bundle: certs/corporate-ca.pem
        """)
    (warning,) = validate(path)
    assert (warning.severity, warning.line) == ("warning", 9)
    assert "certs/corporate-ca.pem not found" in warning.message
    with pytest.raises(ConfigError) as caught:
        load(path, environ=ENV)
    (error,) = caught.value.diagnostics
    assert (error.severity, error.line) == ("error", 9) and "certs/corporate-ca.pem not found" in error.message
    result = CliRunner().invoke(main, ["plan", "-c", str(path)], env=ENV)
    assert result.exit_code == 1
    assert "telconf.yaml:9:" in result.stderr and "corporate-ca.pem not found" in result.stderr


def test_a_teleum_client_key_needs_a_client_cert(tmp_path: Path, pki: Pki) -> None:
    path = teleum_yaml(tmp_path, f"""\
        client_key: {pki.client_key}
        """)
    (error,) = validate(path)
    assert (error.severity, error.line) == ("error", 9) and "client_key needs client_cert" in error.message
    result = CliRunner().invoke(main, ["validate", "-c", str(path)], env=ENV)
    assert result.exit_code == 1 and "client_key needs client_cert" in result.output + result.stderr


def test_teleum_export_keeps_the_tls_keys_and_the_backup_works(
        tmp_path: Path, pki: Pki, https: Emulators) -> None:
    copy_pki(pki, tmp_path / "source" / "certs")
    https.teleum.add_forward(EMAIL, TELEUM_NUMBER, rtype="Телефон", rnum="79210000009")
    source = teleum_yaml(tmp_path / "source", """\
        client_cert: certs/client.pem
        client_key: ${TELCONF_VAR_KEY_FILE}
        ca_bundle: certs/ca.pem
        """, url=https.teleum_url)
    env = {**ENV, "TELCONF_VAR_KEY_FILE": str(tmp_path / "source" / "certs" / "client.key")}
    out = tmp_path / "backup" / "telconf.yaml"
    result = CliRunner().invoke(main, ["export", "-c", str(source), "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output + result.stderr
    credentials = yaml.safe_load(out.read_text())["accounts"]["office"]["credentials"]
    assert credentials["client_cert"] == "../source/certs/client.pem"  # relative to the output now
    assert credentials["client_key"] == "${TELCONF_VAR_KEY_FILE}"
    assert credentials["ca_bundle"] == "../source/certs/ca.pem"
    env["OFFICE_EMAIL"] = EMAIL  # a literal credential is exported as a placeholder
    assert not plan_of(out, env).has_changes  # the backup connects as the source did
