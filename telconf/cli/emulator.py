"""``telconf emulator``: serve every provider's API locally until Ctrl-C.

The providers come from the registry: each kit (``telconf.emulator.kit``) adds a
``--<name>-port`` option, its knobs with a default as options, its URL line and demo
logins to the banner. The command is built when this module is imported, which the
CLI does only when ``telconf emulator`` runs.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import click

from telconf.emulator.faults import KINDS
from telconf.emulator.kit import EmulatorKit, Knob
from telconf.emulator.server import kits, label_of
from telconf.guard.hosts import is_loopback

DEFAULT_FAULT_KINDS = "error_5xx,drop_after_commit,session_expiry,rate_limit"
LABEL_WIDTH = 18  # the banner's values line up after the labels

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _fault_kinds(ctx: click.Context, param: click.Parameter, value: str) -> frozenset[str]:
    kinds = frozenset(k.strip() for k in value.split(",") if k.strip())
    unknown = kinds - set(KINDS)
    if unknown or not kinds:
        raise click.BadParameter(f"unknown kind(s) {', '.join(sorted(unknown)) or '(none given)'}; "
                                 f"choose from {', '.join(KINDS)}")
    return kinds


def _port_options(found: dict[str, EmulatorKit]) -> list[Decorator]:
    return [click.option(f"--{name.replace('_', '-')}-port", f"{name}_port", type=click.IntRange(0, 65535),
                         default=kit.port, show_default=True,
                         help=f"Port of the {label_of(name, kit)} API (0 picks a free one).")
            for name, kit in found.items()]


def _knob_options(found: dict[str, EmulatorKit]) -> list[Decorator]:
    """An option for each knob with a default (a knob two emulators share is one option)."""
    options: dict[str, Decorator] = {}
    for name, kit in found.items():
        for knob in kit.knobs:
            if knob.default is not None and knob.name not in options:
                options[knob.name] = click.option(knob.option, knob.name, type=_click_type(knob), default=knob.default,
                                                  show_default=True, help=f"{label_of(name, kit)}: {knob.help}")
    return list(options.values())


def _click_type(knob: Knob) -> Any:
    if knob.type is float:
        return click.FloatRange(knob.minimum)
    if knob.type is int:
        return click.IntRange(None if knob.minimum is None else int(knob.minimum))
    return knob.type


def _help(found: dict[str, EmulatorKit]) -> str:
    """The command's help: what it serves, its demo logins and an example, from the kits."""
    logins = [f"{label_of(name, kit)} {login.shown}"
              for name, kit in found.items() if kit.demo is not None for login in kit.demo.logins]
    ports = " ".join(f"--{name.replace('_', '-')}-port {kit.port}" for name, kit in found.items())
    demo = (f"Without --state it serves demo accounts: {', '.join(logins)}." if logins
            else "Without --state it starts with no account.")
    examples = [f"telconf emulator {ports}",
                *(kit.demo.example for kit in found.values() if kit.demo is not None and kit.demo.example)]
    lines = "".join(f"    {example}\n" for example in examples)
    return (f"Serve emulators of the providers' APIs until Ctrl-C, as the wire contract of the docs\n"
            f"pins them down (docs/emulator.md, docs/providers/).\n\n{demo}\n\n\b\nExample:\n{lines}")


