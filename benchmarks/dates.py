"""What overrides cost: a call-centre config of N numbers (5 templates), with and without dates.

The templated config of ``loading.py`` (N numbers x 5 forwards from five templates), and its
twin whose templates each add two overrides (a New Year range and ``on: holidays`` with
``calendar: ru``). Times, each the best of ``--repeat`` runs:

- ``telconf validate`` of each file (a fresh subprocess: start-up and the holidays import included);
- in-process, on the loaded config with overrides: ``config_at`` (every number's desired state at
  a moment: what plan and apply add before the planner), ``moment_data`` (what a plan records)
  and ``schedule`` changes over 30 and 400 days.

No target is set by an issue; the table is for comparing before/after a change.

    python benchmarks/dates.py                 # 20,000 numbers
    python benchmarks/dates.py --numbers 2000  # quicker
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from loading import TEMPLATES, templated  # noqa: E402  (the benchmark next door writes the config)

OVERRIDES = """\
    overrides:
      - name: new-year
        from: 2026-12-31T18:00
        until: 2027-01-11
        forwards: [{to: "voicemail:newyear@example.com"}]
      - name: public-holidays
        on: holidays
        forwards: [{to: "voicemail:holidays@example.com"}]
"""


def with_dates(text: str) -> str:
    """The templated config with two overrides in each template and ``calendar: ru``."""
    for kind in range(TEMPLATES):
        text = text.replace(f"  queue{kind}:\n", f"  queue{kind}:\n{OVERRIDES}", 1)
    return text.replace("    provider: teleum\n", "    provider: teleum\n    calendar: ru\n", 1)


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def validate(path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "telconf", "validate", "-c", str(path)], capture_output=True)
    if result.returncode:
        sys.exit(f"validate failed on {path}: {result.stderr.decode()[-500:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from telconf.config import load
    from telconf.dates.resolve import config_at, moment_data
    from telconf.dates.schedule import changes

    with tempfile.TemporaryDirectory() as tmp:
        plain, dated = Path(tmp) / "plain.yaml", Path(tmp) / "dated.yaml"
        plain.write_text(templated(args.numbers))
        dated.write_text(with_dates(plain.read_text()))
        env = {"TELEUM_EMAIL": "x@example.com", "TELEUM_PASSWORD": "x-password"}
        config = load(dated, environ=env)
        assert sum(len(a.overrides) for a in config.accounts.values()) == args.numbers, "overrides not added"
        at = datetime(2027, 1, 5, 12, 0, tzinfo=timezone.utc)
        rows = [
            ("validate, no overrides", best(args.repeat, lambda: validate(plain))),
            ("validate, 2 overrides per template", best(args.repeat, lambda: validate(dated))),
            ("config_at (desired state at a moment)", best(args.repeat, lambda: config_at(config, at))),
            ("moment_data (what a plan records)", best(args.repeat, lambda: moment_data(config, at, given=True))),
            ("schedule, 30 days", best(args.repeat, lambda: list(changes(config, at, at + timedelta(days=30))))),
            ("schedule, 400 days", best(args.repeat, lambda: list(changes(config, at, at + timedelta(days=400))))),
        ]
    print(f"{args.numbers:,} numbers, best of {args.repeat}")
    print(f"{'what':<42} {'seconds':>8}")
    for name, seconds in rows:
        print(f"{name:<42} {seconds:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
