"""``telconf demo``: the whole story against built-in emulators, with no account and no network."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from telconf.cli.apply import run
from telconf.cli.common import handles_errors, setup_logging, verbose_option
from telconf.cli.plan import show
from telconf.cli.terminal import color_option
from telconf.engine.conductor import Conductor


def _addresses(emulators: Any) -> str:
    """``Beeline http://127.0.0.1:41234/api, Teleum http://...``: where the demo's emulators are."""
    from telconf.demo import demo_kits
    from telconf.emulator.server import kits, label_of

    found = kits()
    return ", ".join(f"{label_of(name, found[name])} {emulators.urls[name]}" for name in demo_kits())


def _step(command: str) -> None:
    click.echo()
    click.echo(click.style(f"$ {command}", bold=True), color=None)


@click.command("demo")
@click.option("--keep", "keep", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Also write the demo config and the files its accounts use to DIR, to read or reuse.")
@verbose_option
@color_option()
@handles_errors
def demo(keep: Path | None, verbose: bool) -> None:
    """Plan and apply an example config against built-in emulators of the providers' APIs.

    Starts an emulator of each provider's API on 127.0.0.1 (free ports, in this
    process), seeded with demo accounts whose live settings differ from the config
    (examples/demo.yaml, composed in the package), then shows the plan, applies it and
    plans again to show there is nothing left to do. Needs no account, no network and
    no environment variable; leaves nothing behind (unless --keep).

    \b
    Example:
        telconf demo
        telconf demo --keep demo/ && telconf validate -c demo/demo.yaml
    """
    from telconf import demo as demo_data
    from telconf.config import load
    from telconf.emulator import Emulators

    setup_logging(verbose)
    started = time.monotonic()
    with Emulators.start() as emulators, tempfile.TemporaryDirectory(prefix="telconf-demo-") as tmp:
        demo_data.seed(emulators)
        config_path = demo_data.write_config(Path(tmp))
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            demo_data.write_config(keep)
        environ = {**os.environ, **demo_data.environ(emulators)}
        click.echo(f"telconf demo: {demo_data.summary()}, emulated on 127.0.0.1 ({_addresses(emulators)}).")
        click.echo("The config is examples/demo.yaml; the accounts' live settings differ from it.")

        config = load(config_path, environ=environ)
        _step("telconf plan -c examples/demo.yaml")
        with Conductor(config, environ=environ) as conductor:
            plan = conductor.plan()
            show(plan)
            _step("telconf apply -c examples/demo.yaml --yes")
            run(conductor, plan)

        _step("telconf plan -c examples/demo.yaml      # again: the accounts now match the file")
        with Conductor(config, environ=environ) as conductor:
            show(conductor.plan())
    click.echo()
    click.echo(f"Demo done in {time.monotonic() - started:.1f} s. Next: write your own telconf.yaml "
               "(see examples/ and README.md), then `telconf validate` and `telconf plan`.")
