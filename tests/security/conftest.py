"""What the security tests share: canary secrets, configs pointing at a hostile server, the CLI."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from telconf.cli import main

TELEUM_PASSWORD = "Tl-CANARY-pw-9f3e71"
BEELINE_PASSWORD = "Bl-CANARY-pw-4c2a55"
CANARIES = (TELEUM_PASSWORD, BEELINE_PASSWORD)
ENV = {"TELEUM_EMAIL": "ops@example.com", "TELEUM_PASSWORD": TELEUM_PASSWORD,
       "BEELINE_LOGIN": "ops", "BEELINE_PASSWORD": BEELINE_PASSWORD}
MEMORY_LIMIT = 1536 * 1024 * 1024  # address space of a CLI run: far below what the attacks took (7-16 GB)


def teleum_config(folder: Path, url: str, extra: str = "") -> Path:
    path = folder / "telconf.yaml"
    path.write_text(f"""\
version: 1
accounts:
  office:
    provider: teleum
    url: {url}/api/v3/
    credentials:
      email: ${{TELEUM_EMAIL}}
      password: ${{TELEUM_PASSWORD}}
{extra}""")
    return path


def beeline_config(folder: Path, url: str, extra: str = "") -> Path:
    path = folder / "telconf.yaml"
    path.write_text(f"""\
version: 1
accounts:
  callcenter:
    provider: beeline
    url: {url}/api
    credentials:
      username: ${{BEELINE_LOGIN}}
      password: ${{BEELINE_PASSWORD}}
{extra}""")
    return path


@dataclass
class Outcome:
    """A CLI run: exit code, stdout, stderr, seconds taken."""

    code: int
    stdout: str
    stderr: str
    seconds: float

    def leaked(self) -> list[str]:
        return [c for c in CANARIES if c in self.stdout or c in self.stderr]


def cli(*args: str, env: dict[str, str] | None = None) -> Outcome:
    """Run telconf in-process (CliRunner), with the canary environment."""
    started = time.monotonic()
    result = CliRunner().invoke(main, list(args), env={**ENV, **(env or {})})
    return Outcome(result.exit_code, result.stdout, result.stderr, time.monotonic() - started)


def cli_limited(*args: str, env: dict[str, str] | None = None, timeout: float = 120,
                memory: int = MEMORY_LIMIT) -> Outcome:
    """Run telconf in a subprocess whose address space is capped at ``memory`` bytes."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "telconf", *args], capture_output=True, text=True,
                          env={**os.environ, **ENV, **(env or {})}, preexec_fn=limit, timeout=timeout)
    return Outcome(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its content (to prove a run wrote nothing)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
