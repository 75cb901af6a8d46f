"""Emulator of the Beeline cloudcc configuration API (API contract: docs/providers/beeline.md).

``POST <base>/request`` with a multipart ``api_form`` JSON part (and ``vfile`` for
VFILE), ``GET <base>/download?file=<name>``; HTTP Basic auth. The ``beeline`` section
of a state file::

    {"accounts": [{"login": "demo", "password": "demo-password",
                   "numbers": ["78123232323"],
                   "redirects": {"78123232323": {"RNumber": "79111234567", "ANumber": "..."}},
                   "premedia": {"78123232323": {"FileA": "hello.wav", "FileB": ""}},
                   "blacklists": {"0": {"78123232323": ["74951234567"]}, "1": {}, "2": {}},
                   "active_list": 0, "record_all": false, "record": ["78123232323"],
                   "files": {"hello.wav": {"comment": "", "dt": "20261122 10:00:00",
                                           "ready_at": 0, "content_b64": "UklGR..."}}}]}

``ready_at`` is a Unix time: the file is ``PENDING`` until then.
"""

from __future__ import annotations

import base64
import copy
import json
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from telconf.core import phones
from telconf.emulator.base import EmulatorBase, json_response, working_copy
from telconf.providers.beeline.emulator import calls as beeline_calls
from telconf.providers.beeline.emulator.calls import ABSENT, LIST_IDS, BeelineError

BASE_PATH = "/api"


class BeelineAccount:
    """A handle on one emulated Beeline account."""

    def __init__(self, emulator: BeelineEmulator, login: str):
        self._emulator, self.login = emulator, login

    @property
    def numbers(self) -> list[str]:
        return list(self._emulator._account(self.login)["numbers"])


