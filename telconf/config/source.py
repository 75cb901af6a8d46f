"""Read YAML so that every mapping, sequence and scalar remembers where it was written.

PyYAML composes the node tree (in C when libyaml is available); we build plain dicts,
lists and scalars from it ourselves. Each container carries its own position and the
positions of its keys and items, so a scalar's position is asked of its container:
that keeps a 20,000-entry list at one tuple per entry instead of one object per node.

YAML 1.1 traps are caught here, where the original text is still known: a scalar that
YAML 1.1 reads as an octal, hexadecimal or sexagesimal number (``0812``, ``12:30``) is
an error asking to quote it, and so is a duplicate key. A ``yes/no/on/off`` scalar is
read as a boolean and remembered, so that the schema check can ask to quote it where a
string is expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Union, cast

import yaml

from telconf.core.errors import Diagnostic

Mark = tuple[int, int]  # (line, column), both from 1
Path = tuple[Union[str, int], ...]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader, resolving scalar tags with a table built once.

    The composer asks ``resolve`` for every scalar (PyYAML's version rebuilds its list
    of candidates each time); same rules, same answers, a large file loads faster.
    """

    _first: dict[str, list[tuple[str, Any]]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self._first.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        resolved: str = super().resolve(kind, value, implicit)
        return resolved


def _resolvers() -> dict[str, list[tuple[str, Any]]]:
    table = dict(_BaseLoader.yaml_implicit_resolvers)
    if None in table or _BaseLoader.yaml_path_resolvers:
        return {}  # rules this table cannot express: PyYAML's own resolve decides
    return table


_Loader._first = _resolvers()
if not _Loader._first:
    del _Loader.resolve
_PLAIN_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_WORD_BOOLEANS = {"yes", "no", "on", "off"}
_STR, _INT, _FLOAT, _BOOL, _NULL = (
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
)
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"


class LocatedDict(dict):  # type: ignore[type-arg]
    """A YAML mapping: ``mark`` is where it starts, ``key_marks``/``value_marks`` per key."""

    __slots__ = ("mark", "key_marks", "value_marks", "file", "key_files")

    def __init__(self, mark: Mark, file: str | None = None):
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}
        self.file = file  # the file that wrote it (None: the document's own)
        # Keys that another file wrote (an included account, a template's key): key -> that file.
        self.key_files: dict[str, str] | None = None


class LocatedList(list):  # type: ignore[type-arg]
    """A YAML sequence: ``mark`` is where it starts, ``item_marks[i]`` where item i is."""

    __slots__ = ("mark", "item_marks", "file")

    def __init__(self, mark: Mark, file: str | None = None):
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []
        self.file = file


class Document:
    """A parsed YAML file: its data, the ``yes/no`` booleans it holds, its problems."""

    def __init__(self, file: str):
        self.file = file
        self.data: Any = None
        self.word_booleans: dict[Path, str] = {}  # path -> the text YAML read as a boolean
        self.diagnostics: list[Diagnostic] = []
        # Numbers expanded from a template: path of the number -> how (see telconf.config.templates).
        self.uses: dict[Path, Any] = {}
        # Ids of the containers of templates: the parts many numbers may share (one object each),
        # which checks may remember by identity; a file without templates remembers nothing.
        self.shared: set[int] = set()

    def error(self, mark: Mark, message: str) -> None:
        """Record an error at ``mark``."""
        self.diagnostics.append(Diagnostic(self.file, mark[0], mark[1], message))

    def where(self, path: Path, *, key: bool = False) -> Mark:
        """The position of the value at ``path`` (of its key with ``key``), or the nearest container's."""
        return self.locate(path, key=key)[1]

    def locate(self, path: Path, *, key: bool = False) -> tuple[str, Mark]:
        """The file and position of the value at ``path`` (of its key with ``key``).

        Included files and templates put values written in other files into one tree;
        each container knows its file, and a mapping the file of keys another one wrote.
        """
        node: Any = self.data
        mark: Mark = getattr(node, "mark", (1, 1))
        file: str = getattr(node, "file", None) or self.file
        for depth, step in enumerate(path):
            last = depth == len(path) - 1
            if isinstance(node, LocatedDict) and isinstance(step, str) and step in node:  # keys are text
                marks = node.key_marks if (last and key) else node.value_marks
                mark = marks.get(step, node.mark)
                file = (node.key_files or {}).get(step) or node.file or file
            elif isinstance(node, LocatedList) and isinstance(step, int) and 0 <= step < len(node):
                mark = node.item_marks[step]
                file = node.file or file
            else:
                return file, mark
            node = node[step]
            if not last and hasattr(node, "mark"):
                mark = node.mark
                file = node.file or file
        return file, mark

    def key_place(self, mapping: LocatedDict, key: str) -> str:
        """``FILE:LINE:COL`` of ``key`` in ``mapping`` (no walk from the top: called per number)."""
        file = (mapping.key_files or {}).get(key) or mapping.file or self.file
        line, column = mapping.key_marks[key]
        return f"{file}:{line}:{column}"

    def diagnostic(self, path: Path, message: str, *, key: bool = False, severity: str = "error",
                   code: str = "") -> Diagnostic:
        """A diagnostic at the value (or key) at ``path``; inside a template, naming where it was used."""
        file, (line, column) = self.locate(path, key=key)
        return Diagnostic(file, line, column, message + self.template_note(path, file), severity, code)

    def template_note(self, path: Path, file: str) -> str:
        """`` (template 'x' used at FILE:LINE:COL)`` when ``path`` is inside a value a template gave."""
        use = self.uses.get(path[:4]) if len(path) > 4 else None
        if use is None or path[4] not in use.template_keys:
            return ""
        where = use.where if use.file != file else f"line {use.mark[0]}"
        return f" (in template {use.template!r}, used by {path[3]!r} at {where})"


