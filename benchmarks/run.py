"""telconf benchmark: plan and apply a large generated account against emulators with latency.

Usage (from a checkout, with telconf installed)::

    python benchmarks/run.py                     # 50 ms per call, the issue's account sizes
    python benchmarks/run.py --latency-ms 100    # slower provider
    python benchmarks/run.py --quick             # a tenth of the sizes, a smoke run (ratios not judged)
    python benchmarks/run.py --apply-only        # only the apply rows (with and without check + verify)

It generates a Teleum account (500 numbers x 6 forwards, 200 SIP lines) and a Beeline
account (500 numbers, 3 black lists x 20,000 entries, 20 voice files) in emulators started
in this process, writes a config equal to them and one that changes a tenth of every kind
of item, and prints a table. Each row says which server it ran against:

- ``served``: the timed plans (the no-op plan of each account and of the whole file at
  ``--parallelism`` and at 1, and ``telconf plan`` from the command line) run against the
  same state served by a ``telconf emulator --latency-ms N`` SUBPROCESS (seeded from a
  state file saved here). A real provider is another machine: its CPU is not the
  client's. In this process the emulator's werkzeug server (a thread and a connection per
  request) would compete with telconf for the CPU under the interpreter lock, and the
  timings would measure both. "CPU" of these rows is this process's (telconf's); the
  server's CPU is shown apart.
- ``in-process``: what needs the emulators' call logs (every call with its parameters):
  the read and write calls of each no-op plan (counted in an untimed run of the same plan
  against the in-process emulators, which hold the same state; the timed run must send
  exactly as many requests, counted in the served emulator's request log), and the apply
  of the 10 % change (calls made against the minimal count; its wall time here, not
  judged) and the plan after it (must be empty, no write).

The apply's wall time with and without check before write and verify after (issue 25's
ratio) is judged ``served``: each run starts an emulator subprocess from the same state.

Rows:

- the no-op plan: wall time, read calls, the lower bound ``reads x latency / parallelism``
  and the ratio to it, then the same at ``--parallelism 1`` and the speed-up;
- ``telconf plan`` of both configs in a fresh process (start-up, config, plan, output);
- the apply of the 10 % change: calls made against the minimal count, the reads that
  check before write and verify after add, and wall time with and without them;
- CPU time and peak memory (tracemalloc) of diffing 100,000 black-list entries;
- the wall time of ``telconf --help`` (a fresh interpreter).

Exit status 0 when every target of issue 8 is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
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
from typing import IO, Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The checkout's telconf, also when only its dependencies are installed; bigaccount beside.
sys.path[:0] = [str(ROOT), str(HERE)]
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

import bigaccount  # noqa: E402 - a sibling module of this script
from bigaccount import Sizes  # noqa: E402
from served_emulator import ServedEmulators, cpu_jiffies, steal_share, telconf_command  # noqa: E402

from telconf.config import load  # noqa: E402
from telconf.emulator import Emulators  # noqa: E402
from telconf.plan.data import Plan  # noqa: E402
from telconf.engine.conductor import Conductor  # noqa: E402

READS = frozenset({"login", "getConnectedNumbers", "getForwardsTypes", "getForwardsRCIDs", "getRCIDs",
                   "getForwards", "getSIPs", "getNextSIP", "balance",
                   "RLIST", "MLIST", "LRECORD", "LBLIST", "LVFILES", "download"})
TARGET_PLAN_RATIO = 1.5
TARGET_APPLY_RATIO = 1.3  # issue 25: the apply with check + verify, against without
PENDING_SECONDS = 0.2  # how long an uploaded voice file stays pending in the emulators
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
    server: str = ""  # "served" (subprocess), "in-process", or "" (no server)


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
               conductor: Conductor | None = None) -> tuple[float, float, Plan, dict[str, tuple[int, int]]]:
    """Plan once against the in-process emulators: wall and CPU seconds (of this process:
    telconf and the emulators), the plan and the calls they logged. With ``conductor``
    (kept open by the caller, for apply) the plan is its; else one is made and closed.
    """
    counter.reset()
    run = conductor or Conductor(config, accounts=accounts, parallelism=parallelism)
    try:
        with fresh_file_cache():
            cpu, started = time.process_time(), time.perf_counter()
            plan = run.plan()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        if conductor is None:
            run.close()
    return seconds, cpu, plan, counter.counts()


@dataclass
class ServedRun:
    """One plan against the served emulators."""

    seconds: float
    cpu: float  # this process: telconf only
    server_cpu: float | None  # the emulator subprocess, during the plan
    plan: Plan
    requests: dict[str, int]  # {account: requests its API answered}
    steal: float | None  # share of the machine's CPU time stolen by the hypervisor meanwhile


def served_plan(config: Any, accounts: list[str] | None, parallelism: int, served: ServedEmulators) -> ServedRun:
    """Plan once against the emulator subprocess: wall time, CPU of both sides, requests answered."""
    gc.collect()  # start from a clean heap: no collection of the harness's garbage timed
    mark, server_cpu, jiffies = served.mark(), served.cpu_seconds(), cpu_jiffies()
    with fresh_file_cache(), Conductor(config, accounts=accounts, parallelism=parallelism) as conductor:
        cpu, started = time.process_time(), time.perf_counter()
        plan = conductor.plan()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        after, steal = served.cpu_seconds(), steal_share(jiffies, cpu_jiffies())
    server = None if server_cpu is None or after is None else after - server_cpu
    return ServedRun(seconds, cpu, server, plan, served.requests_since(mark), steal)


def _server_cpu(run: ServedRun) -> str:
    server = "" if run.server_cpu is None else f", server {run.server_cpu:.2f} s"
    steal = "" if run.steal is None else f"; steal {run.steal:.0%}"
    return server + steal


def plan_rows(config: Any, counting_config: Any, latency: float, parallelism: int, counter: Counter,
              served: ServedEmulators, repeat: int, log: Callable[[str], None],
              judge_ratio: bool = True) -> tuple[list[Row], int]:
    """The no-op plan of each account and of the whole file, at ``parallelism`` and at 1.

    Timed against the served emulators (``config``), the fastest of ``repeat`` runs
    (other load on the machine only slows a run down). The reads and writes are counted
    in an untimed run of the same plan against the in-process emulators
    (``counting_config``, same state); every timed run must send as many requests.
    The bound is the issue's: ``reads x latency / parallelism``. The Beeline account
    alone has no target: its 26 reads bound it at 0.16 s, but the downloads need
    LVFILES's answer (four round trips at least, 0.2 s) and 60,000 black-list entries
    are parsed, fingerprinted and diffed (CPU, shown); in the whole file, which is
    judged, they overlap Teleum's reads.
    Without ``judge_ratio`` (a smoke run, too few reads for a ratio to mean much) only a
    write or a change is a miss. Returns the rows and the whole file's request count.
    """
    rows: list[Row] = []
    whole = 0
    cases = ((["big-teleum"], "Teleum", True), (["big-beeline"], "Beeline", False), (None, "whole file", True))
    for accounts, label, has_target in cases:
        names = accounts or ["big-teleum", "big-beeline"]
        log(f"no-op plan, {label}: counting its calls (in-process emulators, untimed) ...")
        _, _, counted, counts = timed_plan(counting_config, accounts, parallelism, counter)
        reads = sum(counts[name][0] for name in names)
        writes = sum(counts[name][1] for name in names)
        whole = reads + writes
        log(f"no-op plan, {label}, parallelism {parallelism} (served, best of {repeat}) ...")
        runs = [served_plan(config, accounts, parallelism, served) for _ in range(repeat)]
        best = min(runs, key=lambda run: run.seconds)
        sent = [sum(run.requests[name] for name in names) for run in runs]
        bound = reads * latency / parallelism
        ratio = best.seconds / bound
        clean = (writes == 0 and not counted.has_changes and not best.plan.has_changes
                 and all(n == reads + writes for n in sent))
        rows.append(Row(
            f"no-op plan, {label} (parallelism {parallelism})", f"{best.seconds:.2f} s",
            f"{reads} reads, {writes} writes, {sum(len(a.changes) for a in best.plan.accounts)} changes "
            f"(timed runs: {'/'.join(map(str, sent))} requests); bound {bound:.2f} s, ratio {ratio:.2f}; "
            f"CPU {best.cpu:.2f} s{_server_cpu(best)}; runs {' '.join(f'{r.seconds:.2f}' for r in runs)} s",
            ok=(ratio <= TARGET_PLAN_RATIO and clean) if has_target and judge_ratio else (None if clean else False),
            server="served",
        ))
        if accounts == ["big-teleum"]:
            log(f"no-op plan, {label}, parallelism 1 (served) ...")
            slow = served_plan(config, accounts, 1, served)
            slow_sent = sum(slow.requests[name] for name in names)
            rows.append(Row(
                f"no-op plan, {label} (parallelism 1)", f"{slow.seconds:.2f} s",
                f"{slow_sent} requests; bound {slow_sent * latency:.2f} s; CPU {slow.cpu:.2f} s{_server_cpu(slow)}; "
                f"speed-up at {parallelism}: {slow.seconds / best.seconds:.1f}x",
                ok=None if slow_sent == reads + writes and not slow.plan.has_changes else False,
                server="served",
            ))
    return rows, whole


def apply_rows(change_path: Path, parallelism: int, counter: Counter, minimal: dict[str, int],
               log: Callable[[str], None], emulators: Emulators, repeat: int = 3) -> list[Row]:
    """Plan and apply the 10 % change; count the calls; plan again (must be empty).

    The apply runs ``repeat`` times each way from the same state, alternating: without
    check before write and verify after (issue 15), then with them, to show the reads and
    time they add. The wall times are the median of each way (one run each is at the
    mercy of the machine: a pause of the emulator threads, a slow upload poll).
    """
    config = load(change_path)
    start = (emulators.teleum.snapshot(), emulators.beeline.snapshot())
    runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}  # (wall, CPU) of each apply
    last: dict[bool, tuple[dict[str, tuple[int, int]], float, Any]] = {}
    for turn in range(repeat):
        for check in (False, True):
            emulators.teleum.restore(start[0])
            emulators.beeline.restore(start[1])
            way = "with" if check else "without"
            log(f"plan of the 10 % change ({way} check and verify, run {turn + 1} of {repeat}) ...")
            with Conductor(config, parallelism=parallelism) as conductor:
                plan_seconds, _, plan, _ = timed_plan(config, None, parallelism, counter, conductor)
                counter.reset()
                log(f"apply of the 10 % change ({way} check and verify, run {turn + 1} of {repeat}) ...")
                started, cpu = time.perf_counter(), time.process_time()
                report = conductor.apply(plan, check=check)
                # CPU of this process: telconf and the emulators (steadier than wall time on a busy machine)
                runs[check].append((time.perf_counter() - started, time.process_time() - cpu))
            last[check] = (counter.counts(), plan_seconds, report)
    counts, plan_seconds, report = last[True]
    planned = {a.account: len(a.calls) for a in plan.accounts}
    rows = []
    for account in ("big-teleum", "big-beeline"):
        reads, writes = counts[account]
        changes = next(len(a.changes) for a in plan.accounts if a.account == account)
        unchecked = last[False][0][account][0]
        extra = f", {unchecked} reads (waiting for uploads)" if unchecked else ""
        rows.append(Row(
            f"apply 10 % change, {account.removeprefix('big-').capitalize()}",
            f"{writes} calls",
            f"minimal {minimal[account]}, planned {planned[account]}, {changes} changes{extra}",
            ok=writes == minimal[account] == planned[account], server="in-process",
        ))
        items = sum(1 for i in report.items if i.account == account)
        rows.append(Row(
            f"reads added by check + verify, {account.removeprefix('big-').capitalize()}",
            f"{reads - unchecked} reads",
            f"{items} items changed, all read back as desired: {all(i.status.value == 'done' for i in report.items)}",
            ok=report.ok, server="in-process",
        ))
    with_, without = (statistics.median(w for w, _ in runs[c]) for c in (True, False))
    cpu_with, cpu_without = (statistics.median(c for _, c in runs[k]) for k in (True, False))
    ratio = with_ / without

    def each(check: bool) -> str:
        return ", ".join(f"{w:.2f}" for w, _ in runs[check])

    rows.append(Row("apply 10 % change, wall time, in-process", f"{with_:.2f} s",
                    f"with check + verify (CPU {cpu_with:.2f} s); without them {without:.2f} s "
                    f"(CPU {cpu_without:.2f} s), ratio {ratio:.2f}; medians of {repeat} alternating runs "
                    f"(with: {each(True)}; without: {each(False)}); plan before it {plan_seconds:.2f} s "
                    f"(parallelism {parallelism}); the emulators share this process's CPU (not judged: "
                    f"the served row is)", server="in-process"))
    log("plan again after the apply ...")
    _, _, again, counts = timed_plan(config, None, parallelism, counter)
    writes = sum(w for _, w in counts.values())
    rows.append(Row("plan after the apply", f"{sum(len(a.changes) for a in again.accounts)} changes",
                    f"{writes} writes", ok=not again.has_changes and writes == 0, server="in-process"))
    return rows


def served_apply_rows(state: Path, sizes: Sizes, folder: Path, parallelism: int, latency_ms: float, repeat: int,
                      log: Callable[[str], None], judge_ratio: bool = True) -> list[Row]:
    """The apply of the 10 % change timed against a served emulator, with and without check
    before write and verify after (issue 25's ratio), ``repeat`` alternating runs each way.

    Each run starts a ``telconf emulator`` subprocess from the start ``state`` (an apply
    changes it) and plans first, untimed. A provider's server is another machine, so only
    telconf's time is measured (the in-process apply row also measures the emulators').
    """
    runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}  # (wall, CPU) of each apply
    for turn in range(repeat):
        for check in (False, True):
            way = "with" if check else "without"
            log(f"apply of the 10 % change, served ({way} check and verify, run {turn + 1} of {repeat}) ...")
            run_folder = folder / f"apply-{turn}-{way}"
            run_folder.mkdir()
            with ServedEmulators.serve(state, latency_ms, run_folder, pending_seconds=PENDING_SECONDS) as served:
                _, change = bigaccount.write_configs(run_folder, sizes, served.teleum_url, served.beeline_url)
                config = load(change)
                with Conductor(config, parallelism=parallelism) as conductor:
                    plan = conductor.plan()
                    started, cpu = time.perf_counter(), time.process_time()
                    conductor.apply(plan, check=check)  # a failure raises ApplyError
                    runs[check].append((time.perf_counter() - started, time.process_time() - cpu))
    with_, without = (statistics.median(r[0] for r in runs[c]) for c in (True, False))
    cpu_with, cpu_without = (statistics.median(r[1] for r in runs[c]) for c in (True, False))
    ratio = with_ / without

    def each(check: bool) -> str:
        return ", ".join(f"{r[0]:.2f}" for r in runs[check])

    return [Row("apply 10 % change, wall time", f"{with_:.2f} s",
                f"with check + verify (CPU {cpu_with:.2f} s); without them {without:.2f} s "
                f"(CPU {cpu_without:.2f} s), **ratio {ratio:.2f}**; medians of {repeat} alternating runs "
                f"(with: {each(True)}; without: {each(False)}); parallelism {parallelism}; CPU is telconf's",
                ok=ratio <= TARGET_APPLY_RATIO if judge_ratio else None, server="served")]


def cli_rows(noop: Path, change: Path, parallelism: int, served: ServedEmulators, expected: int,
             log: Callable[[str], None]) -> list[Row]:
    """``telconf plan`` as a user runs it (a fresh process: start-up, config, plan, output),
    against the served emulators; the no-op plan must send ``expected`` requests."""
    base = telconf_command()
    rows = []
    for path, label in ((noop, "no-op"), (change, "10 % change")):
        log(f"telconf plan, {label} (served) ...")
        mark = served.mark()
        with fresh_file_cache():
            started = time.perf_counter()
            done = subprocess.run(base + ["plan", "-c", str(path), "--parallelism", str(parallelism),
                                          "--detailed-exitcode"], capture_output=True, text=True)
            seconds = time.perf_counter() - started
        summary = next((line for line in reversed(done.stdout.splitlines()) if line.strip()), "")
        sent = sum(served.requests_since(mark).values())
        good = done.returncode == (0 if label == "no-op" else 2) and (label != "no-op" or sent == expected)
        rows.append(Row(f"telconf plan (CLI, whole file, {label})", f"{seconds:.2f} s",
                        f"exit {done.returncode}, {sent} requests; {summary}",
                        ok=None if good else False, server="served"))
    return rows


def diff_case(entries: int) -> tuple[Callable[[], Any], int]:
    """A Beeline account and live state whose black lists differ by a tenth; the diff to run."""
    from telconf.core.model import Secret
    from telconf.providers.beeline.model import BeelineAccount, BeelineCredentials, BlacklistEntry, Blacklists
    from telconf.plan.order import order_calls
    from telconf.providers.beeline.stages import STAGES
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
    account = BeelineAccount(name="bench", url="http://localhost",
                             credentials=BeelineCredentials(Secret("u"), Secret("p")),
                             blacklists=Blacklists(lists=desired_lists))

    def run() -> Any:
        return merge_calls(order_calls(blacklist_changes(account, live), STAGES))

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


def print_table(rows: list[Row], out: IO[str] = sys.stdout) -> None:
    width = max(len(r.what) for r in rows)
    value = max(len(r.value) for r in rows)
    server = max(len("server"), *(len(r.server) for r in rows))
    print(f"| {'measure':<{width}} | {'result':>{value}} | target | {'server':<{server}} | detail |", file=out)
    print(f"|{'-' * (width + 2)}|{'-' * (value + 1)}:|:------:|{'-' * (server + 2)}|--------|", file=out)
    for r in rows:
        mark = "" if r.ok is None else ("met" if r.ok else "MISSED")
        print(f"| {r.what:<{width}} | {r.value:>{value}} | {mark:^6} | {r.server:<{server}} | {r.detail} |", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=50.0, help="delay of every emulated call (default 50)")
    parser.add_argument("--parallelism", type=int, default=8, help="telconf --parallelism (default 8)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each no-op plan; the fastest counts (default 3)")
    parser.add_argument("--apply-repeat", type=int, default=None,
                        help="alternating runs of the apply each way; the medians count (default 3; 1 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="a tenth of the account sizes (a smoke run: the plan ratios are shown, not judged)")
    parser.add_argument("--apply-only", action="store_true",
                        help="only the apply rows: the 10 %% change with and without check and verify "
                             "(to compare two checkouts in alternating runs)")
    args = parser.parse_args(argv)
    sizes = Sizes(50, 6, 20, 50, 3, 2_000, 20, 5) if args.quick else Sizes()
    apply_repeat = args.apply_repeat or (1 if args.quick else 3)
    latency = args.latency_ms / 1000

    def log(text: str) -> None:
        print(f"  {text}", file=sys.stderr, flush=True)

    print(f"machine: {machine()}", flush=True)
    print(f"latency {args.latency_ms:g} ms per call, parallelism {args.parallelism}; "
          f"load average at start {os.getloadavg()[0]:.1f}", flush=True)
    os.environ.update(bigaccount.environ())
    jiffies = cpu_jiffies()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="telconf-bench-") as tmp, \
            Emulators.start(pending_seconds=PENDING_SECONDS) as emulators:
        folder = Path(tmp)
        log("generating the accounts ...")
        bigaccount.seed(emulators, sizes)
        state = folder / "state.json"
        emulators.save(state)
        local = folder / "in-process"
        local.mkdir()
        local_noop, local_change = bigaccount.write_configs(local, sizes, emulators.teleum_url,
                                                            emulators.beeline_url)
        counter = Counter(emulators)
        if args.apply_only:
            emulators.teleum.configure(latency_ms=args.latency_ms)
            emulators.beeline.configure(latency_ms=args.latency_ms)
            rows += apply_rows(local_change, args.parallelism, counter, bigaccount.minimal_calls(sizes), log,
                               emulators, apply_repeat)
            rows += served_apply_rows(state, sizes, folder, args.parallelism, args.latency_ms, apply_repeat, log,
                                      judge_ratio=not args.quick)
            print_table(rows)
            return 0 if all(r.ok is not False for r in rows) else 1
        log("starting telconf emulator (a subprocess) with the same state ...")
        with ServedEmulators.serve(state, args.latency_ms, folder) as served:
            remote = folder / "served"
            remote.mkdir()
            noop, change = bigaccount.write_configs(remote, sizes, served.teleum_url, served.beeline_url)
            counting_config = load(local_noop)
            # The harness's own objects (the in-process emulators' state, the generated data,
            # the counting config) are not in a user's telconf process: keep them out of
            # every garbage collection of the timed plans.
            gc.collect()
            gc.freeze()
            started = time.perf_counter()
            config = load(noop)
            rows.append(Row("load the config (both accounts)", f"{time.perf_counter() - started:.2f} s",
                            f"{noop.stat().st_size // 1024} KB of YAML + block files"))
            plan, whole = plan_rows(config, counting_config, latency, args.parallelism, counter, served,
                                    args.repeat, log, judge_ratio=not args.quick)
            rows += plan
            rows += cli_rows(noop, change, args.parallelism, served, whole, log)
        emulators.teleum.configure(latency_ms=args.latency_ms)
        emulators.beeline.configure(latency_ms=args.latency_ms)
        rows += apply_rows(local_change, args.parallelism, counter, bigaccount.minimal_calls(sizes), log, emulators,
                           apply_repeat)
        rows += served_apply_rows(state, sizes, folder, args.parallelism, args.latency_ms, apply_repeat, log,
                                  judge_ratio=not args.quick)
    rows += diff_rows(log)
    rows += help_rows(log)
    print()
    steal = steal_share(jiffies, cpu_jiffies())
    print(f"load average at end {os.getloadavg()[0]:.1f}"
          + ("" if steal is None else f"; CPU time stolen by the hypervisor during the run: {steal:.0%}"))
    print_table(rows)
    missed = [r.what for r in rows if r.ok is False]
    print()
    print("all targets met" if not missed else "targets missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
