"""Start-up: what a user waits for in a small run, each row a fresh process (issue 25).

Generates the issue's config (a Teleum account of 200 numbers x 5 forwards and a Beeline
account of 200 numbers, with their black lists and voice files) and serves the same state
from a ``telconf emulator --latency-ms 50`` subprocess, then times, alternating the rows
so that a busy minute slows them alike:

- ``python -c "import click, yaml"``: the floor of any click + PyYAML program;
- ``telconf --help``: target no slower than that import (fastest runs compared, 5 % slack
  for the timer);
- ``telconf validate`` of the config: target at most 0.25 s;
- ``telconf plan`` of it (nothing to change) end to end, process start to exit: target at
  most 1.3x the bound ``reads x latency / parallelism``, the reads counted in the served
  emulator's request log during that very run.

Wall seconds are the fastest of ``--repeat`` runs (others on the machine only slow a run
down), with the median beside; CPU is the child's user + system time (fastest and median),
the steadier figure on a busy machine. Exit status 0 when every target is met, 1 otherwise.

The children run with bytecode caching on (into a temporary ``PYTHONPYCACHEPREFIX``,
filled by the warm-up runs), whatever ``PYTHONDONTWRITEBYTECODE`` says here: an installed
telconf has its ``.pyc`` files (pip compiles them), and compiling telconf's sources again
in every run (about 0.05 s of CPU) is not start-up a user waits for. ``--source-only``
keeps the old way. ``--baseline DIR`` adds the validate and plan rows of another checkout
(``git archive main | tar -x -C DIR``), run alternately with these, for before/after pairs.

    python benchmarks/startup.py
    python benchmarks/startup.py --repeat 10 --latency-ms 50
    python benchmarks/startup.py --baseline /tmp/telconf-main
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

import bigaccount  # noqa: E402 - a sibling module of this script
from bigaccount import Sizes  # noqa: E402
from served_emulator import ServedEmulators, telconf_command  # noqa: E402

from telconf.emulator import Emulators  # noqa: E402

SIZES = Sizes(teleum_numbers=200, forwards_per_number=5, sip_lines=20, beeline_numbers=200)
TARGET_VALIDATE_SECONDS = 0.25
TARGET_PLAN_RATIO = 1.3
HELP_SLACK = 1.05


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """(wall seconds, CPU seconds, the result) of one fresh process; started from a neutral folder."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=50.0, help="delay of every emulated call (default 50)")
    parser.add_argument("--parallelism", type=int, default=8, help="telconf plan --parallelism (default 8)")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each row, alternating (default 7)")
    parser.add_argument("--source-only", action="store_true",
                        help="no bytecode cache: every run compiles telconf's sources again")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="a checkout (source tree) whose validate and plan rows run alternately with these")
    args = parser.parse_args(argv)
    telconf = telconf_command()
    env = dict(os.environ, **bigaccount.environ())
    pycache = tempfile.TemporaryDirectory(prefix="telconf-pycache-")
    if not args.source_only:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache.name
    print(f"load average at start {os.getloadavg()[0]:.1f}; {args.repeat} runs of each row, alternating", flush=True)
    with tempfile.TemporaryDirectory(prefix="telconf-startup-") as tmp, \
            Emulators.start(pending_seconds=0.2) as emulators:
        folder = Path(tmp)
        bigaccount.seed(emulators, SIZES)
        state = folder / "state.json"
        emulators.save(state)
        with ServedEmulators.serve(state, args.latency_ms, folder) as served:
            config, _ = bigaccount.write_configs(folder, SIZES, served.teleum_url, served.beeline_url)
            commands = {
                "import click, yaml": [sys.executable, "-c", "import click, yaml"],
                "telconf --help": telconf + ["--help"],
                "telconf validate": telconf + ["validate", "-c", str(config)],
                "telconf plan (no-op)": telconf + ["plan", "-c", str(config), "--parallelism",
                                                   str(args.parallelism), "--detailed-exitcode"],
            }
            envs = {name: env for name in commands}
            if args.baseline is not None:
                base_env = env | {"PYTHONPATH": str(args.baseline.resolve())}
                for name in ("telconf validate", "telconf plan (no-op)"):
                    commands[name + " base"] = commands[name]
                    envs[name + " base"] = base_env
            for name, command in commands.items():  # warm the OS file cache, write the bytecode
                subprocess.run(command, capture_output=True, env=envs[name], cwd=tempfile.gettempdir())
            runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
            reads: list[int] = []
            for _ in range(args.repeat):
                for name, command in commands.items():
                    mark = served.mark()
                    cache = tempfile.mkdtemp(prefix="cache-", dir=folder)  # every plan downloads the same
                    seconds, cpu, done = run(command, envs[name] | {"TELCONF_CACHE_DIR": cache})
                    if done.returncode != 0:
                        print(f"{name} failed (exit {done.returncode}):\n{done.stderr[-2000:]}", file=sys.stderr)
                        return 2
                    runs[name].append((seconds, cpu))
                    if name.startswith("telconf plan"):
                        reads.append(sum(served.requests_since(mark).values()))
    best = {name: min(r[0] for r in values) for name, values in runs.items()}
    pycache.cleanup()
    bound = max(reads) * args.latency_ms / 1000 / args.parallelism
    ratio = best["telconf plan (no-op)"] / bound
    targets: dict[str, tuple[str, bool | None]] = {
        "import click, yaml": ("", None),
        "telconf --help": (f"<= import x {HELP_SLACK} ({best['telconf --help'] / best['import click, yaml']:.2f}x)",
                           best["telconf --help"] <= best["import click, yaml"] * HELP_SLACK),
        "telconf validate": (f"<= {TARGET_VALIDATE_SECONDS} s", best["telconf validate"] <= TARGET_VALIDATE_SECONDS),
        "telconf plan (no-op)": (f"<= {TARGET_PLAN_RATIO}x bound {bound:.2f} s ({max(reads)} requests at "
                                 f"{args.latency_ms:g} ms / {args.parallelism}): {ratio:.2f}x",
                                 ratio <= TARGET_PLAN_RATIO),
    }
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    if args.baseline is not None:
        targets["telconf validate base"] = (f"baseline {args.baseline}", None)
        targets["telconf plan (no-op) base"] = (f"baseline: {best['telconf plan (no-op) base'] / bound:.2f}x", None)
    print(f"| {'row':27} | fastest s | median s | CPU s | median CPU s | target | met |")
    print(f"|{'-' * 29}|----------:|---------:|------:|-------------:|--------|-----|")
    for name, values in runs.items():
        text, ok = targets[name]
        mark = "" if ok is None else ("met" if ok else "MISSED")
        print(f"| {name:27} | {best[name]:9.3f} | {statistics.median(r[0] for r in values):8.3f} | "
              f"{min(r[1] for r in values):5.3f} | {statistics.median(r[1] for r in values):12.3f} | {text} | {mark} |")
    missed = [name for name, (_, ok) in targets.items() if ok is False]
    print("all targets met" if not missed else "targets missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
