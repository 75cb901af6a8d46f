"""Includes: ``include: [accounts/*.yaml, templates.yaml]`` splits a config over files.

An included file has the top-level shape of a config (``accounts``, ``templates``,
``include``; ``version`` optional). Its accounts and templates join the including
file's, in order, keeping the positions and the file they were written in, so that
diagnostics, relative paths and secrets stay relative to that file. Paths and globs are
relative to the including file and must stay inside the config's tree (the directory
of the file given to telconf): the config comes from pull requests and must not make
telconf read files elsewhere.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from telconf.config.source import Document, LocatedDict, parse
from telconf.errors import Diagnostic

SECTIONS = ("accounts", "templates")
TOP_KEYS = ("version", "include") + SECTIONS
_GLOB_CHARS = set("*?[")


@dataclass
class _State:
    root: FilePath
    done: set[FilePath] = field(default_factory=set)


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
        if not isinstance(entry, str) or not entry:
            doc.diagnostics.append(_at(file, mark, "include: expected a file path or a glob, e.g. accounts/*.yaml"))
            continue
        for match in _matches(doc, file, mark, resolved.parent, entry, state.root):
            _include_file(doc, file, mark, resolved, match, chain, state)


def _matches(doc: Document, file: str, mark: tuple[int, int], base: FilePath, entry: str,
             root: FilePath) -> list[FilePath]:
    pattern = base / entry
    if _GLOB_CHARS & set(entry):
        found = sorted(FilePath(p) for p in glob.glob(str(pattern), recursive=True) if os.path.isfile(p))
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
    state.done.add(target)
    sub = _read(target, shown)
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


def _read(path: FilePath, shown: str) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        doc = Document(shown)
        doc.error((1, 1), f"cannot read the included file: {getattr(exc, 'strerror', None) or exc}")
        return doc
    return parse(text, shown)


def _short(path: FilePath, root: FilePath) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _at(file: str, mark: Any, message: str) -> Diagnostic:
    return Diagnostic(file, mark[0], mark[1], message)