def _with_options(function: Callable[..., Any], found: dict[str, EmulatorKit]) -> click.Command:
    options: list[Decorator] = [
        click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on."),
        *_port_options(found),
        click.option("--state", "state_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Start from this state file (JSON or YAML) instead of the demo accounts."),
        click.option("--save", "save_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="Write the final state to this file (JSON or YAML) when stopped."),
        click.option("--latency-ms", type=click.FloatRange(0), default=0, show_default=True,
                     help="Delay added to every API call."),
        click.option("--fault-rate", type=click.FloatRange(0, 1), default=0, show_default=True,
                     help="Share of API calls that suffer a fault."),
        click.option("--fault-kinds", default=DEFAULT_FAULT_KINDS, show_default=True, callback=_fault_kinds,
                     help=f"Comma-separated fault kinds: {', '.join(KINDS)}."),
        click.option("--seed", type=int, default=None, help="Seed of the fault RNG (reproducible faults)."),
        click.option("--retry-after", type=click.FloatRange(0), default=1, show_default=True,
                     help="Retry-After seconds of rate_limit faults."),
        *_knob_options(found),
        click.option("-v", "--verbose", is_flag=True, help="Log every request line."),
    ]
    for option in reversed(options):
        function = option(function)
    return click.command("emulator", help=_help(found))(function)


def serve(host: str, state_path: Path | None, save_path: Path | None, latency_ms: float, fault_rate: float,
          fault_kinds: frozenset[str], seed: int | None, retry_after: float, verbose: bool, **options: Any) -> None:
    """Serve the emulators until Ctrl-C; ``options`` are the ports (``<name>_port``) and knobs."""
    from telconf.emulator import Emulators, FaultConfig
    from telconf.emulator.demo import demo_state

    faults = FaultConfig(rate=fault_rate, kinds=fault_kinds, seed=seed, retry_after=retry_after)
    try:
        emu = Emulators.start(host, verbose=verbose, latency_ms=latency_ms, faults=faults, **options)
    except OSError as exc:
        ports = ", ".join(str(value) for key, value in options.items() if key.endswith("_port"))
        raise click.ClickException(f"cannot listen on {host} (ports {ports}): {exc.strerror or exc}") from None
    try:
        # Ctrl-C is caught from before the URLs are announced: whoever reads them may stop us at once.
        with _interrupts() as stop:
            exposed = not is_loopback(host.strip("[]").lower())
            passwords = _load(emu, state_path, demo_state, random_passwords=exposed)
            _announce(emu, state_path, host, passwords)
            while not stop.wait(0.5):
                pass
        click.echo("Stopping.", err=True)
    finally:
        emu.stop()
    if save_path is not None:
        emu.save(save_path)
        click.echo(f"State saved to {save_path}", err=True)


emulator = _with_options(serve, kits())


def _load(emu: Any, state_path: Path | None, demo_state: Any, *, random_passwords: bool = False) -> dict[str, str]:
    """Load the state file, or the demo accounts; with ``random_passwords`` (a non-loopback
    address) the demo accounts get new random passwords instead of the published ones:
    ``{provider: {login: password}}`` flattened to ``"provider/login" -> password``."""
    if state_path is None:
        state = demo_state()
        chosen: dict[str, str] = {}
        if random_passwords:
            import secrets

            found = kits()
            for name, section in state.items():
                key = found[name].login_key if name in found else "login"
                accounts = section.get("accounts", [])
                # An account whose password is not a "password" field cannot be given a new
                # one: it is not served off loopback (its published password would let anyone in).
                section["accounts"] = [a for a in accounts if isinstance(a, dict) and "password" in a]
                for account in section["accounts"]:
                    account["password"] = secrets.token_urlsafe(12)
                    chosen[f"{name}/{account.get(key, '?')}"] = account["password"]
        emu.restore(state)
        return chosen
    import yaml

    try:
        emu.load(state_path)
    except (ValueError, KeyError, TypeError, AttributeError, yaml.YAMLError) as exc:
        raise click.ClickException(f"{state_path}: not a valid state file ({type(exc).__name__}: {exc})") from None
    return {}


def _line(label: str, value: str) -> None:
    click.echo(f"{label}:".ljust(LABEL_WIDTH - 1) + " " + value)  # a long label still gets its space


def _announce(emu: Any, state_path: Path | None, host: str = "127.0.0.1",
              passwords: dict[str, str] | None = None) -> None:
    found = kits()
    for name, kit in found.items():
        _line(kit.api_label or f"{label_of(name, kit)} API", emu.urls[name])
    exposed = not is_loopback(host.strip("[]").lower())
    if exposed:
        click.echo(f"warning: listening on {host}, not a loopback address: anyone who can reach this "
                   "machine can use these accounts; the emulator is for tests and trials", err=True)
    if state_path is None and exposed:
        # The published demo passwords would let anyone in: these are new, shown this once.
        for name, kit in found.items():
            for login in kit.demo.logins if kit.demo is not None else ():
                password = (passwords or {}).get(f"{name}/{login.login}")
                if password is not None:
                    _line(f"{label_of(name, kit)} login", f"{login.login} / {password}  (random, shown once)  "
                                                          f"numbers {', '.join(login.numbers)}")
    elif state_path is None:
        for name, kit in found.items():
            for login in kit.demo.logins if kit.demo is not None else ():
                _line(f"{label_of(name, kit)} login", f"{login.shown}  "
                                                      f"numbers {', '.join(login.numbers)}")
    else:  # secrets from a state file may be real-looking: name the accounts only (the kit's login_key)
        snapshot = emu.snapshot()
        for name, kit in found.items():
            accounts = snapshot.get(name, {}).get("accounts", [])
            logins = ", ".join(str(a.get(kit.login_key, "?")) for a in accounts) or "(none)"
            _line(f"{label_of(name, kit)} logins", f"{logins}  (their secrets in {state_path})")
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
