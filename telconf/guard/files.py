"""Safe reads of the files a config names, safe writes of the files beside an output.

A config from a pull request may name ``/proc/self/environ``, ``/dev/zero`` or a FIFO:
such a file is opened without blocking, checked with ``fstat`` and refused unless it
is a regular file no larger than its cap; the read never takes more than the cap.

An output tree (the folder ``telconf export`` writes to, often a Git checkout whose
content came from others) may hold symbolic links where telconf writes its side files
(``blacklists/1-….txt``, ``media/x.wav``, ``telconf.schema.json``). ``write_in_tree``
never writes through one: every folder on the way is opened with ``O_NOFOLLOW`` (a
linked folder is refused), and the file is written to a new name and renamed over the
old one, which replaces a link instead of following it, in one step.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path, PurePosixPath


BLOCK_FILE_MAX_BYTES = 16 * 1024 * 1024   # 300,000 numbers of 16 characters with comments
VOICE_FILE_MAX_BYTES = 10 * 1024 * 1024   # the contract's cap of a voice file upload
TLS_FILE_MAX_BYTES = 1024 * 1024


class UnsafeTarget(Exception):
    """A file may not be written where asked: a folder on the way is a link, or the name is not inside the tree.

    (Not a ``TelconfError``: ``guard`` sits below ``errors``; the writers above turn it into one.)"""


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


def write_in_tree(base_dir: Path, relative: str | PurePosixPath, data: bytes) -> Path:
    """Write ``data`` to ``base_dir/relative`` without following a link below ``base_dir``;
    replace the file atomically (a link in its place is replaced, not followed).

    ``base_dir`` is the operator's (it may itself be a link); ``relative`` must stay
    inside it. A folder on the way that is a link, or not a folder, is ``UnsafeTarget``.
    """
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or any(p in ("", ".", "..") for p in parts):
        raise UnsafeTarget(f"{relative}: not a path inside {base_dir}")
    Path(base_dir).mkdir(parents=True, exist_ok=True)
    directory = os.open(base_dir, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        for index, name in enumerate(parts[:-1]):
            where = PurePosixPath(*parts[: index + 1])
            try:
                os.mkdir(name, 0o777, dir_fd=directory)
            except FileExistsError:
                pass
            try:
                inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0),
                                dir_fd=directory)
            except OSError:
                raise UnsafeTarget(f"{Path(base_dir) / where} is a symbolic link or not a folder: telconf does not "
                                   "write through it (remove it, or export elsewhere)") from None
            os.close(directory)
            directory = inner
        _replace_at(directory, parts[-1], data)
    finally:
        os.close(directory)
    return Path(base_dir, *parts)


def _replace_at(directory: int, name: str, data: bytes) -> None:
    """Write ``name`` in the open folder ``directory``: a new temporary file, then a rename over it."""
    temp = f".{name}.{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(temp, flags, 0o644, dir_fd=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(temp, name, src_dir_fd=directory, dst_dir_fd=directory)
    except BaseException:
        try:
            os.unlink(temp, dir_fd=directory)
        except OSError:
            pass
        raise
