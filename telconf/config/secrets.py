"""Variables that hold secrets must stay in secret fields.

A credential's ``${NAME}`` copied into a description or a comment would print the
password in every plan (and in the pull-request comment CI posts). So a variable used
by a credential field (``credentials.*`` but the TLS file paths, a SIP line
``password``) is an error anywhere else in the file, at its line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from telconf.config.source import Document, Path, walk
from telconf.errors import Diagnostic
from telconf.model import Secret

TLS_FIELDS = frozenset({"client_cert", "client_key", "ca_bundle"})  # paths, not secrets


def credential_variables_elsewhere(doc: Document) -> Iterator[Diagnostic]:
    """An error for each secret-holding ``${NAME}`` found in a field that is not a secret."""
    secret_paths = {path for path, _ in _secret_fields(doc.data)}
    names = {name for _, value in _secret_fields(doc.data) for name in Secret(value).variables}
    if not names:
        return
    for path, value in walk(doc.data):
        if isinstance(value, str) and "${" in value and path not in secret_paths:
            used = [name for name in Secret(value).variables if name in names]
            if used:
                line, column = doc.where(path)
                yield Diagnostic(doc.file, line, column,
                                 f"${{{used[0]}}} holds a credential and may appear only in credential and "
                                 "password fields: here its value would be printed in plans")


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
        lines = account.get("sip_lines")
        if isinstance(lines, dict):
            for number, line in lines.items():
                if isinstance(line, dict) and isinstance(line.get("password"), str):
                    yield ("accounts", name, "sip_lines", number, "password"), line["password"]
