"""HTTP client of the Acme Voice API: two calls, answers checked, errors typed.

telconf's ``Transport`` does the sending: it refuses hosts the operator does not trust
(before any credential leaves), never follows redirects, bounds every answer in time
and size, and retries what is safe to retry. This module only builds the requests and
reads the answers, which come from a server telconf does not control: their shape is
checked before anything is built from them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import requests
from requests.auth import HTTPBasicAuth

from telconf.core.errors import ApiError, AuthError, BadResponse
from telconf.guard import limits, redact
from telconf.providers.http import Transport, tls_options

PROVIDER = "acme"
LIST_NUMBERS = "listNumbers"  # GET numbers (call names are for logs, errors and the emulator's faults)
SET_FORWARDS = "setForwards"  # PUT numbers/<number>/forwards
# A wire phone number as the API writes it. Anything else in an answer is refused: it
# would end up in plans and terminals (a control character, a 10 kB "number").
_WIRE = re.compile(r"[0-9]{5,15}\Z")

Forwards = dict[str, tuple[str, ...]]
"""Wire number -> the numbers its calls go to, in order."""


class AcmeClient:
    """Calls the Acme Voice API for one account; safe to share between threads (requests' pool is)."""

    def __init__(self, url: str, login: str, password: str, *, parallelism: int = 8,
                 client_cert: str | os.PathLike[str] | None = None,
                 client_key: str | os.PathLike[str] | None = None,
                 ca_bundle: str | os.PathLike[str] | None = None):
        self.base = url.rstrip("/") + "/"
        # Masked wherever telconf writes (logs, errors, reports), in both spellings a
        # Basic login takes: the password and the Authorization header's base64.
        redact.register_basic(login, password)
        self.transport = Transport(PROVIDER, parallelism=parallelism, auth=HTTPBasicAuth(login, password),
                                   **tls_options(client_cert, client_key, ca_bundle))

    def close(self) -> None:
        """Release the pooled connections."""
        self.transport.close()

    def numbers(self) -> Forwards:
        """Every number of the account and its forwards."""
        response = self.transport.send("GET", self.base + "numbers", call=LIST_NUMBERS, idempotent=True)
        return parse_numbers(_answer(LIST_NUMBERS, response))

    def set_forwards(self, number: str, forward_to: Sequence[str]) -> tuple[str, ...]:
        """Replace the whole list of ``number``; the list the server now holds.

        A PUT of a whole list is safe to repeat, so the Transport may retry it after a
        lost answer: the second one finds the list already set and sets it again.
        """
        url = self.base + "numbers/" + quote(number, safe="") + "/forwards"
        response = self.transport.send("PUT", url, call=SET_FORWARDS, idempotent=True,
                                       json={"forward_to": list(forward_to)})
        answer = _answer(SET_FORWARDS, response)
        return _targets(answer.get("forward_to"), SET_FORWARDS)


def parse_numbers(answer: dict[str, Any]) -> Forwards:
    """The ``numbers`` of a ``GET numbers`` answer, checked."""
    items = answer.get("numbers")
    if not isinstance(items, list):
        raise BadResponse("the answer has no list of numbers", provider=PROVIDER, call=LIST_NUMBERS)
    found: Forwards = {}
    for item in items:
        number = item.get("number") if isinstance(item, dict) else None
        if not isinstance(number, str) or not _WIRE.match(number) or number in found:
            raise BadResponse("the answer lists a number that is not a phone number, or one twice",
                              provider=PROVIDER, call=LIST_NUMBERS)
        found[number] = _targets(item.get("forward_to"), LIST_NUMBERS)
    return found


def _targets(value: Any, call: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and _WIRE.match(v) for v in value):
        raise BadResponse("a list of forwards in the answer is not a list of phone numbers",
                          provider=PROVIDER, call=call)
    return tuple(value)


def _answer(call: str, response: requests.Response) -> dict[str, Any]:
    """The JSON object of a successful answer; an error answer as a typed ``ProviderError``."""
    try:
        answer = limits.json_of(response)  # refuses duplicate keys and deep nesting
    except ValueError:
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        raise BadResponse(f"the answer is not JSON (HTTP {response.status_code}, {kind})",
                          provider=PROVIDER, call=call) from None
    if not isinstance(answer, dict):
        raise BadResponse(f"the answer is not a JSON object (HTTP {response.status_code})",
                          provider=PROVIDER, call=call)
    status = response.status_code
    if status < 400:
        return answer
    message = answer.get("error")
    message = message if isinstance(message, str) and message else f"HTTP {status} without an error message"
    if status in (401, 403):
        raise AuthError(f"login refused: {message}", provider=PROVIDER, call=call)
    raise ApiError(message, provider=PROVIDER, call=call, code=str(status))
