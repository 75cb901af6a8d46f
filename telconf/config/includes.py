"""Includes: ``include: [accounts/*.yaml, templates.yaml]`` splits a config over files.

An included file has the top-level shape of a config (``accounts``, ``templates``,
``include``; ``version`` optional). Its accounts and templates join the including
file's, in order, keeping the positions and the file they were written in, so that
diagnostics, relative paths and secrets stay relative to that file. Paths and globs are
relative to the including file and must stay inside the config's tree (the directory
of the file given to telconf): the config comes from pull requests and must not make
telconf read files elsewhere. How deep, how many files, how much text and how far a
glob walks are bounded (``telconf.config.budget``); ``**`` does not follow a symbolic
link to a directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path as FilePath
from typing import Any

from telconf.config.budget import (
    MAX_GLOB_ENTRIES,
    MAX_GLOB_MATCHES,
    MAX_INCLUDE_DEPTH,
    MAX_INCLUDED_BYTES,
    MAX_INCLUDED_FILES,
)
from telconf.config.source import Document, LocatedDict, parse
from telconf.core.errors import Diagnostic
from telconf.guard import files as safe_files

SECTIONS = ("accounts", "templates")
TOP_KEYS = ("version", "include") + SECTIONS
_GLOB_CHARS = set("*?[")


@dataclass
class _State:
    root: FilePath
    done: set[FilePath] = field(default_factory=set)
    read_bytes: int = 0  # of all included files so far
    stopped: bool = False  # a budget was passed: no further file is read


class _TooFar(Exception):
    """A glob passed its budget; the message says which."""


def include(doc: Document, path: FilePath) -> set[FilePath]:
    """Merge the files ``doc`` includes (and those they include) into ``doc.data``, in place.

    Returns every file of the config, itself included, resolved (hooks find a changed
    included file's config from it).
    """
    resolved = path.resolve()
    if not isinstance(doc.data, LocatedDict):
        return {resolved}
    state = _State(resolved.parent, {resolved})
    _includes_of(doc, doc.data, doc.file, resolved, [resolved], state)
    return state.done


def _includes_of(doc: Document, data: LocatedDict, file: str, resolved: FilePath,
                 chain: list[FilePath], state: _State) -> None:
    """Process the ``include:`` list of one file (``data``, written in ``file``)."""
    entries = data.get("include")
    if entries is None:
        return
    if not isinstance(entries, list):
        doc.diagnostics.append(_at(file, data.value_marks["include"],
                                   "include: expected a list of file paths or globs"))
        return
    for index, entry in enumerate(entries):
        mark = entries.item_marks[index]  # type: ignore[attr-defined]
        if state.stopped:
            return
        if not isinstance(entry, str) or not entry:
            doc.diagnostics.append(_at(file, mark, "include: expected a file path or a glob, e.g. accounts/*.yaml"))
            continue
        if len(chain) > MAX_INCLUDE_DEPTH:
            # Checked before any recursion goes deeper: a chain of 700 files is an error here.
            doc.diagnostics.append(_at(file, mark, f"include: files include each other more than "
                                                   f"{MAX_INCLUDE_DEPTH} levels deep ({_short(chain[0], state.root)}"
                                                   f" -> ... -> {_short(chain[-1], state.root)}); include them "
                                                   f"from fewer levels"))
            state.stopped = True
            return
        for match in _matches(doc, file, mark, resolved.parent, entry, state.root):
            _include_file(doc, file, mark, resolved, match, chain, state)
            if state.stopped:
                return


def _matches(doc: Document, file: str, mark: tuple[int, int], base: FilePath, entry: str,
             root: FilePath) -> list[FilePath]:
    pattern = base / entry
    if _GLOB_CHARS & set(entry):
        try:
            found = sorted(p for p in _glob(pattern) if p.is_file())
        except _TooFar as exc:
            doc.diagnostics.append(_at(file, mark, f"include: {entry!r} {exc}; name fewer files or folders"))
            return []
        if not found:
            doc.diagnostics.append(_at(file, mark, f"include: {entry!r} matches no file"))
    elif pattern.is_file():
        found = [pattern]
    else:
        doc.diagnostics.append(_at(file, mark, f"include: file {entry!r} not found (relative to {file})"))
        return []
    inside = []
    for candidate in found:
        real = candidate.resolve()
        if real != root and root not in real.parents:
            doc.diagnostics.append(_at(file, mark, f"include: {entry!r} leads outside the config's directory "
                                                   f"({root}); included files must be inside it"))
            continue
        if safe_files.hidden(real, root, entry):  # .git/config, .env: never config, maybe a token
            doc.diagnostics.append(_at(file, mark, f"include: {entry!r} is a hidden file or in a hidden "
                                                   "directory; included files may not be"))
            continue
        inside.append(real)
    return inside


def _include_file(doc: Document, file: str, mark: tuple[int, int], including: FilePath, target: FilePath,
                  chain: list[FilePath], state: _State) -> None:
    shown = os.path.normpath(os.path.join(os.path.dirname(file), os.path.relpath(target, including.parent)))
    if target in chain:
        cycle = " -> ".join(_short(p, state.root) for p in chain[chain.index(target):] + [target])
        doc.diagnostics.append(_at(file, mark, f"include cycle: {cycle}"))
        return
    if target in state.done:
        return  # included along another way already (its accounts are there once)
    if len(state.done) > MAX_INCLUDED_FILES:  # the config's own file is one of them
        doc.diagnostics.append(_at(file, mark, f"include: the config includes more than {MAX_INCLUDED_FILES:,} "
                                               "files; merge some of them"))
        state.stopped = True
        return
    state.done.add(target)
    sub = _read(target, shown, MAX_INCLUDED_BYTES - state.read_bytes)
    state.read_bytes += sub.size
    if sub.too_large:
        doc.diagnostics.append(_at(file, mark, f"include: the included files hold more than "
                                               f"{MAX_INCLUDED_BYTES // (1024 * 1024)} MB together"))
        state.stopped = True
        return
    doc.diagnostics.extend(sub.diagnostics)
    if sub.data is None:
        return
    if not isinstance(sub.data, LocatedDict):
        doc.diagnostics.append(_at(shown, getattr(sub.data, "mark", (1, 1)),
                                   "an included file is a mapping with accounts, templates or include"))
        return
    for key in sub.data:
        if key not in TOP_KEYS:
            doc.diagnostics.append(_at(shown, sub.data.key_marks[key],
                                       f"unknown key {key!r} in an included file; expected one of: "
                                       f"{', '.join(sorted(TOP_KEYS))}"))
    doc.word_booleans.update(sub.word_booleans)  # same top-level shape: same paths
    for section in SECTIONS:
        _merge(doc, sub.data, section, shown)
    _includes_of(doc, sub.data, shown, target, chain + [target], state)


def _merge(doc: Document, sub: LocatedDict, section: str, shown: str) -> None:
    """Add the ``section`` mapping of an included file to the document's; a name defined twice is an error."""
    part = sub.get(section)
    if not isinstance(part, LocatedDict):
        if section in sub and part is not None:
            doc.diagnostics.append(_at(shown, sub.value_marks[section], f"{section}: expected a mapping"))
        return
    data: LocatedDict = doc.data
    target = data.get(section)
    if target is None:
        target = LocatedDict(part.mark, shown)
        data[section] = target
        data.key_marks[section] = sub.key_marks[section]
        data.value_marks[section] = sub.value_marks[section]
        data.key_files = {**(data.key_files or {}), section: shown}
    if not isinstance(target, LocatedDict):
        return  # the schema reports the including file's own
    what = section[:-1]
    for name, value in part.items():
        if name in target:
            first_file, first = doc.locate((section, name), key=True)
            doc.diagnostics.append(_at(shown, part.key_marks[name],
                                       f"{what} {name!r} is defined twice: here and at {first_file}:{first[0]}:"
                                       f"{first[1]}; define each {what} once"))
            continue
        target[name] = value
        target.key_marks[name] = part.key_marks[name]
        target.value_marks[name] = part.value_marks[name]
        if target.key_files is None:
            target.key_files = {}
        target.key_files[name] = shown


class _Included(Document):
    """An included file as parsed, and how much of the budget of bytes it took."""

    size = 0
    too_large = False


def _read(path: FilePath, shown: str, left: int) -> _Included:
    """The included file at ``path``: a regular file of at most ``left`` bytes, parsed."""
    try:
        data = safe_files.read_bytes(path, max(left, 0))
        text = data.decode("utf-8")
    except safe_files.UnsafeFile as exc:
        doc = _Included(shown)
        try:
            doc.too_large = path.stat().st_size > left  # the budget, not a bad file
        except OSError:
            pass
        if not doc.too_large:
            doc.error((1, 1), f"the included file {exc}")
        return doc
    except (OSError, UnicodeDecodeError) as exc:
        doc = _Included(shown)
        doc.error((1, 1), f"cannot read the included file: {getattr(exc, 'strerror', None) or exc}")
        return doc
    parsed = parse(text, shown)
    doc = _Included(shown)
    doc.data, doc.word_booleans, doc.diagnostics = parsed.data, parsed.word_booleans, parsed.diagnostics
    doc.size = len(data)
    return doc


def _glob(pattern: FilePath) -> list[FilePath]:
    """The paths matching ``pattern`` (absolute), as ``glob.glob(recursive=True)`` finds them, bounded.

    ``*``, ``?`` and ``[...]`` match within one name, never a hidden one unless the
    pattern's name starts with ``.``; ``**`` matches any number of folders, hidden ones
    and symbolic links to folders left out (two links to ``.`` would make the walk
    exponential). More than ``MAX_GLOB_ENTRIES`` names looked at, or ``MAX_GLOB_MATCHES``
    found, raises ``_TooFar``.
    """
    parts = pattern.parts
    seen = [0]

    def listed(folder: FilePath) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(folder) as entries:
                names = list(entries)
        except OSError:
            return []
        seen[0] += len(names)
        if seen[0] > MAX_GLOB_ENTRIES:
            raise _TooFar(f"looks at more than {MAX_GLOB_ENTRIES:,} names of files and folders")
        return names

    def tree(folder: FilePath, files: bool) -> list[FilePath]:
        found, stack = [folder], [folder]
        while stack:
            for entry in listed(stack.pop()):
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    found.append(FilePath(entry.path))
                    stack.append(FilePath(entry.path))
                elif files:
                    found.append(FilePath(entry.path))
        return found

    current = [FilePath(parts[0])]
    for index, part in enumerate(parts[1:], start=1):
        last = index == len(parts) - 1
        if part == "**":
            current = [path for folder in current if folder.is_dir() for path in tree(folder, last)]
        elif not _GLOB_CHARS & set(part):
            current = [folder / part for folder in current]
        else:
            current = [FilePath(entry.path) for folder in current for entry in listed(folder)
                       if fnmatchcase(entry.name, part) and (part.startswith(".") or not entry.name.startswith("."))
                       and (last or entry.is_dir())]
        if len(current) > MAX_GLOB_MATCHES and (last or part == "**"):
            what = "files" if last else "folders"
            raise _TooFar(f"matches more than {MAX_GLOB_MATCHES:,} {what}")
    return list(dict.fromkeys(current))


def _short(path: FilePath, root: FilePath) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _at(file: str, mark: Any, message: str) -> Diagnostic:
    return Diagnostic(file, mark[0], mark[1], message)
