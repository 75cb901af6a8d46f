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


@pytest.mark.parametrize("value", ["www.1password.com/login", "x WWW.1-2.io y", "www.1evil/path"])
def test_www_followed_by_a_digit_is_no_link_either(value: str) -> None:
    """GitHub's cmark-gfm links ``www.`` followed by any valid domain, a digit first included;
    markdown-it-py's linkify does not, so the escaped text itself is checked: no ``www.`` left."""
    escaped = escape(value)
    assert "www." not in escaped.lower(), escaped
    page, visible = rendered(f"warning: {escaped}\n")
    assert "<a " not in page, page
    assert visible.strip() == f"warning: {value}"


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


def test_bidirectional_overrides_in_values_are_escaped_in_the_calls_too(demo_repo: DemoRepo) -> None:  # noqa: F811
    """U+202E in a description was escaped in the diff but sent raw in the list of API calls, where
    it turns the rest of the line around in the pull request's comment."""
    text = demo_repo.config.read_text()
    demo_repo.config.write_text(text.replace("description: Sales", 'description: "Sales \\u202eevil\\u2066x"', 1))
    code, out, err = demo_repo.run("plan", "-c", str(demo_repo.config), "--format", "markdown")
    assert code == 0, err
    assert "\u202e" not in out and "\u2066" not in out
    calls = [line for line in out.splitlines() if "Sales" in line and "<code>" in line]
    assert calls and all("Sales \\\\u202eevil\\\\u2066x" in line for line in calls), calls
