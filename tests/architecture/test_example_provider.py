"""A third provider, shipped as its own package, works through the real CLI (issue 16).

``examples/provider-acme`` is found the way an installed package is: through its
distribution's entry points. Instead of pip-installing it into the shared environment
(every other test would then see a third provider), each CLI run is a subprocess whose
``PYTHONPATH`` holds a ``.dist-info`` directory written here and the package's source.
Its emulator is served in this process, on a free port.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests
import yaml

from telconf.emulator.faults import FaultConfig
from telconf.emulator.server import ServedApp

REPO = Path(__file__).resolve().parents[2]
SOURCE_ROOT = REPO / "examples" / "provider-acme"
LOGIN, PASSWORD = "office", "office-password-31337"
# The emulator's numbers: two without forwards, one another writer already forwarded.
NUMBERS = ("78123232323", "78123232324", "78123232325")

GOOD = """\
version: 1
templates:
  reception:
    forward_to: ["+7 921 000-00-01", "+7 911 000-00-02"]
accounts:
  office:
    provider: acme
    url: {url}
    credentials:
      login: ${{ACME_LOGIN}}
      password: ${{ACME_PASSWORD}}
    numbers:
      "+7 812 323-23-23":
        forward_to: ["+7 921 000-00-03"]
      "+7 812 323-23-24": {{use: reception}}
      "+7 812 323-23-25":
        forward_to: []
"""

BAD = """\
version: 1
accounts:
  office:
    provider: acme
    url: {url}
    credentials:
      login: ${{ACME_LOGIN}}
      password: ${{ACME_PASSWORD}}
    numbers:
      "+7 812 323-23-23":
        forward_to: ["+7 812 323-23-23"]
      "+7 812 323-23-24":
        forward_to: "+7 921 000-00-01"
"""


# --- the package, discoverable as if installed ------------------------------------------


def write_distribution(site: Path) -> None:
    """What ``pip install`` leaves for ``importlib.metadata``: name, version and entry points.

    Taken from the package's ``pyproject.toml``, so that its registration is what is tested.
    """
    project = tomllib.loads((SOURCE_ROOT / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    groups = project["entry-points"]
    (info / "entry_points.txt").write_text("".join(
        f"[{group}]\n" + "".join(f"{key} = {value}\n" for key, value in entries.items())
        for group, entries in groups.items()))


def environment(*paths: Path, providers: str | None = "acme,beeline,teleum") -> dict[str, str]:
    """The CLI's environment: ``paths`` on PYTHONPATH, and the providers it uses (the suite
    otherwise uses only the built-ins: tests/conftest.py); None: every installed one."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TELCONF_ALLOWED_HOSTS",
                                                               "TELCONF_PROVIDERS")}
    env.update(PYTHONPATH=os.pathsep.join(map(str, paths)), ACME_LOGIN=LOGIN, ACME_PASSWORD=PASSWORD)
    if providers is not None:
        env["TELCONF_PROVIDERS"] = providers
    return env


@pytest.fixture
def installed(tmp_path: Path) -> dict[str, str]:
    """The environment of a CLI run that sees the acme provider as an installed package."""
    site = tmp_path / "site"
    write_distribution(site)
    return environment(site, SOURCE_ROOT)


@pytest.fixture
def acme() -> Iterator[tuple[Any, str]]:
    """The acme emulator with one account, served on a free port: (app, url).

    The package is imported from its source only for the time of the test, so no
    other test sees it.
    """
    sys.path.insert(0, str(SOURCE_ROOT))
    try:
        kit = importlib.import_module("telconf_acme.emulator").KIT
        app = kit.app()
        app.add_account(LOGIN, PASSWORD, NUMBERS)
        app.set_forwards(LOGIN, "78123232325", ["79210000009"])
        server = ServedApp(app, "127.0.0.1", 0, kit.path)
        try:
            yield app, server.url
        finally:
            server.stop()
    finally:
        sys.path.remove(str(SOURCE_ROOT))
        for name in [m for m in sys.modules if m == "telconf_acme" or m.startswith("telconf_acme.")]:
            del sys.modules[name]


class Cli:
    """Runs ``python -m telconf`` in a directory with an environment; keeps every output."""

    def __init__(self, env: dict[str, str], cwd: Path):
        self.env, self.cwd = env, cwd
        self.outputs: list[str] = []

    def __call__(self, *args: str, code: int = 0) -> str:
        done = subprocess.run([sys.executable, "-m", "telconf", *args], env=self.env, cwd=self.cwd,
                              capture_output=True, text=True, timeout=120)
        self.outputs += [done.stdout, done.stderr]
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == code, f"telconf {' '.join(args)}: exit {done.returncode}\n{done.stdout}{done.stderr}"
        return done.stdout + done.stderr


