"""One redaction layer: every secret value in use is masked in everything telconf writes.

Secrets are registered as they become known (credentials and SIP passwords when the
config is loaded, with the values of every variable a credential field references;
session tokens when a login answers). ``mask`` replaces each, in the spellings a leak
could take (raw, URL-encoded, JSON-escaped, base64, Basic auth), by ``(sensitive)``.
The CLI wraps stdout and stderr with ``MaskingStream``; writers of files call ``mask``.

Printed text (``MaskingStream``, ``--report``) also has the user information of every URL
masked (``https://(sensitive)@host``): a URL from the environment or a server may carry
a login and password (``CI_REPOSITORY_URL`` carries a job token).
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Iterable
from typing import IO, Any
from urllib.parse import quote, quote_plus

SENSITIVE = "(sensitive)"
MIN_LENGTH = 4  # shorter values would mask ordinary text ("1", "on") without protecting anything
_lock = threading.Lock()
_spellings: set[str] = set()
_pattern: re.Pattern[str] | None = None
# C0/C1 controls (terminal escapes, bells), line separators, and the bidirectional
# overrides that make text read differently from what it is (U+202E).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/?#]*@")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def register(*values: str | None) -> None:
    """Remember secret values; from now on they are masked wherever telconf writes."""
    global _pattern
    fresh = {form for value in values if value and len(value) >= MIN_LENGTH for form in _forms(value)}
    with _lock:
        if fresh - _spellings:
            _spellings.update(fresh)
            ordered = sorted(_spellings, key=len, reverse=True)  # longest first: no half-masked value
            _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def register_basic(username: str, password: str) -> None:
    """The HTTP Basic credentials of a login, as the Authorization header would carry them."""
    register(password, base64.b64encode(f"{username}:{password}".encode()).decode())


def forget_all() -> None:
    """Forget every registered secret (between tests)."""
    global _pattern
    with _lock:
        _spellings.clear()
        _pattern = None


def known() -> frozenset[str]:
    """The spellings masked now."""
    return frozenset(_spellings)


def mask(text: str) -> str:
    """``text`` with every known secret spelling replaced by ``(sensitive)``."""
    pattern = _pattern
    if pattern is None or not text:
        return text
    return pattern.sub(SENSITIVE, text)


def mask_userinfo(text: str) -> str:
    """``text`` with the user information of every URL in it (``user:password@``) masked."""
    if "@" not in text or "://" not in text:
        return text
    return _USERINFO.sub(rf"\1{SENSITIVE}@", text)


def for_output(text: str) -> str:
    """``text`` as telconf prints it: secrets and the user information of URLs masked."""
    return mask_userinfo(mask(text))


def escape(text: str) -> str:
    """Text from a server or a file, safe for a terminal: control characters as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                        else f"\\u{ord(m.group()):04x}", text)


def excerpt(text: str, limit: int = 60) -> str:
    """A short, escaped and masked piece of untrusted text for a message."""
    shown = escape(mask(text))
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def _forms(value: str) -> Iterable[str]:
    yield value
    yield quote(value, safe="")
    yield quote_plus(value)
    yield quote(value)
    yield json.dumps(value)[1:-1]
    yield json.dumps(value, ensure_ascii=False)[1:-1]
    encoded = base64.b64encode(value.encode()).decode()
    yield encoded
    yield base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


class MaskingStream:
    """A text stream that masks secrets in everything written through it."""

    def __init__(self, stream: IO[str]):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(for_output(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    @property
    def buffer(self) -> Any:
        """Bytes written here are masked too (click writes bytes to ``buffer`` at times)."""
        return _MaskingBuffer(self._stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _MaskingBuffer:
    def __init__(self, stream: IO[str]):
        self._stream = stream
        self._raw = getattr(stream, "buffer", None)

    def write(self, data: bytes) -> int:
        encoding = getattr(self._stream, "encoding", None) or "utf-8"
        text = for_output(data.decode(encoding, "replace"))
        if self._raw is not None:
            self._raw.write(text.encode(encoding, "replace"))
        else:
            self._stream.write(text)
        return len(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)
