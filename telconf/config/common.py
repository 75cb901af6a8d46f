"""Pieces every provider's account has: the URL, TLS files, numbers as keys, safety."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Any, TypedDict

from telconf.config.context import Context
from telconf.config.source import Path
from telconf.guard import files as safe_files
from telconf.guard import hosts
from telconf.core.model import Credentials, Safety


class AccountHeader(TypedDict):
    """What every account has besides its provider's state (keyword arguments of ``model.Account``)."""

    name: str
    url: str
    safety: Safety
    where: str
    timezone: str


def header(ctx: Context, name: str, path: Path, account: dict[str, Any], default_url: str) -> AccountHeader:
    """The account's name, endpoint (``default_url`` without ``url``), safety rule, time zone and position."""
    return AccountHeader(name=name, url=account_url(ctx, path, account, default_url), safety=safety(ctx, account),
                         where=ctx.where(path, key=True), timezone=timezone(ctx, path, account))


DEFAULT_TIMEZONE = "Europe/Moscow"


def timezone(ctx: Context, path: Path, account: dict[str, Any]) -> str:
    """The account's IANA time zone (default Europe/Moscow, both built-in providers' home): the
    clock of its schedules and of dates in its overrides. An unknown zone is an error at its line."""
    value = account.get("timezone")
    if not isinstance(value, str) or not value:
        return DEFAULT_TIMEZONE  # absent, or the schema reported it
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        ctx.error(path + ("timezone",), f"unknown time zone {value!r}; expected an IANA name such as "
                                        "Europe/Moscow or Asia/Yekaterinburg", code="unknown-timezone")
        return DEFAULT_TIMEZONE
    return value


def credentials(ctx: Context, path: Path, account: dict[str, Any], kind: type[Credentials]) -> dict[str, Any]:
    """Keyword arguments of the account's credentials of type ``kind``: each field it declares
    (``kind.FIELDS``: a login and a password, a token alone...) as a ``Secret``, and the TLS files.

    A secret field written in the file itself (not ``${NAME}``) is warned about by what it
    is (``a token written in the file``); a field absent from the file is empty (the schema
    says which are required).
    """
    given = account.get("credentials")
    given = given if isinstance(given, dict) else {}
    where = path + ("credentials",)
    built: dict[str, Any] = {
        f.name: ctx.secret(where + (f.name,), given.get(f.name, ""), what=f.what if f.secret else None)
        for f in kind.FIELDS
    }
    return {**built, **tls_files(ctx, where, given)}


def account_url(ctx: Context, path: Path, account: dict[str, Any], default: str) -> str:
    """The account's endpoint: ``url`` (``${NAME}`` substituted when building) or ``default``.

    A URL that parsers could read differently (user information, a backslash, whitespace,
    a control character) is an error always. A host the operator does not trust is an
    error for a command that connects (``ctx.connecting``: plan, apply, export, a saved
    plan's apply), in every account of the file, selected or not: every host is checked
    before the first request, so a file with one refused host sends nothing anywhere.
    For ``validate`` it is a warning (it may run where the operator's list is not set). Plain
    ``http://`` to a host that is not loopback is a warning.
    """
    if "url" not in account:
        return default
    url, known = ctx.substitute(path + ("url",), account["url"])
    if isinstance(account["url"], str) and known:  # not known: only checking, or a variable refused (said)
        try:
            where = hosts.endpoint(url)
        except hosts.BadUrl as exc:
            ctx.error(path + ("url",), str(exc))
            return url
        refused = hosts.host_refusal(where, str(account.get("provider", "")))
        if refused:
            (ctx.error if ctx.connecting else ctx.warning)(path + ("url",), refused)
        elif hosts.plain_http(url):
            ctx.warning(path + ("url",), "plain http:// to a host that is not loopback: the credentials "
                                         "would cross the network unencrypted; use https://")
    return url


class TlsFiles(TypedDict):
    """The optional TLS files of an account's ``credentials`` (keyword arguments of its model)."""

    client_cert: FilePath | None
    client_key: FilePath | None
    ca_bundle: FilePath | None


def tls_files(ctx: Context, path: Path, credentials: dict[str, Any]) -> TlsFiles:
    """``client_cert``, ``client_key`` and ``ca_bundle`` of ``credentials``, resolved against the file.

    A key absent (or not text: the schema reported it) is None.
    """
    def file(key: str) -> FilePath | None:
        value = credentials.get(key)
        return _tls_file(ctx, path + (key,), value) if isinstance(value, str) else None

    files = TlsFiles(client_cert=file("client_cert"), client_key=file("client_key"), ca_bundle=file("ca_bundle"))
    if "client_key" in credentials and "client_cert" not in credentials:
        ctx.error(path + ("client_key",), "client_key needs client_cert (the certificate it belongs to)", key=True)
    return files


def _tls_file(ctx: Context, path: Path, value: str) -> FilePath | None:
    """A TLS file: missing is an error when the account is built, a warning when only checking.

    CI often validates where certificates are not installed; plan/apply cannot do without them.
    """
    if not ctx.substitute(path, value)[1]:  # only checking, or a variable refused or unset (said)
        return None
    file = ctx.file(path, value)
    report = ctx.error if ctx.building else ctx.warning
    if not file.exists():
        report(path, f"file {ctx.shown(file)} not found")
        return file
    try:  # the content itself is never shown: it may be a key
        safe_files.read_bytes(file, safe_files.TLS_FILE_MAX_BYTES)
    except (safe_files.UnsafeFile, OSError) as exc:
        report(path, f"file {ctx.shown(file)} {exc}")
    return file


def safety(ctx: Context, account: dict[str, Any]) -> Safety:
    """The mass-delete rule of the account (default 25%)."""
    settings = account.get("safety")
    percent = ctx.integer(settings.get("max_delete_percent")) if isinstance(settings, dict) else None
    return Safety() if percent is None else Safety(max_delete_percent=percent)


def numbers(ctx: Context, path: Path, mapping: Any) -> Iterator[tuple[str, Path, Any]]:
    """(wire number, path, settings) for each key of ``numbers``; bad or repeated numbers are errors.

    Two spellings of one number are caught here, after normalising, because YAML sees
    them as different keys.
    """
    if not isinstance(mapping, dict):
        return
    seen: dict[str, str] = {}
    for key, settings in mapping.items():
        item = path + (key,)
        wire = ctx.phone(item, key, key=True)
        if wire is None:
            continue
        if wire in seen:
            line = ctx.mark(path + (seen[wire],), key=True)[0]
            ctx.error(item, f"{key!r} is the same number as {seen[wire]!r} (line {line}); list each number once",
                      key=True)
            continue
        seen[wire] = key
        yield wire, item, settings if isinstance(settings, dict) else {}

