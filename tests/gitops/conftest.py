"""Fixtures of the GitOps tests: the demo config, its accounts seeded, and an export of them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from telconf import demo
from telconf.cli import main
from telconf.emulator import Emulators


@dataclass
class DemoRepo:
    """A working copy: the demo config, a snapshot (export) of its live accounts, the environment."""

    config: Path
    snapshot: Path
    env: dict[str, str]

    def run(self, *args: str, env: dict[str, str | None] | None = None) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, list(args), env=self.env if env is None else env)
        return result.exit_code, result.stdout, result.stderr

    def plan_json(self, *args: str, env: dict[str, str | None] | None = None) -> dict:
        code, out, err = self.run("plan", "-c", str(self.config), "--format", "json", *args, env=env)
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def demo_repo(emulators: Emulators, tmp_path: Path) -> DemoRepo:
    demo.seed(emulators)
    config = demo.write_config(tmp_path)
    env = demo.environ(emulators)
    snapshot = tmp_path / "backup" / "telconf.yaml"
    result = CliRunner().invoke(main, ["export", "-c", str(config), "-o", str(snapshot)], env=env)
    assert result.exit_code == 0, result.stderr
    return DemoRepo(config, snapshot, env)


def offline(env: dict[str, str]) -> dict[str, str | None]:
    """The same environment with every ${DEMO_...} variable unset: what a fork's pull request has."""
    return {name: None for name in env}


def rendered(markdown: str) -> tuple[str, str]:
    """The Markdown rendered by a GitHub-flavoured renderer: (HTML, its text with tags removed)."""
    import html
    import re

    from markdown_it import MarkdownIt

    page = MarkdownIt("gfm-like").render(markdown)
    return page, html.unescape(re.sub(r"<[^>]+>", "", page))