class BeelineEmulator(EmulatorBase):
    """The Beeline cloudcc API as a WSGI app, with a Python control API for tests.

    Knobs: ``pending_seconds`` (a new voice file is PENDING that long),
    ``blacklist_limit`` (A-numbers per (ListID, B), 413.2), ``max_body_bytes`` (413.1),
    ``max_voice_files`` (409.1 on upload when full), ``latency_ms``, ``faults``;
    for clients' *tolerate* rules: ``pending_key`` (``"PENDNIG"``), ``lblist_grouping``
    (``"per_b"``: one entry per (ListID, B); ``"per_a"``: one per (ListID, A) with every
    B; ``"triples"``: one per (ListID, B, A)), ``shuffle`` (with ``shuffle_seed``).
    """

    section = "beeline"
    fault_kinds = frozenset({"error_5xx", "drop_after_commit", "rate_limit", "slow", "non_json"})

    def fault_key(self, params: Any) -> Any:
        # A client's RequestID is new for every request it builds: not part of what is asked.
        return {k: v for k, v in params.items() if k != "RequestID"}

    def set_defaults(self) -> None:
        super().set_defaults()
        self.pending_seconds: float = 0.5
        self.blacklist_limit = 100
        self.max_body_bytes = 10 * 1024 * 1024
        self.max_voice_files = 50
        self.pending_key = "PENDING"
        #: Unix time; replace it in tests to let files leave PENDING without waiting.
        self.clock: Callable[[], float] = time.time
        self.lblist_grouping = "per_b"

    def _clear_state(self) -> None:
        self._accounts: dict[str, dict[str, Any]] = {}
        # Calls that were waiting (latency, a slow fault) across a reset or restore must not
        # land in the new state, even when an account of the same login was made since.
        self._generation = getattr(self, "_generation", 0) + 1

    # -- control API -----------------------------------------------------------------

    def add_account(self, login: str, password: str, numbers: list[str] | tuple[str, ...] = ()) -> BeelineAccount:
        """Create a client with its own B-numbers (wire form)."""
        with self._lock:
            if login in self._accounts:
                raise ValueError(f"account {login} exists")
            for wire in numbers:
                if phones.normalise(wire) != wire:
                    raise ValueError(f"{wire!r} is not a wire phone number")
            self._accounts[login] = _empty_account(login, password, list(numbers))
        return BeelineAccount(self, login)

    def set_redirect(self, login: str, b: str, r: str, a: str | None = None) -> None:
        """Redirect calls to ``b`` to ``r`` (presenting ``a`` when given)."""
        with self._lock:
            self._account(login)["redirects"][b] = {"RNumber": r, **({"ANumber": a} if a else {})}

    def set_premedia(self, login: str, b: str, file_a: str = "", file_b: str = "") -> None:
        """Set the greetings of ``b`` (files need not be ready: this is test set-up)."""
        with self._lock:
            premedia = self._account(login)["premedia"]
            if file_a or file_b:
                premedia[b] = {"FileA": file_a, "FileB": file_b}
            else:
                premedia.pop(b, None)

    def add_blacklist(self, login: str, list_id: int, b: str, a: str) -> None:
        """Black-list ``a`` for ``b`` in list ``list_id``."""
        with self._lock:
            listed = self._account(login)["blacklists"][str(list_id)].setdefault(b, [])
            if a not in listed:
                listed.append(a)

    def set_active_list(self, login: str, list_id: int) -> None:
        with self._lock:
            self._account(login)["active_list"] = int(list_id)

    def set_record(self, login: str, numbers: list[str] | str) -> None:
        """Recording on for ``numbers`` only, or ``"*"`` for all."""
        with self._lock:
            account = self._account(login)
            account["record_all"] = numbers == "*"
            account["record"] = [] if numbers == "*" else list(numbers)

    def add_voice_file(self, login: str, name: str, content: bytes, comment: str = "",
                       pending: bool = False) -> None:
        """Store a voice file as if uploaded (unchecked); ``pending`` for ``pending_seconds``."""
        with self._lock:
            now = self.clock()
            self._account(login)["files"][name] = {
                "comment": comment, "content": content,
                "dt": time.strftime("%Y%m%d %H:%M:%S", time.localtime(now)),
                "ready_at": now + float(self.pending_seconds) if pending else now}

    def finish_pending(self) -> None:
        """Make every pending voice file ready now."""
        with self._lock:
            for account in self._accounts.values():
                for meta in account["files"].values():
                    meta["ready_at"] = min(float(meta["ready_at"]), self.clock())

    def account_state(self, login: str) -> dict[str, Any]:
        """A copy of one account's state (the structure of a state file)."""
        with self._lock:
            return _dump_account(self._account(login))

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"accounts": [_dump_account(a) for a in self._accounts.values()]}

    def restore(self, snapshot: dict[str, Any]) -> None:
        with self._lock:
            self._clear_state()
            for data in snapshot.get("accounts", []):
                account = _empty_account(data["login"], data["password"], [str(n) for n in data.get("numbers", [])])
                for key in ("redirects", "premedia", "active_list", "record_all", "record"):
                    if key in data:
                        account[key] = copy.deepcopy(data[key])
                for n, lists in data.get("blacklists", {}).items():
                    account["blacklists"][str(n)] = {str(b): [str(a) for a in al] for b, al in lists.items()}
                for name, meta in data.get("files", {}).items():
                    account["files"][name] = {"comment": meta.get("comment", ""), "dt": meta.get("dt", ""),
                                              "ready_at": float(meta.get("ready_at", 0)),
                                              "content": base64.b64decode(meta.get("content_b64", ""))}
                self._accounts[account["login"]] = account

    # -- serving ---------------------------------------------------------------------

    def handle_request(self, request: Request) -> Response:
        if request.path == f"{BASE_PATH}/request" and request.method == "POST":
            return self._request(request)
        if request.path == f"{BASE_PATH}/download" and request.method in ("GET", "HEAD"):
            return self._download(request)
        return _error_response(BeelineError("404.112", f"{request.method} {request.path}"), "")

    def _request(self, request: Request) -> Response:
        command = ""
        try:
            request.max_content_length = self.max_body_bytes
            if request.content_length is not None and request.content_length > self.max_body_bytes:
                raise BeelineError("413.1", f"the limit is {self.max_body_bytes} bytes")
            if request.mimetype != "multipart/form-data":
                raise BeelineError("400.7", f"Content-Type {request.mimetype!r}")
            try:
                form = _api_form(request)
            except RequestEntityTooLarge:
                raise BeelineError("413.1", f"the limit is {self.max_body_bytes} bytes") from None
            command = str(form.get("Command", ""))
            account = self._authenticate(request)
            generation = self._generation
        except BeelineError as exc:
            self._record(command or "?", {}, exc.status, exc.code, None)
            return _error_response(exc, command)
        handler = beeline_calls.COMMANDS.get(command)
        data = form.get("ConfData", ABSENT)
        params = {k: v for k, v in form.items() if not k.startswith("__")}
        if "__vfile__" in form:
            params["vfile"] = {"filename": form["__vfile__"][0], "bytes": len(form["__vfile__"][1])}
        form["__base__"] = request.host_url.rstrip("/") + BASE_PATH

        def answer() -> tuple[Response, str | None]:
            try:
                if handler is None:
                    raise BeelineError("501.1", command)
                if generation != self._generation or account["login"] not in self._accounts:  # reset meanwhile
                    raise BeelineError("401.1", "the account is gone")
                current = self._accounts[account["login"]]
                # Atomic: a write works on a copy, kept only on success. A read changes
                # nothing, and copying 60,000 black-list entries for each would
                # serialise the server behind its lock.
                work = current if beeline_calls.is_read(command, data) else working_copy(current)
                body = handler(self, work, data, form)
                self._accounts[account["login"]] = work
                return json_response(body), None
            except BeelineError as exc:
                return _error_response(exc, command), exc.code

        return self.run_call(request, command, params, answer)

    def _download(self, request: Request) -> Response:
        name = request.args.get("file", "")
        try:
            account = self._authenticate(request)
            if not name:
                raise BeelineError("404.112", "no file parameter")
            with self._lock:
                meta = self._accounts[account["login"]]["files"].get(name)
            if meta is None:
                raise BeelineError("404.113", name)
        except BeelineError as exc:
            self._record("download", {"file": name}, exc.status, exc.code, None)
            return _error_response(exc, "download")
        self._record("download", {"file": name}, 200, None, None)
        return Response(meta["content"], content_type="audio/wav",
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

    def fault_response(self, call: str, kind: str) -> Response:
        if kind == "non_json":
            return super().fault_response(call, kind)
        if kind == "rate_limit":
            response = json_response({"STATUS": "ERROR", "AUXCODE": "rate limited", "COMMAND": call,
                                      "ERR_CODE": "429", "ERR_DESCRIPTION": "Too Many Requests"}, 429)
            response.headers["Retry-After"] = super().fault_response(call, kind).headers["Retry-After"]
            return response
        return _error_response(BeelineError("500.1", "injected fault"), call)

    def _authenticate(self, request: Request) -> dict[str, Any]:
        auth = request.authorization
        with self._lock:
            account = self._accounts.get(auth.username or "") if auth and auth.type == "basic" else None
            if account is None or not secrets.compare_digest(account["password"],
                                                                (auth.password if auth else None) or ""):
                raise BeelineError("401.1", "HTTP Basic authentication required")
            return account

    # -- helpers for beeline_calls ---------------------------------------------------

    def download_url(self, base: str, name: str) -> str:
        return f"{base}/download?file={quote(name)}"

    def group_blacklist(self, n: int, lists: dict[str, list[str]]) -> list[dict[str, Any]]:
        """LBLIST entries of list ``n`` as grouped by the ``lblist_grouping`` knob."""
        if self.lblist_grouping == "triples":
            return [{"ListID": n, "BNumber": [b], "ANumber": [a]} for b, al in lists.items() for a in al]
        if self.lblist_grouping == "per_a":
            by_a: dict[str, list[str]] = {}
            for b, al in lists.items():
                for a in al:
                    by_a.setdefault(a, []).append(b)
            return [{"ListID": n, "BNumber": bs, "ANumber": [a]} for a, bs in by_a.items()]
        return [{"ListID": n, "BNumber": [b], "ANumber": list(al)} for b, al in lists.items() if al]

    def _account(self, login: str) -> dict[str, Any]:
        try:
            return self._accounts[login]
        except KeyError:
            raise KeyError(f"no Beeline account {login}") from None


def _empty_account(login: str, password: str, numbers: list[str]) -> dict[str, Any]:
    return {"login": login, "password": password, "numbers": numbers, "redirects": {}, "premedia": {},
            "blacklists": {str(n): {} for n in LIST_IDS}, "active_list": 0, "record_all": False,
            "record": [], "files": {}}


def _dump_account(account: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy({k: v for k, v in account.items() if k != "files"})
    data["files"] = {name: {"comment": m["comment"], "dt": m["dt"], "ready_at": m["ready_at"],
                            "content_b64": base64.b64encode(m["content"]).decode("ascii")}
                     for name, m in account["files"].items()}
    return data


def _api_form(request: Request) -> dict[str, Any]:
    """The ``api_form`` JSON object, plus ``__vfile__`` = (filename, bytes) when sent."""
    raw = request.form.get("api_form")
    if raw is None and "api_form" in request.files:
        raw = request.files["api_form"].read().decode("utf-8", "replace")
    if raw is None:
        raise BeelineError("400.8", "no part named api_form")
    try:
        form = json.loads(raw)
    except ValueError as exc:
        raise BeelineError("400.2", str(exc)) from None
    if not isinstance(form, dict):
        raise BeelineError("400.2", "api_form must hold a JSON object")
    if not form.get("Command"):
        raise BeelineError("400.6", "api_form has no Command")
    form = {k: v for k, v in form.items() if not k.startswith("__")}
    if "vfile" in request.files:
        upload = request.files["vfile"]
        form["__vfile__"] = (upload.filename or "", upload.read())
    return form


def _error_response(error: BeelineError, command: str) -> Response:
    body = {"STATUS": "ERROR", "AUXCODE": error.aux, "COMMAND": command, "ERR_CODE": error.code,
            "ERR_DESCRIPTION": beeline_calls.DESCRIPTIONS.get(error.code, "")}
    headers = {"WWW-Authenticate": 'Basic realm="cloudcc"'} if error.code == "401.1" else None
    return json_response(body, error.status, headers)
