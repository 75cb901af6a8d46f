"""Variables that hold secrets must stay in secret fields.

A credential's ``${NAME}`` copied into a description or a comment would print the
password in every plan (and in the pull-request comment CI posts). So a variable used
by a credential field (``credentials.*`` but the TLS file paths, and the fields a
provider names secret, such as a SIP line's ``password``) is an error anywhere else in the file, at its line.

The config comes from a pull request, which may simply stop using a variable as a
credential and print it elsewhere: so a variable whose name says it holds a secret
(``*PASSWORD*``, ``*TOKEN*``, ``*SECRET*``, ``*KEY*``...), or that the operator lists in
``TELCONF_SECRET_VARS`` (comma-separated; the environment is trusted, the config is
not), is refused outside secret fields too, whatever the file uses it for.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from typing import Any

from telconf.config.source import Document, Path, matching, texts_holding
from telconf.errors import Diagnostic
from telconf.model import Secret

TLS_FIELDS = frozenset({"client_cert", "client_key", "ca_bundle"})  # paths, not secrets
SECRET_NAME = re.compile(r"PASS|PWD|_PW\Z|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE", re.IGNORECASE)


def looks_secret(name: str, environ: Mapping[str, str] | None = None) -> bool:
    """True for a variable that holds a secret by its name or by the operator's ``TELCONF_SECRET_VARS``."""
    listed = (os.environ if environ is None else environ).get("TELCONF_SECRET_VARS", "")
    return bool(SECRET_NAME.search(name)) or name in {n.strip() for n in listed.split(",") if n.strip()}


def credential_variables_elsewhere(doc: Document) -> Iterator[Diagnostic]:
    """An error for each secret-holding ``${NAME}`` found in a field that is not a secret."""
    secret_paths = {path for path, _ in _secret_fields(doc.data)}
    names = {name for _, value in _secret_fields(doc.data) for name in Secret(value).variables}
    for path, value in texts_holding(doc.data, "${", doc.shared):
        tls_path = len(path) >= 2 and path[-2] == "credentials" and path[-1] in TLS_FIELDS  # ``${KEY_FILE}``
        if isinstance(value, str) and "${" in value and path not in secret_paths and not tls_path:
            used = [name for name in Secret(value).variables if name in names or looks_secret(name)]
            if used:
                yield doc.diagnostic(path, f"${{{used[0]}}} holds a credential and may appear only in credential "
                                           "and password fields: here its value would be printed in plans")


def _secret_fields(data: Any) -> Iterator[tuple[Path, str]]:
    accounts = data.get("accounts") if isinstance(data, dict) else None
    if not isinstance(accounts, dict):
        return
    for name, account in accounts.items():
        if not isinstance(account, dict):
            continue
        credentials = account.get("credentials")
        if isinstance(credentials, dict):
            for key, value in credentials.items():
                if isinstance(value, str) and key not in TLS_FIELDS:
                    yield ("accounts", name, "credentials", key), value
        for pattern in _provider_fields(account.get("provider")):
            yield from ((path, value) for path, value in matching(account, pattern, ("accounts", name))
                        if isinstance(value, str))


def _provider_fields(provider: Any) -> tuple[tuple[str, ...], ...]:
    """Paths (inside an account) of the provider's secret fields besides ``credentials``."""
    from telconf import registry

    if not isinstance(provider, str) or provider not in registry.names():
        return ()
    return registry.get(provider).secret_fields