def properties(node: Any) -> Iterator[dict[str, Any]]:
    """Every property schema under ``node``."""
    if isinstance(node, dict):
        yield from node.get("properties", {}).values()
        for value in node.values():
            yield from properties(value)
    elif isinstance(node, list):
        for value in node:
            yield from properties(value)


# --- the tests --------------------------------------------------------------------------


def test_schema_offers_the_acme_provider(installed: dict[str, str], tmp_path: Path) -> None:
    schema = json.loads(Cli(installed, tmp_path)("schema"))
    account = schema["$defs"]["account"]
    assert "acme" in account["properties"]["provider"]["enum"]
    assert {"if": {"properties": {"provider": {"const": "acme"}}, "required": ["provider"]},
            "then": {"$ref": "#/$defs/acmeAccount"}} in account["allOf"]
    assert schema["$defs"]["acmeNumber"]["properties"]["forward_to"]["maxItems"] == 5
    assert "forward_to" in schema["$defs"]["template"]["properties"]
    # The fragment meets the rules of telconf's own schema (tests/config/test_schema.py):
    # valid draft 2020-12, every property described with examples that are valid.
    jsonschema.Draft202012Validator.check_schema(schema)
    root = jsonschema.Draft202012Validator(schema)
    found = list(properties(schema["$defs"]["acmeAccount"])) + list(properties(schema["$defs"]["acmeNumber"]))
    assert len(found) > 10
    for sub in found:
        assert sub.get("description") and sub.get("examples"), sub
        for example in sub["examples"]:
            assert not list(root.evolve(schema=sub).iter_errors(example)), (sub, example)


def test_validate_reports_the_builder_and_the_schema_fragment_at_their_lines(
        installed: dict[str, str], acme: tuple[Any, str], tmp_path: Path) -> None:
    _, url = acme
    (tmp_path / "good.yaml").write_text(GOOD.format(url=url))
    (tmp_path / "bad.yaml").write_text(BAD.format(url=url))
    cli = Cli(installed, tmp_path)

    assert "good.yaml: valid (1 account)" in cli("validate", "-c", "good.yaml")
    out = cli("validate", "-c", "bad.yaml", code=1)
    # From telconf_acme.config (the builder) ...
    assert "bad.yaml:11:22: '+7 812 323-23-23' is the number itself; a number cannot forward to itself" in out
    # ... and from telconf_acme/schema.json (the fragment joined to the config schema).
    assert "bad.yaml:13:21: forward_to: expected a list" in out
    assert "2 errors" in out


def test_plan_apply_export_through_the_cli(installed: dict[str, str], acme: tuple[Any, str], tmp_path: Path) -> None:
    app, url = acme
    (tmp_path / "good.yaml").write_text(GOOD.format(url=url))
    cli = Cli(installed, tmp_path)

    out = cli("plan", "-c", "good.yaml")
    assert "office (acme): 2 to add, 1 to delete; 3 API calls" in out
    assert "+7 812 323-23-24 (template reception)" in out
    assert "[+7 921 000-00-01, +7 911 000-00-02]" in out
    assert "[+7 921 000-00-09]" in out  # the list the plan deletes

    plan = json.loads(cli("plan", "-c", "good.yaml", "--format", "json"))
    jsonschema.validate(plan, json.loads((REPO / "schemas" / "plan.schema.json").read_text()))
    changes = {c["address"]: (c["action"], c["before"], c["after"]) for c in plan["accounts"][0]["changes"]}
    sources = {c["address"]: (c["source"]["line"], c["source"]["column"]) for c in plan["accounts"][0]["changes"]}
    assert sources == {"office/forwards/+78123232323": (14, 21), "office/forwards/+78123232324": (15, 27),
                       "office/forwards/+78123232325": (17, 9)}  # its forward_to, its `use:`, the key of []
    assert changes == {
        "office/forwards/+78123232323": ("create", None, ["+7 921 000-00-03"]),
        "office/forwards/+78123232324": ("create", None, ["+7 921 000-00-01", "+7 911 000-00-02"]),
        "office/forwards/+78123232325": ("delete", ["+7 921 000-00-09"], None),
    }
    assert app.forwards(LOGIN)["78123232325"] == ["79210000009"]  # planning wrote nothing

    out = cli("apply", "-c", "good.yaml", "--yes")
    assert "3 items read back as desired" in out
    assert app.forwards(LOGIN) == {"78123232323": ["79210000003"],
                                   "78123232324": ["79210000001", "79110000002"],
                                   "78123232325": []}
    assert "No changes." in cli("plan", "-c", "good.yaml")

    cli("export", "-c", "good.yaml", "-o", "backup/telconf.yaml")
    exported = yaml.safe_load((tmp_path / "backup" / "telconf.yaml").read_text())
    assert exported["accounts"]["office"] == {
        "provider": "acme", "url": url,
        "credentials": {"login": "${ACME_LOGIN}", "password": "${ACME_PASSWORD}"},
        "numbers": {"+7 812 323-23-23": {"forward_to": ["+7 921 000-00-03"]},
                    "+7 812 323-23-24": {"forward_to": ["+7 921 000-00-01", "+7 911 000-00-02"]},
                    "+7 812 323-23-25": {"forward_to": []}},
    }
    assert "valid (1 account)" in cli("validate", "-c", "backup/telconf.yaml")
    assert "No changes." in cli("plan", "-c", "backup/telconf.yaml")

    written = "".join(cli.outputs) + (tmp_path / "backup" / "telconf.yaml").read_text()
    assert PASSWORD not in written


