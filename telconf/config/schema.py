"""The JSON Schema check: the first check ``validate`` runs, with messages that say where.

The schema is the file editors use too (``schemas/telconf.schema.json``); an installed
wheel carries it as ``telconf/schemas/``. jsonschema's messages are turned into ones
that say what was expected, at the line of the offending key or value.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from telconf.config.fastschema import Check, Unsupported, compile_schema
from telconf.config.source import Document
from telconf.core.errors import Diagnostic

if TYPE_CHECKING:
    from telconf.core.registry import ProviderDescriptor

if TYPE_CHECKING:  # jsonschema is imported when a file needs its messages (a valid one does not)
    import jsonschema
    from jsonschema.exceptions import ValidationError

SCHEMA_NAME = "telconf.schema.json"
CORE_SCHEMA = "core.schema.json"  # the core's part, in this package; providers add theirs


def schema_path() -> Path:
    """Where ``telconf.schema.json`` is: in the wheel (``telconf/schemas/``) or the checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "schemas" / SCHEMA_NAME, package.parent / "schemas" / SCHEMA_NAME):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{SCHEMA_NAME} is not installed with telconf (looked in {package})")


@functools.lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    from telconf.core import registry

    return compose(registry.providers().values(), on_broken=registry.leave_out)


def schema_text() -> str:
    """The config schema as a file holds it (``schemas/telconf.schema.json`` is this, built-ins only)."""
    return json.dumps(_schema(), ensure_ascii=False, indent=2) + "\n"


def compose(descriptors: Iterable[ProviderDescriptor],
            on_broken: Callable[[str, str], None] | None = None) -> dict[str, Any]:
    """The config schema: the core's (``core.schema.json``) with each provider's fragment.

    A fragment's ``account`` becomes ``$defs/<name>Account``, chosen by ``provider:``;
    its ``template`` properties join the template's; its ``$defs`` join the core's (a
    name defined twice would silently win: it is refused). A fragment refused, or that
    cannot be read, is a ``ProviderRegistryError``; with ``on_broken(name, reason)`` the
    provider is left out instead and the others composed.
    """
    from telconf.core.registry import ProviderRegistryError, package_text

    schema = json.loads(package_text("telconf.config", CORE_SCHEMA))
    defs: dict[str, Any] = schema["$defs"]
    account, template = defs["account"], defs["template"]
    choice = account["properties"]["provider"]
    names, described, keys = [], [], []
    for descriptor in descriptors:
        name = descriptor.name
        try:
            fragment = descriptor.schema_fragment()
            own = _definitions(name, fragment, defs)
        except ProviderRegistryError as exc:
            if on_broken is None:
                raise
            on_broken(name, str(exc))
            continue
        names.append(name)
        described.append(f"`{name}` ({descriptor.summary})")
        defs.update(own)
        account["allOf"].append({"if": {"properties": {"provider": {"const": name}}, "required": ["provider"]},
                                 "then": {"$ref": f"#/$defs/{name}Account"}})
        for key, value in fragment.get("template", {}).items():
            _add_template_key(template["properties"], key, value)
        keys.append(f"{descriptor.title} " + ", ".join(f"`{k}`" for k in fragment.get("template", {})))
        if "example" in fragment:
            account.setdefault("examples", []).append(fragment["example"])
            examples = schema["properties"]["accounts"]["examples"]
            if not examples:
                examples.append({})
            examples[0][f"my-{name}"] = fragment["example"]  # one example: an account of each provider
        if "template_example" in fragment:
            schema["properties"]["templates"]["examples"].append(fragment["template_example"])
            template.setdefault("examples", []).extend(fragment["template_example"].values())
    choice["enum"], choice["examples"] = names, names[:]
    choice["description"] = "The API of the account: " + (" or ".join(described) or "no provider is installed") + "."
    template["description"] = ("The settings of a template: keys a number may hold (" + "; ".join(keys)
                               + "). They are checked where a number uses the template.")
    return schema  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = _valid_schema()
    import jsonschema

    return jsonschema.validators.validator_for(schema)(schema)


