"""TLS: certificates are verified by default; ``ca_bundle`` and client certificates work.

Both emulators are served over HTTPS with a certificate from a private CA made by
``trustme``; the server also asks for a client certificate signed by that CA, as a
Beeline deployment may.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
from click.testing import CliRunner

from telconf.cli import main
from telconf.config import load
from telconf.emulator import Emulators
from telconf.errors import ProviderError, TransientError
from telconf.plan.planner import close_all, make_plan
from telconf.providers import provider_for
from telconf.providers.http import Transport

from .scenarios import write_config

LOGIN, PASSWORD = "tls-client", "tls-password-1"
NUMBER = "74950000001"
EMAIL, TELEUM_PASSWORD = "tls@example.com", "tls-teleum-pw"


@dataclass
class Pki:
    """A private CA and the files a client needs: the CA bundle, a client cert and key."""

    ca: trustme.CA
    ca_bundle: Path
    client_cert: Path
    client_key: Path


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


@pytest.fixture(scope="module")
def https_servers(pki: Pki) -> Iterator[Emulators]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    pki.ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    pki.ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED  # a client certificate is required
    with Emulators.start(ssl_context=context) as servers:
        yield servers


@pytest.fixture
def https(https_servers: Emulators) -> Emulators:
    https_servers.reset()
    https_servers.beeline.add_account(LOGIN, PASSWORD, [NUMBER])
    https_servers.beeline.set_redirect(LOGIN, NUMBER, "79160000000")
    https_servers.teleum.add_account(EMAIL, TELEUM_PASSWORD, ["78123232323"])
    return https_servers


def beeline_config(tmp_path: Path, url: str, **credentials: Any) -> Path:
    account = {"provider": "beeline", "url": url,
               "credentials": {"username": LOGIN, "password": "${BEELINE_PASSWORD}",
                               **{k: str(v) for k, v in credentials.items()}},
               "numbers": {f"+{NUMBER}": {"redirect": {"to": "+7 916 000-00-01"}}}}
    return write_config(tmp_path / "tls.yaml", {"version": 1, "accounts": {"cc": account}})


ENV = {"BEELINE_PASSWORD": PASSWORD, "TELEUM_PASSWORD": TELEUM_PASSWORD}


def test_verification_is_on_by_default() -> None:
    transport = Transport("beeline")
    assert transport.session.verify is True
    assert transport.session.trust_env is False  # no REQUESTS_CA_BUNDLE / proxy from the environment


def test_ca_bundle_and_client_certificate_reach_the_transport(tmp_path: Path, pki: Pki) -> None:
    path = beeline_config(tmp_path, "https://cloudcc.example.com/api", ca_bundle=pki.ca_bundle,
                          client_cert=pki.client_cert, client_key=pki.client_key)
    provider = provider_for(load(path, environ=ENV).accounts["cc"], environ=ENV)
    try:
        session = provider.client.transport.session  # type: ignore[attr-defined]
        assert session.verify == str(pki.ca_bundle)
        assert session.cert == (str(pki.client_cert), str(pki.client_key))
    finally:
        provider.close()


def test_plan_and_apply_over_https_with_a_private_ca_and_a_client_certificate(
        tmp_path: Path, pki: Pki, https: Emulators) -> None:
    path = beeline_config(tmp_path, https.beeline_url, ca_bundle=pki.ca_bundle,
                          client_cert=pki.client_cert, client_key=pki.client_key)
    result = CliRunner().invoke(main, ["apply", "--yes", "-c", str(path)], env=ENV)
    assert result.exit_code == 0, result.output + result.stderr
    assert https.beeline.account_state(LOGIN)["redirects"][NUMBER]["RNumber"] == "79160000001"
    plan, providers = make_plan(load(path, environ=ENV), environ=ENV)
    close_all(providers)
    assert not plan.has_changes


@pytest.mark.parametrize("credentials", [
    pytest.param({}, id="no ca_bundle"),
    pytest.param({"client_cert": "client_cert", "client_key": "client_key"}, id="client cert, no ca_bundle"),
])
def test_an_unknown_ca_is_refused_with_a_clear_error_and_no_retries(
        tmp_path: Path, pki: Pki, https: Emulators, credentials: dict[str, str]) -> None:
    path = beeline_config(tmp_path, https.beeline_url, **{k: getattr(pki, v) for k, v in credentials.items()})
    with pytest.raises(ProviderError) as caught:
        make_plan(load(path, environ=ENV), environ=ENV)
    assert not isinstance(caught.value, TransientError)  # a certificate does not get better by retrying
    message = str(caught.value)
    assert "certificate verify failed" in message and "ca_bundle" in message
    assert https.beeline.call_log == []  # nothing reached the server


def test_cli_reports_a_certificate_failure_and_exits_1(tmp_path: Path, https: Emulators) -> None:
    path = beeline_config(tmp_path, https.beeline_url)
    result = CliRunner().invoke(main, ["plan", "-c", str(path)], env=ENV)
    assert result.exit_code == 1
    assert "Error: beeline " in result.stderr and "certificate verify failed" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_client_certificate_is_a_clear_error(tmp_path: Path, pki: Pki, https: Emulators) -> None:
    path = beeline_config(tmp_path, https.beeline_url, ca_bundle=pki.ca_bundle)
    with pytest.raises(ProviderError) as caught:
        make_plan(load(path, environ=ENV), environ=ENV)
    assert not isinstance(caught.value, TransientError)
    assert "TLS" in str(caught.value) and "client certificate" in str(caught.value)
    assert https.beeline.call_log == []


def test_teleum_verifies_certificates_too(tmp_path: Path, https: Emulators) -> None:
    account = {"provider": "teleum", "url": https.teleum_url,
               "credentials": {"email": EMAIL, "password": "${TELEUM_PASSWORD}"},
               "numbers": {"+78123232323": {"forwards": []}}}
    path = write_config(tmp_path / "teleum.yaml", {"version": 1, "accounts": {"office": account}})
    with pytest.raises(ProviderError) as caught:
        make_plan(load(path, environ=ENV), environ=ENV)
    assert "certificate verify failed" in str(caught.value)
    assert https.teleum.call_log == []
