"""The Mermaid charts of a Markdown plan really render: mermaid (npm) in headless Chromium.

GitHub and GitLab draw ```mermaid blocks with mermaid.js; this renders the plan's Markdown
(as a GitHub-flavoured renderer does) in a page that runs mermaid on those blocks, in
Debian's headless Chromium, and checks the DOM: every chart became an SVG gantt chart with
its rows and bars, and mermaid reported no error. It also leaves a screenshot
(``plan-routing.png`` in the test's temporary folder) for a person to look at.

Runs where Node's mermaid package and Chromium are installed, else is skipped::

    npm install -g mermaid@11 && apt-get install -y chromium
    TELCONF_MERMAID_JS=/path/to/mermaid.min.js   # another copy of mermaid
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.routing.conftest import run, teleum
from tests.routing.test_impact import LIVE

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"]


def mermaid_js() -> Path | None:
    """mermaid.min.js: TELCONF_MERMAID_JS, else the global npm package."""
    given = os.environ.get("TELCONF_MERMAID_JS")
    if given:
        return Path(given) if Path(given).is_file() else None
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return None
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, timeout=60).stdout.strip()
    found = Path(root, "mermaid", "dist", "mermaid.min.js")
    return found if root and found.is_file() else None


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>plan</title>
<style>body {{ font-family: sans-serif; width: 1300px; }}</style>
<script src="{mermaid}"></script></head><body>{body}
<div id="status">pending</div>
<script>
for (const code of document.querySelectorAll("code.language-mermaid")) {{
  const chart = document.createElement("pre");
  chart.className = "mermaid";
  chart.textContent = code.textContent;
  code.parentElement.replaceWith(chart);
}}
mermaid.initialize({{startOnLoad: false, securityLevel: "strict"}});
mermaid.run({{querySelector: "pre.mermaid"}})
  .then(() => {{ document.getElementById("status").textContent = "rendered"; }})
  .catch((error) => {{ document.getElementById("status").textContent = "error: " + error; }});
</script></body></html>
"""


@pytest.mark.skipif(chromium() is None or mermaid_js() is None,
                    reason="needs Chromium and the npm package mermaid (npm install -g mermaid)")
def test_the_markdown_plan_charts_render_in_a_browser(cli: CliRunner, tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    desired = LIVE.replace('to: "18:00"', 'to: "20:00"').replace("          - to: voicemail:office@example.com\n",
                                                                  "          - to: sip:102\n            schedule: "
                                                                  "[{days: sat-sun}]\n"
                                                                  "          - to: voicemail:office@example.com\n")
    (tmp_path / "backup.yaml").write_text(LIVE)
    (tmp_path / "telconf.yaml").write_text(desired)
    result = run(cli, "plan", "-c", str(tmp_path / "telconf.yaml"), "--snapshot", str(tmp_path / "backup.yaml"),
                 "--format", "markdown")
    assert result.exit_code == 0, result.output
    charts = result.stdout.count("```mermaid")
    assert charts == 1
    page = tmp_path / "plan.html"
    page.write_text(PAGE.format(mermaid=html.escape(mermaid_js().as_uri()),  # type: ignore[union-attr]
                                body=MarkdownIt("gfm-like").render(result.stdout)), encoding="utf-8")
    browser = chromium()
    assert browser is not None
    with tempfile.TemporaryDirectory() as profile:
        flags = [*CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=15000",
                 "--allow-file-access-from-files"]
        dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                             timeout=120).stdout
        subprocess.run([browser, *flags, "--window-size=1300,1100", f"--screenshot={tmp_path / 'plan-routing.png'}",
                        page.as_uri()], capture_output=True, timeout=120)
    assert '<div id="status">rendered</div>' in dom, dom[-2000:]
    svgs = re.findall(r"<svg[^>]*aria-roledescription=\"gantt\".*?</svg>", dom, re.S)
    assert len(svgs) == charts
    text = html.unescape(re.sub(r"<[^>]+>", " ", svgs[0]))
    assert "before" in text and "after" in text  # the two rows
    assert "sip 101 +2" in text and "tel +7 921 000-00-00 +1" in text  # bars' labels
    assert "Syntax error" not in dom
    assert (tmp_path / "plan-routing.png").stat().st_size > 10_000
