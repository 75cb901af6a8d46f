"""Writing small configs for the scale tests (templates, includes, ignore rules)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner, Result

from telconf.cli import main


def write(path: Path, text: str) -> Path:
    """``text`` (dedented) at ``path``, its folders created."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def validate(path: Path) -> Result:
    """``telconf validate -c path`` run from the folder of ``path`` (so FILE is its name)."""
    return CliRunner().invoke(main, ["validate", "-c", path.name], catch_exceptions=False)


def errors(result: Result) -> list[str]:
    """The FILE:LINE:COL: lines of a validate run's stderr."""
    return [line for line in result.stderr.splitlines() if line.count(":") >= 3]
