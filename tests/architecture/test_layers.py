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

from telconf.core import registry

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
    "guard": {"registry"},  # hosts: a provider's own host (redact, which errors uses, imports nothing)
    "phones": {"errors", "phones_plus7"},
    "phones_plus7": set(),  # a copy of phonenumbers' +7 metadata: data, no telconf import
    "config": {"errors", "guard", "model", "phones", "registry", "routing"},
    # dates: overrides and holidays, above the config (it builds an override as a number);
    # providers hand it their number builder. The plan only reads the moment a plan records.
    "dates": {"config", "errors", "model"},
    "registry": {"errors", "model"},  # the bottom: Action and StageTable are plain data of model
    "routing": {"errors", "model", "phones", "registry"},  # the call model: below config (its checks) and plan
    "plan": {"errors", "guard", "model", "phones", "routing"},  # not config: PlanContext is given its reader
    "providers": {"config", "dates", "errors", "guard", "model", "phones", "plan", "registry", "routing", "wav"},
    "emulator": {"errors", "guard", "registry"},
    "emulator(provider)": {"emulator", "errors", "guard", "model", "phones", "registry", "wav"},
    # the jobs: everything below; ``output`` only for ``Conductor.export`` (imported when called)
    "engine": {"config", "dates", "emulator", "errors", "guard", "model", "output", "phones", "plan", "providers",
               "registry", "routing"},
    # what telconf writes besides plans: the apply report reads the engine's results
    "output": {"config", "engine", "errors", "guard", "model", "plan", "providers", "registry"},
}


def layer_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    if parts[0] == "providers" and len(parts) > 2 and parts[2] == "emulator":
        return "emulator(provider)"
    if parts[0] == "core" and len(parts) > 1:
        return parts[1].removesuffix(".py")  # each module of the bottom is a layer of its own
    return parts[0].removesuffix(".py")


def target_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "telconf" or len(parts) == 1 or parts[1] == "__version__":
        return None  # not telconf's, or the package's version
    if parts[1] == "providers" and len(parts) > 3 and parts[3] == "emulator":
        return "emulator(provider)"
    if parts[1] == "core":
        return parts[2] if len(parts) > 2 else None  # ``from telconf.core import x``: x is checked
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