def parse(text: str, file: str) -> Document:
    """Parse one YAML document; problems go to ``Document.diagnostics``, nothing raises."""
    doc = Document(file)
    hazard = _hazard(text)
    if hazard is not None:
        doc.error(*hazard)
        return doc
    from telconf.config.events import Fallback, build_from_events

    loader = _Loader(text)
    builder = _Builder(doc, loader)
    try:
        doc.data = build_from_events(builder, loader)
    except (Fallback, yaml.YAMLError):
        # The composer's way, from the start: what the events began is dropped, so
        # that each problem is reported once and a syntax error alone.
        doc.data = None
        doc.diagnostics.clear()
        doc.word_booleans.clear()
    else:
        if doc.data is Ellipsis:
            doc.data = None
            doc.error((1, 1), "the file is empty; expected a mapping with `version: 1` and `accounts`")
        return doc
    finally:
        loader.dispose()
    return _parse_composed(doc, text)


def _parse_composed(doc: Document, text: str) -> Document:
    """``parse`` by composing the node tree first (anchors, merge keys, tags...)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        context = ""
        if exc.context and exc.context_mark and exc.problem:
            context = f" ({exc.context} started at line {exc.context_mark.line + 1})"
        doc.error(where, f"YAML syntax: {exc.problem or exc.context}{context}{_variable_hint(text, exc)}")
        return doc
    except yaml.YAMLError as exc:
        doc.error((1, 1), f"YAML: {exc}")
        return doc
    finally:
        loader.dispose()
    if node is None:
        doc.error((1, 1), "the file is empty; expected a mapping with `version: 1` and `accounts`")
        return doc
    builder = _Builder(doc, loader)
    builder.may_merge = "<<" in text
    del text  # the composed nodes hold what is needed
    doc.data = builder.build(node, ())
    return doc


_UNQUOTED_VARIABLE = re.compile(r"""(?<!["'\w])\$\{[A-Za-z_][A-Za-z0-9_]*\}""")


def _variable_hint(text: str, exc: yaml.MarkedYAMLError) -> str:
    """A hint when a flow collection broke on an unquoted ``${NAME}``: `{` opens another mapping there."""
    if "flow" not in f"{exc.context} {exc.problem}":
        return ""
    lines = text.splitlines()
    marks = [m for m in (exc.context_mark, exc.problem_mark) if m is not None]
    for number in sorted({m.line for m in marks}):
        found = _UNQUOTED_VARIABLE.search(lines[number]) if number < len(lines) else None
        if found:
            name = found.group(0)
            return f"; inside {{...}} or [...] quote a variable: \"{name}\", not {name}"
    return ""


class _Builder:
    """Turns composed nodes into located values, remembering anchors once each."""

    def __init__(self, doc: Document, loader: Any):
        self.doc = doc
        self.loader = loader
        self.done: dict[int, Any] = {}
        self.building: set[int] = set()
        self.may_merge = True  # False when the text has no `<<`: no mapping needs flattening

    def build(self, node: yaml.Node, path: Path, depth: int = 0) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path[:-1], path[-1] if path else None)
        if depth > MAX_DEPTH:
            self.doc.error(_mark(node), f"the YAML is nested more than {MAX_DEPTH} levels deep")
            return None
        key = id(node)
        if key in self.done:
            return self.done[key]
        if key in self.building:
            self.doc.error(_mark(node), "a YAML alias refers to itself; recursive structures are not allowed")
            return None
        self.building.add(key)
        try:
            if isinstance(node, yaml.MappingNode):
                value: Any = self._mapping(node, path, depth)
            else:
                value = self._sequence(cast(yaml.SequenceNode, node), path, depth)  # scalars returned above
        finally:
            self.building.discard(key)
        self.done[key] = value
        return value

    def _child(self, node: yaml.Node, path: Path, step: str | int, depth: int) -> Any:
        """The value of one item; a plain text scalar (most of a file) takes the shortest way."""
        if node.__class__ is yaml.ScalarNode:
            if node.tag == _STR:
                return node.value
            return self._scalar(node, path, step)
        return self.build(node, path + (step,), depth + 1)

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> LocatedDict:
        mark = node.start_mark
        result = LocatedDict((mark.line + 1, mark.column + 1), self.doc.file)
        if node.tag not in (_MAP, "tag:yaml.org,2002:omap", "tag:yaml.org,2002:set"):
            self.doc.error(result.mark, f"unsupported YAML tag {node.tag}")
        pairs = node.value
        if self.may_merge and any(key_node.tag == _MERGE for key_node, _ in pairs):
            own = sum(1 for key_node, _ in pairs if key_node.tag != _MERGE)
            pairs = self._merged(node, result)
        else:
            own = len(pairs)
        key_marks, value_marks = result.key_marks, result.value_marks
        for index, (key_node, value_node) in enumerate(pairs):
            if key_node.__class__ is yaml.ScalarNode and key_node.tag == _STR:
                name = key_node.value
            else:
                name = self._key(key_node)
                if name is None:
                    continue
            key_mark = key_node.start_mark
            if name in result:
                if index < own:
                    first = key_marks[name]
                    self.doc.error((key_mark.line + 1, key_mark.column + 1),
                                   f"duplicate key {name!r} (first at line {first[0]}); each key may appear once")
                continue
            result[name] = self._child(value_node, path, name, depth)
            key_marks[name] = (key_mark.line + 1, key_mark.column + 1)
            value_mark = value_node.start_mark
            value_marks[name] = (value_mark.line + 1, value_mark.column + 1)
        if not self.may_merge:  # a merge reads the nodes of its anchor again
            node.value = []  # built: let the composed nodes go while the rest is built (peak memory)
        return result

    def _merged(self, node: yaml.MappingNode, result: LocatedDict) -> list[Any]:
        """The pairs of a mapping with `<<` merge keys: own keys first, so that they win as YAML says."""
        own = sum(1 for key_node, _ in node.value if key_node.tag != _MERGE)
        try:
            self.loader.flatten_mapping(node)  # merged pairs come first
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            self.doc.error((mark.line + 1, mark.column + 1) if mark else result.mark, f"YAML merge: {exc.problem}")
        merged = len(node.value) - own
        return node.value[merged:] + node.value[:merged]  # type: ignore[no-any-return]

    def _key(self, node: yaml.Node) -> str | None:
        """Keys are text as written: `0:` is "0", an unquoted `78123232323:` is "78123232323"."""
        mark = _mark(node)
        if not isinstance(node, yaml.ScalarNode):
            self.doc.error(mark, "a mapping key must be a plain value, not a list or a mapping")
            return None
        text: str = node.value
        if node.tag == _NULL and text in ("", "~"):
            self.doc.error(mark, "a mapping key is empty; expected a name")
            return None
        trap = _trap(node)
        if trap:
            self.doc.error(mark, trap)
        elif node.tag == _BOOL and text.lower() in _WORD_BOOLEANS and text != "on":
            # `on:` is a key of the language (an override's `on: holidays`): keys are read as
            # text here, and YAML 1.2 tools (editors' schema checks) read it as text too.
            self.doc.error(mark, f"YAML 1.1 reads the key `{text}` as a boolean; quote it: \"{text}\"")
        return text

    def _sequence(self, node: yaml.SequenceNode, path: Path, depth: int) -> LocatedList:
        result = LocatedList(_mark(node), self.doc.file)
        if node.tag != _SEQ:
            self.doc.error(result.mark, f"unsupported YAML tag {node.tag}")
        marks = result.item_marks
        for index, item in enumerate(node.value):
            result.append(self._child(item, path, index, depth))
            mark = item.start_mark
            marks.append((mark.line + 1, mark.column + 1))
        if not self.may_merge:
            node.value = []  # built: see _mapping
        return result

    def _scalar(self, node: yaml.ScalarNode, parent: Path, step: str | int | None) -> Any:
        tag, text = node.tag, node.value
        if tag == _STR:
            return text
        trap = _trap(node)
        if trap:
            self.doc.error(_mark(node), trap)
            return text  # go on with what was meant, so later checks still run
        if tag == _INT:
            return self.loader.construct_yaml_int(node)
        if tag == _BOOL:
            if text.lower() in _WORD_BOOLEANS:
                self.doc.word_booleans[parent + ((step,) if step is not None else ())] = text
            return self.loader.construct_yaml_bool(node)
        if tag == _NULL:
            return None
        if tag == _FLOAT:
            return self.loader.construct_yaml_float(node)
        if tag.startswith("tag:yaml.org,2002:"):  # timestamps, binary...: keep the text
            return text
        self.doc.error(_mark(node), f"unsupported YAML tag {tag}")
        return text


