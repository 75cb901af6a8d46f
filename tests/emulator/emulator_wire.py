"""Plain ``requests`` clients of both wire APIs, for the emulator tests.

Nothing here uses telconf's client code: the tests drive the emulators as a stranger's
client would, straight from the wire contract (docs/providers/*.md).
"""

from __future__ import annotations

import json
from typing import Any

import requests

T_EMAIL, T_PASSWORD = "owner@example.com", "owner-password"
T_NUMBERS = ["78123232323", "78123232324", "78123232325"]
B_LOGIN, B_PASSWORD = "client", "client-password"
B_NUMBERS = ["74957654321", "74957654322", "74957654323"]
FOREIGN = "74951234567"


class TeleumWire:
    """A logged-in raw Teleum client: ``call(method, **params)`` returns the response."""

    def __init__(self, url: str, email: str = T_EMAIL, password: str = T_PASSWORD):
        self.url = url
        login = requests.post(url, data={"cmd": "login", "email": email, "paswd": password}, timeout=10)
        body = login.json()
        self.token, self.vivaid = body["token"], body["vivaid"]

    def call(self, method: str, *, get: bool = False, **params: Any) -> requests.Response:
        params = {"cmd": method, "token": self.token, "vivaid": self.vivaid, **params}
        if get:
            return requests.get(self.url, params=params, timeout=10)
        return requests.post(self.url, data=params, timeout=10)

    def ok(self, method: str, **params: Any) -> dict[str, Any]:
        """Call and assert success; the JSON body."""
        response = self.call(method, **params)
        body = response.json()
        assert response.status_code == 200 and str(body.get("err", 0)) == "0", body
        return body

    def fails(self, method: str, **params: Any) -> str:
        """Call and assert ``err`` = 1; the ``errmsg``."""
        body = self.call(method, **params).json()
        assert str(body.get("err")) == "1", body
        return body["errmsg"]


class BeelineWire:
    """A raw Beeline client: ``call(command, data)`` posts a multipart ``api_form``."""

    def __init__(self, url: str, login: str = B_LOGIN, password: str = B_PASSWORD):
        self.url, self.auth = url, (login, password)

    def call(self, command: str, data: Any = None, *, vfile: tuple[str, bytes] | None = None,
             auth: Any = "default", **top: Any) -> requests.Response:
        form: dict[str, Any] = {"Command": command, **top}
        if data is not None:
            form["ConfData"] = data
        files: dict[str, Any] = {"api_form": (None, json.dumps(form), "application/json")}
        if vfile is not None:
            files["vfile"] = (vfile[0], vfile[1], "application/octet-stream")
        return requests.post(f"{self.url}/request", files=files,
                             auth=self.auth if auth == "default" else auth, timeout=10)

    def ok(self, command: str, data: Any = None, **kw: Any) -> Any:
        """Call and assert HTTP 200; the ``ConfData`` (or the whole body when absent)."""
        response = self.call(command, data, **kw)
        assert response.status_code == 200, response.text
        body = response.json()
        return body.get("ConfData", body)

    def error(self, command: str, data: Any = None, **kw: Any) -> str:
        """Call and assert an error body whose HTTP status matches its code; the code."""
        response = self.call(command, data, **kw)
        body = response.json()
        assert body["STATUS"] == "ERROR", body
        assert response.status_code == int(body["ERR_CODE"].split(".")[0])
        # a body too big is refused unread, so the server cannot name the command
        assert body["COMMAND"] == (command if body["ERR_CODE"] != "413.1" else "") and body["ERR_DESCRIPTION"]
        return body["ERR_CODE"]
