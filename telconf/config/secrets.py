"""Which ``${NAME}`` a config may use where: the operator decides, in the environment.

The config comes from a pull request; the environment from the operator. So:

* **Credential fields** (``credentials.*`` but the TLS file paths, and the fields a
  provider names secret, such as a SIP line's ``password``) may use any variable: their
  values are never printed, only sent to the account's trusted host. But a variable
  used as one provider's credential may not be another provider's credential in the same
  file (``${TELEUM_PASSWORD}`` as a Beeline password would send the Teleum password to
  Beeline's host), unless the operator lists it in ``TELCONF_SHARED_CREDENTIAL_VARS``.
* **Every other field** (descriptions, forward targets, the ``url``, file paths...) is
  printed in plans, errors and the pull-request comment CI posts. There only variables
  the operator makes public are substituted: a name starting with ``TELCONF_VAR_``, or
  one matching an entry (a name or a shell pattern such as ``DEMO_*_URL``) of
  ``TELCONF_PUBLIC_VARS``. Any other ``${NAME}`` is an error at its line saying how to
  allow it. A variable used by a credential field, whose name says it holds a secret
  (``*PASSWORD*``, ``*TOKEN*``...), or that ``TELCONF_SECRET_VARS`` lists is refused
  there even when public.

Operator settings are comma-separated lists, read from the environment the config is
loaded with (the process's, or the one ``telconf demo`` makes); a snapshot plan's
placeholder environment answers them as unset.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from telconf.config.source import Document, Path, matching
from telconf.core.errors import Diagnostic
from telconf.core.model import Secret

TLS_FIELDS = frozenset({"client_cert", "client_key", "ca_bundle"})  # paths, not secrets
SECRET_NAME = re.compile(r"PASS|PWD|_PW\Z|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE", re.IGNORECASE)
PUBLIC_PREFIX = "TELCONF_VAR_"
PUBLIC_VARS = "TELCONF_PUBLIC_VARS"
SECRET_VARS = "TELCONF_SECRET_VARS"
SHARED_CREDENTIAL_VARS = "TELCONF_SHARED_CREDENTIAL_VARS"


def operator_list(setting: str, environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The entries of the comma-separated operator ``setting`` (none when unset or a placeholder)."""
    env = os.environ if environ is None else environ
    placeholder = getattr(env, "is_placeholder", None)
    if placeholder is not None and placeholder(setting):
        return ()
    return tuple(entry.strip() for entry in str(env.get(setting, "")).split(",") if entry.strip())


def looks_secret(name: str, environ: Mapping[str, str] | None = None) -> bool:
    """True for a variable that holds a secret by its name or by the operator's ``TELCONF_SECRET_VARS``."""
    return bool(SECRET_NAME.search(name)) or name in operator_list(SECRET_VARS, environ)


def is_public(name: str, environ: Mapping[str, str] | None = None, *, path_field: bool = False) -> bool:
    """True when the operator lets ``${name}`` be substituted outside credential fields.

    In a TLS file path (``path_field``) a name such as ``KEY_FILE`` is not taken for a secret.
    """
    if not path_field and looks_secret(name, environ):
        return False
    return name.startswith(PUBLIC_PREFIX) or any(fnmatch.fnmatchcase(name, pattern)
                                                 for pattern in operator_list(PUBLIC_VARS, environ))


def is_tls_path(path: Path) -> bool:
    """True for an account's ``credentials.client_cert`` (``client_key``, ``ca_bundle``): a file path."""
    return len(path) >= 2 and path[-2] == "credentials" and path[-1] in TLS_FIELDS


