"""What ``telconf demo`` needs: the demo config, its files, and emulated accounts whose
live state differs from the config in every way a plan can show.

Each provider's emulator kit brings its part (:class:`telconf.emulator.kit.DemoKit`):
its demo accounts and how their live settings drift from the config, the
``${DEMO_...}`` variables, its accounts of the demo config and the files they refer to.
The config is composed from those parts in the registry's order (:func:`config_text`),
inside the package, so an installed wheel runs the demo with no checkout;
``examples/demo.yaml`` is the same text for the built-in providers (a test checks).
"""

from __future__ import annotations

import textwrap
from importlib.resources import files as package_files
from pathlib import Path

from telconf.emulator import Emulators
from telconf.emulator.demo import demo_state
from telconf.emulator.kit import DemoKit
from telconf.emulator.server import kits

__all__ = ["config_text", "demo_kits", "environ", "seed", "summary", "write_config"]

#: The first line of ``examples/demo.yaml``: the schema beside it, for editors.
MODELINE = "# yaml-language-server: $schema=../schemas/telconf.schema.json"


def demo_kits() -> dict[str, DemoKit]:
    """The demo part of every registered provider that has one, by provider name."""
    return {name: kit.demo for name, kit in kits().items() if kit.demo is not None}


def summary() -> str:
    """What the demo accounts are: ``a Beeline cloudcc call centre and a Teleum office``."""
    parts = [demo.summary for demo in demo_kits().values()]
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def config_text() -> str:
    """The demo config: a header, ``version: 1`` and every provider's demo accounts."""
    about = (f"What `telconf demo` plans and applies against the built-in emulators: {summary()}. "
             "The demo sets the ${DEMO_...} variables to the emulators' addresses and demo logins; "
             "point them at real accounts to reuse it.")
    header = [MODELINE, *textwrap.wrap(about, width=86, initial_indent="# ", subsequent_indent="# ",
                                      break_on_hyphens=False)]
    parts = [_fragment(demo.config) for demo in demo_kits().values()]
    return "\n".join([*header, "version: 1", "accounts:", "\n\n".join(parts)]) + "\n"


def _fragment(reference: str) -> str:
    package, _, name = reference.partition(":")
    return package_files(package).joinpath(name).read_text(encoding="utf-8").strip("\n")


def seed(emulators: Emulators) -> None:
    """The demo accounts, plus live settings the config changes (and some it removes)."""
    emulators.restore(demo_state())
    for name, demo in demo_kits().items():
        demo.drift(emulators.apps[name])


def write_config(directory: Path) -> Path:
    """Write the demo config and the files it refers to into ``directory``; return the config path.

    Written by the one YAML writer of ``export`` and ``render`` (quoting that YAML 1.1 and
    1.2 read alike), with the modeline of a schema copy beside it; the commented original
    is ``examples/demo.yaml``.
    """
    import yaml

    from telconf.config.writer import dump
    from telconf.output.modeline import SCHEMA_COPY, write_schema_copy

    config = directory / "demo.yaml"
    header = [f"yaml-language-server: $schema=./{SCHEMA_COPY}",
              f"The config of `telconf demo` ({summary()}); commented: examples/demo.yaml of telconf.",
              "Set the ${DEMO_...} variables to real accounts to reuse it."]
    config.write_text(dump(yaml.safe_load(config_text()), header=header), encoding="utf-8", newline="\n")
    write_schema_copy(directory)  # the ../schemas link of the example would not resolve in DIRECTORY
    for demo in demo_kits().values():
        for relative, content in (demo.files() if demo.files else {}).items():
            target = directory.joinpath(*relative.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    return config


def environ(emulators: Emulators) -> dict[str, str]:
    """The ``${DEMO_...}`` variables of the demo config, for these emulators."""
    found: dict[str, str] = {}
    for name, demo in demo_kits().items():
        found.update(demo.environ(emulators.urls[name]))
    return found