def test_a_snapshot_plan_of_acme_needs_no_credential_and_no_connection(
        installed: dict[str, str], acme: tuple[Any, str], tmp_path: Path) -> None:
    """``plan --snapshot`` rebuilds the export in acme's own emulator, in process, through its kit."""
    app, url = acme
    (tmp_path / "good.yaml").write_text(GOOD.format(url=url))
    cli = Cli(installed, tmp_path)
    cli("export", "-c", "good.yaml", "-o", "backup/telconf.yaml")
    live = json.loads(cli("plan", "-c", "good.yaml", "--format", "json"))

    offline = Cli({k: v for k, v in installed.items() if not k.startswith("ACME_")}, tmp_path)
    app.clear_log()
    snapshot = json.loads(offline("plan", "-c", "good.yaml", "--snapshot", "backup/telconf.yaml",
                                  "--format", "json").split("\nnote: ")[0])
    assert app.call_log == []  # nothing reached the served emulator
    assert [c["address"] for c in snapshot["accounts"][0]["changes"]] == \
        [c["address"] for c in live["accounts"][0]["changes"]]
    assert snapshot["planned_against"]["kind"] == "snapshot"


def test_telconf_demo_plans_and_applies_acme_beside_the_built_ins(installed: dict[str, str], tmp_path: Path) -> None:
    out = Cli(installed, tmp_path)("demo", "--keep", "kept")
    assert "an Acme Voice line" in out
    assert "acme-line (acme): 1 to add, 1 to change" in out
    assert out.rstrip().count("No changes.") == 1 and "Demo done" in out  # the second plan: all converged
    kept = (tmp_path / "kept" / "demo.yaml").read_text()
    assert "provider: acme" in kept and "provider: teleum" in kept and "provider: beeline" in kept


def test_telconf_emulator_serves_acme_beside_the_built_ins(installed: dict[str, str], tmp_path: Path) -> None:
    server = subprocess.Popen([sys.executable, "-m", "telconf", "emulator", "--acme-port", "0", "--teleum-port", "0",
                               "--beeline-port", "0"], env=installed, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(3)]
        urls = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in lines}
        assert set(urls) == {"Acme Voice API", "Beeline cloudcc", "Teleum API v3"}, lines
        answer = requests.get(urls["Acme Voice API"] + "numbers", timeout=10)
        assert answer.status_code == 401 and answer.json() == {"error": "HTTP Basic authentication required"}
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_without_its_distribution_acme_is_a_clean_validation_error(acme: tuple[Any, str], tmp_path: Path) -> None:
    # The package is importable, but no distribution registers it: telconf must not know it.
    if any(d.metadata["Name"] == "telconf-provider-acme" for d in importlib.metadata.distributions()):
        pytest.skip("telconf-provider-acme is installed in this environment: it cannot be without its distribution")
    _, url = acme
    (tmp_path / "good.yaml").write_text(GOOD.format(url=url))
    cli = Cli(environment(SOURCE_ROOT, providers=None), tmp_path)

    for command in ("validate", "plan"):
        out = cli(command, "-c", "good.yaml", code=1)
        assert "good.yaml:7:15: provider: got 'acme'; expected" in out
    assert "acme" not in json.loads(cli("schema"))["$defs"]["account"]["properties"]["provider"]["enum"]


