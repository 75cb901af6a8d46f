"""The config language: YAML with positions, JSON Schema, semantic checks, the model.

    load(path, accounts=None)  -> telconf.model.Config, or raises ConfigError (every diagnostic)
    validate(path)             -> list[Diagnostic] (errors and warnings); no network, no secrets
    schema_path()              -> Path of telconf.schema.json

Planners consume what ``load`` returns and never see raw YAML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from telconf.config.loader import check
from telconf.config.schema import schema_path
from telconf.errors import ConfigError, Diagnostic
from telconf.model import Config

__all__ = ["load", "validate", "schema_path", "errors_of", "warnings_of"]


def validate(path: str | Path) -> list[Diagnostic]:
    """Every error and warning of the file, in file order. Reads no environment variable."""
    diagnostics, _, _ = check(Path(path))
    return diagnostics


def load(path: str | Path, accounts: Iterable[str] | None = None,
         environ: Mapping[str, str] | None = None) -> Config:
    """The validated desired state of the accounts named in ``accounts`` (all when None or empty).

    The whole file is checked; any error raises ``ConfigError`` with every diagnostic.
    ``${NAME}`` in ordinary values of the selected accounts is substituted from
    ``environ`` (default ``os.environ``); credentials and SIP passwords stay ``Secret``.
    Other accounts are checked without touching any variable.
    """
    path = Path(path)
    names = tuple(accounts or ())
    diagnostics, built, _ = check(path, names, environ, build=True)
    if errors_of(diagnostics):
        raise ConfigError(diagnostics)
    order = [name for name in built if not names or name in names]
    return Config(path=path, accounts={name: built[name] for name in order},
                  warnings=tuple(warnings_of(diagnostics)))


def errors_of(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics that are errors."""
    return [d for d in diagnostics if d.severity == "error"]


def warnings_of(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics that are warnings."""
    return [d for d in diagnostics if d.severity == "warning"]
