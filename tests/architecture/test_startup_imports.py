"""Offline commands import only what they use (issue 25): no HTTP stack, no provider client.

Each command runs in a fresh interpreter, in-process there (``python -m telconf`` as
``runpy``), and the modules it left in ``sys.modules`` are checked: an import graph,
not a timing. ``telconf --help`` imports no command and no provider at all.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from telconf.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

_RUN = """\
import json, runpy, sys
sys.argv = ["telconf", *sys.argv[1:]]
try:
    runpy.run_module("telconf", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.__stderr__)
"""

# The network: what only plan, apply and export need.
NETWORK = ("requests", "urllib3", "http.client", "werkzeug", "telconf.providers.http", "telconf.emulator")


def imported(*args: str) -> tuple[object, list[str]]:
    """(exit code, modules imported) of ``telconf ARGS`` in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], report["modules"]


def forbidden(modules: list[str], extra: tuple[str, ...] = ()) -> list[str]:
    """The modules of ``modules`` an offline command must not import."""
    def under(name: str, prefix: str) -> bool:
        return name == prefix or name.startswith(prefix + ".")

    providers_client = [m for m in modules if m.startswith("telconf.providers.")
                        and m.rsplit(".", 1)[-1] in ("client", "provider", "live", "export", "items")]
    return sorted({m for m in modules for prefix in NETWORK + extra if under(m, prefix)} | set(providers_client))


@pytest.mark.parametrize("example", ["both.yaml", "teleum-office.yaml", "beeline-callcenter.yaml"])
def test_validate_imports_no_http_stack_no_provider_client_and_no_jsonschema(example: str) -> None:
    code, modules = imported("validate", "-c", str(EXAMPLES / example))
    assert code == 0
    # jsonschema is needed only for the messages of a file the compiled schema rejects.
    assert forbidden(modules, ("jsonschema", "importlib.metadata")) == []
    assert "telconf.config.loader" in modules  # it did check the file
    # The examples' numbers are usual +7 spellings: checked with telconf's copy of the library's
    # +7 metadata (telconf.core.phones_plus7, tested to be the installed library's), no phonenumbers.
    assert "phonenumbers" not in modules and "telconf.core.phones" in modules


def test_validate_of_a_number_off_the_quick_path_imports_phonenumbers(tmp_path: Path) -> None:
    """A number that is no usual +7 spelling is checked by the library itself."""
    source = (EXAMPLES / "beeline-callcenter.yaml").read_text(encoding="utf-8")
    assert '"+7 900 000-00-00"' in source
    path = tmp_path / "telconf.yaml"
    path.write_text(source.replace('"+7 900 000-00-00"', '"+44 20 7946 0958"'), encoding="utf-8")
    for folder in ("blacklists", "media"):
        shutil.copytree(EXAMPLES / folder, tmp_path / folder)
    code, modules = imported("validate", "-c", str(path))
    assert code == 0 and "phonenumbers" in modules


def test_validate_of_an_invalid_file_imports_jsonschema_for_its_messages_and_still_no_network(tmp_path: Path) -> None:
    path = tmp_path / "telconf.yaml"
    path.write_text("version: 1\naccounts:\n  office:\n    provider: teleum\n    credentials: 5\n")
    code, modules = imported("validate", "-c", str(path))
    assert code == 1
    assert "jsonschema" in modules
    assert forbidden(modules) == []


@pytest.mark.parametrize("command", ["render", "routes", "test"])
def test_other_offline_commands_import_no_http_stack(command: str) -> None:
    if command not in COMMANDS:
        pytest.skip(f"telconf {command} is not in this build")
    _, modules = imported(command, "-c", str(EXAMPLES / "both.yaml"))
    assert forbidden(modules) == []


def test_help_imports_no_command_and_no_provider() -> None:
    code, modules = imported("--help")
    assert code == 0
    commands = {module for module, _, _ in COMMANDS.values()} | {"telconf.cli.common"}
    assert [m for m in modules if m in commands or m.startswith(("telconf.providers", "telconf.config"))] == []
    assert forbidden(modules, ("yaml", "jsonschema", "phonenumbers")) == []
