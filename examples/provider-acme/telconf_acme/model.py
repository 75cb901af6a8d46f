"""The desired (and live) state of an Acme account: numbers and their lists of forwards.

Phone numbers are in wire form (``78123232323``), as everywhere in telconf.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from telconf.core.model import UNMANAGED, Account, CredentialField, Credentials, Managed, Secret


@dataclass(frozen=True, kw_only=True)
class AcmeCredentials(Credentials):
    """Login and password of an Acme account (sent as HTTP Basic), and the TLS files every account may have."""

    FIELDS: ClassVar[tuple[CredentialField, ...]] = (
        CredentialField("login", secret=False), CredentialField("password", what="a password"))

    login: Secret
    password: Secret


@dataclass(frozen=True)
class AcmeNumber:
    """A number of the account and, when managed, the numbers its calls go to, tried in order."""

    number: str
    forward_to: Managed[tuple[str, ...]] = UNMANAGED
    template: str | None = field(default=None, compare=False)  # the config template it was expanded from
    where: str = field(default="", compare=False)  # FILE:LINE:COL of the number in the config


@dataclass(frozen=True, kw_only=True)
class AcmeAccount(Account):
    """An Acme account as the config wants it."""

    credentials: AcmeCredentials
    numbers: Mapping[str, AcmeNumber] = field(default_factory=dict)
    provider: str = "acme"
