"""Who may import whom, checked on the source: the layers of docs/architecture.md.

The core (everything outside ``telconf/providers/<name>/``) names no provider: no
import of one, no branch on its name, no variable named after it. ``plan/`` never
imports a provider, nor anything above it; providers never import the conductor or
the CLI. A violation names the file and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from telconf import registry

PACKAGE = Path(__file__).resolve().parents[2] / "telconf"
PROVIDERS = PACKAGE / "providers"
BUILT_IN = ("teleum", "beeline")


def provider_packages() -> list[Path]:
    return sorted(p for p in PROVIDERS.iterdir() if (p / "__init__.py").is_file())


def core_files() -> list[Path]:
    inside = {p for package in provider_packages() for p in package.rglob("*.py")}
    return sorted(p for p in PACKAGE.rglob("*.py") if p not in inside)


def files_of(*parts: str) -> list[Path]:
    base = PACKAGE.joinpath(*parts)
    return sorted(base.rglob("*.py")) if base.is_dir() else [base.with_suffix(".py")]


def imports(path: Path, *, type_checking: bool = False) -> Iterator[tuple[int, str]]:
    """(line, module) of each import of ``path``; those under ``if TYPE_CHECKING:`` only if asked."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if not type_checking:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(path, node.module or "", node.level)
            yield node.lineno, module
            yield from ((node.lineno, f"{module}.{alias.name}") for alias in node.names)


def _absolute(path: Path, module: str, level: int) -> str:
    """``module`` of a ``from`` import in ``path``, relative ones (``from ..client import``) resolved."""
    if not level:
        return module
    package = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    base = package[:-level] if path.name != "__init__.py" else package[:len(package) - level]
    return ".".join(base + ([module] if module else []))


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(PACKAGE.parent)}:{line}"


def test_the_built_in_providers_are_packages_with_a_registered_descriptor() -> None:
    assert {p.name for p in provider_packages()} >= set(BUILT_IN)
    assert set(registry.names()) >= set(BUILT_IN)
    for name in BUILT_IN:
        descriptor = registry.get(name)
        assert descriptor.provider.load().__module__.startswith(f"telconf.providers.{name}.")
        assert descriptor.build.load().__module__.startswith(f"telconf.providers.{name}.")
        assert descriptor.account_type.load().__module__ == f"telconf.providers.{name}.model"


def test_the_core_imports_no_provider() -> None:
    found = [f"{where(path, line)}: imports {module}"
             for path in core_files() for line, module in imports(path, type_checking=True)
             if any(module == f"telconf.providers.{name}" or module.startswith(f"telconf.providers.{name}.")
                    for name in BUILT_IN)]
    assert found == []


def test_the_core_has_no_branch_or_name_for_a_provider() -> None:
    """No ``== "teleum"``, no ``TELEUM_URL``, no ``emu.beeline``: prose in strings and docstrings may name them."""
    found = []
    for path in core_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in BUILT_IN:
                names.append(repr(node.value))
            elif isinstance(node, ast.Name):
                names.append(node.id)
            elif isinstance(node, ast.Attribute):
                names.append(node.attr)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.arg)):
                names.append(node.name if not isinstance(node, ast.arg) else node.arg)
            found += [f"{where(path, node.lineno)}: {name}" for name in names  # type: ignore[attr-defined]
                      if any(provider in name.lower() for provider in BUILT_IN)]
    assert found == []


# What each layer may import of telconf besides itself (docs/architecture.md): an allow-list,
# so that a new dependency is a decision, not an accident.
ALLOWED = {
    "errors": {"guard"},  # escaping a message (imported when one is made)
    "model": {"errors"},
    "guard": {"errors", "registry"},
    "phones": {"errors"},
    "config": {"errors", "guard", "model", "phones", "registry", "routing"},
    "routing": {"errors", "model", "phones", "registry"},  # the call model: below config (its checks) and plan
    "plan": {"config", "errors", "guard", "model", "phones", "routing"},
    "providers": {"config", "errors", "guard", "model", "phones", "plan", "registry", "routing", "wav"},
    "emulator": {"errors", "guard", "registry"},
    "emulator(provider)": {"emulator", "errors", "guard", "model", "phones", "registry", "wav"},
}


def layer_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    if parts[0] == "providers" and len(parts) > 2 and parts[2] == "emulator":
        return "emulator(provider)"
    return parts[0].removesuffix(".py")


def target_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "telconf" or len(parts) == 1 or parts[1] == "__version__":
        return None  # not telconf's, or the package's version
    if parts[1] == "providers" and len(parts) > 3 and parts[3] == "emulator":
        return "emulator(provider)"
    return parts[1]


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_what_is_below_it(layer: str) -> None:
    found = []
    for path in PACKAGE.rglob("*.py"):
        if layer_of(path) != layer:
            continue
        for line, module in imports(path):
            target = target_of(module)
            if target is not None and target != layer and target not in ALLOWED[layer]:
                found.append(f"{where(path, line)}: imports {module}")
    assert found == []


def test_a_providers_emulator_imports_only_its_own_provider_package() -> None:
    found = []
    for path in PACKAGE.rglob("*.py"):
        if layer_of(path) != "emulator(provider)":
            continue
        own = ".".join(path.relative_to(PACKAGE.parent).parts[:4])  # telconf.providers.<name>.emulator
        found += [f"{where(path, line)}: imports {module}" for line, module in imports(path)
                  if module.startswith("telconf.providers.") and not module.startswith(own)]
    assert found == []


def test_the_core_names_no_provider_in_its_strings() -> None:
    """No ``Lazy("telconf.providers.teleum...")``, no ``"teleum_port"``, no ``== "Teleum"``: prose
    (docstrings) may name the built-ins, code may not."""
    found = []
    for path in core_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        found += [f"{where(path, node.lineno)}: {node.value[:60]!r}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                  and any(provider in node.value.lower() for provider in BUILT_IN)]
    assert found == []


def test_the_registry_is_the_bottom_of_the_core() -> None:
    """It imports only the error tree and the plan's plain data (for ``Action``)."""
    modules = {module for _, module in imports(PACKAGE / "registry.py") if module.startswith("telconf")}
    assert modules <= {"telconf.errors", "telconf.errors.TelconfError", "telconf.plan.data",
                       "telconf.plan.data.Action", "telconf.plan.data.StageTable"}


def test_placeholders_are_resolved_in_one_place() -> None:
    """``$ref``/``$secret``/``$file`` are looked up only by ``plan.data.resolve``."""
    found = [f"{where(path, node.lineno)}" for path in PACKAGE.rglob("*.py")
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
             and node.slice.value in ("$ref", "$secret", "$file")]
    assert found == []
    source = (PACKAGE / "plan" / "data.py").read_text(encoding="utf-8")
    assert 'if key == "$ref":' in source and 'if key == "$secret":' in source and 'if key == "$file":' in source


def test_every_secret_of_the_credentials_but_the_login_is_masked() -> None:
    """A provider's credentials may hold any secrets (an API token): all of them are masked."""
    from dataclasses import dataclass
    from typing import ClassVar

    from telconf.model import Account, Credentials, Secret

    @dataclass(frozen=True, kw_only=True)
    class TokenCredentials(Credentials):
        LOGIN_FIELD: ClassVar[str] = "user"
        user: Secret
        api_token: Secret
        region: str = "eu"

    account = Account(name="x", url="https://x.example", credentials=TokenCredentials(
        user=Secret("${USER}"), api_token=Secret("${TOKEN}")))
    assert [s.template for s in account.secret_values()] == ["${TOKEN}"]
