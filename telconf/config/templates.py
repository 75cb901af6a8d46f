"""Templates: settings many numbers share, written once under ``templates:``.

    templates:
      office:
        forwards:
          - to: sip:{line}
    accounts:
      spb:
        numbers:
          "+7 812 323-23-23": {use: office, with: {line: "101"}}

Expansion runs on the located YAML tree before the schema and the semantic checks, so
every rule applies to what a template gives a number. An expanded number is a new
mapping: keys taken from the template keep the template's positions (and file), keys
written beside ``use:`` replace them; ``Document.uses`` remembers, per number, which
template it came from, so that a diagnostic inside a template's value names both places.

A template is prepared once (:func:`_prepare`): where its parameters and ``{{``/``}}``
are. A use copies only the containers on the way to those places and shares the rest
with every other use, so the schema check and the providers' builders, which remember
what they checked by object identity, check a template's fixed parts once and each use
only what its parameters change. What every use adds is counted before any is built,
against the budget of ``telconf.config.budget``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from telconf.config.budget import MAX_TEMPLATE_BYTES, MAX_TEMPLATE_VALUES
from telconf.config.source import Document, LocatedDict, LocatedList, Mark, Path

# `{name}` is a parameter, `{{`/`}}` literal braces; `${NAME}` is an environment variable, left alone.
_TOKEN = re.compile(r"\{\{|\}\}|(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)\}")
_WHOLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}\Z")
NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")

USE_KEYS = ("use", "with")


@dataclass(frozen=True)
class Template:
    """A template as written: its settings, where it is, and the parameters its text names."""

    name: str
    settings: LocatedDict
    file: str
    mark: Mark
    parameters: Mapping[str, Path] = field(default_factory=dict)  # name -> first place it appears
    textual: bool = False  # holds a parameter or a `{{`/`}}`: each use gets its own copy
    braced: Mapping[str, Path] = field(default_factory=dict)  # `{name}` YAML read as a mapping
    recipe: Any = None  # where substitution happens (see _prepare); None: nowhere
    values: int = 0  # containers and scalars one use adds (aliases counted as often as used)
    text_bytes: int = 0  # characters of its text, keys included
    occurrences: Mapping[str, int] = field(default_factory=dict)  # parameter -> times it is written

    def cost(self, arguments: Mapping[str, Any]) -> tuple[int, int]:
        """(values, bytes of text) one use with ``arguments`` adds to the document."""
        grown = sum(count * len(str(arguments.get(name, ""))) for name, count in self.occurrences.items())
        return self.values, self.text_bytes + grown

    def place(self, doc: Document, using: Path) -> str:
        """Where the template is, as seen from the line at ``using``: ``line 3`` or ``FILE:3``."""
        return _place(doc, using, self.file, self.mark)


def _place(doc: Document, using: Path, file: str, mark: Mark) -> str:
    here = doc.locate(using)[0]
    return f"line {mark[0]}" if file == here else f"{file}:{mark[0]}"


@dataclass(frozen=True)
class Use:
    """How a number was expanded: from which template, and where ``use:`` was written."""

    template: str
    file: str
    mark: Mark
    template_keys: frozenset[str]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.mark[0]}:{self.mark[1]}"


def expand(doc: Document) -> None:
    """Replace every number's ``use:`` by the template's settings, in place; problems to ``doc``."""
    data = doc.data
    if not isinstance(data, dict):
        return
    templates = _templates(doc, data.get("templates"))
    accounts = data.get("accounts")
    if not isinstance(accounts, dict):
        return
    uses: list[tuple[LocatedDict, str, Path, LocatedDict, Template, dict[str, Any]]] = []
    for name, account in accounts.items():
        if not isinstance(account, dict) or not isinstance(account.get("numbers"), LocatedDict):
            continue
        provider = account.get("provider")
        numbers = account["numbers"]
        for number, entry in numbers.items():
            path: Path = ("accounts", name, "numbers", number)
            if isinstance(entry, LocatedDict) and "with" in entry and "use" not in entry:
                doc.diagnostics.append(doc.diagnostic(path + ("with",), "with: needs use: (the template it fills in)",
                                                      key=True))
            if isinstance(entry, LocatedDict) and "use" in entry:
                found = _checked_use(doc, path, entry, templates, provider)
                if found is not None:
                    uses.append((numbers, number, path, entry, *found))
    if not _within_budget(doc, uses):
        return  # nothing expanded: the file is refused at the use that passed the budget
    for numbers, number, where, entry, template, arguments in uses:
        numbers[number] = _expanded(doc, where, entry, template, arguments)


def _within_budget(doc: Document, uses: list[tuple[LocatedDict, str, Path, LocatedDict, Template,
                                                     dict[str, Any]]]) -> bool:
    """False (the error recorded at the ``use:`` that passes it) when the uses add more than the budget.

    Counted from each template's prepared size before anything is built: a 190 KB
    file asking for millions of values is refused in the time it takes to read it.
    """
    values = text = 0
    for _, _, path, _, template, arguments in uses:
        added, grown = template.cost(arguments)
        values, text = values + added, text + grown
        if values > MAX_TEMPLATE_VALUES or text > MAX_TEMPLATE_BYTES:
            what = (f"more than {MAX_TEMPLATE_VALUES:,} values" if values > MAX_TEMPLATE_VALUES
                    else f"more than {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB of text")
            doc.diagnostics.append(doc.diagnostic(
                path + ("use",), f"template {template.name!r} ({template.place(doc, path)}) adds {added:,} values "
                                 f"and {grown:,} bytes at each use; with this use the templates of the file expand "
                                 f"to {what}, the limit; write smaller templates or split the config"))
            return False
    return True


def _templates(doc: Document, raw: Any) -> dict[str, Template]:
    if not isinstance(raw, LocatedDict):
        return {}
    found = {}
    for name, settings in raw.items():
        if not isinstance(settings, LocatedDict):
            continue  # the schema reports it
        file, mark = doc.locate(("templates", name), key=True)
        parameters: dict[str, Path] = {}
        braced: dict[str, Path] = {}
        textual = _scan(settings, ("templates", name), parameters, braced)
        occurrences: dict[str, int] = {}
        sizes: dict[int, tuple[int, int]] = {}
        recipe = _prepare(settings, occurrences, {})
        _containers(settings, doc.shared)
        # The number's own mapping is new; the template's is not added, its items are.
        values, text = _size(settings, sizes)
        found[name] = Template(name, settings, file, mark, parameters, textual, braced, recipe, values - 1, text,
                               occurrences)
    return found


def _containers(value: Any, ids: set[int]) -> None:
    """Add the ids of the containers under ``value`` (the template's own) to ``ids``."""
    if isinstance(value, (dict, list)) and id(value) not in ids:
        ids.add(id(value))
        for item in value.values() if isinstance(value, dict) else value:
            _containers(item, ids)


def _size(value: Any, seen: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """(values, characters) of ``value`` as expanded: a container an alias repeats counts each time."""
    if isinstance(value, str):
        return 1, len(value)
    if not isinstance(value, (dict, list)):
        return 1, 8
    known = seen.get(id(value))
    if known is not None:
        return known
    values, text = 1, 0
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        size = _size(item, seen)
        values, text = values + size[0], text + size[1] + (len(key) if isinstance(key, str) else 0)
    seen[id(value)] = (values, text)
    return values, text


def _prepare(value: Any, occurrences: dict[str, int], seen: dict[int, Any]) -> Any:
    """Where ``value`` changes with the parameters: None (nowhere: shared by every use), or a recipe.

    A text's recipe is ``True``; a container's is ``{key or index: recipe}`` of its
    items that change. ``occurrences`` counts each parameter (for the budget).
    """
    if isinstance(value, str):
        tokens = [m.group(1) for m in _TOKEN.finditer(value)]
        for name in tokens:
            if name:
                occurrences[name] = occurrences.get(name, 0) + 1
        return True if tokens else None
    if not isinstance(value, (dict, list)):
        return None
    if id(value) in seen:  # an alias: the same recipe, parameters counted again
        for name in _names_under(value):
            occurrences[name] = occurrences.get(name, 0) + 1
        return seen[id(value)]
    items = value.items() if isinstance(value, dict) else enumerate(value)
    recipe = {key: sub for key, item in items if (sub := _prepare(item, occurrences, seen)) is not None}
    seen[id(value)] = recipe or None
    return recipe or None


def _names_under(value: Any) -> list[str]:
    if isinstance(value, str):
        return [m.group(1) for m in _TOKEN.finditer(value) if m.group(1)]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return [name for item in items for name in _names_under(item)]


def _scan(value: Any, path: Path, parameters: dict[str, Path], braced: dict[str, Path]) -> bool:
    """Collect the parameters under ``value``; True when some text needs substituting."""
    if isinstance(value, str):
        tokens = list(_TOKEN.finditer(value))
        for token in tokens:
            if token.group(1):
                parameters.setdefault(token.group(1), path)
        return bool(tokens)
    textual = False
    if isinstance(value, dict):
        if value and all(v is None for v in value.values()) and len(value) == 1:
            braced.setdefault(next(iter(value)), path)  # `to: {line}` unquoted: YAML's flow mapping
        for key, item in value.items():
            textual = _scan(item, path + (key,), parameters, braced) or textual
    elif isinstance(value, list):
        for index, item in enumerate(value):
            textual = _scan(item, path + (index,), parameters, braced) or textual
    return textual


def _checked_use(doc: Document, path: Path, entry: LocatedDict, templates: Mapping[str, Template],
                 provider: Any) -> tuple[Template, dict[str, Any]] | None:
    """The template a number uses and its arguments, or None (errors recorded) when they do not fit."""
    name = entry["use"]
    if not isinstance(name, str):
        return None  # the schema reports it
    template = templates.get(name)
    if template is None:
        known = ", ".join(sorted(templates)) or "none"
        doc.diagnostics.append(doc.diagnostic(path + ("use",), f"no template {name!r} (templates: {known})"))
        return None
    arguments = _arguments(doc, path, entry, template)
    if arguments is None:
        return None
    allowed = _template_keys(provider)
    misfit = sorted(k for k in template.settings if k not in (allowed or ()))
    if allowed is not None and misfit:
        keys = ", ".join(misfit)
        doc.diagnostics.append(doc.diagnostic(
            path + ("use",), f"template {name!r} ({template.place(doc, path)}) sets {keys}, which a {provider} number "
                             f"does not have (it has: {', '.join(sorted(allowed))})"))
        return None
    return template, arguments


def _expanded(doc: Document, path: Path, entry: LocatedDict, template: Template,
              arguments: Mapping[str, Any]) -> LocatedDict:
    """The number's settings with the template's filled in."""
    if len(entry) == 1 and not template.textual:
        # `{use: name}` alone: every such number gets the template's own settings, one
        # mapping shared (positions in the template), so that later checks see it once.
        file = (entry.key_files or {}).get("use") or entry.file or doc.file
        doc.uses[path] = Use(template.name, file, entry.key_marks["use"], frozenset(template.settings))
        return template.settings
    return _merge(doc, path, entry, template, arguments)


def _arguments(doc: Document, path: Path, entry: LocatedDict, template: Template) -> dict[str, Any] | None:
    """The ``with:`` values by parameter, or None (errors recorded) when they do not fit the template."""
    given = entry.get("with")
    if given is None:
        given = {}
    if not isinstance(given, dict):
        return None  # the schema reports it
    ok = True
    for parameter, value in given.items():
        if isinstance(value, dict):
            shown = "{" + ", ".join(value) + "}"
            doc.diagnostics.append(doc.diagnostic(
                path + ("with", parameter), f"with: YAML read `{shown}` as a mapping; a value that starts with "
                                            f"{{ must be quoted: \"{shown}\""))
            ok = False
        elif parameter not in template.parameters:
            hint = ""
            if parameter in template.braced:
                file, mark = doc.locate(template.braced[parameter])
                place = f"{_place(doc, path, file, mark)}:{mark[1]}"
                hint = (f"; YAML read `{{{parameter}}}` at {place} as a mapping: a value that "
                        f"starts with {{ must be quoted: \"{{{parameter}}}\"")
            used = ", ".join(sorted(template.parameters)) or "none"
            doc.diagnostics.append(doc.diagnostic(
                path + ("with", parameter), f"parameter {parameter!r} is not used by template {template.name!r} "
                                            f"({template.place(doc, path)}; its parameters: {used}){hint}", key=True))
            ok = False
    missing = [p for p in template.parameters if p not in given]
    for parameter in missing:
        file, mark = doc.locate(template.parameters[parameter])
        at = path + ("with",) if "with" in entry else path + ("use",)
        doc.diagnostics.append(doc.diagnostic(
            at, f"template {template.name!r} ({template.place(doc, path)}) needs parameter {parameter!r} "
                f"(written at {_place(doc, path, file, mark)}); give it under with:", key=True))
        ok = False
    return dict(given) if ok else None


def _merge(doc: Document, path: Path, entry: LocatedDict, template: Template,
           arguments: Mapping[str, Any]) -> LocatedDict:
    result = LocatedDict(entry.mark, entry.file)
    result.key_files = {}
    taken = set()
    recipe = template.recipe or {}
    for key, value in template.settings.items():
        if key in entry:
            continue  # written beside `use:`: replaces the template's key
        result[key] = _fill(value, recipe[key], arguments) if key in recipe else value
        result.key_marks[key] = template.settings.key_marks[key]
        result.value_marks[key] = template.settings.value_marks[key]
        result.key_files[key] = template.file
        taken.add(key)
    for key, value in entry.items():
        if key in USE_KEYS:
            continue
        result[key] = value
        result.key_marks[key] = entry.key_marks[key]
        result.value_marks[key] = entry.value_marks[key]
        if entry.key_files and key in entry.key_files:
            result.key_files[key] = entry.key_files[key]
    file = (entry.key_files or {}).get("use") or entry.file or doc.file
    doc.uses[path] = Use(template.name, file, entry.key_marks["use"], frozenset(taken))
    return result


def _fill(value: Any, recipe: Any, arguments: Mapping[str, Any]) -> Any:
    """``value`` with its parameters filled in as :func:`fill` does, copying only what changes.

    ``recipe`` (from :func:`_prepare`) names the items that hold parameters; every
    other item is the template's own object, shared with every use of the template.
    """
    if recipe is True:
        return fill(value, arguments)
    if isinstance(value, LocatedDict):
        copy = LocatedDict(value.mark, value.file)
        copy.key_marks, copy.value_marks, copy.key_files = value.key_marks, value.value_marks, value.key_files
        copy.update(value)
        for key, sub in recipe.items():
            copy[key] = _fill(value[key], sub, arguments)
        return copy
    items = LocatedList(value.mark, value.file)
    items.item_marks = value.item_marks
    items.extend(value)
    for index, sub in recipe.items():
        items[index] = _fill(value[index], sub, arguments)
    return items


def fill(value: Any, arguments: Mapping[str, Any]) -> Any:
    """``value`` with ``{name}`` replaced by ``arguments[name]`` and ``{{``/``}}`` unescaped.

    A text that is exactly ``{name}`` becomes the argument itself, so that a number stays
    a number (``timeout: "{wait}"`` with ``wait: 30``). Containers are copied with the
    template's positions; other values are shared.
    """
    if isinstance(value, str):
        whole = _WHOLE.match(value)
        if whole and whole.group(1) in arguments:
            return arguments[whole.group(1)]
        return _TOKEN.sub(lambda m: _token(m, arguments), value)
    if isinstance(value, LocatedDict):
        copy = LocatedDict(value.mark, value.file)
        copy.key_marks, copy.value_marks, copy.key_files = value.key_marks, value.value_marks, value.key_files
        for key, item in value.items():
            copy[key] = fill(item, arguments)
        return copy
    if isinstance(value, LocatedList):
        items = LocatedList(value.mark, value.file)
        items.item_marks = value.item_marks
        items.extend(fill(item, arguments) for item in value)
        return items
    return value


def _token(match: re.Match[str], arguments: Mapping[str, Any]) -> str:
    text = match.group(0)
    if text == "{{":
        return "{"
    if text == "}}":
        return "}"
    value = arguments[match.group(1)]
    return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def _template_keys(provider: Any) -> frozenset[str] | None:
    """The keys a number of ``provider`` may take from a template (None: unknown provider, the schema says so)."""
    from telconf.core import registry

    if not isinstance(provider, str) or provider not in registry.names():
        return None
    return registry.get(provider).template_keys
