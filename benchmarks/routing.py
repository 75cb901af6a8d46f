"""Call routing: ``telconf routes`` against ``telconf validate``, and the routing part of a plan.

Rows (issue 23):

- ``telconf routes`` (the whole week of every number, JSON, about 40 MB) and ``telconf
  validate`` of the 20,000-number configs of ``benchmarks/loading.py`` (flat and
  templated), each in a fresh process, alternating, best of ``--repeat``, CPU time of the
  command; target: routes within 1.3x validate. Both load and check the whole file
  (validate includes the routing checks).
- the routing part of a plan: the large generated accounts of ``benchmarks/bigaccount.py``
  (500 Teleum numbers x 6 forwards, 500 Beeline numbers with 60,000 black-list entries)
  planned with the 10 % change against a ``telconf emulator`` subprocess without latency.
  The plan's local time is telconf's own CPU time during the plan (parsing the answers,
  diff, order, batch, routing impact: all but waiting on the network); target: the
  routing impact (CPU) at most 10 % of it.

    python benchmarks/routing.py                  # 20,000 numbers, 3 runs each
    python benchmarks/routing.py --numbers 2000   # quicker
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bigaccount  # noqa: E402  (a sibling script)
import loading  # noqa: E402

_COMMAND = ("import sys, time\nfrom telconf.cli import main\nstart = time.process_time()\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit as exit:\n    code = exit.code\n"
            "sys.stderr.write(f'TIME {time.process_time() - start:.3f} {code}\\n')\n")


def command_seconds(args: list[str]) -> float:
    """CPU time of one telconf command in a fresh interpreter (its output discarded). CPU, not
    wall time: on a machine shared with other jobs, wall times of one command vary threefold."""
    out = subprocess.run([sys.executable, "-c", _COMMAND, *args], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, check=False)
    line = [text for text in out.stderr.splitlines() if text.startswith("TIME ")][-1]
    _, seconds, code = line.split()
    if code not in ("0", "None"):
        raise SystemExit(f"telconf {' '.join(args)} exited {code}")
    return float(seconds)


def routes_rows(numbers: int, repeat: int) -> list[tuple[str, str, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, text in (("flat", loading.flat(numbers)), ("templated", loading.templated(numbers))):
            path = Path(folder, f"{name}.yaml")
            path.write_text(text, encoding="utf-8")
            validate, routes = [], []
            for _ in range(repeat):  # alternating, so that both see the same load of the machine
                validate.append(command_seconds(["validate", "-c", str(path)]))
                routes.append(command_seconds(["routes", "-c", str(path), "--format", "json"]))
            ratio = min(routes) / min(validate)
            rows.append((f"telconf validate, {name} (CPU)", f"{min(validate):.2f} s",
                         f"spread {min(validate):.2f}-{max(validate):.2f} s"))
            rows.append((f"telconf routes (week, JSON), {name} (CPU)", f"{min(routes):.2f} s",
                         f"spread {min(routes):.2f}-{max(routes):.2f} s; {ratio:.2f}x validate (<= 1.3x)"))
    return rows


def plan_rows(repeat: int) -> list[tuple[str, str, str]]:
    """The routing impact against the plan's local time: telconf's own CPU time during the plan
    (its reads parse the answers, diff, order, batch, routing impact), the emulator being a
    subprocess without latency, as a provider is another machine."""
    from served_emulator import ServedEmulators

    from telconf.engine import conductor as conductor_module
    from telconf.engine.conductor import Conductor
    from telconf.config import load
    from telconf.emulator import Emulators

    os.environ.update(bigaccount.environ())
    sizes = bigaccount.Sizes()
    spent = {"impact": 0.0}
    original = conductor_module.account_impact

    def timed_impact(desired, live, changes=None):  # type: ignore[no-untyped-def]
        started = time.process_time()
        try:
            return original(desired, live, changes)
        finally:
            spent["impact"] += time.process_time() - started

    conductor_module.account_impact = timed_impact  # type: ignore[assignment]
    runs = []
    with tempfile.TemporaryDirectory() as name, Emulators.start(pending_seconds=0.2) as emulators:
        folder = Path(name)
        bigaccount.seed(emulators, sizes)
        emulators.save(folder / "state.json")
        with ServedEmulators.serve(folder / "state.json", 0, folder) as served:
            _, change = bigaccount.write_configs(folder, sizes, served.teleum_url, served.beeline_url)
            config = load(change)
            # The harness's objects (emulator state, generated data) are not in a user's
            # process: keep them out of the timed garbage collections, as benchmarks/run.py does.
            gc.collect()
            gc.freeze()
            for _ in range(repeat):
                spent["impact"] = 0.0
                with Conductor(config) as run:
                    cpu, wall = time.process_time(), time.perf_counter()
                    plan = run.plan()
                    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                runs.append((cpu, spent["impact"], wall, sum(len(a.routing) for a in plan.accounts)))
    cpu, impact = min(r[0] for r in runs), min(r[1] for r in runs)
    return [("plan of the 10 % change, local (CPU) time", f"{cpu:.2f} s",
             f"telconf's CPU during the plan (wall {min(r[2] for r in runs):.2f} s); spread "
             f"{min(r[0] for r in runs):.2f}-{max(r[0] for r in runs):.2f} s"),
            ("  of which the routing impact", f"{impact:.3f} s",
             f"{impact / cpu:.1%} of the local time (<= 10 %); {runs[0][3]} numbers' routing changes; spread "
             f"{min(r[1] for r in runs):.3f}-{max(r[1] for r in runs):.3f} s")]


def run_options():  # type: ignore[no-untyped-def]
    from telconf.plan.data import PlanOptions

    return PlanOptions()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", type=int, default=20_000, help="numbers in the config (default 20000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each row; the fastest counts (default 3)")
    args = parser.parse_args(argv)
    rows = routes_rows(args.numbers, args.repeat) + plan_rows(args.repeat)
    print(f"{args.numbers} numbers; fastest of {args.repeat} runs; load average {os.getloadavg()[0]:.1f}")
    width = max(len(r[0]) for r in rows)
    for what, value, note in rows:
        print(f"{what:{width}}  {value:>8}  {note}")
    ratios = [float(r[2].split("; ")[1].split("x")[0]) for r in rows if "x validate" in r[2]]
    share = float(rows[-1][2].split("%")[0]) / 100
    met = all(r <= 1.3 for r in ratios) and share <= 0.10
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
