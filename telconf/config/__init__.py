"""The config language: YAML with positions, JSON Schema, semantic checks, the model.

    load(path, accounts=None)  -> telconf.core.model.Config, or raises ConfigError (every diagnostic)
    validate(path)             -> list[Diagnostic] (errors and warnings); no network, no secrets
    schema_path()              -> Path of telconf.schema.json

Planners consume what ``load`` returns and never see raw YAML.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from telconf.config.loader import check
from telconf.config.schema import schema_path
from telconf.core.errors import ConfigError, Diagnostic
from telconf.guard import redact
from telconf.core.model import Config, Secret

__all__ = ["load", "validate", "schema_path", "errors_of", "warnings_of"]


def validate(path: str | Path) -> list[Diagnostic]:
    """Every error and warning of the file, in file order. Reads no environment variable."""
    diagnostics, _, _ = check(Path(path))
    return diagnostics


def load(path: str | Path, accounts: Iterable[str] | None = None,
         environ: Mapping[str, str] | None = None, *, connecting: bool = True) -> Config:
    """The validated desired state of the accounts named in ``accounts`` (all when None or empty).

    The whole file is checked; any error raises ``ConfigError`` with every diagnostic.
    ``${NAME}`` in ordinary values of the selected accounts is substituted from
    ``environ`` (default ``os.environ``); credentials and SIP passwords stay ``Secret``.
    Other accounts are checked without touching any variable. ``connecting``: the config is
    loaded for a command that will send its credentials, so a host the operator does not
    trust is an error in every account (a warning otherwise, as in ``validate``).
    """
    path = Path(path)
    names = tuple(accounts or ())
    diagnostics, built, _ = check(path, names, environ, build=True, connecting=connecting)
    if errors_of(diagnostics):
        raise ConfigError(diagnostics)
    order = [name for name in built if not names or name in names]
    for name in order:
        register_secrets(built[name], os.environ if environ is None else environ)
    return Config(path=path, accounts={name: built[name] for name in order},
                  warnings=tuple(warnings_of(diagnostics)))


def errors_of(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics that are errors."""
    return [d for d in diagnostics if d.severity == "error"]


def warnings_of(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics that are warnings."""
    return [d for d in diagnostics if d.severity == "warning"]


def register_secrets(account: Any, environ: Mapping[str, str]) -> None:
    """Tell the redaction layer every secret of ``account``: each password's value and its variables'.

    Logins (an e-mail, a username) are not masked: they are identifiers that also appear
    in an account's own data (a voicemail address), and masking them would corrupt plans
    and exports. Passwords, tokens and Basic headers are.
    """
    places = account.secret_values()
    # A snapshot plan's environment answers unset variables with a placeholder: no secret.
    placeholder = getattr(environ, "is_placeholder", lambda name: False)
    for secret in _secrets_in(places):
        real = [name for name in secret.variables if name in environ and not placeholder(name)]
        values = [environ[name] for name in real]
        if len(real) == len(secret.variables):
            values.append(secret.reveal(environ))
        redact.register(*values)


def _secrets_in(value: Any) -> Iterable[Secret]:
    if isinstance(value, Secret):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _secrets_in(getattr(value, field.name))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _secrets_in(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _secrets_in(item)
