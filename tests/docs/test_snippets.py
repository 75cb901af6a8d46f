"""Every command the README and the docs pages show is one that works (issue 26).

Each ``telconf`` command of a shell block is parsed by telconf's own click commands,
without running it: an unknown command or option, an option missing its value, a value
outside a choice or an extra argument fails here with the page and line. The offline
ones whose files are in this repository (``validate``, ``render``, ``schema``,
``accounts``) also run for real and must exit 0. Repository paths a snippet names must
exist, and the README keeps its first two commands, which ``.ci/run`` runs.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from telconf.cli import main
from tests.docs.snippets import REPO, Command, documents, fenced_blocks, shell_commands, split_commands

COMMANDS = [command for path in documents() for command in shell_commands(path)]
TELCONF = [command for command in COMMANDS if command.program == "telconf"]
# Commands that read only the repository and write nothing but stdout: run for real.
OFFLINE = {"validate", "render", "schema", "accounts", "routes", "test"}
WRITES = {"-o", "--out", "--modeline", "--keep", "--junit", "--live"}
REPOSITORY_DIRS = ("examples/", "benchmarks/", "schemas/", "tests/", "requirements/", "docs/", "telconf/", ".ci/")

README_FIRST_COMMANDS = (
    "# 1. Install and see it work against the built-in emulators (no account, no network):",
    "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/telconf demo",
    "",
    "# 2. Install the test extras and run the whole test suite:",
    "python3 -m venv .venv && .venv/bin/pip install -c requirements/test.txt -e '.[test]' && .venv/bin/pytest -n 2",
)


def parse(argv: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolve ``telconf ARGV`` through click, as the CLI would, without running the command.

    Raises click's ``UsageError`` for what the command line itself gets wrong. Files the
    command reads need not exist here (``--snapshot backup/telconf.yaml`` names a file of
    the reader's repository), so path parameters do not check existence.
    """
    if not argv or argv[0].startswith("-"):
        if argv not in {("--version",), ("--help",), ("-h",)}:
            raise click.UsageError(f"not a telconf command: {shlex.join(argv)}")
        return
    parent = click.Context(main, info_name="telconf")
    command = main.get_command(parent, argv[0])
    if command is None:
        raise click.UsageError(f"no such command {argv[0]!r}")
    for param in command.params:
        if isinstance(param.type, click.Path) and param.type.exists:
            monkeypatch.setattr(param.type, "exists", False)
    try:
        with command.make_context(argv[0], list(argv[1:]), parent=parent):
            pass
    except click.exceptions.Exit:
        pass                                            # --help


def test_the_docs_show_telconf_commands() -> None:
    # The extraction itself: a page whose blocks stopped being read would check nothing.
    pages = {command.where.split(":")[0] for command in TELCONF}
    assert {"README.md", "docs/commands.md", "docs/gitops.md", "docs/disaster-recovery.md"} <= pages
    assert len(TELCONF) >= 40


