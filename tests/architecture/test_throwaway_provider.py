"""A provider written for this test, installed beside the built-ins, meets the suite's checks.

The package (``telconf_ivr``: voice menus that name the menu a key leads to, an API
token as the only credential) is written to a temporary folder with a ``.dist-info``
beside it, as ``pip install`` leaves one; each run is a subprocess whose ``PYTHONPATH``
holds them, so this test process never sees the provider. Nothing of telconf is edited
for it: that is the promise of docs/writing-a-provider.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

DESCRIPTOR = '''\
"""IVR: voice menus; a menu's keys lead to other menus, named."""

from telconf.core.model import Action
from telconf.core.registry import Lazy, ProviderDescriptor

PROVIDER = ProviderDescriptor(
    name="ivr",
    title="IVR Menus",
    summary="voice menus whose keys lead to other menus",
    default_url="https://api.ivr.example/v2/",
    account_type=Lazy("telconf_ivr.impl:IvrAccount"),
    build=Lazy("telconf_ivr.impl:build"),
    schema="telconf_ivr:schema.json",
    # One stage for every change: the order between menus comes from what each needs.
    stages={("menu", Action.CREATE): 1, ("menu", Action.UPDATE): 1, ("menu", Action.DELETE): 1},
    provider=Lazy("telconf_ivr.impl:IvrProvider"),
)
'''

IMPLEMENTATION = '''\
"""Model, config builder and provider of the IVR API (the API itself is not needed here:
the account reads as empty, so a plan creates every menu)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from telconf.config import common
from telconf.config.context import Context
from telconf.config.source import Path as DataPath
from telconf.core.model import Account, Action, CredentialField, Credentials, Secret
from telconf.plan.data import Call, Change, PlanOptions, fingerprint
from telconf.providers.base import LiveState, Provider


@dataclass(frozen=True, kw_only=True)
class IvrCredentials(Credentials):
    FIELDS: ClassVar[tuple[CredentialField, ...]] = (CredentialField("token", what="a token"),)
    token: Secret


@dataclass(frozen=True, kw_only=True)
class IvrAccount(Account):
    credentials: IvrCredentials
    menus: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # menu -> key -> next menu
    provider: str = "ivr"


def build(ctx: Context, name: str, path: DataPath, data: dict[str, Any]) -> IvrAccount:
    menus = data.get("menus") if isinstance(data.get("menus"), dict) else {}
    for menu, keys in menus.items():
        for key, target in (keys.get("keys") or {}).items():
            if target not in menus:
                ctx.error(path + ("menus", menu, "keys", key), f"no menu {target!r} in this account")
    return IvrAccount(
        **common.header(ctx, name, path, data, "https://api.ivr.example/v2/"),
        credentials=IvrCredentials(**common.credentials(ctx, path, data, IvrCredentials)),
        menus={menu: dict(keys.get("keys") or {}) for menu, keys in menus.items()},
    )


class IvrProvider(Provider[IvrAccount]):
    name = "ivr"

    def read(self) -> LiveState:
        return LiveState(data={}, fingerprint=fingerprint({}))

    def diff(self, live: LiveState, options: PlanOptions) -> list[Change]:
        changes = []
        for menu, keys in self.account.menus.items():  # in the file's order: a menu before those it leads to
            call = Call("createMenu", {"name": menu, "keys": dict(keys)}, lane=menu)
            needed = tuple(f"{self.account.name}/menu/{target}" for target in sorted(set(keys.values())) if target != menu)
            changes.append(Change("menu", menu, Action.CREATE, after=dict(keys), calls=(call,), needs=needed))
        return changes

    def execute(self, call: Call) -> str | None:
        raise NotImplementedError("this test provider only plans")

    def export(self, live: LiveState, out_dir: Path) -> dict[str, Any]:
        return {"menus": {}}
'''

SCHEMA = {
    "example": {"provider": "ivr", "credentials": {"token": "${IVR_TOKEN}"}},
    "account": {
        "description": "An account of the IVR API.",
        "type": "object",
        "additionalProperties": False,
        "required": ["provider", "credentials"],
        "properties": {
            "provider": {"description": "Always `ivr` here.", "const": "ivr", "examples": ["ivr"]},
            "url": {"description": "The API's URL.", "type": "string", "examples": ["https://api.ivr.example/v2/"]},
            "safety": {"$ref": "#/$defs/safety", "description": "The mass-delete rule.",
                       "examples": [{"max_delete_percent": 25}]},
            "credentials": {
                "description": "The API token (write `${NAME}`).",
                "type": "object",
                "examples": [{"token": "${IVR_TOKEN}"}],
                "additionalProperties": False,
                "required": ["token"],
                "properties": {"token": {"$ref": "#/$defs/variableOrText", "description": "The API token.",
                                         "examples": ["${IVR_TOKEN}"]}},
            },
            "menus": {
                "description": "Voice menus by name.",
                "type": "object",
                "examples": [{"main": {"keys": {"1": "sales"}}, "sales": {}}],
                "additionalProperties": {"$ref": "#/$defs/ivrMenu"},
            },
        },
    },
    "template": {},
    "$defs": {
        "ivrMenu": {
            "description": "One menu.",
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "keys": {
                    "description": "The menu each key leads to.",
                    "type": "object",
                    "examples": [{"1": "sales"}],
                    "additionalProperties": {"description": "A menu of this account.", "type": "string",
                                             "examples": ["sales"]},
                },
            },
        },
    },
}

CONFIG = """\
version: 1
accounts:
  office:
    provider: ivr
    credentials:
      token: tok-written-in-the-file-4242
    menus:
      main:
        keys: {"1": sales, "2": support}
      sales:
        keys: {"0": support}
      support: {}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package and its distribution metadata, as ``pip install`` would leave them."""
    root = tmp_path_factory.mktemp("site")
    package = root / "telconf_ivr"
    package.mkdir()
    (package / "__init__.py").write_text(DESCRIPTOR)
    (package / "impl.py").write_text(IMPLEMENTATION)
    (package / "schema.json").write_text(json.dumps(SCHEMA, indent=2))
    info = root / "telconf_ivr-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: telconf-ivr\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[telconf.providers]\nivr = telconf_ivr:PROVIDER\n")
    return root


def run(site: Path, *args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TELCONF_PROVIDERS")}
    env.update(PYTHONPATH=str(site), TELCONF_PROVIDERS="beeline,ivr,teleum",
               TELCONF_TEST_PROVIDERS="beeline,ivr,teleum")
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_the_suites_provider_checks_pass_on_it_beside_the_built_ins(site: Path) -> None:
    result = run(site, "-m", "pytest", "-rA", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:xdist",
                 "tests/architecture/test_provider_contract.py")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    for name in ("beeline", "ivr", "teleum"):  # the checks ran on each, the new one included
        for check in ("test_its_parts_load_and_are_what_the_core_expects",
                      "test_its_schema_fragment_composes_and_every_property_is_described",
                      "test_its_credentials_are_declared_in_the_model_and_the_schema"):
            assert f"PASSED tests/architecture/test_provider_contract.py::{check}[{name}]" in result.stdout


def test_its_token_is_masked_and_warned_about_as_a_token(site: Path, tmp_path: Path) -> None:
    (tmp_path / "ivr.yaml").write_text(CONFIG)
    result = run(site, "-m", "telconf", "validate", "-c", "ivr.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ivr.yaml:6:14: warning: a token written in the file; take it from the environment" in result.stderr
    assert "password" not in result.stderr
    result = run(site, "-m", "telconf", "plan", "-c", "ivr.yaml", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "tok-written-in-the-file-4242" not in result.stdout + result.stderr
    plan = json.loads(result.stdout)
    assert [(w["code"], w["line"]) for w in plan["warnings"]] == [("secret-in-file", 6)]
    assert [c["key"] for c in plan["accounts"][0]["changes"]] == ["main", "sales", "support"]


def test_a_menu_is_created_after_the_menus_it_leads_to(site: Path, tmp_path: Path) -> None:
    """The provider emits ``main`` first; ``main`` needs ``sales`` and ``support``, ``sales``
    needs ``support``: the plan creates support, sales, main (one stage: the order is the needs')."""
    (tmp_path / "ivr.yaml").write_text(CONFIG.replace("tok-written-in-the-file-4242", "${IVR_TOKEN}"))
    result = run(site, "-m", "telconf", "plan", "-c", "ivr.yaml", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    calls = json.loads(result.stdout)["accounts"][0]["calls"]
    assert [c["params"]["name"] for c in calls] == ["support", "sales", "main"]
