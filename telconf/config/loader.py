"""The pipeline of a config file: read → YAML with positions → schema → accounts → model.

``check`` runs all of it and returns every diagnostic of the file together with the
accounts it built; ``validate`` and ``load`` in ``telconf.config`` are thin wrappers.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from telconf.config.context import Context
from telconf.config.schema import schema_problems
from telconf.config.secrets import variable_problems
from telconf.config.source import Document, parse
from telconf.config.includes import include
from telconf.config.templates import expand
from telconf.core import registry
from telconf.core.errors import Diagnostic
from telconf.guard import files as safe_files
from telconf.core.model import Account

CONFIG_MAX_BYTES = 64 * 1024 * 1024


class Checked(NamedTuple):
    """What checking a file found: every diagnostic, the accounts built, all account names."""

    diagnostics: list[Diagnostic]
    built: dict[str, Account]
    names: tuple[str, ...]


def read(path: Path) -> Document:
    """Parse the file at ``path``; a file that cannot be read is a diagnostic, not an exception."""
    file = str(path)
    if Path(path).is_symlink() and safe_files.outside(Path(path).resolve(), Path(path).absolute().parent):
        # In GitOps the file comes from a pull request, which can make it a link to /etc/passwd.
        doc = Document(file)
        doc.error((1, 1), "the config file is a symbolic link leading outside its folder; telconf does not "
                          "follow it (use the file itself)")
        return doc
    try:
        text = safe_files.read_bytes(path, CONFIG_MAX_BYTES).decode("utf-8")
    except safe_files.UnsafeFile as exc:
        doc = Document(file)
        doc.error((1, 1), f"the config file {exc}")
        return doc
    except FileNotFoundError:
        doc = Document(file)
        doc.error((1, 1), "config file not found; expected a telconf YAML file (see -c/--config)")
        return doc
    except UnicodeDecodeError as exc:
        doc = Document(file)
        doc.error((1, 1), f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})")
        return doc
    except OSError as exc:
        doc = Document(file)
        doc.error((1, 1), f"cannot read the file: {exc.strerror or exc}")
        return doc
    return parse(text, file)


def check(path: Path, accounts: Collection[str] | None = None,
          environ: Mapping[str, str] | None = None, *, build: bool = False, connecting: bool | None = None) -> Checked:
    """Every diagnostic of the file, and the accounts built.

    With ``build``, the accounts named in ``accounts`` (all when empty or None) are built
    with ``${NAME}`` substituted from ``environ`` (default ``os.environ``); the others,
    and every account without ``build``, are only checked, touching no variable.
    """
    with _no_collection():
        doc = read(path)
        if doc.data is not None:
            include(doc, path)
            expand(doc)
        return _check(doc, path, accounts, environ, build, build if connecting is None else connecting)


@contextmanager
def _no_collection() -> Iterator[None]:
    """No cyclic garbage collection while a file is checked.

    Checking a large file makes hundreds of thousands of containers that live until it
    is done and form no reference cycle; the collector would walk them again and again
    as they are made (a sixth of the time of a 20,000-number file), to free nothing.
    The budget of ``telconf.config.budget`` bounds what is made meanwhile.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_document(path: Path) -> tuple[Document, list[Diagnostic]]:
    """The document after includes and templates, and every diagnostic of it (nothing built)."""
    with _no_collection():
        doc = read(path)
        if doc.data is not None:
            include(doc, path)
            expand(doc)
        return doc, _check(doc, path, None, None, False, False).diagnostics


