"""A WSGI wrapper that corrupts the answers of chosen calls of an emulator.

The emulator does the work (so its state and call log stay true); the wrapper then
replaces the answer of the named Teleum method (``cmd``) or Beeline command
(``Command`` of ``api_form``) by what a broken server or proxy would send.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Request

from telconf.emulator.server import ServedApp

Answer = tuple[str, list[tuple[str, str]], bytes]  # status line, headers, body
Mutation = Callable[[Answer], Answer]


def call_name(environ: dict[str, Any]) -> str:
    """The Teleum ``cmd`` or the Beeline ``Command`` of a request (the body stays readable)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    copy = {**environ, "wsgi.input": io.BytesIO(body)}
    request = Request(copy)
    if "cmd" in request.args:
        return request.args["cmd"]
    form = request.form.get("api_form")
    if form is None and "api_form" in request.files:
        form = request.files["api_form"].read().decode("utf-8", "replace")
    try:
        return str(json.loads(form or "{}").get("Command", ""))
    except ValueError:
        return ""


class Corrupting:
    """Serve ``app``, answering calls named in ``mutations`` with the mutated answer."""

    def __init__(self, app: Any, mutations: dict[str, Mutation]):
        self.app, self.mutations = app, mutations

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        mutation = self.mutations.get(call_name(environ))
        if mutation is None:
            return self.app(environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = b"".join(self.app(environ, capture))
        status, headers, body = mutation((captured["status"], list(captured["headers"]), body))
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        start_response(status, headers + [("Content-Length", str(len(body)))])
        return [body]


def serve(app: Any, path: str, mutations: dict[str, Mutation]) -> ServedApp:
    """``app`` wrapped in ``Corrupting``, served on a free port (stop it when done)."""
    return ServedApp(Corrupting(app, mutations), "127.0.0.1", 0, path)


# --- mutations ------------------------------------------------------------------------------

def html_page(answer: Answer) -> Answer:
    """A proxy's error page, with status 200."""
    page = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
    return "200 OK", [("Content-Type", "text/html")], page


def truncated(answer: Answer) -> Answer:
    status, headers, body = answer
    return status, headers, body[: max(1, len(body) // 2)]


def plain_text(answer: Answer) -> Answer:
    return "200 OK", [("Content-Type", "text/plain")], b"OK"


def json_edit(edit: Callable[[Any], Any]) -> Mutation:
    """A mutation that edits the JSON body (``edit`` returns the new document)."""

    def mutate(answer: Answer) -> Answer:
        status, headers, body = answer
        return status, headers, json.dumps(edit(json.loads(body)), ensure_ascii=False).encode()

    return mutate


def without(*keys: str) -> Mutation:
    return json_edit(lambda doc: {k: v for k, v in doc.items() if k not in keys})


def replaced(key: str, value: Any) -> Mutation:
    return json_edit(lambda doc: {**doc, key: value})


def each_item(key: str, edit: Callable[[dict[str, Any]], dict[str, Any]]) -> Mutation:
    """Edit every item of the list under ``key``."""
    return json_edit(lambda doc: {**doc, key: [edit(dict(item)) for item in doc[key]]})
