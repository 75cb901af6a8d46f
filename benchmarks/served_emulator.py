"""The benchmark's emulators served by a ``telconf emulator`` subprocess, and CPU-steal readings.

A provider's CPU is not the client's: the timed plans of ``run.py`` talk to this
subprocess, not to emulators in the benchmark's own process.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit


def telconf_command() -> list[str]:
    """The ``telconf`` console script next to this Python, else ``python -m telconf``."""
    script = shutil.which("telconf", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "telconf"]


class ServedEmulators:
    """Both emulators served by a ``telconf emulator`` subprocess, as a real provider is: elsewhere.

    Its request log (``-v``: one line per request, written before the answer is sent)
    says how many requests each API answered; :meth:`cpu_seconds` is its CPU time.
    """

    # '127.0.0.1 - - [22/Nov/2026 08:35:21] "GET /api/v3/?cmd=getSIPs" 200 -'
    REQUEST_LINE = re.compile(r'"(?:GET|POST) (/api/v3/|/api/)')

    def __init__(self, process: subprocess.Popen[str], teleum_url: str, beeline_url: str, log_path: Path):
        self.process = process
        self.teleum_url, self.beeline_url = teleum_url, beeline_url
        self.log_path = log_path

    @classmethod
    @contextmanager
    def serve(cls, state: Path, latency_ms: float, folder: Path,
              pending_seconds: float | None = None) -> Iterator[ServedEmulators]:
        """Start ``telconf emulator`` on free ports with ``state``; stop it at the end, also on error.

        ``pending_seconds``: how long an uploaded voice file stays pending (the emulator's default if None).
        """
        log_path = folder / "served-emulator.log"
        command = telconf_command() + ["emulator", "--state", str(state), "--teleum-port", "0",
                                       "--beeline-port", "0", "--latency-ms", f"{latency_ms:g}", "-v"]
        if pending_seconds is not None:
            command += ["--pending-seconds", f"{pending_seconds:g}"]
        with log_path.open("w") as log:
            # Port 0: the server picks free ports and announces its URLs (no race for a port).
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True,
                                       env=os.environ | {"PYTHONUNBUFFERED": "1"})
        try:
            served = cls(process, *cls._announced_urls(process, log_path), log_path)
            served._wait_until_answering()
            yield served
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()

    @staticmethod
    def _announced_urls(process: subprocess.Popen[str], log_path: Path, timeout: float = 120) -> tuple[str, str]:
        assert process.stdout is not None
        # A server that neither announces nor exits is killed, which ends the reading below.
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        urls: dict[str, str] = {}
        try:
            for line in process.stdout:
                if match := re.match(r"(Teleum|Beeline)\b.*?(https?://\S+)", line):
                    urls[match[1]] = match[2]
                if len(urls) == 2:
                    return urls["Teleum"], urls["Beeline"]
        finally:
            watchdog.cancel()
        tail = log_path.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"telconf emulator did not start (exit {process.poll()}):\n{tail}")

    def _wait_until_answering(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        for url in (self.teleum_url, self.beeline_url):
            address = urlsplit(url)
            while True:
                try:
                    with socket.create_connection((address.hostname, address.port), timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        raise RuntimeError(f"telconf emulator does not answer on {url}") from None
                    time.sleep(0.05)

    def mark(self) -> int:
        """A position in the request log; :meth:`requests_since` counts from it."""
        return self.log_path.stat().st_size

    def requests_since(self, mark: int) -> dict[str, int]:
        """{account: requests its API answered} since ``mark``."""
        with self.log_path.open(errors="replace") as log:
            log.seek(mark)
            paths = [m[1] for m in map(self.REQUEST_LINE.search, log) if m]
        return {"big-teleum": paths.count("/api/v3/"), "big-beeline": paths.count("/api/")}

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the server process so far (Linux /proc), else None."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_jiffies() -> tuple[int, int] | None:
    """(stolen, total) CPU time of the machine so far, in jiffies (Linux /proc/stat), else None.

    On a virtual machine the hypervisor can give a share of "our" CPUs to other guests
    ("steal"); it slows every CPU-bound step and varies from minute to minute.
    """
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    return (values[7], sum(values)) if len(values) == 8 else None


def steal_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share of CPU time stolen between two :func:`cpu_jiffies` readings."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])