def variable_problems(doc: Document, environ: Mapping[str, str] | None = None) -> Iterator[Diagnostic]:
    """An error for each ``${NAME}`` used where the operator has not allowed it (see the module)."""
    secret = list(_secret_fields(doc.data))
    yield from _shared_credentials(doc, secret, environ)
    secret_paths = {path for path, _, _ in secret}
    names = {name for _, value, _ in secret for name in Secret(value).variables}
    for path, value in texts_holding(doc.data, "${", doc.shared):
        if not isinstance(value, str) or "${" not in value or path in secret_paths:
            continue
        tls_path = is_tls_path(path)  # ``${KEY_FILE}`` names a file, not a secret
        for name in Secret(value).variables:
            if name in names or (looks_secret(name, environ) and not tls_path):
                yield doc.diagnostic(path, f"${{{name}}} holds a credential and may appear only in credential "
                                           "and secret fields: here its value would be printed in plans")
                break
            if not is_public(name, environ, path_field=tls_path):
                yield doc.diagnostic(path, f"${{{name}}} is not a public variable: outside credential fields "
                                           "telconf substitutes only variables the operator makes public (their "
                                           f"values are printed in plans); name it {PUBLIC_PREFIX}{name}, or set "
                                           f"{PUBLIC_VARS}={name} in the environment (not in the file)")
                break


def _shared_credentials(doc: Document, secret: list[tuple[Path, str, str]],
                        environ: Mapping[str, str] | None) -> Iterator[Diagnostic]:
    """An error where a variable one provider's credential uses is another provider's credential."""
    shared = set(operator_list(SHARED_CREDENTIAL_VARS, environ))
    owners: dict[str, tuple[str, Path]] = {}
    for path, value, provider in secret:
        for name in Secret(value).variables:
            owner, first = owners.setdefault(name, (provider, path))
            if owner == provider or name in shared:
                continue
            file, (line, _) = doc.locate(first)
            yield doc.diagnostic(path, f"${{{name}}} is already a {owner} credential ({file}:{line}) and may not be "
                                       f"a {provider} credential too: its value would be sent to {provider}'s host; "
                                       f"if both really share it, set {SHARED_CREDENTIAL_VARS}={name} in the "
                                       "environment (not in the file)")


def _secret_fields(data: Any) -> Iterator[tuple[Path, str, str]]:
    """(path, value, provider) of every credential field of every account, in file order."""
    accounts = data.get("accounts") if isinstance(data, dict) else None
    if not isinstance(accounts, dict):
        return
    for name, account in accounts.items():
        if not isinstance(account, dict):
            continue
        provider = str(account.get("provider", ""))
        credentials = account.get("credentials")
        if isinstance(credentials, dict):
            for key, value in credentials.items():
                if isinstance(value, str) and key not in TLS_FIELDS:
                    yield ("accounts", name, "credentials", key), value, provider
        for pattern in _provider_fields(account.get("provider")):
            yield from ((path, value, provider) for path, value in matching(account, pattern, ("accounts", name))
                        if isinstance(value, str))


def _provider_fields(provider: Any) -> tuple[tuple[str, ...], ...]:
    """Paths (inside an account) of the provider's secret fields besides ``credentials``."""
    from telconf.core import registry

    if not isinstance(provider, str) or provider not in registry.names():
        return ()
    return registry.get(provider).secret_fields


def texts_holding(value: Any, needle: str, shared: Collection[int] = ()) -> list[tuple[Path, str]]:
    """(path, text) of every text under ``value`` that holds ``needle``, in :func:`walk`'s order.

    Much faster than filtering :func:`walk` on a large file: no generator per level, no
    path made for a value that is not a hit, and a container of ``shared`` (ids of a
    template's parts, which many numbers share) found without one is not searched again.
    """
    found: list[tuple[Path, str]] = []
    clean: set[int] = set()

    def visit(container: Any, path: Path) -> None:
        if id(container) in clean:
            return
        before = len(found)
        for key, item in container.items() if isinstance(container, dict) else enumerate(container):
            if isinstance(item, str):
                if needle in item:
                    found.append((path + (key,), item))
            elif isinstance(item, (dict, list)):
                visit(item, path + (key,))
        if len(found) == before and id(container) in shared:
            clean.add(id(container))

    if isinstance(value, str):
        return [((), value)] if needle in value else []
    if isinstance(value, (dict, list)):
        visit(value, ())
    return found
