"""Which config includes a file: a hook given only ``templates.yaml`` checks the config that uses it.

pre-commit passes the files a commit changes. An included file (``accounts/*.yaml``,
``templates.yaml``) is not a config on its own: checked alone it misses ``version`` and
the templates it uses, and an error it causes shows only in the config that includes
it. So a changed file is checked through every config that includes it. Included files
must lie inside the including config's directory, so only the YAML files directly in
the file's directory and its parents (up to the top of the checkout) can include it:
no tree walk, whatever the size of the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

from telconf.config.includes import TOP_KEYS, include
from telconf.config.source import parse
from telconf.guard import files as safe_files

CANDIDATE_MAX_BYTES = 4 * 1024 * 1024  # a config naming files to include is small; bigger is not one
_TOP_KEY = re.compile(r"^([A-Za-z_$][\w$-]*)\s*:", re.M)
_NAMED_CONFIG = re.compile(r"^telconf(?!\.tests\.)[^/]*\.ya?ml$")  # telconf.tests.yaml: route tests


def top_keys(path: Path) -> set[str] | None:
    """The top-level keys of a YAML file, read cheaply (a line scan, no parse); None if unreadable."""
    try:
        text = safe_files.read_bytes(path, CANDIDATE_MAX_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, safe_files.UnsafeFile):
        return None
    return set(_TOP_KEY.findall(text))


def is_telconf_file(path: Path) -> bool:
    """Whether a YAML file is telconf's: named ``telconf*.yaml``, or only telconf's top-level keys
    with ``accounts``, ``templates`` or ``include`` among them (a workflow or compose file is not)."""
    if _NAMED_CONFIG.match(path.name):
        return True
    keys = top_keys(path)
    if not keys:
        return False
    return keys <= set(TOP_KEYS) and bool(keys & {"accounts", "templates", "include"})


def is_root_config(path: Path) -> bool:
    """A config given to telconf (``version:`` at the top), not only a part included by one."""
    keys = top_keys(path)
    return keys is not None and "version" in keys


def includers(path: Path, top: Path, known: dict[Path, set[Path]] | None = None) -> list[Path]:
    """The root configs (beside ``path`` or in a parent directory up to ``top``) that include it.

    ``known`` keeps each config's files between calls (a hook passes many files of one config).
    """
    known = {} if known is None else known
    target = path.resolve()
    top = top.resolve()
    found: list[Path] = []
    for directory in [target.parent, *target.parent.parents]:
        for candidate in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
            if candidate.resolve() == target or not candidate.is_file():
                continue
            keys = top_keys(candidate)
            if not keys or "include" not in keys or "version" not in keys:
                continue
            if candidate not in known:
                known[candidate] = _files_of(candidate)
            if target in known[candidate]:
                found.append(_as_given(candidate, top))
        if directory == top or top not in directory.parents:
            break
    return found


def _as_given(path: Path, top: Path) -> Path:
    """``path`` relative to ``top`` (the checkout) when inside it, as a hook's files are named."""
    try:
        return path.relative_to(top)
    except ValueError:
        return path


def _files_of(config: Path) -> set[Path]:
    try:
        text = safe_files.read_bytes(config, CANDIDATE_MAX_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, safe_files.UnsafeFile):
        return set()
    doc = parse(text, str(config))
    return include(doc, config) if doc.data is not None else set()
