"""telconf benchmark: plan and apply a large generated account against emulators with latency.

Usage (from a checkout, with telconf installed)::

    python benchmarks/run.py                     # 50 ms per call, the issue's account sizes
    python benchmarks/run.py --latency-ms 100    # slower provider
    python benchmarks/run.py --quick             # a tenth of the sizes, for a smoke run

It starts both emulators in this process (each request waits ``--latency-ms`` before it is
answered; the servers answer requests concurrently), generates a Teleum account (500
numbers x 6 forwards, 200 SIP lines) and a Beeline account (500 numbers, 3 black lists x
20,000 entries, 20 voice files), writes a config equal to them and one that changes a
tenth of every kind of item, and prints a table:

- the no-op plan: wall time, read calls, the lower bound ``reads x latency / parallelism``
  and the ratio to it, then the same at ``--parallelism 1`` and the speed-up;
- the apply of the 10 % change: calls made (counted in the emulators' call logs) against
  the minimal count, and wall time;
- CPU time and peak memory (tracemalloc) of diffing 100,000 black-list entries;
- the wall time of ``telconf --help`` (a fresh interpreter).

Exit status 0 when every target of issue 8 is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The checkout's telconf, also when only its dependencies are installed; bigaccount beside.
sys.path[:0] = [str(ROOT), str(HERE)]
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

import bigaccount  # noqa: E402 - a sibling module of this script
from bigaccount import Sizes  # noqa: E402

from telconf.apply import apply_plan  # noqa: E402
from telconf.config import load  # noqa: E402
from telconf.emulator import Emulators  # noqa: E402
from telconf.plan.data import Plan  # noqa: E402
from telconf.plan.planner import close_all, make_plan  # noqa: E402

READS = frozenset({"login", "getConnectedNumbers", "getForwardsTypes", "getForwardsRCIDs", "getRCIDs",
                   "getForwards", "getSIPs", "getNextSIP", "balance",
                   "RLIST", "MLIST", "LRECORD", "LBLIST", "LVFILES", "download"})
TARGET_PLAN_RATIO = 1.5
TARGET_DIFF_CPU = 1.0
TARGET_DIFF_MB = 200.0
TARGET_HELP_SECONDS = 0.3


@dataclass
class Row:
    """One line of the result table."""

    what: str
    value: str
    detail: str = ""
    ok: bool | None = None  # None: a figure without a target


def is_read(entry: dict[str, Any]) -> bool:
    # ABLIST without ConfData is the query form; with it, it sets the active list.
    method = entry["method"]
    return method in READS or (method == "ABLIST" and "ConfData" not in (entry.get("params") or {}))


class Counter:
    """Read and write calls the emulators logged since ``reset``, per account."""

    def __init__(self, emulators: Emulators):
        self.emulators = emulators

    def reset(self) -> None:
        self.emulators.teleum.clear_log()
        self.emulators.beeline.clear_log()

    def counts(self) -> dict[str, tuple[int, int]]:
        """{account: (reads, writes)}."""
        result = {}
        for account, log in (("big-teleum", self.emulators.teleum.call_log),
                             ("big-beeline", self.emulators.beeline.call_log)):
            reads = sum(1 for entry in log if is_read(entry))
            result[account] = (reads, len(log) - reads)
        return result


@contextmanager
def fresh_file_cache() -> Iterator[None]:
    """Each plan starts with an empty voice-file cache, so every run downloads the same."""
    with tempfile.TemporaryDirectory(prefix="telconf-bench-cache-") as folder:
        previous = os.environ.get("TELCONF_CACHE_DIR")
        os.environ["TELCONF_CACHE_DIR"] = folder
        try:
            yield
        finally:
            if previous is None:
                del os.environ["TELCONF_CACHE_DIR"]
            else:
                os.environ["TELCONF_CACHE_DIR"] = previous


def timed_plan(config: Any, accounts: list[str] | None, parallelism: int, counter: Counter,
               keep: dict[str, Any] | None = None) -> tuple[float, float, Plan, dict[str, tuple[int, int]]]:
    """Plan once: wall and CPU seconds (CPU of this process: telconf and the emulators),
    the plan and the calls counted. The providers go into ``keep`` when given (for
    apply), else are closed.
    """
    counter.reset()
    with fresh_file_cache():
        cpu, started = time.process_time(), time.perf_counter()
        plan, providers = make_plan(config, accounts=accounts, parallelism=parallelism)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if keep is None:
        close_all(providers)
    else:
        keep.update(providers)
    return seconds, cpu, plan, counter.counts()


def best_plan(config: Any, accounts: list[str] | None, parallelism: int, counter: Counter,
              repeat: int) -> tuple[float, float, Plan, dict[str, tuple[int, int]]]:
    """The fastest of ``repeat`` identical plans (other load on the machine only slows a run down)."""
    runs = [timed_plan(config, accounts, parallelism, counter) for _ in range(repeat)]
    return min(runs, key=lambda run: run[0])


def plan_rows(config: Any, latency: float, parallelism: int, counter: Counter, repeat: int,
              log: Callable[[str], None]) -> list[Row]:
    """The no-op plan of each account and of the whole file, at ``parallelism`` and at 1.

    The bound is the issue's: ``reads x latency / parallelism``. The Beeline account
    alone has no target: its 26 reads bound it at 0.16 s, but its time goes to
    parsing, fingerprinting and diffing 60,000 black-list entries (CPU, shown).
    """
    rows: list[Row] = []
    cases = ((["big-teleum"], "Teleum", True), (["big-beeline"], "Beeline", False), (None, "whole file", True))
    for accounts, label, has_target in cases:
        log(f"no-op plan, {label}, parallelism {parallelism} (best of {repeat}) ...")
        seconds, cpu, plan, counts = best_plan(config, accounts, parallelism, counter, repeat)
        counts = {name: c for name, c in counts.items() if accounts is None or name in accounts}
        reads = sum(r for r, _ in counts.values())
        writes = sum(w for _, w in counts.values())
        bound = reads * latency / parallelism
        ratio = seconds / bound
        clean = writes == 0 and not plan.has_changes
        rows.append(Row(
            f"no-op plan, {label} (parallelism {parallelism})", f"{seconds:.2f} s",
            f"{reads} reads, {writes} writes, {sum(len(a.changes) for a in plan.accounts)} changes; "
            f"bound {bound:.2f} s, ratio {ratio:.2f}; CPU {cpu:.2f} s",
            ok=(ratio <= TARGET_PLAN_RATIO and clean) if has_target else (None if clean else False),
        ))
        if accounts == ["big-teleum"]:
            log(f"no-op plan, {label}, parallelism 1 ...")
            slow, slow_cpu, _, slow_counts = timed_plan(config, accounts, 1, counter)
            slow_reads = sum(r for r, _ in slow_counts.values())
            rows.append(Row(
                f"no-op plan, {label} (parallelism 1)", f"{slow:.2f} s",
                f"{slow_reads} reads; bound {slow_reads * latency:.2f} s; CPU {slow_cpu:.2f} s; "
                f"speed-up at {parallelism}: {slow / seconds:.1f}x",
            ))
    return rows


def apply_rows(change_path: Path, parallelism: int, counter: Counter, minimal: dict[str, int],
               log: Callable[[str], None]) -> list[Row]:
    """Plan and apply the 10 % change; count the calls; plan again (must be empty)."""
    config = load(change_path)
    log("plan of the 10 % change ...")
    providers: dict[str, Any] = {}
    plan_seconds, _, plan, _ = timed_plan(config, None, parallelism, counter, keep=providers)
    planned = {a.account: len(a.calls) for a in plan.accounts}
    counter.reset()
    log("apply of the 10 % change ...")
    started = time.perf_counter()
    try:
        apply_plan(plan, providers, parallelism=parallelism)
    finally:
        close_all(providers)
    seconds = time.perf_counter() - started
    counts = counter.counts()
    rows = []
    for account in ("big-teleum", "big-beeline"):
        reads, writes = counts[account]
        changes = next(len(a.changes) for a in plan.accounts if a.account == account)
        extra = f", {reads} reads (waiting for uploads)" if reads else ""
        rows.append(Row(
            f"apply 10 % change, {account.removeprefix('big-').capitalize()}",
            f"{writes} calls",
            f"minimal {minimal[account]}, planned {planned[account]}, {changes} changes{extra}",
            ok=writes == minimal[account] == planned[account],
        ))
    rows.append(Row("apply 10 % change, wall time", f"{seconds:.2f} s",
                    f"plan before it {plan_seconds:.2f} s (parallelism {parallelism})"))
    log("plan again after the apply ...")
    _, _, again, counts = timed_plan(config, None, parallelism, counter)
    writes = sum(w for _, w in counts.values())
    rows.append(Row("plan after the apply", f"{sum(len(a.changes) for a in again.accounts)} changes",
                    f"{writes} writes", ok=not again.has_changes and writes == 0))
    return rows


def telconf_command() -> list[str]:
    """The ``telconf`` console script next to this Python, else ``python -m telconf``."""
    script = shutil.which("telconf", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "telconf"]


def cli_rows(noop: Path, change: Path, parallelism: int, counter: Counter, log: Callable[[str], None]) -> list[Row]:
    """``telconf plan`` as a user runs it (a fresh process: start-up, config, plan, output)."""
    base = telconf_command()
    rows = []
    for path, label in ((noop, "no-op"), (change, "10 % change")):
        log(f"telconf plan, {label} ...")
        counter.reset()
        with fresh_file_cache():
            started = time.perf_counter()
            done = subprocess.run(base + ["plan", "-c", str(path), "--parallelism", str(parallelism),
                                          "--detailed-exitcode"], capture_output=True, text=True)
            seconds = time.perf_counter() - started
        summary = next((line for line in reversed(done.stdout.splitlines()) if line.strip()), "")
        reads = sum(r for r, _ in counter.counts().values())
        rows.append(Row(f"telconf plan (CLI, whole file, {label})", f"{seconds:.2f} s",
                        f"exit {done.returncode}, {reads} reads; {summary}",
                        ok=None if done.returncode == (0 if label == "no-op" else 2) else False))
    return rows


def diff_case(entries: int) -> tuple[Callable[[], Any], int]:
    """A Beeline account and live state whose black lists differ by a tenth; the diff to run."""
    from telconf.model import BeelineAccount, BeelineCredentials, BlacklistEntry, Blacklists, Secret
    from telconf.plan.planner import order_calls
    from telconf.providers.beeline.batching import merge_calls
    from telconf.providers.beeline.changes import blacklist_changes
    from telconf.providers.beeline.live import BeelineLive

    b_numbers = [bigaccount.beeline_number(i) for i in range(500)]

    def entry(k: int) -> BlacklistEntry:
        # Spread over the three lists and 500 B-numbers; every A-number its own.
        return BlacklistEntry(k % 3, b_numbers[k // 3 % len(b_numbers)], f"79{k:09d}")

    # Desired: the first tenth of the live entries gone, as many new ones added.
    live_entries = [entry(k) for k in range(entries)]
    desired_entries = [entry(k) for k in range(entries // 10, entries + entries // 10)]
    live_lists = {n: frozenset(e for e in live_entries if e.list_id == n) for n in range(3)}
    desired_lists = {n: frozenset(e for e in desired_entries if e.list_id == n) for n in range(3)}
    live = BeelineLive(numbers=tuple(b_numbers), redirects={b: None for b in b_numbers}, premedia={},
                       record_all=False, recorded=frozenset(),
                       blacklist=frozenset().union(*live_lists.values()), active_list=0, voice_files={})
    account = BeelineAccount("bench", "http://localhost", BeelineCredentials(Secret("u"), Secret("p")),
                             blacklists=Blacklists(lists=desired_lists))

    def run() -> Any:
        return merge_calls(order_calls(blacklist_changes(account, live)))

    return run, len(live.blacklist)


def diff_rows(log: Callable[[str], None]) -> list[Row]:
    """CPU time and peak traced memory of diffing (and batching) 100,000 entries."""
    log("diff of 100,000 black-list entries ...")
    run, count = diff_case(100_000)
    cpu = []
    for _ in range(3):
        started = time.process_time()
        calls = run()
        cpu.append(time.process_time() - started)
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    megabytes = peak / 2**20
    requests = ", ".join(f"{call.method}" for call, _ in calls)
    return [Row(f"diff of {count:,} black-list entries", f"{min(cpu):.2f} s CPU",
                f"peak {megabytes:.0f} MB (tracemalloc); 10 % differs -> {len(calls)} requests ({requests})",
                ok=min(cpu) < TARGET_DIFF_CPU and megabytes < TARGET_DIFF_MB)]


def help_rows(log: Callable[[str], None]) -> list[Row]:
    """Wall and CPU time of ``telconf --help`` in a fresh interpreter (the fastest of 5)."""
    log("telconf --help ...")
    command = telconf_command() + ["--help"]
    subprocess.run(command, capture_output=True, check=True)  # warm the OS file cache
    runs = []
    for _ in range(5):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        runs.append((seconds, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime))
    seconds, cpu = min(runs)
    return [Row("telconf --help", f"{seconds:.2f} s",
                f"fastest of 5 ({' '.join(Path(c).name for c in command)}); CPU {cpu:.2f} s; "
                f"median {statistics.median(r[0] for r in runs):.2f} s",
                ok=seconds < TARGET_HELP_SECONDS)]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"


def print_table(rows: list[Row], out: Any = sys.stdout) -> None:
    width = max(len(r.what) for r in rows)
    value = max(len(r.value) for r in rows)
    print(f"| {'measure':<{width}} | {'result':>{value}} | target | detail |", file=out)
    print(f"|{'-' * (width + 2)}|{'-' * (value + 1)}:|:------:|--------|", file=out)
    for r in rows:
        mark = "" if r.ok is None else ("met" if r.ok else "MISSED")
        print(f"| {r.what:<{width}} | {r.value:>{value}} | {mark:^6} | {r.detail} |", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=50.0, help="delay of every emulated call (default 50)")
    parser.add_argument("--parallelism", type=int, default=8, help="telconf --parallelism (default 8)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each no-op plan; the fastest counts (default 3)")
    parser.add_argument("--quick", action="store_true", help="a tenth of the account sizes (a smoke run)")
    args = parser.parse_args(argv)
    sizes = Sizes(50, 6, 20, 50, 3, 2_000, 20, 5) if args.quick else Sizes()
    latency = args.latency_ms / 1000

    def log(text: str) -> None:
        print(f"  {text}", file=sys.stderr, flush=True)

    print(f"machine: {machine()}", flush=True)
    print(f"latency {args.latency_ms:g} ms per call, parallelism {args.parallelism}; "
          f"load average at start {os.getloadavg()[0]:.1f}", flush=True)
    os.environ.update(bigaccount.environ())
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="telconf-bench-") as folder, \
            Emulators.start(pending_seconds=0.2) as emulators:
        log("generating the accounts ...")
        bigaccount.seed(emulators, sizes)
        noop, change = bigaccount.write_configs(Path(folder), sizes, emulators.teleum_url, emulators.beeline_url)
        emulators.teleum.configure(latency_ms=args.latency_ms)
        emulators.beeline.configure(latency_ms=args.latency_ms)
        started = time.perf_counter()
        config = load(noop)
        rows.append(Row("load the config (both accounts)", f"{time.perf_counter() - started:.2f} s",
                        f"{noop.stat().st_size // 1024} KB of YAML + block files"))
        counter = Counter(emulators)
        rows += plan_rows(config, latency, args.parallelism, counter, args.repeat, log)
        rows += cli_rows(noop, change, args.parallelism, counter, log)
        rows += apply_rows(change, args.parallelism, counter, bigaccount.minimal_calls(sizes), log)
    rows += diff_rows(log)
    rows += help_rows(log)
    print()
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    print_table(rows)
    missed = [r.what for r in rows if r.ok is False]
    print()
    print("all targets met" if not missed else "targets missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