def test_other_writers_make_a_saved_plan_stale(installed: dict[str, str], acme: tuple[Any, str],
                                               tmp_path: Path) -> None:
    # The provider's items (one per number) are what a saved plan fingerprints.
    app, url = acme
    (tmp_path / "good.yaml").write_text(GOOD.format(url=url))
    cli = Cli(installed, tmp_path)

    cli("plan", "-c", "good.yaml", "--out", "plan.json")
    app.set_forwards(LOGIN, "78123232325", ["79210000008"])  # another writer, after the review
    out = cli("apply", "plan.json", "-c", "good.yaml", "--yes", code=1)
    assert "plan.json is stale and nothing was applied" in out
    assert "office: forwards of +7 812 323-23-25" in out
    assert app.forwards(LOGIN)["78123232323"] == []

    cli("plan", "-c", "good.yaml", "--out", "fresh.json")
    assert "3 items read back as desired" in cli("apply", "fresh.json", "-c", "good.yaml", "--yes")
    assert app.forwards(LOGIN)["78123232325"] == []


def test_an_item_changed_between_plan_and_write_is_not_written(installed: dict[str, str], acme: tuple[Any, str],
                                                               tmp_path: Path) -> None:
    # One managed number, so one lane: the apply's reads come in a fixed order.
    app, url = acme
    config = GOOD.format(url=url).split('      "+7 812 323-23-23":')[0] + '      "+7 812 323-23-25":\n' \
        "        forward_to: []\n"
    (tmp_path / "one.yaml").write_text(config)
    reads: list[str] = []

    def other_writer(call: str, params: Any) -> None:
        if call == "listNumbers":
            reads.append(call)
            if len(reads) == 2:  # the check right before the write (the first read made the plan)
                app.set_forwards(LOGIN, "78123232325", ["79210000008"])

    app.before_call = other_writer
    out = Cli(installed, tmp_path)("apply", "-c", "one.yaml", "--yes", code=1)
    assert "forwards of +7 812 323-23-25" in out and "changed since the plan" in out
    assert app.forwards(LOGIN)["78123232325"] == ["79210000008"]  # the other writer's list stands
    assert [e["method"] for e in app.call_log] == ["listNumbers", "listNumbers"]  # nothing written


def test_a_number_read_back_without_forwards_gets_them_again(installed: dict[str, str], acme: tuple[Any, str],
                                                             tmp_path: Path) -> None:
    # Another writer empties the list between the apply's write and its read back: the
    # apply reports the outage loudly, fails, and the provider sets the list again.
    app, url = acme
    config = GOOD.format(url=url).split('      "+7 812 323-23-24"')[0]  # only +7 812 323-23-23
    (tmp_path / "one.yaml").write_text(config)
    reads: list[str] = []

    def other_writer(call: str, params: Any) -> None:
        if call == "listNumbers":
            reads.append(call)
            if len(reads) == 3:  # plan, check before the write, then this: the read back
                app.set_forwards(LOGIN, "78123232323", [])

    app.before_call = other_writer
    out = Cli(installed, tmp_path)("apply", "-c", "one.yaml", "--yes", code=1)
    assert "NO LIVE FORWARD: office: forwards of +7 812 323-23-23" in out
    assert "telconf set its forwards again" in out
    assert app.forwards(LOGIN)["78123232323"] == ["79210000003"]
    assert [e["method"] for e in app.call_log] == ["listNumbers", "listNumbers", "setForwards", "listNumbers",
                                                   "listNumbers", "setForwards"]


def test_apply_converges_through_injected_faults(installed: dict[str, str], acme: tuple[Any, str],
                                                 tmp_path: Path) -> None:
    # The emulator's faults are telconf's (seeded per request); the client's calls are
    # safe to repeat, so the Transport's retries carry the apply through lost answers.
    # One request at a time: which request meets which fault does not depend on threads.
    app, url = acme
    (tmp_path / "good.yaml").write_text(GOOD.format(url=url))
    app.faults = FaultConfig(rate=0.3, kinds={"error_5xx", "drop_after_commit", "rate_limit"}, seed=7)

    out = Cli(installed, tmp_path)("apply", "-c", "good.yaml", "--yes", "--parallelism", "1")
    assert "3 items read back as desired" in out
    assert app.forwards(LOGIN) == {"78123232323": ["79210000003"],
                                   "78123232324": ["79210000001", "79110000002"],
                                   "78123232325": []}
    assert ("setForwards", "drop_after_commit") in app.injected_faults  # a write whose answer was lost
    assert any(call == "listNumbers" for call, _ in app.injected_faults)


