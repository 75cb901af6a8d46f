"""Templates: `use:`/`with:` expand before the schema and semantic checks; errors name both places."""

from __future__ import annotations

from pathlib import Path

import pytest

from telconf.config import load
from telconf.providers.teleum.model import Forward, Interval, Target, TargetKind
from tests.scale.helpers import errors, validate, write

ENV = {"TELEUM_EMAIL": "a@example.com", "TELEUM_PASSWORD": "secret-password"}

OFFICE = """\
version: 1
templates:
  office:
    forwards:
      - to: sip:{line}
        schedule: [{days: mon-fri, from: "09:00", to: "18:00"}]
      - to: tel:{mobile}
        timeout: 30
      - to: voicemail:office@example.com
accounts:
  spb-office:
    provider: teleum
    credentials: {email: "${TELEUM_EMAIL}", password: "${TELEUM_PASSWORD}"}
    sip_lines: {"101": {}, "102": {}}
    numbers:
"""


def config(here: Path, numbers: str, head: str = OFFICE) -> Path:
    return write(here / "telconf.yaml", head + numbers)


def test_the_issue_example_expands_to_the_flat_forwards(here: Path) -> None:
    path = config(here, """\
      "+7 812 323-23-23": {use: office, with: {line: "101", mobile: "+7 921 000-00-01"}}
      "+7 812 323-23-24": {use: office, with: {line: "102", mobile: "+7 921 000-00-02"}, forwards: []}
""")
    account = load(path, environ=ENV).accounts["spb-office"]
    first = account.numbers["78123232323"]
    assert first.forwards == (
        Forward(Target(TargetKind.SIP, "101"), schedule=(Interval(1, 5, 540, 1080),)),
        Forward(Target(TargetKind.TEL, "79210000001"), timeout=30),
        Forward(Target(TargetKind.VOICEMAIL, "office@example.com")),
    )
    assert first.template == "office"
    assert first.where == f"{path}:16:7"
    second = account.numbers["78123232324"]
    assert second.forwards == ()  # the key beside use: replaces the template's
    assert second.template == "office"


def test_literal_braces_and_whole_value_parameters(here: Path) -> None:
    head = OFFICE.replace("      - to: voicemail:office@example.com\n",
                          "      - to: voicemail:{{x}}{box}@example.com\n        timeout: \"{wait}\"\n")
    path = config(here, '      "+7 812 323-23-23": {use: office, with: {line: 101, mobile: "+79210000001", '
                        'box: desk, wait: 25}}\n', head)
    forward = load(path, environ=ENV).accounts["spb-office"].numbers["78123232323"].forwards[2]
    assert forward.target.value == "{x}desk@example.com"
    assert forward.timeout == 25  # "{wait}" alone keeps the argument's type


def test_an_error_inside_an_expanded_value_names_both_places(here: Path) -> None:
    path = config(here, '      "+7 812 323-23-23": {use: office, with: {line: "109", mobile: "+7 921 000-00-01"}}\n')
    result = validate(path)
    assert result.exit_code == 1
    assert errors(result) == ["telconf.yaml:5:13: sip:109 is not a line under sip_lines of this account "
                              "(lines: 101, 102) (in template 'office', used by '+7 812 323-23-23' at line 16)"]


def test_a_schema_error_inside_an_expanded_value_names_both_places(here: Path) -> None:
    head = OFFICE.replace("timeout: 30", 'timeout: "{wait}"')
    path = config(here, '      "+7 812 323-23-23": {use: office, with: {line: "101", mobile: "+79210000001", '
                        'wait: 99}}\n', head)
    assert errors(validate(path)) == [
        "telconf.yaml:8:18: timeout: 99 is out of range; expected 5..30 "
        "(in template 'office', used by '+7 812 323-23-23' at line 16)"]


@pytest.mark.parametrize("numbers, expected", [
    ('      "+7 812 323-23-23": {use: office, with: {line: "101"}}\n',
     "telconf.yaml:16:41: template 'office' (line 3) needs parameter 'mobile' (written at line 7); "
     "give it under with:"),
    ('      "+7 812 323-23-23": {use: office, with: {line: "101", mobile: "+79210000001", extra: 1}}\n',
     "telconf.yaml:16:85: parameter 'extra' is not used by template 'office' (line 3; its parameters: "
     "line, mobile)"),
    ('      "+7 812 323-23-23": {use: ofice, with: {line: "101"}}\n',
     "telconf.yaml:16:33: no template 'ofice' (templates: office)"),
    ('      "+7 812 323-23-23": {with: {line: "101"}}\n',
     "telconf.yaml:16:28: with: needs use: (the template it fills in)"),
    ('      "+7 812 323-23-23": {use: office, with: {line: {x}, mobile: "+79210000001"}}\n',
     'telconf.yaml:16:54: with: YAML read `{x}` as a mapping; a value that starts with { must be quoted: "{x}"'),
])
def test_errors_at_the_using_line(here: Path, numbers: str, expected: str) -> None:
    result = validate(config(here, numbers))
    assert result.exit_code == 1
    assert expected in errors(result), result.stderr


