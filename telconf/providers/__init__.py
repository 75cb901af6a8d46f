"""Providers: one package per API, each a client (HTTP) and a provider (payloads <-> model)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telconf.model import Account
from telconf.providers.base import Provider


def provider_for(account: Account, *, parallelism: int = 8, environ: Mapping[str, str] | None = None) -> Provider[Any]:
    """The provider object for an account, importing only the provider it needs."""
    if account.provider == "teleum":
        from telconf.providers.teleum.provider import TeleumProvider

        return TeleumProvider(account, parallelism=parallelism, environ=environ)
    if account.provider == "beeline":
        from telconf.providers.beeline.provider import BeelineProvider

        return BeelineProvider(account, parallelism=parallelism, environ=environ)
    raise ValueError(f"unknown provider {account.provider!r}")
