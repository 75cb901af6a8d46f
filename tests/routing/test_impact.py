"""Routing impact of plans: which windows of which numbers change, before and after.

Plans are made against snapshots (offline, through the ordinary providers and the
in-process emulators), so the before side is the live state as a provider reads it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from click.testing import CliRunner

from tests.routing.conftest import beeline, run, teleum

ROOT = Path(__file__).parents[2]
PLAN_SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())
LIVE = teleum("""\
    "+7 812 323-23-23":
      forwards:
        - to: sip:101
          timeout: 20
          schedule: [{days: mon-fri, from: "09:00", to: "18:00"}]
        - to: "tel:+7 921 000-00-00"
        - to: voicemail:office@example.com
    """)


def plan(cli: CliRunner, tmp_path: Path, live: str, desired: str, fmt: str = "json") -> Any:
    (tmp_path / "backup.yaml").write_text(live)
    (tmp_path / "telconf.yaml").write_text(desired)
    result = run(cli, "plan", "-c", str(tmp_path / "telconf.yaml"), "--snapshot", str(tmp_path / "backup.yaml"),
                 "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt != "json":
        return result.stdout
    data = json.loads(result.stdout)
    jsonschema.validate(data, PLAN_SCHEMA)
    return data


def routing(data: Any) -> list[dict[str, Any]]:
    return [r for account in data["accounts"] for r in account["routing"]]


def kinds(steps: list[dict[str, Any]]) -> list[str]:
    return [s["target"] or s["kind"] for s in steps]


def test_a_schedule_change_names_the_hours_that_change(cli: CliRunner, tmp_path: Path) -> None:
    data = plan(cli, tmp_path, LIVE, LIVE.replace('to: "18:00"', 'to: "20:00"'))
    (impact,) = routing(data)
    assert impact["number"] == "78123232323"
    (change,) = impact["changes"]
    assert (change["days"], change["from"], change["to"]) == (["mon", "tue", "wed", "thu", "fri"], "18:01", "20:00")
    assert kinds(change["before"]) == ["tel:79210000000", "voicemail:office@example.com"]
    assert kinds(change["after"]) == ["sip:101", "tel:79210000000", "voicemail:office@example.com"]


def test_an_edit_of_a_timeout_changes_the_route_where_that_forward_rings(cli: CliRunner, tmp_path: Path) -> None:
    (impact,) = routing(plan(cli, tmp_path, LIVE, LIVE.replace("timeout: 20", "timeout: 30")))
    (change,) = impact["changes"]
    assert (change["from"], change["to"]) == ("09:00", "18:00")
    assert (change["before"][0]["seconds"], change["after"][0]["seconds"]) == (20, 30)


def test_a_move_and_a_delete(cli: CliRunner, tmp_path: Path) -> None:
    moved = LIVE.replace('          - to: "tel:+7 921 000-00-00"\n          - to: voicemail:office@example.com\n',
                         '          - to: voicemail:office@example.com\n          - to: "tel:+7 921 000-00-00"\n')
    assert moved != LIVE
    (impact,) = routing(plan(cli, tmp_path, LIVE, moved))
    assert [kinds(c["after"]) for c in impact["changes"]][0][-1] == "voicemail:office@example.com"
    assert all("tel:79210000000" not in kinds(c["after"]) for c in impact["changes"])  # the mailbox answers first
    deleted = LIVE.replace('          - to: voicemail:office@example.com\n', "")
    assert deleted != LIVE
    (impact,) = routing(plan(cli, tmp_path, LIVE, deleted))
    assert len(impact["changes"]) == 4  # every window lost its mailbox
    assert all(kinds(c["after"]) == kinds(c["before"])[:-1] for c in impact["changes"])


def test_a_change_that_alters_no_route_adds_nothing(cli: CliRunner, tmp_path: Path) -> None:
    desired = LIVE.replace('"101": {password', '"101": {description: Reception, password')
    assert desired != LIVE
    data = plan(cli, tmp_path, LIVE, desired)
    assert data["summary"]["update"] == 1 and routing(data) == []
    assert "call routing" not in plan(cli, tmp_path, LIVE, desired, "text")
    assert "Call routing" not in plan(cli, tmp_path, LIVE, desired, "markdown")


HOTLINE = beeline("""\
    "+7 495 000-00-01": {redirect: {to: "+7 916 000-00-01"}}
    "+7 495 000-00-02": {redirect: {to: "+7 916 000-00-02"}}
    """, blacklists='active: 0\nlists:\n  "0": [{numbers: ["+7 495 000-00-01"], block: ["+7 900 000-00-01"]}]\n')


def test_black_list_and_redirect_changes(cli: CliRunner, tmp_path: Path) -> None:
    desired = HOTLINE.replace('block: ["+7 900 000-00-01"]', 'block: ["+7 900 000-00-01", "+7 900 000-00-02"]')
    desired = desired.replace('{redirect: {to: "+7 916 000-00-02"}}', "{redirect: null}")
    impacts = {i["number"]: i["changes"] for i in routing(plan(cli, tmp_path, HOTLINE, desired))}
    (blocked,) = impacts["74950000001"]
    assert (blocked["days"], blocked["from"], blocked["to"]) == (
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "00:00", "23:59")
    assert (blocked["before"][0]["callers"], blocked["after"][0]["callers"]) == (1, 2)
    (rejected,) = impacts["74950000002"]
    assert kinds(rejected["before"]) == ["tel:79160000002"] and kinds(rejected["after"]) == ["reject"]


def test_text_and_markdown_show_before_and_after_with_a_chart(cli: CliRunner, tmp_path: Path) -> None:
    desired = LIVE.replace('to: "18:00"', 'to: "20:00"')
    text = plan(cli, tmp_path, LIVE, desired, "text")
    assert ("  call routing that changes:\n    +7 812 323-23-23\n"
            "      mon-fri 18:01–20:00  before: tel:+7 921 000-00-00 (20 s) → voicemail:office@example.com\n"
            "                           after:  sip:101 (20 s) → tel:+7 921 000-00-00 (20 s) → "
            "voicemail:office@example.com\n") in text
    markdown = plan(cli, tmp_path, LIVE, desired, "markdown")
    assert "**+7 812 323-23-23 \\(office\\)**\n\n| when | before | after |\n|---|---|---|\n" \
           "| mon-fri 18:01–20:00 | tel:+7 921 000-00-00 \\(20 s\\) → voicemail:office@\u2060example&#46;com | " \
           in markdown  # e-mail addresses neutralised outside code, as everywhere in a Markdown plan
    chart = markdown.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert "gantt\n" in chart and "    section before\n" in chart and "    section after\n" in chart
    assert "    tel +7 921 000-00-00 +1 :done, b0d4, 2024-01-05 18:01, 2024-01-05 20:01\n" in chart
    assert "    sip 101 +2 :active, a0d4, 2024-01-05 18:01, 2024-01-05 20:01\n" in chart
