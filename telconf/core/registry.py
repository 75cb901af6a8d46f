"""The providers telconf knows: one descriptor each, found through entry points.

A provider (an API telconf can manage accounts of) is one Python package that exposes
a :class:`ProviderDescriptor` and registers it in the entry-point group
``telconf.providers``, under the name the config's ``provider:`` key uses::

    [project.entry-points."telconf.providers"]
    teleum = "telconf.providers.teleum:PROVIDER"

The built-in providers are registered the same way (telconf's own ``pyproject.toml``),
so a third party ships a provider as its own package and the core never names one.
The descriptor is cheap to import: the heavy parts (config builder, provider class,
emulator) are :class:`Lazy` references, imported the first time they are used, so that
``telconf validate`` never imports an HTTP client.

This module is the bottom of the core: everything may import it; it imports only
``telconf.core.errors`` and ``telconf.core.model`` (for ``Action``, a plain enum, and ``StageTable``).
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, Protocol, TypeVar

from telconf.core.errors import TelconfError
from telconf.core.model import Action, StageTable

if TYPE_CHECKING:
    from telconf.config.context import Context
    from telconf.config.source import Path as DataPath
    from telconf.emulator.kit import EmulatorKit
    from telconf.core.model import Account
    from telconf.providers.base import Provider
    from telconf.routing.hook import Router

GROUP = "telconf.providers"
T = TypeVar("T")
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")

AccountBuilder = Callable[["Context", str, "DataPath", dict[str, Any]], "Account"]
"""``build(ctx, name, path, data)``: one account of the config as a model value.