def test_an_unquoted_brace_value_in_the_template_is_explained(here: Path) -> None:
    head = OFFICE.replace("tel:{mobile}", "{mobile}")
    result = validate(config(here, '      "+7 812 323-23-23": {use: office, with: {line: "101", mobile: "x"}}\n',
                             head))
    assert result.exit_code == 1
    assert any("YAML read `{mobile}` at line 7:13 as a mapping: a value that starts with { must be quoted" in e
               for e in errors(result)), result.stderr


def test_a_template_whose_keys_do_not_fit_the_provider(here: Path) -> None:
    path = write(here / "telconf.yaml", """\
        version: 1
        templates:
          desk:
            redirect: {to: "+7 916 000-00-01"}
        accounts:
          spb-office:
            provider: teleum
            credentials: {email: "${TELEUM_EMAIL}", password: "${TELEUM_PASSWORD}"}
            numbers:
              "+7 812 323-23-23": {use: desk}
        """)
    assert errors(validate(path)) == [
        "telconf.yaml:10:33: template 'desk' (line 3) sets redirect, which a teleum number does not have "
        "(it has: forwards, gap_intended, overrides)"]


def test_a_beeline_number_takes_redirect_and_record_from_a_template(here: Path) -> None:
    path = write(here / "telconf.yaml", """\
        version: 1
        templates:
          desk:
            redirect: {to: "{mobile}"}
            record: true
        accounts:
          msk:
            provider: beeline
            credentials: {username: "${U}", password: "${P}"}
            numbers:
              "+7 495 000-00-01": {use: desk, with: {mobile: "+7 916 000-00-01"}}
              "+7 495 000-00-02": {use: desk, with: {mobile: "+7 916 000-00-02"}, record: false}
        """)
    account = load(path, environ={"U": "u", "P": "p"}).accounts["msk"]
    first, second = account.numbers["74950000001"], account.numbers["74950000002"]
    assert (first.redirect.to, first.record, first.template) == ("79160000001", True, "desk")
    assert (second.redirect.to, second.record) == ("79160000002", False)


def test_twenty_thousand_numbers_from_templates_stay_far_inside_the_budget(here: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The loading benchmark's config (issue 25): five templates with parameters, 20,000 numbers."""
    import sys

    from telconf.config import budget, templates

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import loading  # noqa: E402  (benchmarks/ is not a package)

    # Half the budget still holds it (it adds about 400,000 values and 4 MB).
    monkeypatch.setattr(templates, "MAX_TEMPLATE_VALUES", budget.MAX_TEMPLATE_VALUES // 2)
    monkeypatch.setattr(templates, "MAX_TEMPLATE_BYTES", budget.MAX_TEMPLATE_BYTES // 2)
    path = write(here / "telconf.yaml", loading.templated_parameterised(20_000))
    result = validate(path)
    assert (result.exit_code, result.stderr) == (0, "")


def test_uses_share_what_no_parameter_changes(here: Path) -> None:
    """A use copies only the forwards its parameters change; the others are the template's own objects."""
    from telconf.config.loader import check_document

    path = config(here, """\
      "+7 812 323-23-23": {use: office, with: {line: "101", mobile: "+7 921 000-00-01"}}
      "+7 812 323-23-24": {use: office, with: {line: "102", mobile: "+7 921 000-00-02"}}
""")
    doc, diagnostics = check_document(path)
    assert diagnostics == []
    numbers = doc.data["accounts"]["spb-office"]["numbers"]
    first, second = (numbers[n]["forwards"] for n in ("+7 812 323-23-23", "+7 812 323-23-24"))
    template = doc.data["templates"]["office"]["forwards"]
    assert [f["to"] for f in first] == ["sip:101", "tel:+7 921 000-00-01", "voicemail:office@example.com"]
    assert [f["to"] for f in second] == ["sip:102", "tel:+7 921 000-00-02", "voicemail:office@example.com"]
    assert first[0] is not second[0] and first[0]["schedule"] is second[0]["schedule"] is template[0]["schedule"]
    assert first[2] is second[2] is template[2]
    assert template[0]["to"] == "sip:{line}"  # the template itself is left as written
