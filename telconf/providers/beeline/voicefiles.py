"""Voice files: downloaded content (cached), and waiting until an upload is ready.

The server tells nothing about a file's content but its upload time (DT), so to know
whether a stored file equals the local one telconf downloads it. Downloads are cached
on disk keyed by account, name and DT (a re-upload changes DT), and in memory for the
run, so each file is fetched at most once per run and usually never again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from threading import Lock

from telconf.core.errors import TransientError

log = logging.getLogger("telconf.providers.beeline")


def sha256(content: bytes) -> str:
    """Hex SHA-256 of ``content``: how stored and local voice files are compared."""
    return hashlib.sha256(content).hexdigest()


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$TELCONF_CACHE_DIR``, else ``$XDG_CACHE_HOME/telconf``, else ``~/.cache/telconf``."""
    env = os.environ if environ is None else environ
    if env.get("TELCONF_CACHE_DIR"):
        return Path(env["TELCONF_CACHE_DIR"])
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "telconf"


class FileCache:
    """Content of stored voice files, fetched at most once per run and (name, DT).

    DT has a resolution of one second, so a file replaced within the second it was
    uploaded keeps its DT. A copy is therefore trusted only when it was fetched at
    least a second after that DT was first seen (the second was over by then, so no
    later upload can carry the same DT); otherwise it is fetched again, once per run.
    ``scope`` separates accounts; a cache that cannot be written (read-only home in CI)
    only costs downloads, never a failure.
    """

    def __init__(self, fetch: Callable[[str], bytes], root: Path | None, scope: str,
                 clock: Callable[[], float] = time.time):
        self.fetch = fetch
        self.clock = clock
        self.root = root / "beeline" / scope if root else None
        self._memory: dict[tuple[str, str], tuple[bytes, float, float]] = {}
        self._lock = Lock()

    def content(self, name: str, uploaded: str, seen_at: float) -> bytes:
        """The content of ``name`` as uploaded at ``uploaded`` (DT), listed at ``seen_at``."""
        key = (name, uploaded)
        with self._lock:
            cached = self._memory.get(key)
        if cached is None:
            cached = self._read(name, uploaded)
        if cached is not None:
            content, fetched, first_seen = cached
            if fetched >= first_seen + 1.0:
                return content
            seen_at = min(seen_at, first_seen)
        fetched = self.clock()
        content = self.fetch(name)
        entry = (content, fetched, seen_at)
        with self._lock:
            self._memory[key] = entry
        self._write(name, uploaded, entry)
        return content

    def forget(self, name: str) -> None:
        """Drop what is known of ``name`` (it is being uploaded again)."""
        with self._lock:
            for key in [k for k in self._memory if k[0] == name]:
                del self._memory[key]

    def _path(self, name: str, uploaded: str) -> Path | None:
        if self.root is None or not uploaded:
            return None  # without an upload time a cached copy could be stale
        stamp = re.sub(r"[^0-9A-Za-z]", "", uploaded)
        return self.root / f"{sha256(name.encode())[:16]}-{stamp}"

    def _read(self, name: str, uploaded: str) -> tuple[bytes, float, float] | None:
        path = self._path(name, uploaded)
        if path is None:
            return None
        try:
            meta = json.loads(path.with_suffix(".json").read_text())
            return path.read_bytes(), float(meta["fetched"]), float(meta["seen"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write(self, name: str, uploaded: str, entry: tuple[bytes, float, float]) -> None:
        path = self._path(name, uploaded)
        if path is None:
            return
        content, fetched, seen = entry
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _replace(path, content)
            _replace(path.with_suffix(".json"), json.dumps({"fetched": fetched, "seen": seen}).encode())
        except OSError as exc:
            log.debug("voice-file cache not written (%s)", type(exc).__name__)


def _replace(path: Path, content: bytes) -> None:
    """Write atomically: a parallel run never reads half a file."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    partial.write_bytes(content)
    partial.replace(path)


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
    warned = False
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
        if waited >= 10 and not warned:  # worth saying even without -v
            log.warning("voice file %s is still being processed by the server after %.0f s; "
                        "waiting up to %.0f s", name, waited, timeout)
            warned = True
        sleep(min(delay, max(timeout - waited, 0.01)))
        delay = min(delay * 2, 2.0)
