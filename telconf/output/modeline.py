"""The editor modeline of a config file, and the schema copy it points at.

yaml-language-server reads ``# yaml-language-server: $schema=REF`` on a file's first
line. REF must resolve where the user edits: the schemas' ``$id`` is an identifier
(``https://telconf.invalid/...``: telconf publishes no website) and the installed
package's path differs per machine. So telconf writes a copy of the schema *beside the
config file* (``telconf.schema.json``, committed with it) and a relative modeline
``$schema=./telconf.schema.json`` that resolves in every checkout, offline.
``telconf export`` does this for its output, ``telconf validate --modeline`` for the
files it checks.
"""

from __future__ import annotations

import re
from pathlib import Path

SCHEMA_COPY = "telconf.schema.json"
MODELINE_PREFIX = "# yaml-language-server: $schema="
_MODELINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=\S*[ \t]*$")


def schema_text(which: str = "telconf") -> str:
    """The text of a schema: ``telconf`` (config, with every installed provider), ``plan``, ``report``,
    ``routes`` or ``tests``."""
    from telconf.config import schema_path

    if which == "telconf":
        from telconf.config.schema import schema_text as config_schema_text

        return config_schema_text()
    return (schema_path().parent / f"{which}.schema.json").read_text(encoding="utf-8")


def modeline(ref: str = f"./{SCHEMA_COPY}") -> str:
    """``# yaml-language-server: $schema=./telconf.schema.json``."""
    return MODELINE_PREFIX + ref


def write_schema_copy(directory: Path) -> Path:
    """Write (or refresh) ``telconf.schema.json`` in ``directory``; unchanged files are not touched."""
    target = Path(directory) / SCHEMA_COPY
    text = schema_text()
    try:
        if not target.is_symlink() and target.is_file() and target.read_text(encoding="utf-8") == text:
            return target
    except (OSError, UnicodeDecodeError):
        pass
    from telconf.core.errors import TelconfError
    from telconf.guard.files import UnsafeTarget, write_in_tree

    # Replaced in one step, never written through a link (an export's tree may hold one).
    try:
        return write_in_tree(Path(directory), SCHEMA_COPY, text.encode("utf-8"))
    except UnsafeTarget as exc:
        raise TelconfError(str(exc)) from None


def with_modeline(text: str, line: str | None = None) -> str:
    """``text`` with ``line`` (default: the schema copy's modeline) as its first line.

    An existing modeline on the first line is replaced; otherwise one is added.
    """
    line = line or modeline()
    first, newline, rest = text.partition("\n")
    if _MODELINE.match(first):
        return line + newline + rest if newline else line + "\n"
    return line + "\n" + text


def write_modeline(path: Path) -> bool:
    """Give the config file at ``path`` the modeline and its schema copy; True if the file changed."""
    path = Path(path)
    write_schema_copy(path.parent)
    text = path.read_text(encoding="utf-8")
    updated = with_modeline(text)
    if updated == text:
        return False
    path.write_text(updated, encoding="utf-8", newline="")
    return True