def _valid_schema() -> dict[str, Any]:
    """The composed schema, checked against its meta-schema once jsonschema is needed anyway.

    A provider whose fragment makes it invalid (``"type": 5``) is left out, so that one
    broken package never stops the checking of the others' accounts.
    """
    import jsonschema

    from telconf.core import registry

    schema = _schema()
    cls = jsonschema.validators.validator_for(schema)
    try:
        cls.check_schema(schema)
        return schema
    except jsonschema.SchemaError:
        pass
    for name, descriptor in registry.providers().items():
        try:
            cls.check_schema(compose([descriptor]))
        except jsonschema.SchemaError as exc:
            registry.leave_out(name, f"its schema is not valid JSON Schema: {exc.message}")
    _schema.cache_clear()
    _compiled.cache_clear()
    return _schema()


@functools.lru_cache(maxsize=1)
def _compiled() -> Check | None:
    try:
        return compile_schema(_schema())
    except Unsupported:
        return None
    except Exception:  # noqa: BLE001 - a provider's odd schema: jsonschema checks it (and says why)
        return None


def _definitions(name: str, fragment: dict[str, Any], defs: Mapping[str, Any]) -> dict[str, Any]:
    """The ``$defs`` a provider's fragment adds (its account as ``<name>Account``); a bad one is refused."""
    from telconf.core.registry import ProviderRegistryError

    own = fragment.get("$defs", {})
    template = fragment.get("template", {})
    if not isinstance(own, dict) or not all(isinstance(v, dict) for v in own.values()) \
            or not isinstance(template, dict) or not all(isinstance(v, dict) for v in template.values()):
        raise ProviderRegistryError(f"provider {name}: its schema's '$defs' and 'template' must map names to schemas")
    own = {f"{name}Account": fragment["account"], **own}
    taken = sorted(set(own) & set(defs))
    if taken:
        raise ProviderRegistryError(f"provider {name}: its schema defines {taken[0]!r}, which is already "
                                    "defined; prefix the provider's definitions with its name")
    return own


def _add_template_key(properties: dict[str, Any], key: str, schema: Any) -> None:
    """A template key of one more provider: the same schema is kept once, another joins it as ``anyOf``.

    Two providers may both call a number's setting ``forwards``; a template is checked
    again where a number of a given provider uses it.
    """
    known = properties.get(key)
    if known is None or known == schema:
        properties[key] = schema
    elif isinstance(known, dict) and "anyOf" in known and set(known) <= {"anyOf", "description", "examples"}:
        if schema not in known["anyOf"]:
            known["anyOf"].append(schema)
            known.setdefault("examples", []).extend(_examples(schema))
    else:
        properties[key] = {"description": known.get("description", "") if isinstance(known, dict) else "",
                           "anyOf": [known, schema], "examples": _examples(known) + _examples(schema)}


def _examples(schema: Any) -> list[Any]:
    examples = schema.get("examples") if isinstance(schema, dict) else None
    return list(examples) if isinstance(examples, list) else []


class SchemaProblem(NamedTuple):
    """One schema violation: the path of the value it is about, and its diagnostic."""

    path: tuple[Any, ...]
    diagnostic: Diagnostic


def schema_problems(doc: Document) -> list[SchemaProblem]:
    """Every schema violation of ``doc.data``, one each, in file order."""
    fast = _compiled()
    if fast is not None and fast(doc.data, {}):
        return []  # the compiled schema accepts it: jsonschema would find nothing
    found: dict[tuple[str, int, int, str], SchemaProblem] = {}
    for error in _leaves(_validator().iter_errors(doc.data)):
        path = tuple(error.absolute_path)
        for where, at_key, message in _describe_all(error, doc, path):
            diagnostic = doc.diagnostic(where, message, key=at_key)
            found.setdefault((diagnostic.file, diagnostic.line, diagnostic.column, message),
                             SchemaProblem(where, diagnostic))
    return sorted(found.values(), key=lambda p: (p.diagnostic.line, p.diagnostic.column))


