"""The telephony configuration as frozen, typed values.

The config loader builds the *desired* state from YAML; providers build the *live*
state from list calls, in the same types. Planners compare the two and never see raw
YAML or raw payloads. Phone numbers are always in wire form (``78123232323``).

A key absent from the YAML means "leave it alone": such fields hold ``UNMANAGED``.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar, Union

from telconf.core.errors import ConfigError, Diagnostic

if TYPE_CHECKING:
    # TypeIs is in typing from Python 3.13 only; type checkers know typing_extensions,
    # and at run time the annotation is never evaluated (postponed annotations).
    from typing_extensions import TypeIs

SENSITIVE = "(sensitive)"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ONLY_VARIABLES = re.compile(r"^(\$\{[A-Za-z_][A-Za-z0-9_]*\})+$")


class _Unmanaged:
    """Marks a field whose YAML key is absent: telconf leaves it as it is."""

    _instance: _Unmanaged | None = None

    def __new__(cls) -> _Unmanaged:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNMANAGED"

    def __bool__(self) -> bool:
        return False


UNMANAGED = _Unmanaged()
T = TypeVar("T")
Managed = Union[T, _Unmanaged]


def is_managed(value: Managed[T]) -> TypeIs[T]:
    """True unless ``value`` is ``UNMANAGED`` (narrows ``Managed[T]`` to ``T`` for type checkers)."""
    return value is not UNMANAGED


@dataclass(frozen=True)
class Secret:
    """A value taken from the environment (``${NAME}``), resolved only when used.

    It never prints its value: ``str()`` and ``repr()`` give ``(sensitive)``.
    ``where`` is ``FILE:LINE:COL`` of the value, for the error when a variable is unset.
    """

    template: str
    where: str = field(default="", compare=False)

    @property
    def variables(self) -> tuple[str, ...]:
        """Names of the environment variables the value needs."""
        return tuple(_VARIABLE.findall(self.template))

    def reveal(self, environ: Mapping[str, str] | None = None) -> str:
        """The value, with every ``${NAME}`` replaced from ``environ`` (default os.environ)."""
        env = os.environ if environ is None else environ
        missing = [name for name in self.variables if name not in env]
        if missing:
            file, line, col = (self.where.split(":") + ["", "0", "0"])[:3] if self.where else ("<config>", "0", "0")
            raise ConfigError(
                Diagnostic(
                    file, int(line or 0), int(col or 0),
                    f"environment variable {missing[0]} is not set (needed here)",
                )
            )
        return _VARIABLE.sub(lambda m: env[m.group(1)], self.template)

    def __str__(self) -> str:
        return SENSITIVE

    def __repr__(self) -> str:
        return f"Secret({SENSITIVE})"


def placeholder(template: str, name: str) -> str:
    """``template`` when it is made only of ``${NAME}`` placeholders, else ``${NAME}`` from ``name``.

    A literal value is never written out: it becomes a placeholder to set.
    """
    if _ONLY_VARIABLES.match(template):
        return template
    return "${" + re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper() + "}"


# What a change does, and a provider's order of changes: plain data the registry (which
# checks stage tables) and the plan share, kept here at the bottom so that the registry
# imports nothing above it (``telconf.plan.data`` re-exports both).
class Action(str, Enum):
    """What a change does to one item."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    MOVE = "move"


StageTable = Mapping[tuple[str, Action], int]
"""A provider's ``(kind, action) -> stage``: the order of its changes (``telconf.plan.order`` applies it)."""


@dataclass(frozen=True)
class Safety:
    """The mass-delete rule: refuse plans deleting more than this share of one kind."""

    max_delete_percent: int = 25
    min_items: int = 10  # the rule applies only when a kind has at least this many items


