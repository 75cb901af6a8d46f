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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeVar, Union

from telconf.errors import ConfigError, Diagnostic

if TYPE_CHECKING:
    # TypeIs is in typing from Python 3.13 only; type checkers know typing_extensions,
    # and at run time the annotation is never evaluated (postponed annotations).
    from typing_extensions import TypeIs

SENSITIVE = "(sensitive)"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


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


@dataclass(frozen=True)
class Safety:
    """The mass-delete rule: refuse plans deleting more than this share of one kind."""

    max_delete_percent: int = 25
    min_items: int = 10  # the rule applies only when a kind has at least this many items


@dataclass(frozen=True)
class Ignore:
    """Live items telconf never creates, changes or deletes: shell-style patterns per kind.

    ``sip_lines`` match line numbers, ``voice_files`` file names, ``blacklist_numbers``
    wire A-numbers (``7900*``). A whole-set kind is compared without the items they match.
    """

    sip_lines: tuple[str, ...] = ()
    voice_files: tuple[str, ...] = ()
    blacklist_numbers: tuple[str, ...] = ()

    def match(self, kind: str, name: str) -> str | None:
        """The first pattern of ``kind`` (a field name) that ``name`` matches, or None."""
        return next((p for p in getattr(self, kind) if fnmatch.fnmatchcase(name, p)), None)


NO_IGNORE = Ignore()


# --- Teleum -------------------------------------------------------------------------


class TargetKind(str, Enum):
    """Where a forward sends calls."""

    SIP = "sip"
    TEL = "tel"
    VOICEMAIL = "voicemail"
    FAX = "fax"


@dataclass(frozen=True)
class Target:
    """A forward target: a SIP line number, a wire phone number or an e-mail address."""

    kind: TargetKind
    value: str

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.value}"


@dataclass(frozen=True)
class Interval:
    """Days ``first_day``..``last_day`` (1 = Monday .. 7 = Sunday), ``start``..``end``.

    Times are minutes after midnight (0..1439), both ends included as the provider does.
    """

    first_day: int
    last_day: int
    start: int
    end: int


ALWAYS: tuple[Interval, ...] = ()
"""The schedule of a forward that is always active. ``00:00-23:59 mon-sun`` normalises to it."""

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Day names of the config format; day ``n`` of an Interval is ``DAY_NAMES[n - 1]``."""

FULL_WEEK = Interval(1, 7, 0, 23 * 60 + 59)


def canonical_schedule(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """One spelling per schedule: sorted, without repeats, the whole week as ``ALWAYS``.

    The config and the provider both normalise through here, so that a plan compares
    schedules by meaning rather than by spelling.
    """
    schedule = tuple(sorted(set(intervals), key=lambda i: (i.first_day, i.last_day, i.start, i.end)))
    return ALWAYS if schedule == (FULL_WEEK,) else schedule

CallerId = str
"""``"caller"`` (the caller's number), ``"group"``, or a wire phone number of the account."""


@dataclass(frozen=True)
class Forward:
    """One call forward of a number; a number's forwards are tried in list order."""

    target: Target
    timeout: int = 20
    caller_id: CallerId = "caller"
    record: bool = False
    music_on_hold: bool = False
    vpbx: bool = False
    isolated: bool = False  # meaningful for SIP targets only; False otherwise
    schedule: tuple[Interval, ...] = ALWAYS


@dataclass(frozen=True)
class SipLine:
    """A SIP line, keyed by its line number (assigned by the provider in sequence)."""

    number: str
    description: str = ""
    email: str = ""
    caller_id: str | None = None  # wire number presented on calls from the line; None = default
    password: Secret | None = None  # write-only; set on create or on rotation


@dataclass(frozen=True)
class TeleumNumber:
    """A connected number and, when managed, its whole ordered list of forwards."""

    number: str
    forwards: Managed[tuple[Forward, ...]] = UNMANAGED
    template: str | None = field(default=None, compare=False)  # the template it was expanded from
    where: str = field(default="", compare=False)  # FILE:LINE:COL of the number in the config


@dataclass(frozen=True)
class TeleumCredentials:
    """Login of a Teleum account, with optional TLS client certificate and CA bundle."""

    email: Secret
    password: Secret
    client_cert: Path | None = None
    client_key: Path | None = None
    ca_bundle: Path | None = None


@dataclass(frozen=True)
class TeleumAccount:
    """A Teleum account as the config wants it."""

    name: str
    url: str
    credentials: TeleumCredentials
    sip_lines: Managed[Mapping[str, SipLine]] = UNMANAGED
    numbers: Mapping[str, TeleumNumber] = field(default_factory=dict)
    safety: Safety = Safety()
    where: str = field(default="", compare=False)
    provider: Literal["teleum"] = "teleum"
    ignore: Ignore = NO_IGNORE


# --- Beeline -------------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """Where calls to a number are redirected; ``caller_id`` is a fixed A-number."""

    to: str
    caller_id: str | None = None


@dataclass(frozen=True)
class Premedia:
    """Greetings of a number: ``a`` played to the caller, ``b`` to the answering side."""

    a: str | None = None
    b: str | None = None


NO_PREMEDIA = Premedia()


@dataclass(frozen=True)
class BeelineNumber:
    """A client number and the settings of it the config manages.

    ``redirect`` None means no redirect (calls are rejected); ``premedia`` None in YAML
    is stored as ``NO_PREMEDIA``.
    """

    number: str
    redirect: Managed[Redirect | None] = UNMANAGED
    premedia: Managed[Premedia] = UNMANAGED
    record: Managed[bool] = UNMANAGED
    template: str | None = field(default=None, compare=False)  # the template it was expanded from
    where: str = field(default="", compare=False)  # FILE:LINE:COL of the number in the config


class BlacklistEntry(NamedTuple):
    """A-number ``a`` is black-listed for B-number ``b`` in list ``list_id`` (0..2)."""

    list_id: int
    b: str
    a: str


@dataclass(frozen=True)
class Blacklists:
    """Black lists: each list named in ``lists`` is the whole list; others are left alone."""

    active: Managed[int] = UNMANAGED
    lists: Mapping[int, frozenset[BlacklistEntry]] = field(default_factory=dict)


@dataclass(frozen=True)
class VoiceFile:
    """A voice file to keep on the account: uploaded from ``path`` under ``name``."""

    name: str
    path: Path
    comment: str = ""


@dataclass(frozen=True)
class BeelineCredentials:
    """Login of a Beeline cloudcc account, with optional TLS client certificate."""

    username: Secret
    password: Secret
    client_cert: Path | None = None
    client_key: Path | None = None
    ca_bundle: Path | None = None


@dataclass(frozen=True)
class BeelineAccount:
    """A Beeline cloudcc account as the config wants it."""

    name: str
    url: str
    credentials: BeelineCredentials
    voice_files: Managed[Mapping[str, VoiceFile]] = UNMANAGED
    record_all: Managed[bool] = UNMANAGED
    numbers: Mapping[str, BeelineNumber] = field(default_factory=dict)
    blacklists: Blacklists = Blacklists()
    safety: Safety = Safety()
    where: str = field(default="", compare=False)
    provider: Literal["beeline"] = "beeline"
    ignore: Ignore = NO_IGNORE


Account = Union[TeleumAccount, BeelineAccount]


@dataclass(frozen=True)
class Config:
    """A whole validated config file."""

    path: Path
    accounts: Mapping[str, Account]
    warnings: tuple[Diagnostic, ...] = ()
