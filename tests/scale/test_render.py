"""`telconf render`: the config after includes and templates; it plans exactly like the original."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telconf.cli import main
from telconf.config import load
from telconf.emulator import Emulators
from telconf.engine.conductor import Conductor
from tests.scale.helpers import write

EMAIL, PASSWORD = "office@example.com", "office-Pa55word"
NUMBERS = [f"7812323230{i}" for i in range(6)]


def test_render_merges_includes_expands_templates_and_keeps_variables(tmp_path: Path) -> None:
    write(tmp_path / "telconf.yaml", """\
        version: 1
        include: [teams/*.yaml]
        templates:
          desk:
            forwards: [{to: "sip:{line}", timeout: 25}, {to: "voicemail:{{desk}}@example.com"}]
        """)
    write(tmp_path / "teams" / "spb.yaml", """\
        accounts:
          spb:
            provider: teleum
            credentials: {email: "${TELEUM_EMAIL}", password: "${TELEUM_PASSWORD}", ca_bundle: certs/ca.pem}
            sip_lines: {"101": {}}
            numbers:
              "+7 812 323-23-23": {use: desk, with: {line: 101}}
        """)
    write(tmp_path / "teams" / "certs" / "ca.pem", "not checked by validate\n")
    result = CliRunner().invoke(main, ["render", "-c", str(tmp_path / "telconf.yaml")])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"# {tmp_path / 'telconf.yaml'} rendered by telconf")
    rendered = yaml.safe_load(result.stdout)
    assert "templates" not in rendered and "include" not in rendered
    account = rendered["accounts"]["spb"]
    assert account["credentials"] == {"email": "${TELEUM_EMAIL}", "password": "${TELEUM_PASSWORD}",
                                      "ca_bundle": os.path.join("teams", "certs", "ca.pem")}
    assert account["numbers"] == {"+7 812 323-23-23": {"forwards": [
        {"to": "sip:101", "timeout": 25}, {"to": "voicemail:{desk}@example.com"}]}}
    flat = write(tmp_path / "flat.yaml", result.stdout)
    assert CliRunner().invoke(main, ["validate", "-c", str(flat)]).exit_code == 0


def test_render_of_an_invalid_config_prints_its_errors(tmp_path: Path) -> None:
    path = write(tmp_path / "telconf.yaml", "version: 1\naccounts:\n  spb:\n    provider: teleum\n"
                                            "    credentials: {email: a, password: b}\n"
                                            "    numbers: {\"+7 812 323-23-23\": {use: nope}}\n")
    result = CliRunner().invoke(main, ["render", "-c", str(path)])
    assert result.exit_code == 1
    assert f"{path}:6:41: no template 'nope' (templates: none)" in result.stderr
    assert result.stdout == ""


# --- a templated config and its rendered twin plan alike ----------------------------------

OPTIONAL = {"timeout": st.sampled_from([5, 20, 30]), "record": st.booleans(),
            "schedule": st.just([{"days": "mon-fri", "from": "09:00", "to": "18:00"}])}
TARGETS = ["sip:101", "voicemail:desk@example.com", "tel:+7 921 000-00-09"]
FORWARD = st.fixed_dictionaries({"to": st.sampled_from(TARGETS + ["sip:{line}", "tel:{mobile}"])}, optional=OPTIONAL)
OWN_FORWARD = st.fixed_dictionaries({"to": st.sampled_from(TARGETS)}, optional=OPTIONAL)  # no parameters
TEMPLATE = st.lists(FORWARD, max_size=3)
USE = st.fixed_dictionaries({"template": st.sampled_from(["a", "b"]), "line": st.sampled_from(["101", "102"]),
                             "mobile": st.sampled_from(["+7 921 000-00-01", "+7 921 000-00-02"]),
                             "own": st.one_of(st.none(), st.lists(OWN_FORWARD, max_size=2))})


def _parameters(forwards: list[dict[str, object]]) -> set[str]:
    text = repr(forwards)
    return {name for name in ("line", "mobile") if "{" + name + "}" in text}


def _templated(templates: dict[str, list[dict[str, object]]], uses: list[dict[str, object]]) -> str:
    numbers = {}
    for wire, use in zip(NUMBERS, uses):
        template = str(use["template"])
        entry: dict[str, object] = {"use": template}
        given_ = {name: use[name] for name in sorted(_parameters(templates[template]))}
        if given_:
            entry["with"] = given_
        if use["own"] is not None:
            entry["forwards"] = use["own"]
        numbers["+" + wire] = entry
    config = {"version": 1, "templates": {name: {"forwards": forwards} for name, forwards in templates.items()},
              "accounts": {"office": {"provider": "teleum", "url": "${TELCONF_VAR_URL}",
                                      "credentials": {"email": "${EMAIL}", "password": "${PASSWORD}"},
                                      "sip_lines": {"101": {}, "102": {}}, "numbers": numbers}}}
    return yaml.safe_dump(config, sort_keys=False)


def _plan_data(path: Path, env: dict[str, str]) -> list[dict[str, object]]:
    with Conductor(load(path, environ=env), environ=env) as conductor:
        plan = conductor.plan()
    data = plan.to_data()["accounts"][0]
    for change in data["changes"]:
        change.pop("template", None)  # the rendered twin has no templates: all else must match
    return [data["changes"], data["calls"]]


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.fixed_dictionaries({"a": TEMPLATE, "b": TEMPLATE}), st.lists(USE, min_size=len(NUMBERS),
                                                                       max_size=len(NUMBERS)))
def test_a_templated_config_and_its_rendered_twin_plan_alike(
        emulator_servers: Emulators, tmp_path_factory: object, templates: dict[str, list[dict[str, object]]],
        uses: list[dict[str, object]]) -> None:
    emulator_servers.reset()
    emulator_servers.teleum.add_account(EMAIL, PASSWORD, numbers=NUMBERS)
    emulator_servers.teleum.add_sip(EMAIL, descr="Line 101")
    emulator_servers.teleum.add_sip(EMAIL, descr="Line 102")
    emulator_servers.teleum.add_forward(EMAIL, NUMBERS[0], rtype="SIP", rnum="101")
    env = {"TELCONF_VAR_URL": emulator_servers.teleum_url, "EMAIL": EMAIL, "PASSWORD": PASSWORD}
    folder = Path(tmp_path_factory.mktemp("twin"))  # type: ignore[attr-defined]
    templated = write(folder / "templated.yaml", _templated(templates, uses))
    rendered = CliRunner().invoke(main, ["render", "-c", str(templated)])
    assert rendered.exit_code == 0, rendered.output
    flat = write(folder / "flat.yaml", rendered.stdout)
    assert "use:" not in flat.read_text()
    assert _plan_data(templated, env) == _plan_data(flat, env)
