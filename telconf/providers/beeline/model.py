"""The desired (and live) state of a Beeline cloudcc account: redirects, greetings,
voice files, recording and black lists."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, NamedTuple

from telconf.core.model import UNMANAGED, Account, CredentialField, Credentials, Managed, Secret, is_managed

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
    lists: Mapping[int, Set[BlacklistEntry]] = field(default_factory=dict)  # the config's: PairSets


@dataclass(frozen=True)
class VoiceFile:
    """A voice file to keep on the account: uploaded from ``path`` under ``name``."""

    name: str
    path: Path
    comment: str = ""


@dataclass(frozen=True)
class BeelineCredentials(Credentials):
    """Login of a Beeline cloudcc account (and the TLS files every account may have)."""

    FIELDS: ClassVar[tuple[CredentialField, ...]] = (
        CredentialField("username", secret=False), CredentialField("password", what="a password"))

    username: Secret
    password: Secret


@dataclass(frozen=True, kw_only=True)
class BeelineAccount(Account):
    """A Beeline cloudcc account as the config wants it."""

    credentials: BeelineCredentials
    voice_files: Managed[Mapping[str, VoiceFile]] = UNMANAGED
    record_all: Managed[bool] = UNMANAGED
    numbers: Mapping[str, BeelineNumber] = field(default_factory=dict)
    blacklists: Blacklists = Blacklists()
    provider: str = "beeline"

    def input_files(self) -> list[tuple[str, Path]]:
        """The voice files it uploads: a saved plan is refused when one changed since."""
        if not is_managed(self.voice_files):
            return []
        return [(f"{self.name}/{key}", Path(f.path)) for key, f in sorted(self.voice_files.items())]
