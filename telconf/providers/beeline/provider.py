"""The Beeline cloudcc provider: live state <-> model, and running planned calls.

``read`` sends the six list commands in parallel (and downloads the stored voice files
that must be compared with local ones); ``diff`` is ``changes.all_changes``; ``batch``
folds calls into as few requests as the wire forms allow; ``execute`` sends one, waiting
for uploads to be processed and cutting requests the server finds too big.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from telconf.core.errors import ApiError, BadResponse, PlanError
from telconf.guard import files as safe_files
from telconf.core.model import is_managed
from telconf.providers.beeline.model import BeelineAccount
from telconf.core.phones import display
from telconf.plan.data import Call, Change
from telconf.providers.base import (
    CallWithChanges, ItemCheck, LiveState, PlanOptions, Provider, ReadPool, parallel_map, send_then_read_back,
)
from telconf.providers.beeline import batching, items
from telconf.providers.beeline.blacklists import biggest_pairs
from telconf.providers.beeline.changes import LocalFile, all_changes, ignored_counts, kept_recording
from telconf.providers.beeline.client import ABSENT, BeelineClient
from telconf.providers.beeline.export import export_account
from telconf.providers.beeline.live import (
    BeelineLive, parse_ablist, parse_lblist, parse_lrecord, parse_lvfiles, parse_mlist, parse_rlist,
)
from telconf.providers.beeline.voicefiles import FileCache, cache_dir, sha256, wait_until_ready
from telconf.providers.http import RetryPolicy
from telconf.core.wav import wav_problem

log = logging.getLogger("telconf.providers.beeline")

READS = ("RLIST", "MLIST", "LRECORD", "LBLIST", "ABLIST", "LVFILES")

# Why each write may be sent again after an answer was lost (Transport retries it):
IDEMPOTENT_WRITES = {
    "REDIRECT": True,   # sets (replaces) the redirect: the same request twice, the same result
    "RCANCEL": True,    # removing a redirect that is already gone leaves it gone
    "PREMEDIA": True,   # sets both greeting sides outright
    "ARECORD": True,    # turning recording on twice leaves it on
    "CRECORD": True,    # turning recording off twice leaves it off
    "SETBLIST": True,   # adds to a set: A-numbers already there stay once (the server dedups)
    "DELBLIST": True,   # removes from a set: removing again removes nothing more
    "ABLIST": True,     # sets the active list
    "VFILE": True,      # replaces the file of that name with the same content
    "DELFILE": False,   # a repeat of a delete that took effect fails (404.104): read back instead
}


class BeelineProvider(Provider[BeelineAccount]):
    """Reads, plans and applies one Beeline cloudcc account."""

    name = "beeline"
    file_wait_seconds: float = 300.0  # bounded wait for an upload to be processed
    sleep: Callable[[float], None] | None = None
    retry: RetryPolicy = RetryPolicy()
    _too_big: int | None = None  # bytes of the smallest ConfData refused with 413.1 in this run

    @cached_property
    def client(self) -> BeelineClient:
        """The HTTP client, made on first use (credentials are revealed only then)."""
        credentials = self.account.credentials
        return BeelineClient(
            self.account.url,
            credentials.username.reveal(self.environ),
            credentials.password.reveal(self.environ),
            client_cert=credentials.client_cert,
            client_key=credentials.client_key,
            ca_bundle=credentials.ca_bundle,
            parallelism=self.parallelism,
            retry=self.retry,
        )

    @cached_property
    def files(self) -> FileCache:
        """Downloaded voice files, cached per account (URL + login)."""
        username = self.account.credentials.username.reveal(self.environ)
        scope = hashlib.sha256(f"{self.account.url}\n{username}".encode()).hexdigest()[:16]
        return FileCache(self.client.download, cache_dir(self.environ), scope)

    def close(self) -> None:
        """Release connections, if any were opened."""
        if "client" in self.__dict__:
            self.client.close()

    # --- read ---------------------------------------------------------------------------

    def read(self) -> LiveState:
        """Read the whole account; any failed or unreadable answer raises (nothing partial)."""
        client = self.client
        with ReadPool(self.parallelism) as pool:
            pending = {command: pool.submit(partial(client.request, command, idempotent=True)) for command in READS}
            # The voice files to compare are downloaded as soon as LVFILES has answered.
            voice_files = parse_lvfiles(pool.result(pending["LVFILES"]))
            compared = self._files_to_compare(voice_files)
            seen_at = self.files.clock()  # after LVFILES answered: the DTs it lists are older
            downloads = {name: pool.submit(self.files.content, name, voice_files[name].uploaded, seen_at)
                         for name in compared}
            answers = {command: pool.result(f) for command, f in pending.items()}
            # Parsed while the downloads are in flight.
            record_all, recorded = parse_lrecord(answers["LRECORD"])
            redirects = parse_rlist(answers["RLIST"])
            premedia = parse_mlist(answers["MLIST"])
            blacklist = parse_lblist(answers["LBLIST"])
            active_list = parse_ablist(answers["ABLIST"])
            hashes = {name: sha256(pool.result(f)) for name, f in downloads.items()}
        live = BeelineLive(
            numbers=tuple(sorted(redirects)),
            redirects=redirects,
            premedia=premedia,
            record_all=record_all,
            recorded=recorded,
            blacklist=blacklist,
            active_list=active_list,
            voice_files=voice_files,
            file_hashes=hashes,
        )
        if not redirects and (live.premedia or live.recorded or live.blacklist):
            # RLIST lists every number of the client: empty while others name numbers is a broken
            # answer, and planning from it would refuse (or forget) every configured number.
            raise BadResponse("unexpected answer: no number listed, yet MLIST, LRECORD or LBLIST name "
                              "numbers of the account", provider=self.name, call="RLIST")
        self._planned = live
        return LiveState(live, live.fingerprint(), live.existing(), reads=len(READS) + len(compared),
                         numbers=len(live.numbers))

    def _files_to_compare(self, voice_files: Mapping[str, Any]) -> list[str]:
        """Stored files listed under voice_files: their content decides whether to upload."""
        if not is_managed(self.account.voice_files):
            return []
        return sorted(n for n in self.account.voice_files if n in voice_files and not voice_files[n].pending)

    # --- plan ---------------------------------------------------------------------------

    def diff(self, live: LiveState, options: PlanOptions) -> list[Change]:
        """The changes that make the account as configured (see ``changes``)."""
        return all_changes(self.account, live.data, self._local_files())

    def ignored(self, live: LiveState) -> dict[str, int]:
        """Live items per kind that ignore rules kept out of the plan."""
        return ignored_counts(self.account, live.data)

    def _local_files(self) -> dict[str, LocalFile]:
        if not is_managed(self.account.voice_files):
            return {}
        local = {}
        for name, voice_file in self.account.voice_files.items():
            content = self._local_content(name)
            problem = wav_problem(content)
            if problem:  # validate checked it too, but the file may have changed since
                raise PlanError(f"{self.account.name}: voice file {name!r} ({voice_file.path}) cannot be "
                                f"uploaded: {problem}; it must be WAV PCM 8 kHz mono 16-bit")
            local[name] = LocalFile(name, sha256(content))
        return local

    def _local_content(self, name: str) -> bytes:
        """The local copy of a voice file listed under the account's (managed) voice_files."""
        voice_files = self.account.voice_files
        if not is_managed(voice_files):  # callers check first; a clear error if one ever does not
            raise PlanError(f"{self.account.name}: voice file {name!r} is not under voice_files")
        voice_file = voice_files[name]
        try:
            return safe_files.read_bytes(Path(voice_file.path), safe_files.VOICE_FILE_MAX_BYTES)
        except (OSError, safe_files.UnsafeFile) as exc:
            raise PlanError(f"{self.account.name}: cannot read voice file {name!r} "
                            f"from {voice_file.path} ({getattr(exc, 'strerror', None) or exc})") from None

    def batch(self, calls: Sequence[CallWithChanges]) -> list[CallWithChanges]:
        """All calls of one command in a stage become one request (split later only at limits)."""
        return batching.merge_calls(calls)

    # --- apply --------------------------------------------------------------------------

    def execute(self, call: Call) -> str | None:
        """Send one call (placeholders resolved); uploads wait until ready, a DELFILE with a lost answer is read back."""
        if call.method == "VFILE":
            self._upload(call.params)
        elif call.method == "DELFILE":
            self._delete_files(call.params)
        elif call.method == "PREMEDIA":
            self._set_premedia(call.params)
        else:
            params = ABSENT if call.params is None else call.params
            self._send_splitting(call.method, params)
        return None

    def _send_splitting(self, command: str, conf_data: Any) -> None:
        """Send; on 413.1 (body too big) send each half instead, as often as needed.

        The size of the smallest refused ConfData is remembered, so that parts at least
        as big are split before sending: one refusal per halving, not one per part.
        """
        parts = None
        if self._too_big is not None and _size(conf_data) >= self._too_big:
            parts = batching.halves(conf_data)
        if parts is None:
            try:
                self.client.request(command, conf_data, idempotent=IDEMPOTENT_WRITES.get(command, False))
                return
            except ApiError as exc:
                if exc.code == "413.2":
                    raise self._limit_error(command, conf_data, exc) from None
                parts = batching.halves(conf_data) if exc.code == "413.1" else None
                if parts is None:
                    raise
                size = _size(conf_data)
                self._too_big = size if self._too_big is None else min(self._too_big, size)
                log.info("beeline %s: request too big for the server (413.1); sending it in parts", command)
        for part in parts:
            self._send_splitting(command, part)

    def _set_premedia(self, entries: list[dict[str, Any]]) -> None:
        """PREMEDIA; a file still pending (uploaded outside this plan) is waited for once."""
        try:
            self._send_splitting("PREMEDIA", entries)
        except ApiError as exc:
            if exc.code != "404.104":
                raise
            stored = parse_lvfiles(self.client.request("LVFILES", idempotent=True))
            named = {e.get(side) for e in entries for side in ("FileA", "FileB")} - {None, ""}
            if not named <= set(stored):
                raise  # a file is missing, not pending: waiting cannot help
            for name in sorted(n for n in named if n is not None and stored[n].pending):
                wait_until_ready(name, lambda: self._pending(name), timeout=self.file_wait_seconds,
                                 **self._sleep_option())
            self._send_splitting("PREMEDIA", entries)

    def _limit_error(self, command: str, conf_data: Any, exc: ApiError) -> ApiError:
        pairs = ", ".join(f"list {list_id} / {display(b)} (+{count})"
                          for (list_id, b), count in biggest_pairs(conf_data))
        return ApiError(
            f"the server's limit of A-numbers per black list and B-number is exceeded "
            f"({exc.detail}); largest additions: {pairs}. Make those lists shorter",
            provider=self.name, call=command, code=exc.code,
        )

    def _upload(self, params: Mapping[str, Any]) -> None:
        name = params["filename"]
        content = params["vfile"]  # the {"$file": NAME} of the plan, resolved by apply
        self.files.forget(name)
        self.client.request("VFILE", idempotent=IDEMPOTENT_WRITES["VFILE"],
                            comment=str(params.get("Comment") or ""), file=(name, content))
        wait_until_ready(name, lambda: self._pending(name), timeout=self.file_wait_seconds,
                         **self._sleep_option())

    def _sleep_option(self) -> dict[str, Any]:
        """``sleep=`` for ``wait_until_ready`` when the provider was given one (tests)."""
        return {"sleep": self.sleep} if self.sleep else {}

    def file(self, name: str) -> bytes:
        """The bytes a ``{"$file": NAME}`` placeholder stands for: the desired file's local copy."""
        if not isinstance(name, str) or not is_managed(self.account.voice_files) \
                or name not in self.account.voice_files:
            raise PlanError(f"{self.account.name}: the plan uploads voice file {name!r}, "
                            "which is not under voice_files")
        return self._local_content(name)

    def _pending(self, name: str) -> bool | None:
        listed = parse_lvfiles(self.client.request("LVFILES", idempotent=True)).get(name)
        return None if listed is None else listed.pending

    def _delete_files(self, names: list[str]) -> None:
        """DELFILE; when its answer is lost, LVFILES tells what is left to delete.

        Sending it blindly again could fail (404.104) for files that are already gone.
        """
        remaining = list(names)

        def settled() -> bool | None:
            stored = parse_lvfiles(self.client.request("LVFILES", idempotent=True))
            remaining[:] = [name for name in remaining if name in stored]
            log.info("beeline DELFILE: %d of %d files still stored", len(remaining), len(names))
            return None if remaining else True

        send_then_read_back("beeline DELFILE", lambda: self.client.request("DELFILE", remaining, idempotent=False),
                            settled, timeout=self.client.transport.timeout)

    # --- items: check before write, verify after (issue 15) -----------------------------

    _planned: BeelineLive | None = None  # what the plan was made from
    _remaining: tuple[Any, dict[str, dict[str, Change]]] | None = None  # (view, kind -> item -> change)

    def item_of(self, change: Change) -> str | None:
        return items.item_of(change)

    def item_label(self, item: str) -> str:
        return items.label(item)

    def item_needs(self, changes: Sequence[Change]) -> dict[str, set[str]]:
        return items.written_together(changes)

    def read_items(self, names: Collection[str], *, verify: bool = False) -> BeelineLive:
        """The planned live state with the list commands of these items' kinds sent again.

        To verify, stored voice files are downloaded and hashed, to compare their content.
        """
        planned = self._planned_live()

        def request(command: str) -> Any:
            return self.client.request(command, idempotent=True)

        view = items.read(request, planned, names, lambda fn, args: parallel_map(fn, args, self.parallelism))
        files = [n.partition(":")[2] for n in names if n.startswith("voice_file:")]
        if verify and files:
            seen_at = self.files.clock()
            ready = [n for n in files if n in view.voice_files and not view.voice_files[n].pending]
            contents = parallel_map(lambda n: self.files.content(n, view.voice_files[n].uploaded, seen_at),
                                    ready, self.parallelism)
            hashes = {**view.file_hashes, **{n: sha256(c) for n, c in zip(ready, contents)}}
            view = dataclasses.replace(view, file_hashes=hashes)
        return view

    def read_group(self, item: str) -> str:
        """Every item of a kind is read by the kind's one list command."""
        return items.COMMANDS[item.partition(":")[0]]

    def item_state(self, view: BeelineLive | None, item: str) -> Any:
        return items.state(view or self._planned_live(), item)

    def check_item(self, view: BeelineLive, item: str) -> ItemCheck:
        kind = item.partition(":")[0]
        kind = "record" if kind == "record_all" else kind
        memo = self._remaining
        if memo is None or memo[0] is not view:
            memo = self._remaining = (view, {})
        if kind not in memo[1]:
            memo[1][kind] = items.remaining_changes(self.account, view, kind, self._local_files)
        found = items.check(memo[1][kind], item)
        if item == "record_all:*" and found.problem is None:
            # A whole-account call touched numbers outside the config: they are read back too.
            missing = self._kept_recording_missing(view)
            if missing:
                shown = ", ".join(display(b) for b in missing[:20])
                return ItemCheck(f"recording is off on {len(missing)} number(s) that must stay recorded "
                                 f"(outside the config too): {shown}")
        return found

    def lost_without(self, call: Call) -> str | None:
        """The ARECORD after ``CRECORD`` all was not carried out: those numbers record nothing now."""
        if call.method != "ARECORD" or not isinstance(call.params, list):
            return None
        numbers = [str(b) for b in call.params]
        outside = [b for b in numbers if b not in self.account.numbers]
        shown = ", ".join(display(b) for b in numbers[:20]) + (f" and {len(numbers) - 20} more"
                                                                 if len(numbers) > 20 else "")
        return (f"RECORDING LOST on {len(numbers)} number{'s' if len(numbers) != 1 else ''} "
                f"({len(outside)} outside the config, which no later plan will show): {shown}. "
                "CRECORD turned recording off for all numbers and the ARECORD that turns it back on for "
                "these failed. Restore it now: set `record_all: true`, run `telconf apply` (records every "
                "number again), then set `record_all: false` and apply again")

    def _kept_recording_missing(self, view: BeelineLive) -> list[str]:
        """Numbers the plan keeps recorded while turning ``"*"`` off, read back without recording."""
        planned = self._planned_live()
        if not planned.record_all or view.record_all:
            return []
        return [b for b in kept_recording(self.account, planned) if b not in view.recorded]

    def _planned_live(self) -> BeelineLive:
        if self._planned is None:
            self.read()
        assert self._planned is not None
        return self._planned

    # --- export -------------------------------------------------------------------------

    def export(self, live: LiveState, out_dir: Path) -> dict[str, Any]:
        """The account as config data; voice files are downloaded into ``out_dir/media``."""
        data: BeelineLive = live.data

        def content(name: str) -> bytes:
            stored = data.voice_files[name]
            if stored.pending:
                wait_until_ready(name, lambda: self._pending(name), timeout=self.file_wait_seconds)
            return self.files.content(name, stored.uploaded, self.files.clock())

        return export_account(data, Path(out_dir), content)


def _size(conf_data: Any) -> int:
    return len(json.dumps(conf_data, ensure_ascii=False).encode())
