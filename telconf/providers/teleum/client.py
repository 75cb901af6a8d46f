"""HTTP client of the Teleum billing API v3 (CONTRACT 1): session, calls, error mapping.

The client owns the session (token + vivaid from ``login``, renewed once when the
server answers ``SESSION ENDED``) and turns answers into payloads or typed errors.
Retries and backoff are the shared ``Transport``'s; whether a write may be repeated
is the caller's decision (``idempotent``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

import requests

from telconf.core.errors import ApiError, AuthError, BadResponse, ProviderError, SessionExpired
from telconf.guard import limits, redact
from telconf.providers.http import Transport, tls_options

PROVIDER = "teleum"
# Calls that carry secrets go in a POST body, so that no password lands in a URL.
POST_METHODS = frozenset({"login", "editSIP"})
SESSION_ENDED = "SESSION ENDED"
SESSION_RENEWALS = 3  # logins for one call whose session keeps ending


class TeleumClient:
    """Calls Teleum API methods for one account; safe to share between threads."""

    def __init__(self, url: str, email: str, password: str, *, transport: Transport | None = None,
                 parallelism: int = 8, client_cert: str | os.PathLike[str] | None = None,
                 client_key: str | os.PathLike[str] | None = None, ca_bundle: str | os.PathLike[str] | None = None):
        """The TLS files are used when the client makes its own ``transport``."""
        self.url = url
        self._email = email
        self._password = password
        self.transport = transport or Transport(PROVIDER, parallelism=parallelism,
                                                **tls_options(client_cert, client_key, ca_bundle))
        self._session: tuple[str, str] | None = None  # (token, vivaid)
        self._refused: ProviderError | None = None  # a failed login is never tried again (lockouts)
        self._lock = threading.Lock()
        redact.register(password)

    def close(self) -> None:
        self.transport.close()

    def call(self, method: str, params: Mapping[str, Any] | None = None, *, idempotent: bool = True) -> dict[str, Any]:
        """Run ``method`` with ``params`` and return its answer; log in first if needed.

        On ``SESSION ENDED`` the client logs in again and repeats the call (the server
        refused the call, so even a create is safe to repeat). A new session ending at
        once again is tolerated a few times, not forever.
        """
        session = self._current_session()
        for renewal in range(SESSION_RENEWALS + 1):
            try:
                return self._send(method, params, session, idempotent)
            except SessionExpired:
                if renewal == SESSION_RENEWALS:
                    raise
                session = self._renew(session)
        raise AssertionError("unreachable")

    def login(self) -> tuple[str, str]:
        """Log in and keep the session; ``AuthError`` when the credentials are refused.

        Callers hold ``_lock``: one login at a time. A failed login (refused, or failing
        after the Transport's own retries) is remembered and raised again to every other
        caller without asking the server: repeated failures can lock the account.
        """
        if self._refused is not None:
            raise self._refused
        try:
            answer = self._send("login", {"email": self._email, "paswd": self._password}, None, True)
        except ProviderError as exc:
            if not isinstance(exc, SessionExpired):
                self._refused = exc
            raise
        token, vivaid = answer.get("token"), answer.get("vivaid")
        if not isinstance(token, str) or not token or vivaid in (None, "") or isinstance(vivaid, (dict, list)):
            raise BadResponse("the answer has no token and vivaid", provider=PROVIDER, call="login")
        redact.register(token)
        self._session = (token, str(vivaid))
        return self._session

    def _current_session(self) -> tuple[str, str]:
        with self._lock:
            return self._session or self.login()

    def _renew(self, stale: tuple[str, str]) -> tuple[str, str]:
        with self._lock:
            # Parallel calls may all see the session end: only the first logs in again.
            if self._session is None or self._session == stale:
                self._session = None
                return self.login()
            return self._session

    def _send(self, method: str, params: Mapping[str, Any] | None, session: tuple[str, str] | None,
              idempotent: bool) -> dict[str, Any]:
        values = {k: _text(v) for k, v in (params or {}).items() if v is not None}
        if session is not None:
            values["token"], values["vivaid"] = session
        if method in POST_METHODS:
            response = self.transport.send("POST", self.url, params={"cmd": method}, data=values,
                                           call=method, idempotent=idempotent)
        else:
            response = self.transport.send("GET", self.url, params={"cmd": method, **values},
                                           call=method, idempotent=idempotent)
        return self._answer(method, response)

    def _answer(self, method: str, response: requests.Response) -> dict[str, Any]:
        try:
            answer = limits.json_of(response)
        except ValueError:
            kind = response.headers.get("Content-Type", "no content type").split(";")[0]
            raise BadResponse(f"the answer is not JSON (HTTP {response.status_code}, {kind})",
                              provider=PROVIDER, call=method) from None
        if not isinstance(answer, dict):
            raise BadResponse(f"the answer is not a JSON object (HTTP {response.status_code})",
                              provider=PROVIDER, call=method)
        failed = str(answer.get("err", "0")).strip() == "1"
        message = str(answer.get("errmsg") or "no message").strip()
        if method == "login":
            if failed or response.status_code in (401, 403):
                raise AuthError(f"login refused: {message}", provider=PROVIDER, call=method)
        elif response.status_code == 401 or (failed and message.upper() == SESSION_ENDED):
            raise SessionExpired(message, provider=PROVIDER, call=method)
        if failed:
            raise ApiError(message, provider=PROVIDER, call=method)
        if response.status_code >= 400:
            raise BadResponse(f"HTTP {response.status_code} without an error message", provider=PROVIDER, call=method)
        return answer


def _text(value: Any) -> str:
    """A parameter as the wire spells it (flags and numbers as digits)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)
