"""HTTP client of the Beeline cloudcc configuration API (CONTRACT 2.1).

A request is ``POST <base>/request`` with a multipart ``api_form`` part holding
``{"Command": ..., "ConfData": ..., "RequestID": ...}`` (plus a ``vfile`` part for VFILE);
a download is ``GET <base>/download?file=<name>``. This module owns the URL, the
credentials and the status/ERR_CODE -> exception mapping; the shared ``Transport`` sends
and retries. The provider decides, per command, whether a retry is safe.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from typing import Any

import requests
from requests.auth import HTTPBasicAuth

from telconf.core.errors import ApiError, AuthError, BadResponse, ProviderError, TransientError
from telconf.guard import limits, redact
from telconf.providers.http import RetryPolicy, Transport, tls_options

PROVIDER = "beeline"
# Commands whose answer is a list in ConfData (CONTRACT 2.1); the others may answer {"STATUS": "OK"}.
# ABLIST answers its data (the active list) only when asked without ConfData.
READ_COMMANDS = frozenset({"RLIST", "MLIST", "LBLIST", "LRECORD", "LVFILES"})


class _Absent:
    """ConfData left out of the request (the "all numbers" / "query" forms)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


class BeelineClient:
    """Talks to one cloudcc account: ``request`` for commands, ``download`` for files."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        client_cert: str | os.PathLike[str] | None = None,
        client_key: str | os.PathLike[str] | None = None,
        ca_bundle: str | os.PathLike[str] | None = None,
        parallelism: int = 8,
        timeout: float | None = None,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] | None = None,
    ):
        self.base = url.rstrip("/")
        redact.register_basic(username, password)
        extra: dict[str, Any] = {"sleep": sleep} if sleep else {}
        self.transport = Transport(
            PROVIDER, parallelism=parallelism, timeout=timeout, retry=retry,
            auth=HTTPBasicAuth(username, password), error_detail=_server_error_detail,
            **tls_options(client_cert, client_key, ca_bundle), **extra,
        )

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self.transport.requests_sent

    def close(self) -> None:
        """Release the pooled connections."""
        self.transport.close()

    def request(
        self,
        command: str,
        conf_data: Any = ABSENT,
        *,
        idempotent: bool,
        comment: str | None = None,
        file: tuple[str, bytes] | None = None,
    ) -> Any:
        """Send one command; return its ``ConfData`` (None for ``{"STATUS":"OK"}`` answers).

        ``idempotent``: the command may be sent again after a lost answer (the caller
        says why). Errors raise ``AuthError``, ``ApiError``, ``TransientError`` or
        ``BadResponse``, each naming the command and carrying ERR_CODE.
        """
        form: dict[str, Any] = {"Command": command}
        if conf_data is not ABSENT:
            form["ConfData"] = conf_data
        if comment is not None:
            form["Comment"] = comment
        form["RequestID"] = "telconf-" + uuid.uuid4().hex[:16]
        parts: list[tuple[str, tuple[Any, ...]]] = [
            ("api_form", (None, json.dumps(form, ensure_ascii=False).encode(), "application/json")),
        ]
        if file is not None:
            parts.append(("vfile", (file[0], file[1], "application/octet-stream")))
        response = self.transport.send(
            "POST", self.base + "/request", call=command, idempotent=idempotent, files=parts,
        )
        body = _json_body(response, command)
        if response.status_code != 200 or _is_error(body):
            raise _error(response.status_code, body, command)
        if not isinstance(body, dict):
            raise BadResponse(f"expected a JSON object, got {type(body).__name__}",
                              provider=PROVIDER, call=command)
        if "ConfData" not in body and (command in READ_COMMANDS or (command == "ABLIST" and conf_data is ABSENT)):
            # An empty account answers an empty list; no list at all must not read as one.
            raise BadResponse("the answer has no ConfData", provider=PROVIDER, call=command)
        return body.get("ConfData")

    def download(self, name: str) -> bytes:
        """The content of a stored voice file (a read: retried freely)."""
        call = f"download {name}"
        response = self.transport.send(
            "GET", self.base + "/download", call=call, idempotent=True, params={"file": name},
        )
        if response.status_code == 200:
            return response.content
        try:
            body: Any = limits.json_of(response)
        except ValueError:
            body = None
        raise _error(response.status_code, body, call)


def _json_body(response: requests.Response, command: str) -> Any:
    try:
        return limits.json_of(response)
    except ValueError:
        if response.status_code == 401:
            raise AuthError("login or password refused (HTTP 401)", provider=PROVIDER, call=command,
                            code="401.1") from None
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        raise BadResponse(
            f"HTTP {response.status_code} answer is not JSON ({kind}, {len(response.content)} bytes)",
            provider=PROVIDER, call=command,
        ) from None


def _server_error_detail(response: requests.Response) -> tuple[str, str | None] | None:
    """ERR_DESCRIPTION and ERR_CODE of a 5xx answer (500.1 ...), when its body has them."""
    try:
        body = limits.json_of(response)
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("ERR_CODE") is None:
        return None
    return str(body.get("ERR_DESCRIPTION") or "server error"), str(body["ERR_CODE"])


def _is_error(body: Any) -> bool:
    return isinstance(body, dict) and str(body.get("STATUS", "")).upper() == "ERROR"


def _error(status: int, body: Any, command: str) -> ProviderError:
    """The typed exception for an error answer (CONTRACT 2.1, table 4.19)."""
    code = description = None
    if isinstance(body, dict):
        code = str(body["ERR_CODE"]) if body.get("ERR_CODE") is not None else None
        description = body.get("ERR_DESCRIPTION")
        command = str(body.get("COMMAND") or command)
    if code is None and status != 200:
        code = str(status)
    message = str(description or f"HTTP {status}")
    major = (code or "").split(".")[0]
    if major == "401" or status == 401:
        return AuthError(message, provider=PROVIDER, call=command, code=code)
    if major.startswith("5"):
        # CONTRACT 2.1: commands are atomic, so a 5xx answer applied nothing.
        return TransientError(message, provider=PROVIDER, call=command, code=code)
    if major in {"400", "404", "409", "413", "415", "501"}:
        return ApiError(message, provider=PROVIDER, call=command, code=code)
    if status == 200:
        return BadResponse(f"error answer without a known ERR_CODE ({message})",
                           provider=PROVIDER, call=command, code=code)
    return ApiError(message, provider=PROVIDER, call=command, code=code)
