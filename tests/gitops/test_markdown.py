"""The Markdown plan, rendered by a GitHub-flavoured renderer (markdown-it-py, gfm-like preset)."""

from __future__ import annotations

import re

import pytest

from telconf import __version__, demo
from telconf.emulator import Emulators
from telconf.providers.beeline.emulator import demo as beeline_demo
from telconf.plan.render_markdown import PlanMarkdown, escape
from tests.gitops.conftest import DemoRepo, rendered

TRICKY = "*VIP* `tick` _under_ <b>x</b> [link](http://e.com) | pipe ~~no~~ # h"


def test_config_values_render_literally_in_a_coloured_diff_block(demo_repo: DemoRepo) -> None:
    text = demo_repo.config.read_text()
    demo_repo.config.write_text(text.replace("description: Sales", f"description: {TRICKY!r}".replace("'", '"'), 1))
    code, out, err = demo_repo.run("plan", "-c", str(demo_repo.config), "--format", "markdown")
    assert code == 0, err
    page, visible = rendered(out)
    assert '<pre><code class="language-diff">' in page  # GitHub and GitLab colour + and - lines
    assert f"+     description: {TRICKY}" in visible
    assert "<em>VIP" not in page and "<del>" not in page and "<b>x</b>" not in page
    lines = "".join(re.findall(r'<code class="language-diff">(.*?)</code>', page, re.S)).splitlines()
    assert any(line.startswith("- ") for line in lines) and any(line.startswith("+ ") for line in lines)
    assert all(line[:1] in "+-! @" for line in lines)  # every line carries its colour marker


@pytest.mark.parametrize("char", list("\\`*_[]()#!|~{}<>&"))
def test_escaped_text_renders_as_written(char: str) -> None:
    value = f"a{char}b{char}c {char}{char}d{char}{char}"
    _, visible = rendered(f"x {escape(value)} y\n")
    assert visible.strip() == f"x {value} y"


def test_warnings_sit_outside_the_collapsed_sections_and_the_footer_names_version_and_fingerprint(
        demo_repo: DemoRepo, emulators: Emulators) -> None:
    emulators.beeline.add_blacklist(beeline_demo.LOGIN[0], 0, beeline_demo.NUMBERS[2], "79000000042")
    code, out, err = demo_repo.run("plan", "-c", str(demo_repo.config), "--format", "markdown")
    assert code == 0, err
    page, visible = rendered(out)
    assert page.index("Warnings</h3>") < page.index("<details>")
    warnings = visible.split("Warnings", 1)[1].split("spb-office (teleum)", 1)[0]
    assert ("blacklist-emptied msk-callcenter/blacklist/0/+74957654323: black list 0 of +7 495 765-43-23 "
            "emptied") in warnings
    footer = out.rstrip().splitlines()[-1]
    assert f"telconf {__version__}" in footer
    assert re.search(r"plan fingerprint <code>sha256:[0-9a-f]{12}</code>", footer)


def test_shortened_plan_keeps_deletes_first_and_says_where_the_full_plan_is(demo_repo: DemoRepo) -> None:
    data = demo_repo.plan_json()
    link = "https://ci.example.com/artifacts/plan_full.json"
    full = PlanMarkdown(full_plan=link).render(data)
    # A quarter: leaving out the call lists and the routing charts is not enough, changes are capped.
    short = PlanMarkdown(limit=len(full) // 4, full_plan=link).render(data)
    assert len(short) <= len(full) // 4
    page, visible = rendered(short)
    assert f"The full plan: {link}" in visible
    assert "deletes first" in visible
    deletes = {a["account"]: sum(c["action"] == "delete" for c in a["changes"]) for a in data["accounts"]}
    for account, block in zip([a for a in data["accounts"] if a["changes"]],
                              re.findall(r'<code class="language-diff">(.*?)</code>', page, re.S)):
        markers = [line[0] for line in block.splitlines() if line[:2] in ("+ ", "- ", "! ")]
        shown_deletes = markers[: deletes[account["account"]]]
        assert all(m == "-" for m in shown_deletes), account["account"]