def _check(doc: Document, path: Path, accounts: Collection[str] | None, environ: Mapping[str, str] | None,
           build: bool, connecting: bool) -> Checked:
    diagnostics = list(doc.diagnostics)
    built: dict[str, Account] = {}
    data = doc.data
    if data is None:
        return Checked(diagnostics, built, ())
    # One message per place: a value YAML already misread needs no schema error, and
    # one the schema rejected needs no semantic error on top.
    taken = set(diagnostics_positions(diagnostics))
    diagnostics.extend(_missing_top_keys(doc))
    problems = schema_problems(doc)
    diagnostics.extend(p.diagnostic for p in problems if _position(p.diagnostic) not in taken)
    broken = {p.path[1] for p in problems if len(p.path) > 1 and p.path[0] == "accounts"}
    taken = set(diagnostics_positions(diagnostics))
    raw_accounts = data.get("accounts") if isinstance(data, dict) else None
    if not isinstance(raw_accounts, dict):
        return Checked(_sorted(diagnostics, doc.file), built, ())
    selected = set(accounts or raw_accounts)
    for name in sorted(selected - set(raw_accounts)):
        known = ", ".join(raw_accounts) or "none"
        diagnostics.append(Diagnostic(doc.file, *doc.where(("accounts",), key=True),
                                      f"no account {name!r} in this file (accounts: {known})"))
    diagnostics.extend(d for d in variable_problems(doc, environ) if _position(d) not in taken)
    shared_cache: dict[str, str | None] = {}
    base_dir = path.resolve().parent
    for name, account in raw_accounts.items():
        if not isinstance(account, dict) or not isinstance(account.get("provider"), str) \
                or account["provider"] not in registry.names():
            continue
        env = (os.environ if environ is None else environ) if build and name in selected else None
        ctx = Context(doc, base_dir, env, shared_cache, connecting=connecting)
        result = _build(ctx, name, account, tolerant=name in broken)
        diagnostics.extend(d for d in ctx.diagnostics if _position(d) not in taken)
        if result is not None and not any(d.severity == "error" for d in ctx.diagnostics):
            diagnostics.extend(routing_warnings(result))
        if result is not None and env is not None:
            built[name] = result
    return Checked(_sorted(diagnostics, doc.file), built, tuple(raw_accounts))


def routing_warnings(account: Account) -> list[Diagnostic]:
    """The routing checks of a well-formed account (``telconf.routing.checks``), at each number's line."""
    from telconf.routing.checks import findings

    found = []
    for finding in findings(account):
        file, line, column = (finding.where.rsplit(":", 2) + ["0", "0"])[:3] if finding.where else ("", "0", "0")
        found.append(Diagnostic(file, int(line), int(column), finding.message, "warning", finding.code))
    return found


def _missing_top_keys(doc: Document) -> list[Diagnostic]:
    """``version`` and ``accounts`` the file needs (the schema leaves them out for included files)."""
    if not isinstance(doc.data, dict):
        return []
    missing = [key for key in ("version", "accounts") if key not in doc.data]
    if not missing:
        return []
    plural = "s" if len(missing) > 1 else ""
    return [doc.diagnostic((), f"missing required key{plural} {', '.join(repr(k) for k in missing)}")]


def _build(ctx: Context, name: str, account: dict[str, Any], *, tolerant: bool) -> Account | None:
    builder = registry.get(account["provider"]).build.load()
    if not tolerant:
        return builder(ctx, name, ("accounts", name), account)
    try:
        return builder(ctx, name, ("accounts", name), account)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError):
        # The schema already found this account malformed and said so; the semantic
        # checks are written for well-formed data and may trip over what it rejected.
        return None


def diagnostics_positions(diagnostics: list[Diagnostic]) -> list[tuple[str, int, int]]:
    """(file, line, column) of each diagnostic."""
    return [_position(d) for d in diagnostics]


def _position(diagnostic: Diagnostic) -> tuple[str, int, int]:
    return (diagnostic.file, diagnostic.line, diagnostic.column)


def _sorted(diagnostics: list[Diagnostic], main_file: str) -> list[Diagnostic]:
    """The config file's diagnostics in line order, then those of files it refers to."""
    unique = list(dict.fromkeys(diagnostics))
    return sorted(unique, key=lambda d: (d.file != main_file, d.file, d.line, d.column))
