"""``python benchmarks/loading.py`` runs from the checkout, its configs are valid and alike (issue 17).

Timings are shown, never judged here (the figures of the full run are in docs/performance.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from telconf.cli import main

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import loading  # noqa: E402  (benchmarks/ is not a package)


def test_the_templated_twin_renders_to_the_flat_config(tmp_path: Path) -> None:
    flat, templated = tmp_path / "flat.yaml", tmp_path / "templated.yaml"
    flat.write_text(loading.flat(40), encoding="utf-8")
    templated.write_text(loading.templated(40), encoding="utf-8")
    runner = CliRunner()
    rendered = runner.invoke(main, ["render", "-c", str(templated)])
    flat_rendered = runner.invoke(main, ["render", "-c", str(flat)])
    assert rendered.exit_code == 0 and flat_rendered.exit_code == 0, rendered.output + flat_rendered.output
    assert rendered.stdout.splitlines()[1:] == flat_rendered.stdout.splitlines()[1:]  # all but the header


def test_the_benchmark_prints_its_table() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "loading.py"), "--numbers", "200",
                             "--repeat", "1"], capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr[-2000:]  # 2: a generated config was invalid
    lines = result.stdout.splitlines()
    assert lines[0] == "200 numbers x 5 forwards; fastest of 1 runs, each in its own process"
    assert [line.split("  ")[0] for line in lines[2:8]] == [
        "PyYAML CSafeLoader parse, flat", "telconf validate, flat", "telconf validate, templated",
        "PyYAML CSafeLoader parse, flat, with:", "telconf validate, flat, with:",
        "telconf validate, templated, with:"]
    assert lines[8] in ("targets met", "TARGET MISSED")


def test_the_parameterised_twin_renders_to_its_flat_config(tmp_path: Path) -> None:
    flat, templated = tmp_path / "flat.yaml", tmp_path / "templated.yaml"
    flat.write_text(loading.flat_parameterised(40), encoding="utf-8")
    templated.write_text(loading.templated_parameterised(40), encoding="utf-8")
    runner = CliRunner()
    rendered = runner.invoke(main, ["render", "-c", str(templated)])
    flat_rendered = runner.invoke(main, ["render", "-c", str(flat)])
    assert rendered.exit_code == 0 and flat_rendered.exit_code == 0, rendered.output + flat_rendered.output
    assert rendered.stdout.splitlines()[1:] == flat_rendered.stdout.splitlines()[1:]
    assert "{line}" not in rendered.stdout and "n39@example.com" in rendered.stdout
