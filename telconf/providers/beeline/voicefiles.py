"""Voice files: downloaded content (cached), and waiting until an upload is ready.

The server tells nothing about a file's content but its upload time (DT), so to know
whether a stored file equals the local one telconf downloads it. Downloads are cached
on disk keyed by account, name and DT (a re-upload changes DT), and in memory for the
run, so each file is fetched at most once per run and usually never again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from threading import Lock

from telconf.errors import TransientError

log = logging.getLogger("telconf.providers.beeline")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$TELCONF_CACHE_DIR``, else ``$XDG_CACHE_HOME/telconf``, else ``~/.cache/telconf``."""
    env = os.environ if environ is None else environ
    if env.get("TELCONF_CACHE_DIR"):
        return Path(env["TELCONF_CACHE_DIR"])
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "telconf"


class FileCache:
    """Content of stored voice files, fetched once per (name, DT).

    ``scope`` separates accounts (e.g. a hash of URL and login); a cache that cannot be
    written (read-only home in CI) only costs downloads, never a failure.
    """

    def __init__(self, fetch: Callable[[str], bytes], root: Path | None, scope: str):
        self.fetch = fetch
        self.root = root / "beeline" / scope if root else None
        self._memory: dict[tuple[str, str], bytes] = {}
        self._lock = Lock()

    def content(self, name: str, uploaded: str) -> bytes:
        """The content of ``name`` as uploaded at ``uploaded`` (DT)."""
        key = (name, uploaded)
        with self._lock:
            if key in self._memory:
                return self._memory[key]
        path = self._path(name, uploaded)
        content = _read(path) if path else None
        if content is None:
            content = self.fetch(name)
            if path:
                _write(path, content)
        with self._lock:
            self._memory[key] = content
        return content

    def _path(self, name: str, uploaded: str) -> Path | None:
        if self.root is None or not uploaded:
            return None  # without an upload time a cached copy could be stale
        stamp = re.sub(r"[^0-9A-Za-z]", "", uploaded)
        return self.root / f"{sha256(name.encode())[:16]}-{stamp}"


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _write(path: Path, content: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(content)
        partial.replace(path)  # atomic: a parallel run never reads half a file
    except OSError as exc:
        log.debug("voice-file cache not written (%s)", type(exc).__name__)


def wait_until_ready(
    name: str,
    is_pending: Callable[[], bool | None],
    *,
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Poll until the server reports ``name`` ready (``is_pending`` False), logging progress.

    ``is_pending`` returns None when the file is not listed at all (not yet, or lost).
    Raises ``TransientError`` after ``timeout`` seconds.
    """
    started = clock()
    delay = 0.1
    while True:
        pending = is_pending()
        waited = clock() - started
        if pending is False:
            if waited >= 1:
                log.info("voice file %s is ready after %.0f s", name, waited)
            return
        if waited >= timeout:
            state = "still pending" if pending else "not listed by LVFILES"
            raise TransientError(f"voice file {name} {state} after {timeout:.0f} s",
                                 provider="beeline", call="VFILE")
        log.info("waiting for voice file %s to be processed by the server (%.0f s so far)", name, waited)
        sleep(min(delay, max(timeout - waited, 0.01)))
        delay = min(delay * 2, 2.0)