@pytest.mark.parametrize("command", TELCONF, ids=[f"{c.where} {shlex.join(c.argv[1:])}" for c in TELCONF])
def test_every_telconf_command_in_the_docs_parses(command: Command, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        parse(command.argv[1:], monkeypatch)
    except click.UsageError as exc:
        pytest.fail(f"{command.where}: `{shlex.join(command.argv)}`: {exc.format_message()}")


def offline_runnable(command: Command) -> bool:
    args = command.argv[1:]
    if not args or args[0] not in OFFLINE or WRITES & set(args):
        return False
    paths = [arg for arg in args[1:] if not arg.startswith("-") and "/" in arg or arg.endswith((".yaml", ".yml"))]
    return all((REPO / path).exists() for path in paths) and (args[0] == "schema" or bool(paths))


RUNNABLE = [command for command in TELCONF if offline_runnable(command)]


def test_some_commands_run_for_real() -> None:
    assert any(command.argv[1] == "validate" for command in RUNNABLE)


@pytest.mark.parametrize("command", RUNNABLE, ids=[f"{c.where} {shlex.join(c.argv[1:])}" for c in RUNNABLE])
def test_offline_commands_in_the_docs_run(command: Command, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, list(command.argv[1:]))
    assert result.exit_code == 0, f"{command.where}: `{shlex.join(command.argv)}`:\n{result.output}"
    assert "Traceback" not in result.output


def test_repository_paths_in_snippets_exist() -> None:
    missing = [f"{command.where}: {arg}" for command in COMMANDS for arg in command.argv
               if arg.startswith(REPOSITORY_DIRS) and not list(REPO.glob(arg))]
    assert missing == []


def test_a_wrong_option_in_a_snippet_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # The checks above can fail: the same parser on commands a page might get wrong.
    for line in ("telconf plan --fromat json > plan.json", "telconf apply --yes --report",
                 "telconf plan --format yaml", "telconf valdate telconf.yaml", "telconf schema extra"):
        (argv,) = split_commands(line)
        with pytest.raises(click.UsageError):
            parse(argv[1:], monkeypatch)
    (argv,) = split_commands("TELCONF_DEBUG=1 telconf plan --snapshot backup/telconf.yaml 2> err.txt")
    parse(argv[1:], monkeypatch)                        # assignments and redirections are not arguments


def test_the_readme_starts_with_the_two_commands_that_ci_runs() -> None:
    first = next(fenced_blocks(REPO / "README.md"))
    assert first.language == "sh"
    assert first.lines == README_FIRST_COMMANDS
    ci = (REPO / ".ci/run").read_text(encoding="utf-8")
    # .ci/run runs that test command, with the pins of requirements/test.txt as constraints.
    assert "constraints=(-c requirements/test.txt)" in ci
    assert "python3 -m venv .venv && .venv/bin/pip install \"${constraints[@]}\" -e '.[test]' && .venv/bin/pytest -n 2" in ci


def test_the_readme_is_a_front_page_and_the_site_mirrors_it() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    # docs/index.md is the README with its links made relative to docs/ (regenerate it with
    # sed 's#](docs/#](#g' README.md > docs/index.md).
    assert (REPO / "docs/index.md").read_text(encoding="utf-8") == readme.replace("](docs/", "](")


def test_every_page_is_in_the_site_navigation() -> None:
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    pages = {str(path.relative_to(REPO / "docs")) for path in (REPO / "docs").rglob("*.md")}
    assert pages - set(re.findall(r":\s*([\w/.-]+\.md)\s*$", nav, re.MULTILINE)) == set()


def test_no_document_names_a_contract_file_the_repository_lacks() -> None:
    named = [str(path.relative_to(REPO)) for path in [*documents(), *(REPO / "telconf").rglob("*.py")]
             if "CONTRACT.md" in path.read_text(encoding="utf-8")]
    assert named == []


def test_the_readme_example_is_a_valid_config(tmp_path: Path) -> None:
    (example,) = [block for block in fenced_blocks(REPO / "README.md")
                  if block.language == "yaml" and block.lines[:1] == ("version: 1",)]
    config = tmp_path / "telconf.yaml"
    config.write_text("\n".join(example.lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(config)])
    assert result.exit_code == 0, result.output
    assert ": valid (1 account)" in result.output


_TEST_FILE = re.compile(r"tests/[\w/]+\.py(?:::(\w+))?")
_TEST_NAME = re.compile(r"(?<![\w/.])::(test_\w+)")


def test_every_test_the_docs_cite_exists() -> None:
    # Guarantees and the security model name the tests that prove each promise.
    sources = {path.relative_to(REPO).as_posix(): path.read_text(encoding="utf-8")
               for path in (REPO / "tests").rglob("*.py")}
    every = "\n".join(sources.values())
    missing: list[str] = []
    for path in documents():
        text = path.read_text(encoding="utf-8")
        for match in _TEST_FILE.finditer(text):
            source = sources.get(match.group(0).split("::")[0])
            if source is None or (match.group(1) and f"def {match.group(1)}(" not in source):
                missing.append(f"{path.relative_to(REPO)}: {match.group(0)}")
        missing += [f"{path.relative_to(REPO)}: ::{name}" for name in _TEST_NAME.findall(text)
                    if f"def {name}(" not in every]
    assert missing == []
