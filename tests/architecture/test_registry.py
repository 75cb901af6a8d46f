"""The provider registry: entry points in, descriptors out; a broken package never breaks telconf.

Packages are made discoverable the way an installed one is: a ``*.dist-info`` folder
with ``entry_points.txt`` on the path of a subprocess running the real CLI, so the
test environment itself never sees them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from telconf.core import registry
from telconf.config.schema import compose, schema_text
from telconf.plan.data import Action

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "teleum-office.yaml"


def entry(name: str, value: str) -> metadata.EntryPoint:
    return metadata.EntryPoint(name=name, value=value, group=registry.GROUP)


def plugin_path(tmp_path: Path, entry_points: str, module: str = "", source: str = "") -> Path:
    """A folder holding a distribution's metadata (and optionally a module), as site-packages would."""
    dist = tmp_path / "telconf_plugin-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: telconf-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[{registry.GROUP}]\n{entry_points}\n")
    if module:
        (tmp_path / f"{module}.py").write_text(source)
    return tmp_path


def run_cli(path: Path, *args: str, selected: str | None = None) -> subprocess.CompletedProcess[str]:
    # The plugin under test is used besides the built-ins (the suite's TELCONF_PROVIDERS names
    # the built-ins only); a provider installed in this environment is not.
    plugins = [line.partition("=")[0].strip() for info in path.glob("*.dist-info")
               for line in (info / "entry_points.txt").read_text().splitlines()[1:] if "=" in line]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(path), os.environ.get("PYTHONPATH", "")]),
           "TELCONF_PROVIDERS": ",".join(["beeline", "teleum", *plugins]) if selected is None else selected}
    return subprocess.run([sys.executable, "-m", "telconf", *args], capture_output=True, text=True, env=env,
                          timeout=60, cwd=ROOT)


def test_the_built_ins_are_found_through_entry_points_like_any_package() -> None:
    found = {e.name: e.value for e in metadata.entry_points(group=registry.GROUP)}
    assert found["teleum"] == "telconf.providers.teleum:PROVIDER"
    assert found["beeline"] == "telconf.providers.beeline:PROVIDER"
    assert registry.names() == ("beeline", "teleum")  # sorted by name, whatever the packaging tool wrote
    assert registry.problems() == ()
    assert registry.get("teleum").distribution == "telconf"


def test_an_unknown_provider_is_a_registry_error_naming_the_installed_ones() -> None:
    with pytest.raises(registry.ProviderRegistryError, match=r"no provider 'acme' is installed \(providers: "
                                                             r"beeline, teleum\)"):
        registry.get("acme")


def test_bad_entry_points_are_left_out_with_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plugins.py").write_text(
        "from telconf.providers.teleum import PROVIDER as TELEUM\n"
        "from dataclasses import replace\n"
        "NOT_A_DESCRIPTOR = object()\n"
        "RENAMED = replace(TELEUM, name='other')\n"
        "BAD_STAGE = replace(TELEUM, name='badstage', stages={('x', 'create'): 1})\n"
        "UPPER = replace(TELEUM, name='Upper')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found, problems = registry.load([
        entry("missing", "no_such_module:PROVIDER"),
        entry("object", "plugins:NOT_A_DESCRIPTOR"),
        entry("teleum2", "plugins:RENAMED"),
        entry("badstage", "plugins:BAD_STAGE"),
        entry("Upper", "plugins:UPPER"),
        entry("teleum", "telconf.providers.teleum:PROVIDER"),
    ])
    assert list(found) == ["teleum"]
    assert problems == [
        "provider 'Upper' (plugins:UPPER): a provider name is lower-case letters, digits and '_', "
        "starting with a letter",
        "provider 'badstage' (plugins:BAD_STAGE): stage of x/create must be a positive integer with an Action",
        "provider 'missing' (no_such_module:PROVIDER) could not be loaded: ModuleNotFoundError: "
        "No module named 'no_such_module'",
        "provider 'object' (plugins:NOT_A_DESCRIPTOR): the entry point names object, not a telconf "
        "ProviderDescriptor",
        "provider 'teleum2' (plugins:RENAMED): the descriptor is named 'other', registered as 'teleum2'",
    ]


