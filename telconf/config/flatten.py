"""The config as telconf understands it: includes merged and templates expanded, as YAML.

``telconf render`` prints it so that a reviewer sees what a template change does to
every number. Values are written as the files wrote them (``${NAME}`` stays, no secret
is read); a relative path written in an included file is rewritten relative to the
rendered file's folder (the config's), so that the rendered file means the same.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path as FilePath
from typing import Any

from telconf.config.loader import check_document
from telconf.config.source import Document, Path, matching
from telconf.config.writer import dump
from telconf.core.errors import ConfigError

# Where a config holds file paths (relative to the file that wrote them).
_FILE_KEYS = ("client_cert", "client_key", "ca_bundle")


def render(path: FilePath, fold: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
           note: str = "") -> str:
    """The flat YAML of the config at ``path``; ``ConfigError`` when it is not valid.

    ``fold`` rewrites the flat data before it is written (``render --at`` folds in the
    overrides active at a moment); ``note`` ends the header line.
    """
    doc, diagnostics = check_document(path)
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors or doc.data is None:
        raise ConfigError(errors)
    base = path.resolve().parent
    data = {key: value for key, value in doc.data.items() if key not in ("templates", "include")}
    flat = _plain(data)
    for name, account in (flat.get("accounts") or {}).items():
        _rebase_paths(doc, base, ("accounts", name), account)
    if fold is not None:
        flat = fold(flat)
    return dump(flat, header=[f"{path} rendered by telconf: includes merged, templates expanded{note}"])


def _plain(value: Any) -> Any:
    """Plain dicts and lists (the dumper knows no located ones); shared values copied."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _rebase_paths(doc: Document, base: FilePath, path: Path, account: dict[str, Any]) -> None:
    credentials = account.get("credentials")
    if isinstance(credentials, dict):
        for key in _FILE_KEYS:
            _rebase(doc, base, path + ("credentials", key), credentials, key)
    for pattern in _file_fields(account.get("provider")):
        for where, holder in list(matching(account, pattern[:-1])):
            if isinstance(holder, dict):
                _rebase(doc, base, path + where + (pattern[-1],), holder, pattern[-1])


def _file_fields(provider: Any) -> tuple[tuple[str, ...], ...]:
    """Where the provider's accounts name files (``voice_files/*/path``)."""
    from telconf.core import registry

    return registry.get(provider).file_fields if provider in registry.names() else ()


def _rebase(doc: Document, base: FilePath, path: Path, holder: dict[str, Any], key: str) -> None:
    value = holder.get(key)
    if not isinstance(value, str) or "${" in value or os.path.isabs(value):
        return
    written_in = FilePath(doc.locate(path)[0]).resolve().parent
    if written_in != base:
        holder[key] = os.path.relpath(written_in / value, base)
