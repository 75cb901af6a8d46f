"""Safe reads of the files a config names: regular files only, under a size cap, inside the tree.

A config from a pull request may name ``/proc/self/environ``, ``/dev/zero`` or a FIFO:
such a file is opened without blocking, checked with ``fstat`` and refused unless it
is a regular file no larger than its cap; the read never takes more than the cap.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

BLOCK_FILE_MAX_BYTES = 16 * 1024 * 1024   # 300,000 numbers of 16 characters with comments
VOICE_FILE_MAX_BYTES = 10 * 1024 * 1024   # the contract's cap of a voice file upload
TLS_FILE_MAX_BYTES = 1024 * 1024


class UnsafeFile(Exception):
    """The file may not be read: not regular, too large, or not readable; the message says which."""


def read_bytes(path: Path, limit: int) -> bytes:
    """The content of the regular file ``path``, at most ``limit`` bytes, or ``UnsafeFile``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnsafeFile(f"cannot be read: {exc.strerror or type(exc).__name__}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(f"is not a regular file ({_kind(info.st_mode)})")
        if str(path).startswith("/proc/") or str(path.resolve()).startswith("/proc/"):
            raise UnsafeFile("is a /proc entry, not a regular file")
        if info.st_size > limit:
            raise UnsafeFile(f"is {info.st_size} bytes, more than the {limit}-byte cap")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnsafeFile(f"is more than the {limit}-byte cap")
        return b"".join(chunks)
    except OSError as exc:
        raise UnsafeFile(f"cannot be read: {exc.strerror or type(exc).__name__}") from None
    finally:
        os.close(fd)


def outside(file: Path, base_dir: Path) -> bool:
    """True when ``file``, symlinks resolved, is not inside ``base_dir`` (symlinks resolved)."""
    try:
        file.resolve().relative_to(base_dir.resolve())
    except (ValueError, OSError, RuntimeError):
        return True
    return False


def hidden(file: Path, base_dir: Path, written: str = "") -> bool:
    """True when ``file`` (resolved) or the path as ``written`` has a hidden part below ``base_dir``.

    A part is hidden when its name starts with a dot (``.git``, ``.env``, ``.ssh``); ``.``
    and ``..`` in what was written are not names.
    """
    try:
        parts = file.resolve().relative_to(base_dir.resolve()).parts
    except (ValueError, OSError, RuntimeError):
        return True
    named = [part for part in Path(written).parts if part not in (".", "..", "/")]
    return any(part.startswith(".") for part in (*parts, *named))


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"
