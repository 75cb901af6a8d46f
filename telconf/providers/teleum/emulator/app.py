"""Emulator of the Teleum billing API v3 (API contract: docs/providers/teleum.md): one WSGI app, all accounts.

State is plain JSON-able data, so :meth:`TeleumEmulator.snapshot` is a deep copy and a
state file is the same structure. The ``teleum`` section of a state file::

    {"accounts": [{"email": "demo@example.com", "password": "demo-password",
                   "account": "00000001", "vivaid": 1, "balance": "100.20",
                   "type_ids": {"SIP": "1", ...}, "rcid_ids": {"вызывающего": "1", ...},
                   "numbers": [{"id": "15", "number": "78123232323"}],
                   "sips": [{"id": "7", "num": "101", "email": "", "descr": "",
                             "rcid": "0", "password": "...", "def": "0",
                             "uagent": "", "status": "offline"}],
                   "next_sip": 102,
                   "forwards": [{"id": "301", "number": "78123232323", "rtype": "SIP",
                                 "rnum": "101", "timeout": 20, "rcid": "вызывающего",
                                 "rcnid": "0", "direction": 1, "deleted": 0, "rec": 0,
                                 "vpbx": 0, "moh": 0, "isolated": 0, "dowjs2": "[]"}]}],
     "next_ids": {"number": 15, "sip": 7, "forward": 301, "vivaid": 1}}

Forwards keep their type and caller-id kind by *name*; the wire ids come from the
account's ``type_ids``/``rcid_ids`` (vary them to test that clients resolve by name).
SIP line numbers: ``next_sip`` is one more than the highest line number the account
ever had (101 for a new account); ``getNextSIP`` returns it, a created line takes it,
and numbers are never reused, even after a delete.
"""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from telconf.core import phones
from telconf.emulator.base import EmulatorBase, json_response
from telconf.providers.teleum.emulator import calls as teleum_calls
from telconf.providers.teleum.emulator.calls import AppError, SessionEnded
from telconf.providers.teleum.emulator.defaults import DEFAULT_RCID_IDS, DEFAULT_TYPE_IDS

PATHS = ("/api/v3/", "/api/v3")


class TeleumAccount:
    """A handle on one emulated Teleum account (read-only views of its ids)."""

    def __init__(self, emulator: TeleumEmulator, email: str):
        self._emulator, self.email = emulator, email

    @property
    def vivaid(self) -> int:
        return int(self._emulator._account(self.email)["vivaid"])

    def number_id(self, wire: str) -> str:
        """The ``numberid``/``nid`` of one connected number."""
        for number in self._emulator._account(self.email)["numbers"]:
            if number["number"] == wire:
                number_id: str = number["id"]
                return number_id
        raise KeyError(f"{wire} is not connected to {self.email}")

    def type_id(self, name: str) -> str:
        type_id: str = self._emulator._account(self.email)["type_ids"][name]
        return type_id

    def rcid_id(self, name: str) -> str:
        rcid_id: str = self._emulator._account(self.email)["rcid_ids"][name]
        return rcid_id


