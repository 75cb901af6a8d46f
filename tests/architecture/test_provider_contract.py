"""The suite's checks of a provider, run on every provider installed: the contract of
docs/architecture.md and docs/writing-a-provider.md, checked on the descriptor and on
what it names (schema fragment, model, credentials, provider class, emulator kit).

The suite itself runs them on the built-ins (tests/conftest.py selects those);
``test_throwaway_provider.py`` runs this module in a subprocess with a provider written
for the test installed beside them, so a third party's package meets the same checks.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing

import pytest

from telconf.core import registry
from telconf.config.schema import compose
from telconf.emulator.kit import EmulatorKit
from telconf.core.model import Account, Action, Credentials, Secret
from telconf.providers.base import Provider
from tests.config.test_schema import properties  # the same walk the checked-in schema is checked with


def credentials_type(descriptor: registry.ProviderDescriptor) -> type[Credentials]:
    hints = typing.get_type_hints(descriptor.account_type.load())
    found = hints["credentials"]
    assert inspect.isclass(found) and issubclass(found, Credentials), found
    return found


@pytest.fixture(params=registry.names())
def descriptor(request: pytest.FixtureRequest) -> registry.ProviderDescriptor:
    return registry.get(request.param)


def test_every_installed_provider_is_loaded_without_a_problem() -> None:
    assert registry.problems() == ()
    assert registry.names()


def test_its_parts_load_and_are_what_the_core_expects(descriptor: registry.ProviderDescriptor) -> None:
    assert issubclass(descriptor.account_type.load(), Account)
    assert callable(descriptor.build.load())
    provider = descriptor.provider.load()
    assert issubclass(provider, Provider) and not inspect.isabstract(provider), provider
    assert descriptor.default_url.startswith(("https://", "http://"))
    assert all(isinstance(action, Action) and stage >= 1 for (_, action), stage in descriptor.stages.items())
    if descriptor.emulator is not None:
        kit = descriptor.emulator.load()
        assert isinstance(kit, EmulatorKit) and kit.path.startswith("/") and 0 < kit.port < 65536


def test_its_schema_fragment_composes_and_every_property_is_described(
        descriptor: registry.ProviderDescriptor) -> None:
    """Every property needs ``description`` and ``examples``: editors show them, and the
    composed schema the docs publish is read by people."""
    compose([descriptor])  # raises on a fragment that does not fit the core's
    fragment = descriptor.schema_fragment()
    found = list(properties({k: v for k, v in fragment.items() if k in ("account", "template", "$defs")}))
    assert found
    assert [where for where, sub in found if not sub.get("description") or not sub.get("examples")] == []


def test_its_credentials_are_declared_in_the_model_and_the_schema(descriptor: registry.ProviderDescriptor) -> None:
    """``Credentials.FIELDS`` names each credential key of the schema; the secret ones are
    masked (``secret_values``), the others (a login) not."""
    kind = credentials_type(descriptor)
    declared = [f.name for f in kind.FIELDS]
    assert declared, f"{kind.__name__} declares no credential field (FIELDS)"
    schema = descriptor.schema_fragment()["account"]["properties"]["credentials"]["properties"]
    assert set(declared) <= set(schema)
    assert set(schema) - set(declared) <= {"client_cert", "client_key", "ca_bundle"}
    credentials = kind(**{name: Secret("${" + name.upper() + "}") for name in declared})
    masked = {s.template for s in credentials.secrets()}
    assert masked == {"${" + f.name.upper() + "}" for f in kind.FIELDS if f.secret}
    assert all(f.what for f in kind.FIELDS if f.secret)
    throwaway = credentials.throwaway({name: f"value-{name}" for name in declared})
    assert {name: getattr(throwaway, name).reveal({}) for name in declared} == \
        {name: f"value-{name}" for name in declared}
    assert dataclasses.is_dataclass(credentials)