def _leaves(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    """Replace an ``anyOf`` failure by its most telling branch when one branch nearly fitted."""
    for error in errors:
        if error.validator in ("anyOf", "oneOf") and error.context:
            deeper = [e for e in error.context if len(e.absolute_path) > len(error.absolute_path)]
            if deeper and error.validator_value and not _all_required(error):
                from jsonschema.exceptions import best_match

                yield from _leaves([best_match(deeper)])
                continue
        yield error


def _all_required(error: ValidationError) -> bool:
    return all(e.validator == "required" for e in error.context)


def _describe_all(error: ValidationError, doc: Document,
                  path: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], bool, str]]:
    """(where to report, whether at a key, the message) for each problem one error stands for."""
    if "propertyNames" in error.absolute_schema_path:
        # jsonschema reports a bad key at its mapping; point at the key itself.
        return [(path + (error.instance,), True, _describe(error, doc, path))]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(_schema_of(error).get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        # One message per unknown key, at the key, rather than one at the start of its mapping.
        return [(path + (key,), True, f"unknown key {key!r}{_in(path)}; expected one of: {', '.join(allowed)}")
                for key in extra]
    return [(path, False, _describe(error, doc, path))]


def _describe(error: ValidationError, doc: Document, path: tuple[Any, ...]) -> str:
    """The message for one schema error: what is wrong and what was expected."""
    schema, value, kind = _schema_of(error), error.instance, error.validator
    expected_value: Any = error.validator_value  # what the failed keyword asked for (the stubs add Unset)
    field = _field(path)
    if kind == "type" and path in doc.word_booleans:
        text = doc.word_booleans[path]
        return f"{field}YAML 1.1 reads `{text}` as a boolean; quote it: \"{text}\""
    if kind == "type":
        expected = _types(expected_value)
        return f"{field}expected {expected}, got {_show(value)}"
    if kind == "required":
        missing = [k for k in expected_value if isinstance(value, dict) and k not in value]
        plural = "s" if len(missing) > 1 else ""
        return f"{field}missing required key{plural} {', '.join(repr(k) for k in missing)}"
    if kind in ("anyOf", "oneOf") and _all_required(error):
        keys = " or ".join(f"`{_first_key(e)}`" for e in error.context)
        return f"{field}expected {keys}"
    if kind in ("anyOf", "oneOf"):
        return f"{field}got {_show(value)}; expected {schema.get('description', 'another value')}"
    if kind in ("minimum", "maximum"):
        low, high = schema.get("minimum"), schema.get("maximum")
        return f"{field}{_show(value)} is out of range; expected {low}..{high}"
    if kind in ("enum", "const"):
        choices = expected_value if kind == "enum" else [expected_value]
        return f"{field}got {_show(value)}; expected {' or '.join(_show(c) for c in choices)}"
    if kind == "pattern":
        return f"{field}{_show(value)} is not valid; expected {_first_sentence(schema)}"
    if kind == "minLength":
        return f"{field}empty; expected {_first_sentence(schema)}"
    return f"{field}{error.message}"


def _field(path: tuple[Any, ...]) -> str:
    return f"{path[-1]}: " if path and isinstance(path[-1], str) else ""


def _in(path: tuple[Any, ...]) -> str:
    named = [p for p in path if isinstance(p, str)]
    return f" in {named[-1]}" if named else ""


def _types(value: Any) -> str:
    names = {"object": "a mapping", "array": "a list", "string": "a string (quote it)", "integer": "an integer",
             "boolean": "true or false", "null": "null", "number": "a number"}
    items: list[str] = value if isinstance(value, list) else [value]  # JSON Schema type names
    return " or ".join(names.get(t, t) for t in items)


def _show(value: Any) -> str:
    if value is None:
        return "null (an empty value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _schema_of(error: ValidationError) -> Mapping[str, Any]:
    """The subschema that failed: always a mapping in telconf's schema (it has no boolean subschemas)."""
    schema = error.schema
    return schema if isinstance(schema, Mapping) else {}


def _first_key(error: ValidationError) -> Any:
    """The first key a ``required`` error asked for."""
    required: Any = error.validator_value
    return next(iter(required))


def _first_sentence(schema: Mapping[str, Any]) -> str:
    text = str(schema.get("description", "another value"))
    sentence = text.split(". ")[0].rstrip(".")
    return sentence[:1].lower() + sentence[1:]
