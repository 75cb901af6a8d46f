"""Renderers: golden files for text and Markdown, JSON against the schema.

Regenerate the golden files after an intended change with
``TELCONF_UPDATE_GOLDEN=1 pytest tests/workflow/test_render.py``, and review the diff.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import jsonschema
import pytest

from telconf.plan.data import Plan
from telconf.plan.render import summary_line
from telconf.plan.render_markdown import PlanMarkdown
from telconf.plan.renderers import renderer

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = Path(__file__).parents[2] / "schemas" / "plan.schema.json"


def render(plan: Plan | dict, fmt: str, **kw: object) -> str:
    out = io.StringIO()
    renderer(fmt, **kw).run(plan, out)  # type: ignore[arg-type]
    return out.getvalue()


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("TELCONF_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; see the module docstring"


def test_text_golden(rich_plan: Plan) -> None:
    check_golden("rich_plan.txt", render(rich_plan, "text"))


def test_markdown_golden(rich_plan: Plan) -> None:
    check_golden("rich_plan.md", render(rich_plan, "markdown"))


def test_text_is_plain_off_a_terminal_and_coloured_on_one(rich_plan: Plan) -> None:
    plain, coloured = render(rich_plan, "text"), render(rich_plan, "text", color=True)
    assert "\x1b[" not in plain
    assert "\x1b[32m    + sip_line 103" in coloured
    assert "\x1b[31m    - sip_line 104" in coloured


def test_text_shows_markers_diffs_secrets_and_warnings(rich_plan: Plan) -> None:
    text = render(rich_plan, "text")
    assert "    ~ forward 78123232323#1\n        timeout: 20 → 30\n        record: false → true\n" in text
    assert "    ↕ forward 78123232323#3\n        position: 3 → 1\n" in text
    assert "password: (sensitive)" in text
    assert "! RCANCEL: incoming calls to this number will be rejected" in text
    # 240 A-numbers -> 250: counts and a few, never the whole list
    assert "block: 240 → 250 items: +20 [79110000000," in text
    assert "… and 15 more] (20 in all); -10 [" in text
    assert text.count("7900") < 20
    assert text.rstrip().endswith("Plan: 4 to add, 6 to change, 3 to delete, 1 move; 16 API calls")


def test_summary_line_exact_wording() -> None:
    data = {"summary": {"create": 3, "update": 2, "delete": 1, "move": 4, "calls": 14}, "accounts": []}
    assert summary_line(data) == "Plan: 3 to add, 2 to change, 1 to delete, 4 moves; 14 API calls"


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_empty_plan_says_no_changes(fmt: str) -> None:
    text = render(Plan(()), fmt)
    assert "No changes." in text
    assert "to add" not in text


def test_markdown_is_a_pr_comment(rich_plan: Plan) -> None:
    md = render(rich_plan, "markdown")
    assert md.count("<details>\n<summary><b>") == 2  # one per account with changes
    assert "| spb-office | teleum | 2 | 2 | 2 | 1 | 8 |" in md
    assert "| quiet | teleum | 0 | 0 | 0 | 0 | 0 |" in md
    assert "Note" not in md  # short plans are not shortened


def test_markdown_over_the_limit_is_shortened_with_a_note(rich_plan: Plan) -> None:
    full = render(rich_plan, "markdown")
    short = PlanMarkdown(limit=len(full) - 1).render(rich_plan.to_data())
    assert len(short) < len(full)
    assert "left out: the API call lists" in short
    assert "API calls, in order" not in short
    tiny = PlanMarkdown(limit=1500).render(rich_plan.to_data())
    assert len(tiny) <= 1500
    assert "changes (each account shows its first" in tiny
    assert "more changes of this account are not shown" in tiny
    assert "Plan: 4 to add, 6 to change, 3 to delete, 1 move; 16 API calls" in tiny


def test_markdown_keeps_values_inside_the_diff_block() -> None:
    from telconf.plan.data import AccountPlan, Action, Change

    change = Change("sip_line", "101", Action.CREATE, after={"description": "a|b <script>\n- x ```"})
    plan = Plan((AccountPlan("a", "teleum", (change,), (), (), "sha256:" + "0" * 64),))
    md = render(plan, "markdown")
    # the value's line break stays on its line (no "- x" line of its own); a longer fence
    assert "+     description: a|b <script>\\n- x ```\n" in md
    assert "````diff\n" in md


def test_json_is_plan_data(rich_plan: Plan) -> None:
    assert json.loads(render(rich_plan, "json")) == json.loads(json.dumps(rich_plan.to_data()))


def test_json_validates_against_the_schema(rich_plan: Plan) -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads(render(rich_plan, "json")))
    jsonschema.Draft202012Validator(schema).validate(Plan(()).to_data())


def test_schema_rejects_a_secret_value_in_a_placeholder_slot(rich_plan: Plan) -> None:
    schema = json.loads(SCHEMA.read_text())
    data = json.loads(render(rich_plan, "json"))
    data["accounts"][0]["calls"][0]["params"] = {"paswd": {"$secret": "x", "value": "hunter22"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_control_characters_in_values_are_escaped(fmt: str) -> None:
    """A description with terminal escapes, a bell, a bidi override or a line break prints inert."""
    from telconf.plan.data import AccountPlan, Action, Change

    hostile = "Recep\x1b[2J\x1b]0;pwned\x07tion\u202e\n+ forward fake"
    change = Change("sip_line", "101", Action.CREATE, after={"description": hostile})
    plan = Plan((AccountPlan("a", "teleum", (change,), (), (), "sha256:" + "0" * 64),))
    out = render(plan, fmt)
    assert "description: Recep\\x1b[2J\\x1b]0;pwned\\x07tion\\u202e\\n+ forward fake" in out
    assert not any(c in out for c in "\x1b\x07\u202e")
    assert "\n+ forward fake" not in out