def test_one_name_registered_by_two_packages_is_an_error() -> None:
    with pytest.raises(registry.ProviderRegistryError, match="provider 'teleum' is registered twice: by "
                                                             "other:PROVIDER and by telconf.providers.teleum"):
        registry.load([entry("teleum", "telconf.providers.teleum:PROVIDER"), entry("teleum", "other:PROVIDER")])


def test_a_lazy_reference_that_cannot_be_imported_names_itself() -> None:
    with pytest.raises(registry.ProviderRegistryError, match=r"cannot load nowhere\.at_all:Provider: "
                                                             r"ModuleNotFoundError"):
        registry.Lazy("nowhere.at_all:Provider").load()
    with pytest.raises(ValueError, match="a lazy reference is 'module:attribute'"):
        registry.Lazy("no-colon")


def test_stage_tables_use_actions_and_positive_stages() -> None:
    for descriptor in registry.providers().values():
        assert descriptor.stages
        assert all(isinstance(a, Action) and stage > 0 for (_, a), stage in descriptor.stages.items())


def test_the_checked_in_schema_is_the_one_composed_from_the_built_ins() -> None:
    """schemas/telconf.schema.json is a build product: `telconf schema -o schemas/telconf.schema.json` remakes it."""
    assert (ROOT / "schemas" / "telconf.schema.json").read_text(encoding="utf-8") == schema_text()
    composed = compose(registry.providers().values())
    assert composed["$defs"]["account"]["properties"]["provider"]["enum"] == ["beeline", "teleum"]
    assert {"teleumAccount", "beelineAccount", "forward", "voiceFile"} <= set(composed["$defs"])
    assert set(composed["$defs"]["template"]["properties"]) == {"forwards", "gap_intended", "redirect", "premedia", "record",
                                                                "overrides"}


def test_a_fragment_redefining_a_core_definition_is_refused() -> None:
    from dataclasses import replace

    teleum = registry.get("teleum")
    with pytest.raises(registry.ProviderRegistryError, match="provider copy: its schema defines 'forward', "
                                                             "which is already defined"):
        compose([teleum, replace(teleum, name="copy")])


