"""Reading an answer's body within the whole-request deadline and the size cap.

Apart from ``telconf.guard.limits`` because it needs ``requests`` (its errors are the
transport's): ``limits`` is imported by every command, this module only by those that
talk HTTP, on their first answer.
"""

from __future__ import annotations

import time
from typing import Any

import requests

from telconf.guard.limits import MAX_BODY_BYTES, BodyTooLarge

_CHUNK = 64 * 1024


class DeadlinePassed(requests.exceptions.ReadTimeout):
    """The whole request took longer than the timeout."""


def read_body(response: requests.Response, deadline: float, limit: int = MAX_BODY_BYTES) -> None:
    """Read a streamed answer into ``response.content`` before ``deadline`` (monotonic), at most ``limit`` bytes.

    Each read takes what has arrived (``read1``), with the socket's timeout set to the
    time left, so a server trickling one byte at a time cannot stretch the request.
    """
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise BodyTooLarge(f"the answer is {int(declared)} bytes, more than the {limit}-byte cap")
    cached: object = response._content  # noqa: SLF001 - False until read (the stubs say bytes | None)
    if cached is not False:  # already read whole (an in-process adapter)
        if len(response._content or b"") > limit:  # noqa: SLF001
            raise BodyTooLarge(f"the answer is more than the {limit}-byte cap")
        return
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            response.close()
            raise DeadlinePassed("the whole answer did not arrive in time")
        _socket_timeout(raw, left)
        chunk = _read_some(raw)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            response.close()
            raise BodyTooLarge(f"the answer is more than the {limit}-byte cap")
        chunks.append(chunk)
    response._content = b"".join(chunks)  # noqa: SLF001 - requests' own cache of the body
    response._content_consumed = True  # type: ignore[attr-defined]  # noqa: SLF001 - private, not in the stubs


def _read_some(raw: Any) -> bytes:
    """What has arrived of the body (decoded), wrapping urllib3's errors as requests' own."""
    from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError, SSLError

    try:
        arrived: bytes = raw.read1(_CHUNK, decode_content=True)
        return arrived
    except ReadTimeoutError:
        raise DeadlinePassed("the whole answer did not arrive in time") from None
    except DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from None
    except ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from None
    except SSLError as exc:
        raise requests.exceptions.SSLError(exc) from None
    except OSError as exc:  # e.g. a socket timeout raised below urllib3
        if "timed out" in str(exc):
            raise DeadlinePassed("the whole answer did not arrive in time") from None
        raise requests.exceptions.ConnectionError(exc) from None


def _socket_timeout(raw: Any, seconds: float) -> None:
    """Make the next blocking read give up when the deadline passes."""
    connection = getattr(raw, "_connection", None) or getattr(raw, "connection", None)
    sock = getattr(connection, "sock", None)
    if sock is not None:
        try:
            sock.settimeout(max(seconds, 0.001))
        except OSError:
            pass


