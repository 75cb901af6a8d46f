"""Plans against a snapshot: the live state recorded by ``telconf export``, not the network.

A fork's pull request has no secrets and should not reach the providers, but the
repository usually holds a nightly export of every account. ``plan --snapshot FILE``
rebuilds that state in in-process emulators of the providers' APIs and plans against them:

1. each selected account of the config is matched by name to the snapshot's account;
2. an emulator account is created with the snapshot's numbers, and the snapshot is
   *applied* to it through the ordinary providers (the documented restore path of an
   export), then re-planned: anything left over means the snapshot cannot be
   reproduced, which is an error, never a silently wrong plan;
3. the config is planned against that state.

No socket is ever opened: the providers' HTTP sessions are mounted on an adapter that
hands each request straight to the emulator's WSGI app. No credential is read either:
accounts get throw-away credentials (a value for each field their provider declares)
and every ``${NAME}`` resolves to a dummy value. The plan's changes are those a live
plan would show; ids inside its call parameters are
the emulator's, which is one reason ``apply`` refuses snapshot plans. What an export
does not record (such as the number the API gives the next new line) is the emulator
kit's choice (``EmulatorKit.snapshot_account``).
"""

from __future__ import annotations

import dataclasses
import io
import os
import secrets
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
from requests.adapters import BaseAdapter
from werkzeug.test import EnvironBuilder, run_wsgi_app

from telconf.config.environ import AnyVariable as _AnyVariable
from telconf.config.environ import loading_environ as loading_environ  # re-exported (plan --snapshot callers)
from telconf.core.errors import ConfigError, PlanError
from telconf.core.model import Account, Config
from telconf.engine.conductor import Conductor, select_accounts
from telconf.plan.data import Plan, PlanOptions
from telconf.providers.base import Provider

if TYPE_CHECKING:
    from telconf.emulator.base import EmulatorBase
    from telconf.emulator.kit import EmulatorKit

# A loopback URL (before each emulator's path): nothing listens there and nothing is sent
# (the adapter answers), but a host check (TELCONF_ALLOWED_HOSTS) accepts it like any
# loopback address.
URL = "http://127.0.0.1:9"
# The in-process emulators' own credentials: each field an account's credentials declare
# gets one of these (``throwaway_credentials``). Clients register secrets with the redaction
# layer like any other: a secret must be a value no output would ever contain.
LOGIN, PASSWORD = "snapshot@telconf.invalid", "telconf-snapshot-" + secrets.token_hex(16)


def throwaway_credentials(account: Account, index: int) -> dict[str, str]:
    """A throw-away value for each credential field of ``account``: ``PASSWORD`` for a secret
    (password, token, key), ``<index>-snapshot@telconf.invalid`` for an identifier (a login),
    unique per account of the plan."""
    return {f.name: PASSWORD if f.secret else f"{index}-{LOGIN}" for f in type(account.credentials).FIELDS}


@dataclass(frozen=True)
class SnapshotInfo:
    """Where a snapshot plan's live state came from, and how old it is.

    ``recorded_at`` is the time of the file's last git commit when it is tracked by git
    (exports hold no timestamp, so unchanged exports stay byte-identical), else its
    modification time; ``recorded_by`` says which (``git`` or ``mtime``).
    """

    file: str
    recorded_at: float
    recorded_by: str
    telconf_version: str | None = None

    def age_seconds(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.recorded_at)

    def to_data(self, now: float | None = None) -> dict[str, Any]:
        from datetime import datetime, timezone

        data: dict[str, Any] = {
            "file": self.file,
            "recorded_at": datetime.fromtimestamp(self.recorded_at, timezone.utc).replace(microsecond=0).isoformat(),
            "recorded_by": self.recorded_by,
            "age_seconds": int(self.age_seconds(now)),
        }
        if self.telconf_version:
            data["telconf_version"] = self.telconf_version
        return data