MAX_DEPTH = 64  # the schema needs about 10 levels
MAX_ALIAS_EXPANSION = 100_000  # values that aliases may add to a file
MAX_ALIAS_BYTES = 16 * 1024 * 1024  # and text (one long value repeated would fill `render`'s output)


def _hazard(text: str) -> tuple[Mark, str] | None:
    """A nesting too deep to compose, or aliases that expand too far ("billion laughs").

    Both would hang or crash the composer and every check after it (PyYAML composes
    recursively; aliases are cheap to write and expand exponentially), so they are found
    first, in one pass over the parser's events. The pass runs only when the text could
    hold either: plain files pay nothing.
    """
    if not (("&" in text and "*" in text) or (not _DEPTH_LIMITED and _could_be_deep(text))):
        return None
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> (values, characters) it stands for
    open_: list[list[Any]] = [[None, 0, 0]]  # [anchor, expanded values, expanded characters] of each open collection
    added = added_text = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(open_) > MAX_DEPTH:
                    return _event_mark(event), f"the YAML is nested more than {MAX_DEPTH} levels deep"
                open_.append([event.anchor, 1, 0])
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                anchor, size, chars = open_.pop()
            elif isinstance(event, yaml.AliasEvent):
                anchor, (size, chars) = None, sizes.get(event.anchor or "", (1, 0))
                added += size - 1
                added_text += chars
                if added > MAX_ALIAS_EXPANSION:
                    return _event_mark(event), (f"YAML aliases expand this file to more than "
                                                f"{MAX_ALIAS_EXPANSION} values; write the values out instead")
                if added_text > MAX_ALIAS_BYTES:
                    return _event_mark(event), (f"YAML aliases expand this file by more than "
                                                f"{MAX_ALIAS_BYTES // (1024 * 1024)} MB of text; write the values "
                                                f"out instead")
            elif isinstance(event, yaml.ScalarEvent):
                anchor, size, chars = event.anchor, 1, len(event.value)
            else:
                continue
            if anchor:
                sizes[anchor] = (size, chars)
            open_[-1][1] += size
            open_[-1][2] += chars
    except yaml.YAMLError:
        return None  # a syntax error: the composer reports it with its position
    return None