def test_a_broken_plugin_is_a_warning_and_the_built_ins_still_work(tmp_path: Path) -> None:
    path = plugin_path(tmp_path, "broken = telconf_broken_plugin:PROVIDER", "telconf_broken_plugin",
                       "raise RuntimeError('this package is broken')\n")
    result = run_cli(path, "validate", "-c", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert ("warning: provider 'broken' (telconf-plugin) could not be loaded: RuntimeError: this package is "
            "broken") in result.stderr
    assert "Traceback" not in result.stderr


def test_a_plugin_taking_a_built_in_name_stops_telconf_with_a_clear_error(tmp_path: Path) -> None:
    path = plugin_path(tmp_path, "teleum = telconf_fake_teleum:PROVIDER")
    result = run_cli(path, "validate", "-c", str(EXAMPLE))
    assert result.returncode == 1
    assert result.stderr.startswith("Error: provider 'teleum' is registered twice: by ")
    assert "uninstall one of them" in result.stderr and "Traceback" not in result.stderr


def test_the_schema_command_prints_the_composed_schema(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "schema")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(schema_text())


def test_a_template_key_two_providers_share_accepts_either_schema() -> None:
    from dataclasses import dataclass, replace

    @dataclass(frozen=True)
    class Other(registry.ProviderDescriptor):
        def schema_fragment(self) -> dict[str, object]:
            return {"account": {"type": "object"},
                    "template": {"forwards": {"description": "Other: a list of numbers", "type": "array",
                                              "items": {"type": "string"}}}}

    teleum = registry.get("teleum")
    other = Other(**{**teleum.__dict__, "name": "other"})
    composed = compose([teleum, other, replace(other, name="third")])
    forwards = composed["$defs"]["template"]["properties"]["forwards"]
    assert [branch["description"] for branch in forwards["anyOf"]] == [
        "Teleum: the whole ordered list of forwards (as a number's `forwards`).", "Other: a list of numbers"]
    assert set(composed["properties"]["accounts"]["examples"][0]) == {"my-teleum"}


def broken_plugin(tmp_path: Path, schema: object, **changes: str) -> Path:
    """A package ``brokenplug`` registering provider ``broken``: Teleum's descriptor with ``changes``."""
    package = tmp_path / "brokenplug"
    package.mkdir()
    (package / "schema.json").write_text(json.dumps(schema))
    fields = ", ".join(f"{key}={value}" for key, value in changes.items())
    (package / "__init__.py").write_text(
        "from dataclasses import replace\n"
        "from telconf.core.registry import Lazy\n"
        "from telconf.providers.teleum import PROVIDER as TELEUM\n"
        f"PROVIDER = replace(TELEUM, name='broken', schema='brokenplug:schema.json', {fields})\n")
    return plugin_path(tmp_path, "broken = brokenplug:PROVIDER")


def test_a_plugin_whose_emulator_cannot_load_leaves_the_others_served(tmp_path: Path) -> None:
    path = broken_plugin(tmp_path, {"account": {"type": "object"}}, emulator="Lazy('brokenplug.nope:KIT')")
    result = run_cli(path, "emulator", "--help")
    assert result.returncode == 0, result.stderr
    assert "--teleum-port" in result.stdout and "--broken-port" not in result.stdout
    assert "Traceback" not in result.stderr
    demo = run_cli(path, "demo")
    assert demo.returncode == 0, demo.stderr
    assert ("warning: provider 'broken' was left out: cannot load brokenplug.nope:KIT: ModuleNotFoundError"
            in demo.stderr)


def test_a_plugin_whose_schema_is_not_json_schema_is_left_out_and_the_rest_checked(tmp_path: Path) -> None:
    path = broken_plugin(tmp_path, {"account": {"type": 5}})
    config = tmp_path / "telconf.yaml"
    config.write_text(EXAMPLE.read_text().replace("provider: teleum", "provider: teleum\n    bogus: 1", 1))
    result = run_cli(path, "validate", "-c", str(config))
    assert result.returncode == 1, result.stderr
    assert f"{config}:" in result.stderr and "bogus" in result.stderr  # the Teleum account is still checked
    assert "warning: provider 'broken' was left out: its schema is not valid JSON Schema: " in result.stderr
    assert "Traceback" not in result.stderr and "Internal error" not in result.stderr


def test_a_plugin_with_a_malformed_stage_table_is_left_out(tmp_path: Path) -> None:
    path = broken_plugin(tmp_path, {"account": {"type": "object"}}, stages="{'abc': 1}")
    result = run_cli(path, "validate", "-c", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert ("warning: provider 'broken' (telconf-plugin): its stage table has the key 'abc', not a (kind, Action) "
            "pair") in result.stderr


def test_telconf_providers_selects_the_providers_used_and_the_others_are_not_even_imported(tmp_path: Path) -> None:
    """The operator (or a test suite) names the providers to use; another package's provider
    in the environment is then not loaded, so its breakage cannot show either."""
    path = plugin_path(tmp_path, "broken = telconf_broken_plugin:PROVIDER", "telconf_broken_plugin",
                       "raise RuntimeError('this package is broken')\n")
    result = run_cli(path, "validate", "-c", str(EXAMPLE), selected="teleum")
    assert (result.returncode, result.stderr) == (0, "")
    result = run_cli(path, "accounts", "-c", str(ROOT / "examples" / "both.yaml"), selected="teleum")
    assert result.returncode == 1
    assert "provider: got 'beeline'; expected 'teleum'" in result.stderr
    result = run_cli(path, "validate", "-c", str(EXAMPLE), selected="teleum,nosuch")
    assert result.returncode == 0
    assert "warning: TELCONF_PROVIDERS names 'nosuch', which is not installed" in result.stderr
