"""An environment for loading a config without its secrets (offline commands, snapshot plans).

``routes``, ``test`` and ``plan --snapshot`` never use a credential: every ``${NAME}``
resolves to a dummy value, so a fork's pull request without secrets loads its config.
Kept apart from ``telconf.engine.snapshot`` so that offline commands import no HTTP client.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping

DUMMY_VALUE = "http://127.0.0.1:9/snapshot"  # passes for a URL, a login and a password alike


class AnyVariable(Mapping[str, str]):
    """An environment where every ``${NAME}`` is set: to ``base``'s value if it has one, else a dummy.

    Without ``base`` no real value is ever read: that is what providers get, so no
    credential of the environment can reach them.
    """

    def __init__(self, base: Mapping[str, str] | None = None):
        self.base = base or {}

    def __contains__(self, name: object) -> bool:
        return True

    def __getitem__(self, name: str) -> str:
        return self.base.get(name, DUMMY_VALUE)

    def is_placeholder(self, name: str) -> bool:
        """True when ``name`` answers the dummy: not a secret to mask (the redaction layer asks)."""
        return name not in self.base

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def loading_environ() -> Mapping[str, str]:
    """For loading the config of a snapshot plan: the environment, unset variables as dummies.

    A fork's pull request has none of the ``${NAME}`` of the accounts' urls and logins;
    they are never used by a snapshot plan.
    """
    return AnyVariable(os.environ)