def snapshot_info(path: Path) -> SnapshotInfo:
    """The file's recording time: last git commit touching it, else its mtime."""
    from telconf.config.loader import CONFIG_MAX_BYTES
    from telconf.guard import files as safe_files

    try:  # the snapshot comes with the pull request: a FIFO or /dev/zero must not hang or fill memory
        head = safe_files.read_bytes(path, CONFIG_MAX_BYTES)[:4096].decode("utf-8", errors="replace")
        stat = path.stat()
    except FileNotFoundError:
        raise PlanError(f"cannot read snapshot {path}: no such file") from None
    except safe_files.UnsafeFile as exc:
        raise PlanError(f"cannot read snapshot {path}: it {exc}") from None
    except OSError as exc:
        raise PlanError(f"cannot read snapshot {path}: {exc.strerror or type(exc).__name__}") from None
    committed = _git_commit_time(path)
    return SnapshotInfo(
        file=str(path),
        recorded_at=committed if committed is not None else stat.st_mtime,
        recorded_by="git" if committed is not None else "mtime",
        telconf_version=_recorded_version(head),
    )


def _git_commit_time(path: Path) -> float | None:
    """Commit time of the last commit of ``path`` if it is tracked and unchanged since; else None."""
    cwd = path.resolve().parent
    try:
        dirty = subprocess.run(["git", "status", "--porcelain", "--", path.name], cwd=cwd, capture_output=True,
                               text=True, timeout=10)
        log = subprocess.run(["git", "log", "-1", "--format=%ct", "--", path.name], cwd=cwd, capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if dirty.returncode or log.returncode or dirty.stdout.strip() or not log.stdout.strip():
        return None  # not in a repository, untracked, or edited since its commit: the mtime is truer
    try:
        return float(log.stdout.strip())
    except ValueError:
        return None


def _recorded_version(head: str) -> str | None:
    """The telconf version an export's header (its first lines, ``head``) names, if any."""
    import re

    found = re.search(r"written by `telconf export` \(telconf (\d+\.\d+[\w.+-]*)\)", head)
    return found.group(1) if found else None




class WsgiAdapter(BaseAdapter):
    """A requests adapter that runs each request through a WSGI app in this process."""

    def __init__(self, app: Any):
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        from urllib.parse import urlsplit

        parts = urlsplit(request.url or "")
        body = request.body.encode() if isinstance(request.body, str) else (request.body or b"")
        headers = [(k, v) for k, v in request.headers.items() if k.lower() != "content-length"]
        environ = EnvironBuilder(path=parts.path or "/", query_string=parts.query, method=request.method or "GET",
                                 headers=headers, data=body, base_url=f"{parts.scheme}://{parts.netloc}").get_environ()
        app_iter, status, response_headers = run_wsgi_app(self.app, environ)
        try:
            content = b"".join(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close:
                close()
        response = requests.Response()
        response.status_code = int(status.split(" ", 1)[0])
        response.reason = status.split(" ", 1)[1] if " " in status else ""
        response.headers.update(dict(response_headers))
        response.raw = io.BytesIO(content)
        response._content = content  # noqa: SLF001 - the whole body is already here
        response.url = request.url or ""
        response.request = request
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        return response

    def close(self) -> None:
        pass


class _Snapshot:
    """In-process emulators holding the snapshot's accounts, and providers wired to them.

    One emulator per provider (its kit's app, with the kit's ``snapshot_knobs``), made
    when the first account of that provider is added.
    """

    def __init__(self, cache_dir: Path) -> None:
        from telconf.emulator.server import kits

        # Providers see no real variable; the one setting they read besides secrets, the
        # voice-file cache, goes to a directory of this run (the user's cache holds real
        # accounts' files, and a dummy value would be taken for a path).
        self.environ = _AnyVariable({"TELCONF_CACHE_DIR": str(cache_dir)})
        self.kits = kits()
        self.apps: dict[str, EmulatorBase] = {}
        self.logins: dict[str, dict[str, str]] = {}

    def _kit(self, provider: str) -> EmulatorKit:
        kit = self.kits.get(provider)
        if kit is None:
            raise PlanError(f"provider {provider} has no emulator to restore a snapshot into: "
                            "its accounts cannot be planned against a snapshot")
        return kit

    def add(self, account: Account) -> None:
        """An empty emulator account with the snapshot account's numbers (and what the kit adds)."""
        kit = self._kit(account.provider)
        if kit.snapshot_account is None:
            raise PlanError(f"provider {account.provider}'s emulator cannot create accounts for a snapshot plan")
        if account.provider not in self.apps:
            self.apps[account.provider] = kit.app(**kit.snapshot_knobs)
        credentials = throwaway_credentials(account, len(self.logins))
        self.logins[account.name] = credentials
        kit.snapshot_account(self.apps[account.provider], account, credentials)

    def wire(self, account: Account) -> Account:
        """The account as the config wants it, reaching its emulator account instead."""
        credentials = account.credentials.throwaway(self.logins[account.name])
        return dataclasses.replace(account, url=URL + self._kit(account.provider).path, credentials=credentials)

    def provider(self, account: Account, *, parallelism: int = 8, environ: Mapping[str, str] | None = None) -> Provider[Any]:
        from telconf.core import registry

        provider = registry.get(account.provider).provider.load()(self.wire(account), parallelism=parallelism,
                                                                   environ=self.environ)
        try:
            provider.mount(WsgiAdapter(self.apps[account.provider]))
        except BaseException:
            provider.close()
            raise
        return provider


def plan_against_snapshot(config: Config, snapshot_path: Path, *, accounts: Iterable[str] | None = None,
                          options: PlanOptions = PlanOptions(), parallelism: int = 8) -> tuple[Plan, SnapshotInfo]:
    """Plan the selected accounts of ``config`` against the state recorded in ``snapshot_path``."""
    from telconf.config import load

    info = snapshot_info(snapshot_path)
    try:
        recorded = load(snapshot_path, environ=_AnyVariable(), connecting=False)  # nothing is sent
    except ConfigError as exc:
        raise PlanError(f"{snapshot_path} is not a usable snapshot (a `telconf export` file): "
                        + "; ".join(str(d) for d in exc.diagnostics[:3])) from None
    selected = select_accounts(config, accounts)
    with tempfile.TemporaryDirectory(prefix="telconf-snapshot-") as cache_dir:
        return _plan(config, recorded, snapshot_path, selected, _Snapshot(Path(cache_dir)), options,
                     parallelism), info


def _plan(config: Config, recorded: Config, snapshot_path: Path, selected: list[Account], state: _Snapshot,
          options: PlanOptions, parallelism: int) -> Plan:
    """Restore the snapshot's accounts into ``state``, check the restore, plan ``config`` against it."""
    from telconf.core.errors import ApplyError

    for account in selected:
        found = recorded.accounts.get(account.name)
        if found is None:
            raise PlanError(f"the snapshot {snapshot_path} has no account named {account.name!r} "
                            f"(it has: {', '.join(recorded.accounts) or 'none'})")
        if found.provider != account.provider:
            raise PlanError(f"account {account.name} is a {account.provider} account in {config.path} "
                            f"but a {found.provider} account in the snapshot {snapshot_path}")
        state.add(found)
    names = [a.name for a in selected]
    with Conductor(recorded, accounts=names, parallelism=parallelism, provider_factory=state.provider) as restore:
        try:
            plan = restore.plan()
            if plan.has_changes:
                restore.apply(plan)
        except ApplyError as exc:
            raise PlanError(f"the snapshot {snapshot_path} cannot be reproduced offline: {exc}") from None
    with Conductor(recorded, accounts=names, parallelism=parallelism, provider_factory=state.provider) as again:
        check = again.plan()
    left = [f"{a.account}: {c.kind} {c.key}" for a in check.accounts for c in a.changes]
    if left:
        raise PlanError(f"the snapshot {snapshot_path} cannot be reproduced offline ({len(left)} differences "
                        f"remain, first: {left[0]})")
    with Conductor(config, accounts=names, parallelism=parallelism, provider_factory=state.provider) as conductor:
        return conductor.plan(options)