@dataclass(frozen=True)
class Ignore:
    """Live items telconf never creates, changes or deletes: shell-style patterns per kind.

    ``rules`` maps a kind of the provider's ``ignore:`` key (``sip_lines``, ``voice_files``...)
    to its patterns. A whole-set kind is compared without the items
    they match.
    """

    rules: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def patterns(self, kind: str) -> tuple[str, ...]:
        """The patterns of ``kind`` (none when the account has no rule for it)."""
        return self.rules.get(kind, ())

    def match(self, kind: str, name: str) -> str | None:
        """The first pattern of ``kind`` that ``name`` matches, or None."""
        return next((p for p in self.patterns(kind) if fnmatch.fnmatchcase(name, p)), None)


NO_IGNORE = Ignore()


@dataclass(frozen=True)
class CredentialField:
    """One key under an account's ``credentials:``, as its provider declares it.

    ``secret`` values are masked in every output and never substituted where they would
    be printed; a value that is not (a login, an account id) identifies the account and
    may be shown. ``what`` names a secret value in messages (``a password``, ``a token``,
    ``an API key``): a token written in the file is warned about as a token.
    """

    name: str
    secret: bool = True
    what: str = "a secret"


@dataclass(frozen=True, kw_only=True)
class Credentials:
    """What every account's login has: optional TLS client certificate, its key, a CA bundle.

    A provider's credentials add their own fields, as ``Secret`` values, and declare them
    in ``FIELDS``, in the order of the config: a login and a password, a token alone, an
    account id and an API key... The declaration decides what the core does with them:
    the config builder (``telconf.config.common.credentials``) builds exactly these,
    secret ones are masked and warned about when written in the file, and an offline
    snapshot plan gives each a throw-away value (:meth:`throwaway`).
    """

    FIELDS: ClassVar[tuple[CredentialField, ...]] = ()

    client_cert: Path | None = None
    client_key: Path | None = None
    ca_bundle: Path | None = None

    def secrets(self) -> list[Secret]:
        """Every ``Secret`` of these credentials but those declared not secret (a login):
        a ``Secret`` field the provider forgot to declare is masked too."""
        shown = {f.name for f in self.FIELDS if not f.secret}
        return [value for f in fields(self) if f.name not in shown
                and isinstance(value := getattr(self, f.name), Secret)]

    def throwaway(self, values: Mapping[str, str]) -> Self:
        """The same credentials with each declared field set from ``values`` and no TLS files:
        an offline snapshot plan's throw-away login, whatever its shape."""
        from dataclasses import replace

        declared = {f.name: Secret(values[f.name]) for f in self.FIELDS}
        return replace(self, **declared, client_cert=None, client_key=None, ca_bundle=None)


@dataclass(frozen=True, kw_only=True)
class Account:
    """What every account has, whatever its provider: the config's account header.

    A provider's account type adds the desired state it manages. ``numbers`` maps wire
    numbers to the provider's number settings (each with ``template`` and ``where``).
    """

    name: str
    url: str
    credentials: Credentials
    numbers: Mapping[str, Any] = field(default_factory=dict)
    safety: Safety = Safety()
    where: str = field(default="", compare=False)
    provider: str = ""
    ignore: Ignore = NO_IGNORE
    timezone: str = "Europe/Moscow"  # IANA name: the clock of schedules and of dates in overrides
    calendar: str = ""  # public holidays of `on: holidays` overrides (a country code), "" for none
    # Each number's overrides (telconf.dates.model.Override, a layer above: hence Any), by wire
    # number: what it should be on given dates. The planner never sees them:
    # telconf.dates.resolve puts the active one on the number first.
    overrides: Mapping[str, tuple[Any, ...]] = field(default_factory=dict, compare=False)

    def secret_values(self) -> list[Any]:
        """Where the account's secrets are (``Secret`` values, or objects holding them): never
        printed. Every secret of the credentials (``Credentials.secrets``: all but the fields
        declared not secret, such as a login); a provider adds the secrets of its state."""
        return list(self.credentials.secrets())

    def input_files(self) -> list[tuple[str, Path]]:
        """(label, path) of the files besides the config whose content a plan depends on
        (a saved plan is refused when one changed)."""
        return []


@dataclass(frozen=True)
class Config:
    """A whole validated config file."""

    path: Path
    accounts: Mapping[str, Account]
    warnings: tuple[Diagnostic, ...] = ()