class TeleumEmulator(EmulatorBase):
    """The Teleum API v3 as a WSGI app, with a Python control API for tests.

    Knobs (attributes, also keyword arguments): ``session_idle_timeout`` (seconds),
    ``latency_ms``, ``faults``, ``numbers_as_int`` (numeric fields as JSON numbers),
    ``sips_key`` (``"sips"`` or ``"spis"``), ``shuffle`` (list order random, seeded by
    ``shuffle_seed``), ``direction_step`` (gap between a new forward's ``direction``
    and the last one), ``tombstones`` (deleteForward keeps a ``deleted``=1 entry),
    ``login_fail_status`` (200 or 403), ``err_zero`` (success bodies carry ``"err":0``),
    ``extra_fields`` (list items carry fields the contract does not name), ``session_token``
    (the token every login hands out instead of a random one).
    """

    section = "teleum"
    fault_kinds = frozenset({"error_5xx", "drop_after_commit", "session_expiry", "rate_limit", "slow", "non_json"})

    def set_defaults(self) -> None:
        super().set_defaults()
        self.session_idle_timeout: float = 15 * 60
        self.numbers_as_int = False
        self.sips_key = "sips"
        self.direction_step = 1
        self.tombstones = True
        self.login_fail_status = 200
        self.err_zero = False
        self.extra_fields = False
        self.max_body_bytes = 1024 * 1024  # the biggest legitimate request is a few kB (editSIP)
        #: The token every login hands out (None: a fresh random one); tests use a canary.
        self.session_token: str | None = None
        #: Seconds, monotonic; replace it in tests to make sessions age without waiting.
        self.clock: Callable[[], float] = time.monotonic

    def _clear_state(self) -> None:
        self._accounts: dict[str, dict[str, Any]] = {}
        self._sessions: dict[str, dict[str, Any]] = {}
        self._next_ids = {"number": 15, "sip": 7, "forward": 301, "vivaid": 1}

    # -- control API -----------------------------------------------------------------

    def add_account(self, email: str, password: str, numbers: list[str] | tuple[str, ...] = (), *,
                    type_ids: dict[str, Any] | None = None, rcid_ids: dict[str, Any] | None = None,
                    balance: str = "100.20") -> TeleumAccount:
        """Create an account with connected ``numbers`` (wire form); each is also an rcid."""
        with self._lock:
            if email in self._accounts:
                raise ValueError(f"account {email} exists")
            vivaid = self._new_id("vivaid")
            self._accounts[email] = {
                "email": email, "password": password, "account": f"{vivaid:08d}",
                "vivaid": vivaid, "balance": balance,
                "type_ids": {k: str(v) for k, v in (type_ids or DEFAULT_TYPE_IDS).items()},
                "rcid_ids": {k: str(v) for k, v in (rcid_ids or DEFAULT_RCID_IDS).items()},
                "numbers": [], "sips": [], "next_sip": 101, "forwards": [],
            }
            for wire in numbers:
                self.add_number(email, wire)
        return TeleumAccount(self, email)

    def add_number(self, email: str, wire: str) -> str:
        """Connect one more number to the account; returns its id."""
        with self._lock:
            if phones.normalise(wire) != wire:
                raise ValueError(f"{wire!r} is not a wire phone number")
            account = self._account(email)
            number_id = str(self._new_id("number"))
            account["numbers"].append({"id": number_id, "number": wire})
            return number_id

    def add_sip(self, email: str, *, num: int | str | None = None, descr: str = "", sip_email: str = "",
                rcid: str = "0", password: str = "secret-pass") -> dict[str, Any]:
        """Create a SIP line (numbered like ``editSIP id=0`` unless ``num`` is given)."""
        with self._lock:
            account = self._account(email)
            line = teleum_calls.new_sip(self, account, num=num, descr=descr, email=sip_email,
                                        rcid=str(rcid), password=password)
            return self._public_sip(line)

    def add_forward(self, email: str, number: str, *, rtype: str = "SIP", rnum: str, timeout: int = 20,
                    rcid: str = "вызывающего", rcnid: str = "0", rec: int = 0, vpbx: int = 0,
                    moh: int = 0, isolated: int = 0, dowjs2: str = "[]") -> dict[str, Any]:
        """Append a forward (types and caller-id kinds by name, unchecked) to a number."""
        with self._lock:
            account = self._account(email)
            if not any(n["number"] == number for n in account["numbers"]):
                raise KeyError(f"{number} is not connected to {email}")
            forward = {"id": str(self._new_id("forward")), "number": number, "rtype": rtype,
                       "rnum": str(rnum), "timeout": int(timeout), "rcid": rcid, "rcnid": str(rcnid),
                       "direction": teleum_calls.next_direction(self, account, number),
                       "deleted": 0, "rec": rec, "vpbx": vpbx, "moh": moh, "isolated": isolated,
                       "dowjs2": dowjs2}
            account["forwards"].append(forward)
            return copy.deepcopy(forward)

    def delete_forward(self, email: str, forward_id: str) -> None:
        """Delete a forward as the portal would (another writer, in tests)."""
        with self._lock:
            teleum_calls.delete_forward(self, self._account(email), {"id": str(forward_id)})

    def forwards(self, email: str, number: str) -> list[dict[str, Any]]:
        """Live forwards of a number in ``direction`` order (tombstones excluded)."""
        with self._lock:
            return copy.deepcopy(teleum_calls.live_forwards(self._account(email), number))

    def all_forwards(self, email: str, number: str) -> list[dict[str, Any]]:
        """Every forward of a number, tombstones included, in ``direction`` order."""
        with self._lock:
            found = [f for f in self._account(email)["forwards"] if f["number"] == number]
            return copy.deepcopy(sorted(found, key=lambda f: f["direction"]))

    def sips(self, email: str) -> list[dict[str, Any]]:
        """The account's SIP lines as the control API sees them (password included)."""
        with self._lock:
            return copy.deepcopy(self._account(email)["sips"])

    def expire_sessions(self) -> None:
        """Forget every session token: the next authenticated call gets SESSION ENDED."""
        with self._lock:
            self._sessions.clear()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy({"accounts": list(self._accounts.values()), "next_ids": self._next_ids})

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Replace the state; a state file may leave ids out (the README's minimal one does):
        the ids it gives are kept, the others are new ones after every id given."""
        with self._lock:
            self._clear_state()
            self._next_ids.update(snapshot.get("next_ids", {}))
            accounts = copy.deepcopy(snapshot.get("accounts", []))
            for account in accounts:
                account["numbers"] = [n if isinstance(n, dict) else {"number": str(n)}
                                      for n in account.get("numbers", [])]
                given = {"vivaid": [account.get("vivaid")], "number": [n.get("id") for n in account["numbers"]],
                         "sip": [line.get("id") for line in account.get("sips", [])],
                         "forward": [f.get("id") for f in account.get("forwards", [])]}
                for kind, ids in given.items():
                    for value in ids:
                        if value is not None:
                            self._next_ids[kind] = max(int(self._next_ids[kind]), int(value) + 1)
            for account in accounts:
                if account.get("vivaid") is None:
                    account["vivaid"] = self._new_id("vivaid")
                for number in account["numbers"]:
                    if number.get("id") is None:
                        number["id"] = str(self._new_id("number"))
                teleum_calls.fill_account_defaults(account)
                self._accounts[account["email"]] = account

    # -- serving ---------------------------------------------------------------------

    def handle_request(self, request: Request) -> Response:
        if request.path not in PATHS:
            return json_response({"err": 1, "errmsg": "Not Found"}, 404)
        if request.method not in ("GET", "POST"):
            return json_response({"err": 1, "errmsg": "Method Not Allowed"}, 405, {"Allow": "GET, POST"})
        # A body is read only up to the cap: a client cannot make the emulator hold 300 MB.
        if request.content_length is None and request.method == "POST" and request.headers.get("Transfer-Encoding"):
            return json_response({"err": 1, "errmsg": "Length Required"}, 411)
        if (request.content_length or 0) > self.max_body_bytes:
            return json_response({"err": 1, "errmsg": f"Request body over {self.max_body_bytes} bytes"}, 413)
        request.max_content_length = self.max_body_bytes
        request.max_form_memory_size = self.max_body_bytes
        params = {key: value for key, value in request.values.items()}
        method = params.get("cmd", "")
        return self.run_call(request, method, params, lambda: self._answer(method, params))

    def fault_key(self, params: Any) -> Any:
        # The token changes with every login: the same request must keep its identity.
        return {k: v for k, v in params.items() if k not in ("token", "vivaid")}

    def expire_session_of(self, request: Request, params: Any) -> None:
        with self._lock:
            self._sessions.pop(str(params.get("token", "")), None)

    def _answer(self, method: str, params: dict[str, str]) -> tuple[Response, str | None]:
        try:
            if method == "login":
                return json_response(self._login(params)), None
            handler = teleum_calls.METHODS.get(method)
            if handler is None:
                raise AppError(f"Unknown method {method!r}" if method else "No method (cmd) given")
            account = self._authenticate(params)
            # Every err=1 answer changes nothing: writes work on a copy (items copied
            # only where the write changes them). Reads change nothing anyway.
            work = account if method in teleum_calls.READS else teleum_calls.working_account(account)
            body = handler(self, work, params)
            self._accounts[account["email"]] = work
            if self.err_zero:
                body = {"err": 0, **body}
            return json_response({"vivaid": self.wire(work["vivaid"]), **body}), None
        except SessionEnded:
            return json_response({"err": 1, "errmsg": "SESSION ENDED"}, 401), "SESSION ENDED"
        except AppError as exc:
            status = exc.status or 200
            return json_response({"err": 1, "errmsg": str(exc)}, status), str(exc)

    def _login(self, params: dict[str, str]) -> dict[str, Any]:
        account = self._accounts.get(params.get("email", ""))
        if account is None or not secrets.compare_digest(account["password"], params.get("paswd", "")):
            raise AppError("Wrong e-mail or password", self.login_fail_status)
        token = self.session_token or secrets.token_hex(16)
        self._sessions[token] = {"email": account["email"], "last": self.clock()}
        return {"account": account["account"], "token": token, "vivaid": int(account["vivaid"])}

    def _authenticate(self, params: dict[str, str]) -> dict[str, Any]:
        session = self._sessions.get(params.get("token", ""))
        now = self.clock()
        if session is None or now - session["last"] > self.session_idle_timeout:
            self._sessions.pop(params.get("token", ""), None)
            raise SessionEnded()
        account = self._accounts.get(session["email"])
        if account is None:
            raise SessionEnded()
        if str(params.get("vivaid", "")).strip() != str(account["vivaid"]):
            raise AppError("Invalid vivaid")
        session["last"] = now  # any authenticated call resets the idle timer
        return account

    # -- helpers for teleum_calls ----------------------------------------------------

    def wire(self, value: Any) -> Any:
        """A numeric value as the wire spells it: a string, or a number with ``numbers_as_int``."""
        if self.numbers_as_int:
            try:
                return int(value)
            except (TypeError, ValueError):
                return value
        return str(value)

    def listing(self, items: list[Any]) -> list[Any]:
        if self.extra_fields:
            items = [{**item, "x_updated": "2026-01-01 00:00:00"} if isinstance(item, dict) else item
                     for item in items]
        return super().listing(items)

    def _public_sip(self, line: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in line.items() if k != "password"}

    def _new_id(self, kind: str) -> int:
        value = int(self._next_ids[kind])
        self._next_ids[kind] = value + 1
        return value

    def _account(self, email: str) -> dict[str, Any]:
        try:
            return self._accounts[email]
        except KeyError:
            raise KeyError(f"no Teleum account {email}") from None
