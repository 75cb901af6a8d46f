"""``telconf emulator``: serve both provider APIs locally until Ctrl-C."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import click

from telconf.emulator.faults import KINDS
from telconf.guard.hosts import is_loopback

DEFAULT_FAULT_KINDS = "error_5xx,drop_after_commit,session_expiry,rate_limit"


def _fault_kinds(ctx: click.Context, param: click.Parameter, value: str) -> frozenset[str]:
    kinds = frozenset(k.strip() for k in value.split(",") if k.strip())
    unknown = kinds - set(KINDS)
    if unknown or not kinds:
        raise click.BadParameter(f"unknown kind(s) {', '.join(sorted(unknown)) or '(none given)'}; "
                                 f"choose from {', '.join(KINDS)}")
    return kinds


@click.command("emulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--teleum-port", type=click.IntRange(0, 65535), default=8701, show_default=True,
              help="Port of the Teleum API (0 picks a free one).")
@click.option("--beeline-port", type=click.IntRange(0, 65535), default=8702, show_default=True,
              help="Port of the Beeline API (0 picks a free one).")
@click.option("--state", "state_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Start from this state file (JSON or YAML) instead of the demo accounts.")
@click.option("--save", "save_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the final state to this file (JSON or YAML) when stopped.")
@click.option("--latency-ms", type=click.FloatRange(0), default=0, show_default=True,
              help="Delay added to every API call.")
@click.option("--fault-rate", type=click.FloatRange(0, 1), default=0, show_default=True,
              help="Share of API calls that suffer a fault.")
@click.option("--fault-kinds", default=DEFAULT_FAULT_KINDS, show_default=True, callback=_fault_kinds,
              help=f"Comma-separated fault kinds: {', '.join(KINDS)}.")
@click.option("--seed", type=int, default=None, help="Seed of the fault RNG (reproducible faults).")
@click.option("--retry-after", type=click.FloatRange(0), default=1, show_default=True,
              help="Retry-After seconds of rate_limit faults.")
@click.option("--session-idle-timeout", type=click.FloatRange(0), default=900, show_default=True,
              help="Teleum: seconds a session token survives without calls.")
@click.option("--pending-seconds", type=click.FloatRange(0), default=5, show_default=True,
              help="Beeline: seconds an uploaded voice file stays PENDING.")
@click.option("--blacklist-limit", type=click.IntRange(1), default=100, show_default=True,
              help="Beeline: A-numbers per (ListID, B) before 413.2.")
@click.option("--max-body-bytes", type=click.IntRange(1), default=10 * 1024 * 1024, show_default=True,
              help="Beeline: request body size before 413.1.")
@click.option("--max-voice-files", type=click.IntRange(1), default=50, show_default=True,
              help="Beeline: stored voice files before 409.1 on upload.")
@click.option("-v", "--verbose", is_flag=True, help="Log every request line.")
def emulator(host: str, teleum_port: int, beeline_port: int, state_path: Path | None, save_path: Path | None,
             latency_ms: float, fault_rate: float, fault_kinds: frozenset[str], seed: int | None,
             retry_after: float, session_idle_timeout: float, pending_seconds: float, blacklist_limit: int,
             max_body_bytes: int, max_voice_files: int, verbose: bool) -> None:
    """Serve emulators of both provider APIs (CONTRACT.md) until Ctrl-C.

    Without --state it serves demo accounts: Teleum demo@example.com / demo-password
    and Beeline demo / demo-password, three numbers each.

    \b
    Example:
        telconf emulator --teleum-port 8701 --beeline-port 8702
        curl -d cmd=login -d email=demo@example.com -d paswd=demo-password \\
             http://127.0.0.1:8701/api/v3/
    """
    from telconf.emulator import Emulators, FaultConfig
    from telconf.emulator.demo import demo_state

    faults = FaultConfig(rate=fault_rate, kinds=fault_kinds, seed=seed, retry_after=retry_after)
    knobs: dict[str, Any] = dict(latency_ms=latency_ms, faults=faults, session_idle_timeout=session_idle_timeout,
                                 pending_seconds=pending_seconds, blacklist_limit=blacklist_limit,
                                 max_body_bytes=max_body_bytes, max_voice_files=max_voice_files)
    try:
        emu = Emulators.start(host, teleum_port, beeline_port, verbose=verbose, **knobs)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host} (ports {teleum_port}, {beeline_port}): "
                                   f"{exc.strerror or exc}") from None
    try:
        # Ctrl-C is caught from before the URLs are announced: whoever reads them may stop us at once.
        with _interrupts() as stop:
            _load(emu, state_path, demo_state)
            _announce(emu, state_path, host)
            while not stop.wait(0.5):
                pass
        click.echo("Stopping.", err=True)
    finally:
        emu.stop()
    if save_path is not None:
        emu.save(save_path)
        click.echo(f"State saved to {save_path}", err=True)


def _load(emu: Any, state_path: Path | None, demo_state: Any) -> None:
    if state_path is None:
        emu.restore(demo_state())
        return
    import yaml

    try:
        emu.load(state_path)
    except (ValueError, KeyError, TypeError, AttributeError, yaml.YAMLError) as exc:
        raise click.ClickException(f"{state_path}: not a valid state file ({type(exc).__name__}: {exc})") from None


def _announce(emu: Any, state_path: Path | None, host: str = "127.0.0.1") -> None:
    click.echo(f"Teleum API v3:    {emu.teleum_url}")
    click.echo(f"Beeline cloudcc:  {emu.beeline_url}")
    exposed = not is_loopback(host.strip("[]").lower())
    if exposed:
        click.echo(f"warning: listening on {host}, not a loopback address: anyone who can reach this "
                   "machine can use these accounts; the emulator is for tests and trials", err=True)
    if state_path is None and exposed:
        click.echo("Demo logins:      the demo accounts of `telconf emulator --help` (passwords not shown "
                   "on a non-loopback address)")
    elif state_path is None:
        from telconf.emulator import demo

        click.echo(f"Teleum login:     {demo.TELEUM_LOGIN[0]} / {demo.TELEUM_LOGIN[1]}  "
                   f"numbers {', '.join(demo.TELEUM_NUMBERS)}")
        click.echo(f"Beeline login:    {demo.BEELINE_LOGIN[0]} / {demo.BEELINE_LOGIN[1]}  "
                   f"numbers {', '.join(demo.BEELINE_NUMBERS)}")
    else:  # passwords from a state file are real-looking secrets: name the logins only
        snapshot = emu.snapshot()
        teleum = ", ".join(a["email"] for a in snapshot["teleum"]["accounts"]) or "(none)"
        beeline = ", ".join(a["login"] for a in snapshot["beeline"]["accounts"]) or "(none)"
        click.echo(f"Teleum logins:    {teleum}  (passwords in {state_path})")
        click.echo(f"Beeline logins:   {beeline}  (passwords in {state_path})")
    click.echo("Press Ctrl-C to stop.", err=True)


@contextmanager
def _interrupts() -> Iterator[threading.Event]:
    """An event set by Ctrl-C (SIGINT) or SIGTERM while the block runs."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