def docstring_ids(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes of ``tree`` (prose, which may name the built-ins)."""
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)}


def test_the_core_names_no_provider_in_its_strings() -> None:
    """No ``Lazy("telconf.providers.teleum...")``, no ``"teleum_port"``, no ``== "Teleum"``: prose
    (docstrings) may name the built-ins, code may not."""
    found = []
    for path in core_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = docstring_ids(tree)
        found += [f"{where(path, node.lineno)}: {node.value[:60]!r}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                  and any(provider in node.value.lower() for provider in BUILT_IN)]
    assert found == []


# Words of the built-ins' domain the core must not use in what it prints: the provider
# supplies its own (``OutageWords``, ``write_only_secrets``, ``CredentialField.what``).
TELCO_WORDS = ("sip line", "sip password", "forward", "cloudcc", "black list", "blacklist", "voice file",
               "greeting")


# Names issue 23 gives the core's call model (a step kind and route-test key, a warning code):
# the exact strings only, never in prose.
ROUTING_NAMES = frozenset({"greeting", "unreachable-forward"})


def command_docstrings(tree: ast.AST) -> dict[int, ast.FunctionDef]:
    """The docstrings of click commands and groups (their help), by the id of their node."""
    return {id(node.body[0].value): node for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
            and any(ast.unparse(d).split("(")[0].endswith(("command", "group")) for d in node.decorator_list)}


def test_the_core_help_and_strings_use_no_word_of_a_providers_domain() -> None:
    """Help texts (the docstrings of click commands, ``help=``) and every other string the
    core may print name no provider and none of its things: no "SIP line", no "forward"."""
    found = []
    for path in core_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = docstring_ids(tree)
        helps = command_docstrings(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            if id(node) in docstrings and id(node) not in helps:
                continue  # prose for developers may name the built-ins as examples
            if node.value in ROUTING_NAMES:
                continue
            text = node.value.lower()
            found += [f"{where(path, node.lineno)}: {word!r} in {node.value.strip()[:60]!r}"
                      for word in (*BUILT_IN, *TELCO_WORDS) if word in text]
    assert found == []


def test_the_help_check_reads_the_commands_help() -> None:
    """The check above sees the commands' docstrings (it could not pass by finding none)."""
    tree = ast.parse((PACKAGE / "cli" / "validate.py").read_text(encoding="utf-8"))
    assert [node.name for node in command_docstrings(tree).values()] == ["validate"]


def commands() -> list[str]:
    """Every command of the CLI but the one whose help lists the installed providers' own options."""
    import click

    from telconf.cli import main

    return sorted(set(main.list_commands(click.Context(main))) - {"emulator"})


@pytest.mark.parametrize("command", commands())
def test_a_commands_rendered_help_names_no_provider(command: str) -> None:
    """What ``--help`` prints, not only the source (``emulator`` lists each installed
    provider's options, demo logins and examples, in the provider's own words)."""
    from click.testing import CliRunner

    from telconf.cli import main

    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    text = result.output.lower()
    assert [word for word in (*BUILT_IN, *TELCO_WORDS) if word in text] == []


def test_the_registry_is_the_bottom_of_the_core() -> None:
    """It imports only the error tree and the core's plain values (``Action``, ``StageTable``)."""
    modules = {module for _, module in imports(PACKAGE / "core" / "registry.py") if module.startswith("telconf")}
    assert modules <= {"telconf.core.errors", "telconf.core.errors.TelconfError", "telconf.core.model",
                       "telconf.core.model.Action", "telconf.core.model.StageTable"}


def module_of(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_cycles() -> list[list[str]]:
    """The import circles between telconf's modules (all imports, those inside functions too;
    not those for type checkers only): strongly connected components of more than one module."""
    modules = {module_of(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for _, imported in imports(path):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != module:
                targets.add(imported)
        graph[module] = targets
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_circle_crosses_a_layer() -> None:
    """``registry`` <-> ``config`` <-> ``plan`` was a circle (the registry imported the plan's
    ``Action``, ``plan/context`` the config loader): the layers import downwards only. A circle
    inside one package (a module and its helper) is that package's business."""
    crossing = [cycle for cycle in import_cycles() if len({layer_of(PACKAGE.parent.joinpath(
        *m.split("."))) for m in cycle}) > 1]
    assert crossing == []


def test_the_circle_check_sees_a_circle() -> None:
    """The check above can fail: the circles inside a package are found."""
    assert any("telconf.config.source" in cycle for cycle in import_cycles())


def test_placeholders_are_resolved_in_one_place() -> None:
    """``$ref``/``$secret``/``$file`` are looked up only by ``plan.data.resolve``."""
    found = [f"{where(path, node.lineno)}" for path in PACKAGE.rglob("*.py")
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
             and node.slice.value in ("$ref", "$secret", "$file")]
    assert found == []
    source = (PACKAGE / "plan" / "data.py").read_text(encoding="utf-8")
    assert 'if key == "$ref":' in source and 'if key == "$secret":' in source and 'if key == "$file":' in source


def test_every_secret_of_the_credentials_but_the_declared_identifiers_is_masked() -> None:
    """A provider's credentials may hold any secrets (an API token): all of them are masked,
    even one it forgot to declare; only a field declared not secret (a login) is shown."""
    from dataclasses import dataclass
    from typing import ClassVar

    from telconf.core.model import Account, CredentialField, Credentials, Secret

    @dataclass(frozen=True, kw_only=True)
    class TokenCredentials(Credentials):
        FIELDS: ClassVar[tuple[CredentialField, ...]] = (
            CredentialField("user", secret=False), CredentialField("api_token", what="a token"))
        user: Secret
        api_token: Secret
        signing_key: Secret  # not declared: masked all the same
        region: str = "eu"

    account = Account(name="x", url="https://x.example", credentials=TokenCredentials(
        user=Secret("${USER}"), api_token=Secret("${TOKEN}"), signing_key=Secret("${SIGNING}")))
    assert [s.template for s in account.secret_values()] == ["${TOKEN}", "${SIGNING}"]
    throwaway = account.credentials.throwaway({"user": "u", "api_token": "t"})
    assert (throwaway.user.reveal({}), throwaway.api_token.reveal({})) == ("u", "t")