def _linked(url: str, lists: dict[str, str]) -> str:
    """A config managing the numbers of ``lists`` (number -> its forward_to, as YAML)."""
    numbers = "".join(f'      "{number}":\n        forward_to: {targets}\n' for number, targets in lists.items())
    return GOOD.format(url=url).split("    numbers:\n")[0] + "    numbers:\n" + numbers


def test_a_number_forwarding_to_another_needs_that_one_first(installed: dict[str, str], acme: tuple[Any, str],
                                                             tmp_path: Path) -> None:
    # Issue 27: an item needing another of its kind. Acme refuses a forward to a number of
    # the account that forwards nowhere (409), and emptying a number others forward to:
    # the plan's needs put the calls in the one order the API accepts.
    app, url = acme
    cli = Cli(installed, tmp_path)
    (tmp_path / "linked.yaml").write_text(_linked(url, {"+7 812 323-23-23": '["+7 812 323-23-24"]',
                                                        "+7 812 323-23-24": '["+7 921 000-00-01"]'}))
    plan = json.loads(cli("plan", "-c", "linked.yaml", "--format", "json"))
    jsonschema.validate(plan, json.loads((REPO / "schemas" / "plan.schema.json").read_text()))
    needs = {c["address"]: c.get("needs") for c in plan["accounts"][0]["changes"]}
    assert needs == {"office/forwards/+78123232323": ["office/forwards/+78123232324"],
                     "office/forwards/+78123232324": None}
    assert "2 items read back as desired" in cli("apply", "-c", "linked.yaml", "--yes")
    puts = [e["params"]["number"] for e in app.call_log if e["method"] == "setForwards"]
    assert puts == ["78123232324", "78123232323"]

    # Unreference before delete: +7 812 323-23-24 loses its forwards after 23 stops targeting it.
    (tmp_path / "unlinked.yaml").write_text(_linked(url, {"+7 812 323-23-23": '["+7 921 000-00-03"]',
                                                          "+7 812 323-23-24": "[]"}))
    app.clear_log()
    assert "2 items read back as desired" in cli("apply", "-c", "unlinked.yaml", "--yes")
    assert [e["params"]["number"] for e in app.call_log if e["method"] == "setForwards"] == \
        ["78123232323", "78123232324"]
    assert app.forwards(LOGIN)["78123232324"] == []


def test_two_new_lists_forwarding_to_each_other_are_a_cycle_the_plan_refuses(
        installed: dict[str, str], acme: tuple[Any, str], tmp_path: Path) -> None:
    app, url = acme
    (tmp_path / "cycle.yaml").write_text(_linked(url, {"+7 812 323-23-23": '["+7 812 323-23-24"]',
                                                       "+7 812 323-23-24": '["+7 812 323-23-23"]'}))
    out = Cli(installed, tmp_path)("plan", "-c", "cycle.yaml", code=1)
    assert "these changes need each other in a circle" in out
    assert "office/forwards/+78123232323 -> office/forwards/+78123232324 -> office/forwards/+78123232323" in out \
        or "office/forwards/+78123232324 -> office/forwards/+78123232323 -> office/forwards/+78123232324" in out
    assert [e["method"] for e in app.call_log] == ["listNumbers"]


def test_a_list_not_sent_stops_the_lists_that_need_it(installed: dict[str, str], acme: tuple[Any, str],
                                                      tmp_path: Path) -> None:
    # Another writer changes +7 812 323-23-24 after the plan: it is not written, and neither
    # is +7 812 323-23-23, which needs it (the plan's edges, not provider code).
    app, url = acme
    (tmp_path / "linked.yaml").write_text(_linked(url, {"+7 812 323-23-23": '["+7 812 323-23-24"]',
                                                        "+7 812 323-23-24": '["+7 921 000-00-01"]'}))
    reads: list[str] = []

    def other_writer(call: str, params: Any) -> None:
        if call == "listNumbers":
            reads.append(call)
            if len(reads) == 2:  # after the plan's read, before any check of +7 812 323-23-24
                app.set_forwards(LOGIN, "78123232324", ["79210000008"])

    app.before_call = other_writer
    out = Cli(installed, tmp_path)("apply", "-c", "linked.yaml", "--yes", code=1)
    assert "forwards of +7 812 323-23-24: changed since the plan" in out
    assert "forwards of +7 812 323-23-23: not sent: it needs forwards of +7 812 323-23-24, which changed since " \
           "the plan" in out
    assert not [e for e in app.call_log if e["method"] == "setForwards"]
    assert app.forwards(LOGIN)["78123232323"] == []
