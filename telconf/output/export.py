"""``telconf export``: the live state of accounts as a config file (backup and restore).

The pipeline: take each selected account's connection details from the config (its
desired settings are ignored), read the account through its provider, let the
provider turn the live state into config data (``Provider.export``), wrap it
with the connection details as written in the source file, and write deterministic
YAML. Files the config refers to (voice files, big black lists) are written beside
the output, staged first so that a failed read leaves nothing half written.

Secrets never leave the provider: credentials keep the source file's ``${NAME}``
placeholders (a literal credential becomes ``${<ACCOUNT>_<KEY>}``); secrets of the state
that cannot be read back become placeholders too (``Provider.export_secrets``), and the
header names them in the provider's words (``ProviderDescriptor.write_only_secrets``).
"""

from __future__ import annotations

import copy
import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telconf import __version__
from telconf.core import registry
from telconf.config.common import DEFAULT_TIMEZONE
from telconf.config.source import matching
from telconf.config.writer import dump
from telconf.core.errors import TelconfError
from telconf.guard import files as safe_files
from telconf.guard.redact import mask
from telconf.output.modeline import SCHEMA_COPY
from telconf.core.model import Account, Config, Secret, placeholder
from telconf.providers.base import Provider, each_account

DEFAULT_NAME = "telconf.yaml"
# Fields of an account that say how to reach it; everything else is desired state.
# The time zone and holiday calendar are the config's own (no API has them): kept as written.
# Overrides are not: an export writes the live state and leaves them to the config.
_CONNECTION = frozenset({"name", "url", "credentials", "safety", "where", "provider", "timezone", "calendar"})


@dataclass(frozen=True)
class ExportResult:
    """What an export produced.

    ``text`` is the YAML; ``files`` are the files written beside it (paths relative to
    ``base_dir``); ``variables`` are the ``${NAME}`` placeholders the YAML uses, in
    order of first use: they must be set before the file is applied.
    """

    text: str
    base_dir: Path
    files: tuple[str, ...]
    variables: tuple[str, ...]
    accounts: tuple[str, ...]


def output_path(out: str | Path) -> Path:
    """``-o`` as given, or ``OUT/telconf.yaml`` when it names a directory (or ends with ``/``)."""
    text = str(out)
    path = Path(text)
    return path / DEFAULT_NAME if path.is_dir() or text.endswith(("/", os.sep)) else path


def export(config: Config, selected: list[Account], make_provider: Callable[[Account], Provider[Any]], *,
           out: Path | None = None, parallelism: int = 8, templates: bool = False,
           on_read: Callable[[str, int], None] | None = None) -> ExportResult:
    """Read the ``selected`` accounts of ``config`` and export them; write ``out`` (and its files) when given.

    ``make_provider`` makes (and the export closes) the provider of an account (the
    conductor's). Without ``out`` the YAML is only returned, and the files it refers to
    are written under the current directory. Any failed read raises before anything is
    written. With ``templates``, settings several numbers share are written once as templates.
    """
    base_dir = (out.parent if out is not None else Path.cwd()).resolve()
    per_account_dirs = len(selected) > 1
    raw = _raw_accounts(config.path)
    with tempfile.TemporaryDirectory(prefix="telconf-export-") as staging_root:
        staging = Path(staging_root)

        def one(account: Account) -> dict[str, Any]:
            subdir = account.name if per_account_dirs else ""
            provider = make_provider(connection_only(account))
            try:
                live = provider.read()
                if on_read is not None:  # progress (from this account's reading thread)
                    on_read(account.name, live.numbers)
                data = provider.export(live, staging / subdir)
                several = sum(1 for other in selected if other.provider == account.provider) > 1
                data = provider.export_secrets(account, data, prefix=several)
            finally:
                provider.close()
            return _prefix_paths(data, subdir, registry.get(account.provider).file_fields) if subdir else data

        # Every account is read to its end; each error names its account and host:port.
        exported = each_account(one, selected, lambda a: a.name, lambda a: a.url, len(selected))
        document = {"version": 1, "accounts": {
            account.name: _account_data(account, raw.get(account.name, {}), data, base_dir)
            for account, data in zip(selected, exported)
        }}
        if templates:
            from telconf.output.export_templates import factor_templates

            document = factor_templates(document)
        unreadable = [registry.get(p).write_only_secrets for p in dict.fromkeys(a.provider for a in selected)]
        text = dump(document, header=_header(config.path, len(selected), [w for w in unreadable if w]))
        files = _install(staging, base_dir)
    if out is not None:
        _write_atomically(out, text)
    from telconf.output.modeline import write_schema_copy

    write_schema_copy(base_dir)  # what the header's modeline points at, so editors find it offline
    return ExportResult(text, base_dir, files, tuple(_variables(document)), tuple(a.name for a in selected))


