"""Issue 22 row 16: names and values in the Markdown plan ping nobody and link nowhere.

A pull request's plan is posted as a comment by CI; whatever a config or server value
says (``@org-team``, ``https://…``, ``www.…``, an e-mail) must show as text outside code
spans, not notify a team or become a link. Rendered with markdown-it-py's GitHub-like
preset, linkify included (it links more than GitHub: bare domains too).
"""

from __future__ import annotations

import re

import pytest

from telconf.plan.render_markdown import escape
from tests.gitops.conftest import DemoRepo, demo_repo, rendered  # noqa: F401 - demo_repo is a fixture

HOSTILE = "@org-team see https://evil.example/x?a=1 www.evil.com ops@evil.com bill.tech.teleum.com"
JOINER = "\u2060"


@pytest.mark.parametrize("value", [HOSTILE, "@org-team.wav", "fax:https://evil.example/path?to=@team", "@a @b_c @1"])
def test_escaped_values_are_neither_mentions_nor_links(value: str) -> None:
    page, visible = rendered(f"warning: {escape(value)}\n")
    assert "<a " not in page, page
    assert visible.replace(JOINER, "").strip() == f"warning: {value}"
    assert not re.search(r"@\w", visible), "a mention or e-mail survives"


def test_a_plan_comment_quoting_hostile_values_has_no_link(demo_repo: DemoRepo) -> None:  # noqa: F811
    text = demo_repo.config.read_text()
    assert "description: Sales" in text
    demo_repo.config.write_text(text.replace("description: Sales", f'description: "{HOSTILE}"', 1))
    code, out, err = demo_repo.run("plan", "-c", str(demo_repo.config), "--format", "markdown")
    assert code == 0, err
    page, visible = rendered(out)
    assert HOSTILE in out  # in the fenced diff block, as written (code: never linked)
    assert "<a " not in page, [line for line in page.splitlines() if "<a " in line]
    assert HOSTILE in visible.replace(JOINER, "")
