"""Emulator of the Acme Voice API, for tests and trials (served like telconf's own).

``GET /v1/numbers`` and ``PUT /v1/numbers/<number>/forwards``, HTTP Basic auth on each
request, errors as ``{"error": "..."}``. A number may forward to another number of the
account only while that one forwards somewhere (409 otherwise), and a number others
forward to cannot lose all its forwards (409): the order telconf's plan must keep. ``EmulatorBase`` gives it what every telconf
emulator shares: the lock, the call log, latency, seeded faults and state files.
Its state (the ``acme`` section of a state file)::

    {"accounts": [{"login": "office", "password": "office-password",
                   "numbers": {"78123232323": ["79210000001", "79110000002"]}}]}
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.wrappers import Request, Response

from telconf.emulator.base import EmulatorBase, json_response
from telconf.emulator.kit import EmulatorKit
from telconf_acme.demo import KIT as DEMO

BASE_PATH = "/v1"
MAX_FORWARDS = 5  # the API's limit of one number's list
MAX_BODY_BYTES = 64 * 1024
_FORWARDS_PATH = re.compile(rf"{BASE_PATH}/numbers/([^/]+)/forwards\Z")
_WIRE = re.compile(r"[0-9]{5,15}\Z")


class AcmeError(Exception):
    """An error answer: HTTP ``status`` and its message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class AcmeEmulator(EmulatorBase):
    """The Acme Voice API as a WSGI app, with a Python control API for tests."""

    section = "acme"
    fault_kinds = frozenset({"error_5xx", "drop_after_commit", "rate_limit", "slow", "non_json"})

    # -- control ---------------------------------------------------------------------

    def _clear_state(self) -> None:
        self._accounts: dict[str, dict[str, Any]] = {}

    def add_account(self, login: str, password: str, numbers: Iterable[str] = ()) -> None:
        """An account with ``numbers`` (wire form), none of them forwarded."""
        with self._lock:
            self._accounts[login] = {"password": password, "numbers": {str(n): [] for n in numbers}}

    def forwards(self, login: str) -> dict[str, list[str]]:
        """Every number of the account and its forwards (a copy)."""
        with self._lock:
            return {n: list(f) for n, f in self._accounts[login]["numbers"].items()}

    def set_forwards(self, login: str, number: str, forward_to: Iterable[str]) -> None:
        """Set a number's list directly: another writer, in tests."""
        with self._lock:
            self._accounts[login]["numbers"][number] = list(forward_to)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"accounts": [{"login": login, "password": a["password"],
                                  "numbers": {n: list(f) for n, f in a["numbers"].items()}}
                                 for login, a in self._accounts.items()]}

    def restore(self, snapshot: dict[str, Any]) -> None:
        with self._lock:
            self._clear_state()
            for data in snapshot.get("accounts", []):
                self._accounts[str(data["login"])] = {
                    "password": str(data["password"]),
                    "numbers": {str(n): [str(t) for t in f] for n, f in data.get("numbers", {}).items()}}

    # -- serving ---------------------------------------------------------------------

    def handle_request(self, request: Request) -> Response:
        forwards = _FORWARDS_PATH.match(request.path)
        if request.path == f"{BASE_PATH}/numbers" and request.method == "GET":
            call, params = "listNumbers", {}
        elif forwards and request.method == "PUT":
            call, params = "setForwards", {"number": forwards.group(1)}
        else:
            return _error(AcmeError(404, f"no such call: {request.method} {request.path}"))
        try:
            login = self._authenticate(request)
            if call == "setForwards":
                params["forward_to"] = _forward_to(request)
        except AcmeError as exc:
            self._record(call, params, exc.status, exc.message, None)
            return _error(exc)

        def answer() -> tuple[Response, str | None]:
            try:
                return json_response(self._handle(login, call, params)), None
            except AcmeError as exc:
                return _error(exc), exc.message

        return self.run_call(request, call, params, answer)

    def _handle(self, login: str, call: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run one call on the account (under the lock)."""
        account = self._accounts.get(login)
        if account is None:
            raise AcmeError(401, "the account is gone")
        numbers: dict[str, list[str]] = account["numbers"]
        if call == "listNumbers":
            return {"numbers": [{"number": n, "forward_to": list(numbers[n])} for n in self.listing(list(numbers))]}
        number, targets = params["number"], params["forward_to"]
        if number not in numbers:
            raise AcmeError(404, f"no number {number} in this account")
        if number in targets:
            raise AcmeError(400, "a number cannot forward to itself")
        for target in targets:  # a number of the account is a target once it forwards somewhere
            if target in numbers and not numbers[target]:
                raise AcmeError(409, f"{target} forwards nowhere: give it forwards first")
        sources = [n for n, its in numbers.items() if number in its and n != number]
        if not targets and sources:
            raise AcmeError(409, f"{number} is a target of {', '.join(sources)}: change those first")
        numbers[number] = list(targets)
        return {"number": number, "forward_to": list(targets)}

    def _authenticate(self, request: Request) -> str:
        auth = request.authorization
        login = (auth.username or "") if auth is not None and auth.type == "basic" else ""
        with self._lock:
            account = self._accounts.get(login)
            if account is None or not secrets.compare_digest(account["password"], (auth.password if auth else "") or ""):
                raise AcmeError(401, "HTTP Basic authentication required")
        return login


def _forward_to(request: Request) -> list[str]:
    """The checked ``forward_to`` list of a PUT body."""
    if request.content_length is None or request.content_length > MAX_BODY_BYTES:
        raise AcmeError(413, f"a body of at most {MAX_BODY_BYTES} bytes, with its length, is expected")
    try:
        body = json.loads(request.get_data())
    except ValueError:
        raise AcmeError(400, "the body is not JSON") from None
    targets = body.get("forward_to") if isinstance(body, dict) else None
    if not isinstance(targets, list) or not all(isinstance(t, str) and _WIRE.match(t) for t in targets):
        raise AcmeError(400, "forward_to must be a list of phone numbers (digits)")
    if len(targets) > MAX_FORWARDS or len(set(targets)) != len(targets):
        raise AcmeError(400, f"forward_to holds at most {MAX_FORWARDS} different numbers")
    return targets


def _error(exc: AcmeError) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="acme"'} if exc.status == 401 else None
    return json_response({"error": exc.message}, exc.status, headers)


def snapshot_account(app: AcmeEmulator, account: Any, credentials: Mapping[str, str]) -> None:
    """For ``telconf plan --snapshot``: an empty account with the numbers of ``account``
    (a config account), reached with ``credentials`` (a throw-away value for each credential
    field); telconf then applies the snapshot to it through the provider."""
    app.add_account(credentials["login"], credentials["password"], list(account.numbers))


KIT = EmulatorKit(app=AcmeEmulator, path=f"{BASE_PATH}/", port=8093, snapshot_account=snapshot_account, demo=DEMO)
"""What telconf's emulator machinery needs to serve this one (see ``telconf.emulator.kit``)."""
