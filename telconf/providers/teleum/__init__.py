"""Teleum billing API v3: call forwards and SIP lines.

``config`` builds the account from YAML (``schema.json`` is its part of the config
schema), ``model`` holds its types, ``client`` speaks HTTP, ``payloads`` reads answers,
``forwards``/``changes`` diff, ``items`` checks before writing, ``provider`` ties them
together, ``export`` writes the live state back as config, ``emulator`` serves the API.
"""

from __future__ import annotations

from telconf.providers.teleum.stages import STAGES
from telconf.core.registry import Lazy, ProviderDescriptor

DEFAULT_URL = "https://bill.tech.teleum.com/api/v3/"

PROVIDER = ProviderDescriptor(
    name="teleum",
    title="Teleum",
    summary="billing API v3: forwards, SIP lines",
    default_url=DEFAULT_URL,
    account_type=Lazy("telconf.providers.teleum.model:TeleumAccount"),
    build=Lazy("telconf.providers.teleum.config:build_teleum"),
    schema="telconf.providers.teleum:schema.json",
    stages=STAGES,
    provider=Lazy("telconf.providers.teleum.provider:TeleumProvider"),
    emulator=Lazy("telconf.providers.teleum.emulator:KIT"),
    routing=Lazy("telconf.providers.teleum.routing:ROUTER"),
    template_keys=frozenset({"forwards", "gap_intended", "overrides"}),
    secret_fields=(("sip_lines", "*", "password"),),
    write_only_secrets="SIP line passwords",
)
