"""Where emulator code lives, and whom it may import (read from the source with ``ast``).

Each provider's emulator is a subpackage of its provider package and an independent
implementation of the wire contract (docs/providers/): it never imports the provider's
client, provider or payload code (a shared misreading of the contract would then pass
every test). That the core names no provider is ``tests/architecture/test_layers.py``'s business.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from telconf.core import registry
from telconf.emulator.base import EmulatorBase
from telconf.emulator.kit import EmulatorKit

PACKAGE = Path(__import__("telconf").__file__).parent
BUILT_IN = ("beeline", "teleum")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, module: str | None = None) -> Iterator[tuple[int, str]]:
    """(line, absolute module) of every import in ``path`` (the module ``module``), relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = module or module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            for alias in node.names:  # ``from telconf.providers.x import client`` imports a module too
                yield node.lineno, f"{base}.{alias.name}"


def emulator_files(name: str) -> list[Path]:
    return sorted((PACKAGE / "providers" / name / "emulator").rglob("*.py"))


@pytest.mark.parametrize("name", BUILT_IN)
def test_each_built_in_provider_has_its_emulator_in_its_package(name: str) -> None:
    descriptor = registry.get(name)
    assert descriptor.emulator is not None and descriptor.emulator.target == f"telconf.providers.{name}.emulator:KIT"
    kit = descriptor.emulator.load()
    assert isinstance(kit, EmulatorKit) and isinstance(kit.app(), EmulatorBase)
    assert emulator_files(name) and not list((PACKAGE / "emulator").glob(f"{name}*.py"))


def foreign_imports(name: str, path: Path, module: str | None = None) -> list[str]:
    """Imports in ``path`` (of provider ``name``'s emulator) of provider code outside that emulator."""
    own = f"telconf.providers.{name}.emulator"
    return [f"{path.name}:{line}: {imported}" for line, imported in imports(path, module)
            if imported.startswith("telconf.providers") and not (imported == own or imported.startswith(own + "."))]


@pytest.mark.parametrize("name", BUILT_IN)
def test_an_emulator_imports_nothing_of_its_provider_but_itself(name: str) -> None:
    assert [found for path in emulator_files(name) for found in foreign_imports(name, path)] == []


def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    # The checks above pass on an empty list: show that they see a forbidden import.
    path = tmp_path / "app.py"
    path.write_text('"""Doc: teleum."""\nfrom . import calls\nfrom ..client import TeleumClient\n'
                    'from telconf.providers import teleum\nimport telconf.providers.teleum.payloads\n'
                    'from telconf.emulator.base import EmulatorBase\n')
    assert foreign_imports("teleum", path, "telconf.providers.teleum.emulator.app") == [
        "app.py:3: telconf.providers.teleum.client", "app.py:3: telconf.providers.teleum.client.TeleumClient",
        "app.py:4: telconf.providers", "app.py:4: telconf.providers.teleum",
        "app.py:5: telconf.providers.teleum.payloads"]