def _library_limits_depth() -> bool:
    """True when the YAML library stops deep nesting itself (libyaml 0.2.5+ stops at 1000 levels).

    Then its composer cannot crash, the builder stops at ``MAX_DEPTH`` with a position, and
    the pre-pass over every event (a third of the parse time of a large file) is needed
    only when the file has aliases.
    """
    if _BaseLoader is yaml.SafeLoader:
        return False  # the pure-Python composer recurses into RecursionError
    deep = "[" * 1100 + "]" * 1100
    try:
        yaml.compose(deep, Loader=_BaseLoader)
    except yaml.YAMLError:
        return True
    return False


_DEPTH_LIMITED = _library_limits_depth()


def _could_be_deep(text: str) -> bool:
    """Cheap over-estimate: many brackets, or a line indented or dashed that far."""
    if text.count("[") + text.count("{") > MAX_DEPTH:
        return True
    return any(len(line) - len(line.lstrip(" -")) > MAX_DEPTH for line in text.splitlines())


def _event_mark(event: Any) -> Mark:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _trap(node: yaml.ScalarNode) -> str | None:
    """The error for a scalar YAML 1.1 reads as a number different from its digits."""
    text = node.value
    if node.tag == _INT and not _PLAIN_DECIMAL.match(text):
        lowered = text.lower()
        kind = ("a sexagesimal (base 60)" if ":" in text else "a hexadecimal" if "x" in lowered
                else "a binary" if "b" in lowered else "an octal" if lowered.lstrip("+-").startswith("0")
                else "an")
        return f"YAML 1.1 reads `{text}` as {kind} integer, not as written; quote it: \"{text}\""
    if node.tag == _FLOAT and ":" in text:
        return f"YAML 1.1 reads `{text}` as a sexagesimal (base 60) number; quote it: \"{text}\""
    return None


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def walk(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every (path, value) under ``value``, depth first, containers before their items."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, path + (index,))


def matching(value: Any, pattern: tuple[str, ...], path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """(path, value) of each value at ``pattern`` under ``value``: ``*`` is any key or list item.

    Providers name the fields of their accounts this way (``voice_files/*/path``).
    """
    if not pattern:
        yield path, value
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(value, dict):
        for key, item in value.items():
            if head == "*" or head == key:
                yield from matching(item, rest, path + (key,))
    elif isinstance(value, list) and head == "*":
        for index, item in enumerate(value):
            yield from matching(item, rest, path + (index,))
