"""The desired (and live) state of a Teleum account: numbers and their forwards, SIP lines."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar

from telconf.core.model import UNMANAGED, Account, CredentialField, Credentials, Managed, Secret, is_managed

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
    if isinstance(intervals, tuple) and len(intervals) < 2:  # nothing to sort or repeat (most forwards: always)
        return ALWAYS if intervals == (FULL_WEEK,) else intervals
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
    gap_intended: bool = field(default=False, compare=False)  # windows with no forward are on purpose (routing)
    template: str | None = field(default=None, compare=False)  # the template it was expanded from
    where: str = field(default="", compare=False)  # FILE:LINE:COL of the number in the config


@dataclass(frozen=True)
class TeleumCredentials(Credentials):
    """Login of a Teleum account (and the TLS files every account may have)."""

    FIELDS: ClassVar[tuple[CredentialField, ...]] = (
        CredentialField("email", secret=False), CredentialField("password", what="a password"))

    email: Secret
    password: Secret


@dataclass(frozen=True, kw_only=True)
class TeleumAccount(Account):
    """A Teleum account as the config wants it."""

    credentials: TeleumCredentials
    sip_lines: Managed[Mapping[str, SipLine]] = UNMANAGED
    numbers: Mapping[str, TeleumNumber] = field(default_factory=dict)
    provider: str = "teleum"

    def secret_values(self) -> list[Any]:
        """The password, and every SIP line's."""
        lines = list(self.sip_lines.values()) if is_managed(self.sip_lines) else []
        return [*super().secret_values(), *lines]