``data`` is the account's YAML mapping (schema-checked, but possibly with errors the
schema reported), ``path`` where it is in the document; problems go to ``ctx``.
"""

class Lazy(Generic[T]):
    """A reference ``"package.module:attribute"``, imported on first :meth:`load`."""

    def __init__(self, target: str):
        module, _, attribute = target.partition(":")
        if not module or not attribute:
            raise ValueError(f"a lazy reference is 'module:attribute', not {target!r}")
        self.target = target
        self._value: T | None = None

    def load(self) -> T:
        """The object; one that cannot be imported is a ``ProviderRegistryError`` naming it."""
        if self._value is None:
            module, _, attribute = self.target.partition(":")
            try:
                value: Any = importlib.import_module(module)
                for part in attribute.split("."):
                    value = getattr(value, part)
            except Exception as exc:  # noqa: BLE001 - any error of an installed package's import
                raise ProviderRegistryError(f"cannot load {self.target}: {type(exc).__name__}: {exc}") from exc
            self._value = value
        return self._value  # set just above

    def __repr__(self) -> str:
        return f"Lazy({self.target!r})"


@dataclass(frozen=True)
class ProviderDescriptor:
    """Everything the core needs to know of one provider.

    ``name`` is the config's ``provider:`` value; ``title`` how people call the API
    (``Teleum``); ``summary`` what it manages, for the schema's descriptions; ``default_url`` the endpoint of an account without ``url``
    (its host is one credentials may go to without ``--allow-host``).

    ``schema`` names a JSON file in the package (``package:file.json``) holding the
    provider's part of the config schema::

        {"account": {...one account, "provider" and "credentials" included...},
         "template": {...properties a template may hold for this provider...},
         "$defs": {...the definitions it refers to as "#/$defs/NAME"...}}

    Its ``$defs`` may also refer to the core's (``phone``, ``variableOrText``,
    ``filePath``, ``safety``, ``patterns``, ``use``, ``with``). ``template_keys`` are
    the number keys a template may set; ``secret_fields`` the paths inside an account,
    besides ``credentials``, that hold secrets (``*`` matches any key or list item),
    which never take a variable another field uses; ``file_fields`` those that name
    files relative to the config (``render`` and ``export`` rebase them).

    ``routing`` is its ``telconf.routing.hook.Router``: how a number's state becomes the
    steps a call gets (``telconf routes``, plans' routing impact, route tests). A provider
    without one is shown as "routing unknown", never an error.

    ``write_only_secrets`` names, in the provider's words, the secrets of its accounts'
    state an export cannot read back (``SIP line passwords``): the export's header says
    they must be set before applying. Empty: its exports hold only the credentials'
    placeholders.
    """

    name: str
    title: str
    summary: str
    default_url: str
    account_type: Lazy[type[Account]]
    build: Lazy[AccountBuilder]
    schema: str
    stages: StageTable
    provider: Lazy[type[Provider[Any]]]
    emulator: Lazy[EmulatorKit] | None = None
    template_keys: frozenset[str] = frozenset()
    secret_fields: tuple[tuple[str, ...], ...] = ()
    file_fields: tuple[tuple[str, ...], ...] = ()
    routing: Lazy[Router] | None = None
    write_only_secrets: str = ""
    distribution: str = field(default="", compare=False)  # the package it came from (set by the registry)

    def schema_fragment(self) -> dict[str, Any]:
        """The provider's part of the config schema (see the class docstring)."""
        package, _, name = self.schema.partition(":")
        try:
            fragment = json.loads(package_text(package, name))
        except (OSError, ImportError, ValueError) as exc:
            raise ProviderRegistryError(f"provider {self.name}: cannot read its schema {self.schema}: {exc}") from exc
        if not isinstance(fragment, dict) or not isinstance(fragment.get("account"), dict):
            raise ProviderRegistryError(f"provider {self.name}: {self.schema} has no 'account' schema")
        return fragment


def package_text(package: str, name: str) -> str:
    """The text of the data file ``name`` of ``package``.

    Read beside the package's ``__init__`` when it is a folder on disk (always so for
    telconf and a pip-installed provider), else through ``importlib.resources`` (a zipped
    package), whose import costs about 10 ms of every ``validate``.
    """
    module = importlib.import_module(package)
    init = getattr(module, "__file__", None)
    if init:
        path = os.path.join(os.path.dirname(init), *name.split("/"))
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as file:
                return file.read()
    from importlib.resources import files

    return files(package).joinpath(name).read_text(encoding="utf-8")


class ProviderRegistryError(TelconfError):
    """A provider package is broken: bad descriptor, name taken twice, import failed."""


def providers() -> dict[str, ProviderDescriptor]:
    """Every registered provider, by name, sorted by name (entry-point order depends on the packaging tool)."""
    return dict(_registry())


def get(name: str) -> ProviderDescriptor:
    """The provider called ``name``; an unknown name is a ``ProviderRegistryError``."""
    found = _registry().get(name)
    if found is None:
        known = ", ".join(_registry()) or "none: is telconf installed (pip install -e .)?"
        raise ProviderRegistryError(f"no provider {name!r} is installed (providers: {known})")
    return found


def names() -> tuple[str, ...]:
    return tuple(_registry())


def problems() -> tuple[str, ...]:
    """Why providers were left out (a broken third-party package must not stop telconf)."""
    _registry()
    return tuple(_problems)


def leave_out(name: str, reason: str) -> None:
    """Drop provider ``name``, found broken once in use (its schema, its emulator kit), saying why.

    The other providers go on working; every command prints the reason.
    """
    if _registry().pop(name, None) is not None:
        _problems.append(f"provider {name!r} was left out: {reason}")


_problems: list[str] = []


SELECTED = "TELCONF_PROVIDERS"
"""The operator's choice of installed providers (comma-separated names; unset: all of them).

Another package's provider installed in the same environment is then not loaded at all:
a test suite, a CI job or an operator uses exactly the providers it names.
"""


@functools.lru_cache(maxsize=1)
def _registry() -> dict[str, ProviderDescriptor]:
    found_points = entry_points()
    selected = {name.strip() for name in os.environ.get(SELECTED, "").split(",") if name.strip()}
    if selected:
        found_points = [e for e in found_points if e.name in selected]
    found, problems_seen = load(found_points)
    problems_seen += [f"{SELECTED} names {name!r}, which is not installed"
                      for name in sorted(selected - set(found)) if not any(f"{name!r}" in p for p in problems_seen)]
    _problems[:] = problems_seen
    return found


class _Distribution(Protocol):
    @property
    def name(self) -> str: ...


class EntryPointLike(Protocol):
    """What the registry reads of an entry point (``importlib.metadata.EntryPoint`` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def value(self) -> str: ...

    @property
    def dist(self) -> _Distribution | None: ...

    def load(self) -> Any: ...


class _Dist(NamedTuple):
    name: str


class _EntryPoint(NamedTuple):
    """An entry point read from a ``*.dist-info/entry_points.txt`` by :func:`entry_points`."""

    name: str
    value: str
    dist: _Dist | None

    def load(self) -> Any:
        module, _, attribute = self.value.partition(":")
        value: Any = importlib.import_module(module.strip())
        for part in attribute.split("[")[0].strip().split(".") if attribute else ():
            value = getattr(value, part)
        return value


def entry_points() -> list[EntryPointLike]:
    """The entry points of the group ``telconf.providers`` of the installed distributions.

    What ``importlib.metadata.entry_points(group=GROUP)`` returns, found without
    importing it (about 20 ms of every command's start): the metadata folders of each
    directory on ``sys.path`` are listed and only their ``entry_points.txt`` read, the
    first distribution of a name on the path winning as in ``importlib.metadata``. A
    zipped entry of ``sys.path`` (an egg) takes ``importlib.metadata`` itself.
    """
    if any(os.path.isfile(entry) for entry in sys.path if entry):
        from importlib import metadata

        return list(metadata.entry_points(group=GROUP))
    found: list[EntryPointLike] = []
    seen: set[str] = set()
    for folder in dict.fromkeys(entry or "." for entry in sys.path):
        for info in _metadata_folders(folder):
            stem = info.name.rsplit(".", 1)[0]
            key = re.sub(r"[-_.]+", "_", stem.split("-", 1)[0]).lower()
            if key in seen:
                continue
            seen.add(key)
            found.extend(_group_of(info.path, stem))
    return found


def _metadata_folders(folder: str) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            listed = sorted((e for e in entries if e.name.endswith((".dist-info", ".egg-info"))),
                            key=lambda e: e.name)
    except OSError:
        return
    yield from listed


def _group_of(info: str, stem: str) -> list[EntryPointLike]:
    """The ``[telconf.providers]`` entries of one distribution's ``entry_points.txt``."""
    try:
        with open(os.path.join(info, "entry_points.txt"), encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError):
        return []
    if f"[{GROUP}]" not in text:
        return []
    entries: list[EntryPointLike] = []
    dist = _Dist(_distribution_name(info, stem))
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            inside = line == f"[{GROUP}]"
        elif inside and "=" in line:
            name, _, value = line.partition("=")
            entries.append(_EntryPoint(name.strip(), value.strip(), dist))
    return entries


def _distribution_name(info: str, stem: str) -> str:
    """The ``Name:`` of a distribution's metadata (the folder's name when unreadable)."""
    for file in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(info, file), encoding="utf-8") as meta:
                for line in meta:
                    if line.lower().startswith("name:"):
                        return line.split(":", 1)[1].strip()
                    if not line.strip():
                        break
        except (OSError, UnicodeDecodeError):
            continue
    return stem.split("-", 1)[0]


def load(entry_points: Iterable[EntryPointLike]) -> tuple[dict[str, ProviderDescriptor], list[str]]:
    """The descriptors behind ``entry_points``, and why any was left out.

    A name registered twice is an error, not a silent choice: which package won would
    depend on the order of ``sys.path``.
    """
    found: dict[str, ProviderDescriptor] = {}
    problems_seen: list[str] = []
    seen: dict[str, str] = {}
    for entry in sorted(entry_points, key=lambda e: (e.name, e.value)):
        source = entry.dist.name if entry.dist is not None else entry.value
        if entry.name in seen:
            if seen[entry.name] != entry.value:
                raise ProviderRegistryError(f"provider {entry.name!r} is registered twice: by {seen[entry.name]} "
                                            f"and by {entry.value}; uninstall one of them")
            continue  # the same package seen twice on the path (an editable install and a checkout)
        seen[entry.name] = entry.value
        try:
            descriptor = entry.load()
        except Exception as exc:  # noqa: BLE001 - any import error of somebody's package
            problems_seen.append(f"provider {entry.name!r} ({source}) could not be loaded: "
                                 f"{type(exc).__name__}: {exc}")
            continue
        try:
            problem = _invalid(entry.name, descriptor)
        except Exception as exc:  # noqa: BLE001 - a descriptor of any shape must not stop telconf
            problem = f"its descriptor cannot be read: {type(exc).__name__}: {exc}"
        if problem:
            problems_seen.append(f"provider {entry.name!r} ({source}): {problem}")
            continue
        found[entry.name] = _with_source(descriptor, source)
    return found, problems_seen


def _invalid(name: str, descriptor: Any) -> str | None:
    """Why ``descriptor`` cannot be the provider ``name``, or None."""
    if not isinstance(descriptor, ProviderDescriptor):
        return f"the entry point names {type(descriptor).__name__}, not a telconf ProviderDescriptor"
    if descriptor.name != name:
        return f"the descriptor is named {descriptor.name!r}, registered as {name!r}"
    if not _NAME.match(name):
        return "a provider name is lower-case letters, digits and '_', starting with a letter"
    if not isinstance(descriptor.stages, Mapping):
        return "its stage table is not a mapping of (kind, Action) to a stage"
    for key, stage in descriptor.stages.items():
        if not (isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str)):
            return f"its stage table has the key {key!r}, not a (kind, Action) pair"
        kind, action = key
        if not isinstance(action, Action) or not isinstance(stage, int) or isinstance(stage, bool) or stage < 1:
            return f"stage of {kind}/{action} must be a positive integer with an Action"
    for name_, ref in (("account_type", descriptor.account_type), ("build", descriptor.build),
                       ("provider", descriptor.provider)):
        if not isinstance(ref, Lazy):
            return f"its {name_} is not a telconf.core.registry.Lazy reference"
    if descriptor.emulator is not None and not isinstance(descriptor.emulator, Lazy):
        return "its emulator is not a telconf.core.registry.Lazy reference"
    if descriptor.routing is not None and not isinstance(descriptor.routing, Lazy):
        return "its routing is not a telconf.core.registry.Lazy reference"
    return None


def _with_source(descriptor: ProviderDescriptor, source: str) -> ProviderDescriptor:
    from dataclasses import replace

    return replace(descriptor, distribution=source)
