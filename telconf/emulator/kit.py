"""What a provider gives the emulator machinery: its app, where it is served, its knobs.

Each provider package has an emulator of its API (``telconf/providers/<name>/emulator``)
and exposes an :class:`EmulatorKit` as its descriptor's ``emulator``. ``Emulators``
(several served at once), ``telconf emulator``, ``telconf demo`` and the offline
snapshot plan only go through kits, so they name no provider.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from telconf.emulator.base import EmulatorBase


@dataclass(frozen=True)
class Knob:
    """A realism knob of one emulator: a keyword of its app, and maybe an option of ``telconf emulator``.

    With a ``default`` it is also an option of ``telconf emulator`` (``--pending-seconds``),
    with that default (which may differ from the app's own: the command serves people,
    the app tests) and no value below ``minimum``; without one it is a keyword only.
    ``help`` is the option's help, which the command prefixes with the kit's label.
    """

    name: str
    type: type
    help: str
    default: Any = None
    minimum: float | None = None

    @property
    def option(self) -> str:
        """``--session-idle-timeout``: the option's name."""
        return "--" + self.name.replace("_", "-")


@dataclass(frozen=True)
class DemoLogin:
    """One demo account of ``telconf emulator``: shown in its banner on a loopback address.

    A login and a password (``DemoLogin("demo", "demo-password", numbers)``), or
    ``credentials`` of any shape (``{"token": "demo-token"}``), shown as they are: demo
    values, never real ones.
    """

    login: str = ""
    password: str = ""
    numbers: tuple[str, ...] = ()
    credentials: Mapping[str, str] | None = None

    @property
    def shown(self) -> str:
        """How the banner shows it: ``demo / demo-password`` or ``token=demo-token``."""
        if self.credentials is not None:
            return ", ".join(f"{key}={value}" for key, value in self.credentials.items())
        return f"{self.login} / {self.password}"


@dataclass(frozen=True)
class DemoKit:
    """A provider's part of the demos (``telconf emulator`` without a state file, ``telconf demo``).

    ``accounts(app)`` adds the demo accounts to an empty app (they are ``logins``);
    ``drift(app)`` then changes their live settings so that the demo config has
    something to plan; ``environ(url)`` gives the ``${DEMO_...}`` variables that the
    provider's part of the demo config uses, for the app served at ``url``.

    ``config`` names a YAML file in the package (``package:file.yaml``) holding the
    provider's accounts of the demo config: the lines that go under its ``accounts:``
    (indented by two spaces, comments welcome); ``summary`` says what they are, for the
    config's header and ``telconf demo``'s introduction (``a Teleum office``);
    ``files()`` the files its accounts refer to: paths relative to the config
    (``/``-separated) and contents. ``example`` is a command that calls the API as a
    demo account, at the default port (``curl ...``), for ``telconf emulator --help``.
    """

    logins: tuple[DemoLogin, ...]
    accounts: Callable[[Any], None]
    drift: Callable[[Any], None]
    environ: Callable[[str], dict[str, str]]
    config: str
    summary: str
    files: Callable[[], Mapping[str, bytes]] | None = None
    example: str = ""


@dataclass(frozen=True)
class EmulatorKit:
    """One provider's emulator.

    ``app(**knobs)`` makes the WSGI app (an ``EmulatorBase``); it is served under
    ``path`` (``/api/v3/``), on ``port`` by default in ``telconf emulator``. ``knobs`` are
    its own knobs besides the shared ones (latency, faults, shuffle).

    ``snapshot_account(app, account, credentials)`` creates, for the offline snapshot
    plan, an empty emulator account with the config account's numbers and whatever the
    API cannot restore (line numbers the API assigns in sequence); the snapshot is then
    applied to it. ``credentials`` maps each field the account's ``Credentials`` declare
    (``FIELDS``) to the throw-away value the providers will log in with.
    ``snapshot_knobs`` are knobs for that in-process emulator (no waiting, no limits).

    For people: ``label`` is how ``telconf emulator`` names the emulator in its help and
    banner (default: the provider's title), ``api_label`` the line of its URL (default:
    ``<label> API``); ``login_key`` is the key in the app's state that names an account
    (``snapshot()["accounts"][i][login_key]``: a login, an account id; never a secret), which
    the banner lists for a state file;
    ``demo`` its part of the demos, if any.
    """

    app: Callable[..., EmulatorBase]
    path: str
    port: int
    knobs: tuple[Knob, ...] = ()
    snapshot_account: Callable[[Any, Any, Mapping[str, str]], None] | None = None
    snapshot_knobs: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""
    api_label: str = ""
    login_key: str = "login"
    demo: DemoKit | None = None