def connection_only(account: Account) -> Account:
    """The account with every desired setting reset to "unmanaged": only how to reach it remains.

    Reading then lists the whole account and needs nothing from the config's numbers,
    SIP lines or voice files.
    """
    reset: dict[str, Any] = {}
    for f in dataclasses.fields(account):
        if f.name in _CONNECTION:
            continue
        if f.default is not dataclasses.MISSING:
            reset[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            reset[f.name] = f.default_factory()
    return dataclasses.replace(account, **reset)


# --- the account's connection details, as the source file wrote them ---------------------


def _raw_accounts(path: Path) -> dict[str, Any]:
    """The ``accounts`` mapping of the source file as written (``${NAME}`` not substituted)."""
    from telconf.config.loader import read

    data = read(path).data
    accounts = data.get("accounts") if isinstance(data, dict) else None
    return accounts if isinstance(accounts, dict) else {}


def _account_data(account: Account, raw: Mapping[str, Any], data: Mapping[str, Any], base_dir: Path) -> dict[str, Any]:
    """provider, url, credentials, safety, timezone and calendar as in the source file, then the exported
    state (the default time zone is not written)."""
    result: dict[str, Any] = {"provider": account.provider}
    if isinstance(raw.get("url"), str):
        result["url"] = raw["url"]  # a ${NAME} stays a placeholder; no url keeps the default
    result["credentials"] = _credentials(account, raw.get("credentials"), base_dir)
    if account.safety != type(account.safety)():
        result["safety"] = {"max_delete_percent": account.safety.max_delete_percent}
    if account.timezone != DEFAULT_TIMEZONE:
        result["timezone"] = account.timezone
    if account.calendar:
        result["calendar"] = account.calendar
    result.update(data)
    return result


def _credentials(account: Account, raw: Any, base_dir: Path) -> dict[str, Any]:
    raw = raw if isinstance(raw, Mapping) else {}
    credentials: dict[str, Any] = {}
    for f in dataclasses.fields(account.credentials):
        value = getattr(account.credentials, f.name)
        if isinstance(value, Secret):
            credentials[f.name] = placeholder(value.template, f"{account.name}_{f.name}")
        elif isinstance(value, Path):
            written = raw.get(f.name)
            keep = isinstance(written, str) and Secret(written).variables
            credentials[f.name] = written if keep else _relative(value, base_dir)
    return credentials


def _relative(path: Path, base_dir: Path) -> str:
    try:
        return Path(os.path.relpath(path.resolve(), base_dir)).as_posix()
    except ValueError:  # another drive on Windows
        return path.resolve().as_posix()


# --- files and output -------------------------------------------------------------------


def _prefix_paths(data: dict[str, Any], subdir: str, file_fields: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
    """The files the provider named (its ``file_fields``) relative to ``subdir``, made relative to the output."""
    data = copy.deepcopy(data)
    for pattern in file_fields:
        for _, holder in list(matching(data, pattern[:-1])):
            if isinstance(holder, dict) and isinstance(holder.get(pattern[-1]), str):
                holder[pattern[-1]] = f"{subdir}/{holder[pattern[-1]]}"
    return data


def _install(staging: Path, base_dir: Path) -> tuple[str, ...]:
    """Copy the staged files beside the output; return their relative paths, sorted.

    Each is written like the main file, replaced in one step, and never through a link
    in the output tree (a committed ``blacklists -> /etc`` or ``x.txt -> ~/.bashrc``).
    """
    written = []
    for source in sorted(p for p in staging.rglob("*") if p.is_file()):
        relative = source.relative_to(staging)
        try:
            safe_files.write_in_tree(base_dir, relative.as_posix(), source.read_bytes())
        except safe_files.UnsafeTarget as exc:
            raise TelconfError(str(exc)) from None
        written.append(relative.as_posix())
    return tuple(written)


def _write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` in one step, so a reader (or an interrupted run) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(mask(text))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _header(source: Path, count: int, unreadable: Sequence[str] = ()) -> list[str]:
    """The export's comment lines; ``unreadable`` names the secrets an API cannot read back, in
    its provider's words (``SIP line passwords``)."""
    accounts = "1 account" if count == 1 else f"{count} accounts"
    secrets = f"Secrets are ${{...}} placeholders; {' and '.join(unreadable)} cannot be read back: " \
        "set them before applying." if unreadable else "Secrets are ${...} placeholders: set them before applying."
    return [
        f"yaml-language-server: $schema=./{SCHEMA_COPY}",
        f"Live state of {accounts} of {source.name}, written by `telconf export` (telconf {__version__}).",
        secrets,
    ]


def _variables(data: Any) -> list[str]:
    """Names of every ``${NAME}`` in the data, in order of first appearance."""
    found: dict[str, None] = {}

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.update(dict.fromkeys(Secret(value).variables))
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return list(found)
