"""Acme Voice: an example telconf provider, shipped as its own package.

Acme Voice is a toy HTTP+JSON API: each number of an account has one ordered list of
phone numbers calls are forwarded to. ``GET numbers`` lists them, ``PUT
numbers/<number>/forwards`` replaces one number's whole list; every request carries
the account's login and password (HTTP Basic).

The package is the model of a third-party provider: it touches no file of telconf.
``model`` holds its types, ``config`` builds them from YAML (``schema.json`` is its
part of the config schema), ``stages`` orders its changes, ``client`` speaks HTTP,
``provider`` reads, diffs and applies, ``export`` writes the live state back as
config and ``emulator`` serves the API for tests. This module only describes them:
telconf imports the heavy parts when it needs them (``Lazy``).
"""

from __future__ import annotations

from telconf.core.registry import Lazy, ProviderDescriptor
from telconf_acme.stages import STAGES

NAME = "acme"
DEFAULT_URL = "https://api.acme-voice.example/v1/"

PROVIDER = ProviderDescriptor(
    name=NAME,
    title="Acme Voice",
    summary="example provider: one ordered list of call forwards per number",
    default_url=DEFAULT_URL,
    account_type=Lazy("telconf_acme.model:AcmeAccount"),
    build=Lazy("telconf_acme.config:build_acme"),
    schema="telconf_acme:schema.json",
    stages=STAGES,
    provider=Lazy("telconf_acme.provider:AcmeProvider"),
    emulator=Lazy("telconf_acme.emulator:KIT"),
    template_keys=frozenset({"forward_to"}),
)
