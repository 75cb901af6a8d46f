"""Beeline cloudcc: redirects, greetings (PREMEDIA), voice files, recording, black lists.

``config`` builds the account from YAML (``schema.json`` is its part of the config
schema), ``model`` holds its types, ``client`` speaks HTTP, ``live`` reads payloads,
``changes`` diffs, ``blacklists``/``batching`` make few requests, ``items`` checks
before writing, ``provider`` ties them together, ``export`` writes the live state back
as config, ``emulator`` serves the API.
"""

from __future__ import annotations

from telconf.providers.beeline.stages import STAGES
from telconf.core.registry import Lazy, ProviderDescriptor

DEFAULT_URL = "https://cloudcc.beeline.ru/api"

PROVIDER = ProviderDescriptor(
    name="beeline",
    title="Beeline cloudcc",
    summary="cloudcc: redirects, greetings, recording, black lists",
    default_url=DEFAULT_URL,
    account_type=Lazy("telconf.providers.beeline.model:BeelineAccount"),
    build=Lazy("telconf.providers.beeline.config:build_beeline"),
    schema="telconf.providers.beeline:schema.json",
    stages=STAGES,
    provider=Lazy("telconf.providers.beeline.provider:BeelineProvider"),
    emulator=Lazy("telconf.providers.beeline.emulator:KIT"),
    routing=Lazy("telconf.providers.beeline.routing:ROUTER"),
    template_keys=frozenset({"redirect", "premedia", "record", "overrides"}),
    file_fields=(("voice_files", "*", "path"), ("blacklists", "lists", "*", "*", "block_file")),
)
