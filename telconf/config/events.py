"""Build located values straight from the parser's events, without a node tree.

Composing a 7 MB file into PyYAML nodes (each with two marks) takes about 300 MB
before a single value is built; building from the event stream keeps only the values.
This is the fast path for the common file: one document without anchors, aliases,
merge keys, explicit tags on collections, mapping keys that are collections, or
nesting deeper than ``MAX_DEPTH``. On any of those it gives up (``Fallback``) and the
caller composes the file as before, so every such case keeps its one implementation.
"""

from __future__ import annotations

from typing import Any

import yaml

from telconf.config.source import _MERGE, _STR, MAX_DEPTH, LocatedDict, LocatedList, Path

_NO_KEY = object()


class Fallback(Exception):
    """The file needs the composer (see the module's docstring)."""


def build_from_events(builder: Any, loader: Any) -> Any:
    """The document's value built by ``builder`` (a ``source._Builder``) from ``loader``'s events.

    Returns ``Ellipsis`` for an empty stream. Raises ``Fallback``, or the parser's
    ``yaml.YAMLError`` for a syntax error.
    """
    get, file = loader.get_event, builder.doc.file
    get()  # StreamStart
    event = get()
    if isinstance(event, yaml.StreamEndEvent):
        return Ellipsis
    # Each open collection: [container, path, pending key, its mark].
    stack: list[list[Any]] = []
    root: Any = None
    while True:
        event = get()
        kind = event.__class__
        if kind is yaml.ScalarEvent:
            if event.anchor:
                raise Fallback
            value = _scalar(builder, loader, event, stack)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor or event.tag not in (None, "!") or len(stack) >= MAX_DEPTH:
                raise Fallback
            if stack and stack[-1][2] is _NO_KEY and isinstance(stack[-1][0], LocatedDict):
                raise Fallback  # a collection as a mapping key
            mark = event.start_mark
            container = (LocatedDict if kind is yaml.MappingStartEvent else LocatedList)(
                (mark.line + 1, mark.column + 1), file)
            path = _child_path(stack)
            stack.append([container, path, _NO_KEY, None])
            continue
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            value = stack.pop()[0]
        elif kind is yaml.DocumentEndEvent:
            if not isinstance(get(), yaml.StreamEndEvent):
                raise Fallback  # more than one document: the composer says so
            return root
        else:  # an alias
            raise Fallback
        if not stack:
            root = value
            continue
        _deliver(builder, stack[-1], value, event)


def _child_path(stack: list[list[Any]]) -> Path:
    if not stack:
        return ()
    container, path, key, _ = stack[-1]
    parent: Path = path
    return parent + ((key,) if isinstance(container, LocatedDict) else (len(container),))


def _scalar(builder: Any, loader: Any, event: Any, stack: list[list[Any]]) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == _STR:
        return event.value
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    if stack and isinstance(stack[-1][0], LocatedDict) and stack[-1][2] is _NO_KEY:
        if tag == _MERGE:
            raise Fallback
        return _Key(builder._key(node))
    parent = _child_path(stack)
    return builder._scalar(node, parent[:-1], parent[-1] if parent else None)


class _Key(str):
    """A mapping key that was not plain text (``builder._key`` checked it); None: no key."""

    def __new__(cls, text: str | None) -> _Key:
        made = super().__new__(cls, text or "")
        made.skip = text is None  # type: ignore[attr-defined]
        return made


def _deliver(builder: Any, frame: list[Any], value: Any, event: Any) -> None:
    container = frame[0]
    # Any: the parser always sets an event's marks (the stubs allow None).
    mark: Any = event.start_mark if event.__class__ is yaml.ScalarEvent else None
    if isinstance(container, LocatedList):
        container.append(value)
        container.item_marks.append(_start(event, value))
        return
    if frame[2] is _NO_KEY:
        frame[2] = str(value) if not getattr(value, "skip", False) else None
        frame[3] = (mark.line + 1, mark.column + 1)
        if frame[2] is not None and frame[2] in container:
            first = container.key_marks[frame[2]]
            builder.doc.error(frame[3], f"duplicate key {frame[2]!r} (first at line {first[0]}); "
                                        "each key may appear once")
            frame[2] = None  # its value is read and dropped
        return
    name, key_mark = frame[2], frame[3]
    frame[2] = _NO_KEY
    if name is None:
        return
    container[name] = value
    container.key_marks[name] = key_mark
    container.value_marks[name] = _start(event, value)


def _start(event: Any, value: Any) -> tuple[int, int]:
    """Where a value starts: a scalar's event, or the collection's own mark."""
    if event.__class__ is yaml.ScalarEvent:
        start: Any = event.start_mark  # the parser always sets it (the stubs allow None)
        return (start.line + 1, start.column + 1)
    mark: tuple[int, int] = value.mark
    return mark
